/**
 * Rust: Cargo.lock `[[package]]` entries (name, version, source). Workspace members (no source)
 * are included. Binaries built with cargo auditable are read by cargo-auditable.ts.
 * purl: pkg:cargo/<name>@<version>.
 */
import { tomlTables } from "./poetry-lock.js";
import { purl } from "./purl.js";
import { basename, type Cataloger, lockFilePackages, readText } from "./types.js";

interface Crate {
  name: string;
  version: string;
  source?: string;
}

export const cargoLockCataloger: Cataloger<Crate[]> = {
  id: "cargo-lock",
  title: "Cargo.lock",
  docs: "Cargo.lock packages",
  wants: (path, info) => info.type === "file" && basename(path) === "Cargo.lock",
  async read(file) {
    return tomlTables(await readText(file, 32 << 20), "package")
      .filter((t) => t.name && t.version)
      .map((t) => ({ name: t.name, version: t.version, source: t.source }));
  },
  build: (found) =>
    lockFilePackages(found, {
      type: "cargo",
      foundBy: "cargo-lock",
      purl: (c) => purl("cargo", undefined, c.name, c.version),
      metadata: (c) => (c.source ? { source: c.source } : undefined),
    }),
};
