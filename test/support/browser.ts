/**
 * A real headless browser for HTML tests: Debian's chromium driven by playwright-core (its own
 * browser download cannot work here). Tests skip with a message when chromium is not installed;
 * `.ci/run` installs it.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./shared.js";

export const CHROMIUM = process.env.PORTCULLIS_CHROMIUM ?? "/usr/bin/chromium";

export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (apt-get install chromium; .ci/run does)`;
}

export async function launchBrowser() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Where tests leave artefacts (screenshots) for a person to look at: test-artifacts/ (git-ignored). */
export function artifactDir(): string {
  const dir = join(repoRoot, "test-artifacts");
  mkdirSync(dir, { recursive: true });
  return dir;
}
