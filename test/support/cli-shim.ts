/**
 * A `portcullis` executable on PATH that runs this checkout's CLI (src/cli/main.ts under tsx),
 * for tests that drive Portcullis through other tools (pre-commit, the CI action's shell steps).
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./shared.js";

/** Make a folder holding `portcullis`; returns the folder (prepend it to PATH). */
export function portcullisShim(): string {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-bin-"));
  const tsx = pathToFileURL(createRequire(join(repoRoot, "package.json")).resolve("tsx")).href;
  const main = join(repoRoot, "src/cli/main.ts");
  const file = join(dir, "portcullis");
  writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${main}" "$@"\n`);
  chmodSync(file, 0o755);
  return dir;
}
