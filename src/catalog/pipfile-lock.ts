/**
 * Pipfile.lock: the `default` section's pinned versions (`"version": "==2.31.0"`); the `develop`
 * section is left out.
 */
import { normalizePythonName, purl } from "./purl.js";
import { basename, type Cataloger, lockFilePackages, readText } from "./types.js";

interface LockPkg {
  name: string;
  version: string;
}

export const pipfileLockCataloger: Cataloger<LockPkg[]> = {
  id: "pipfile-lock",
  title: "Pipfile.lock",
  docs: "Pipfile.lock default section",
  wants: (path, info) => info.type === "file" && basename(path) === "Pipfile.lock",
  async read(file) {
    const json = JSON.parse(await readText(file, 32 << 20)) as {
      default?: Record<string, { version?: string }>;
    };
    return Object.entries(json.default ?? {})
      .filter(([, v]) => typeof v?.version === "string" && v.version.startsWith("=="))
      .map(([name, v]) => ({ name, version: (v.version as string).slice(2) }));
  },
  build: (found) =>
    lockFilePackages(found, {
      type: "pypi",
      foundBy: "pipfile-lock",
      purl: (p) => purl("pypi", undefined, normalizePythonName(p.name), p.version),
    }),
};
