/**
 * pnpm-lock.yaml: lockfileVersion 5.x (`/name/1.2.3` keys), 6.x (`/name@1.2.3`) and 9.x
 * (`name@1.2.3`). Peer-dependency suffixes (`(react@18.2.0)`, `_react@18.2.0`) are dropped;
 * entries marked `dev: true` are left out.
 */
import { parse } from "yaml";
import { npmPurl } from "./npm-package.js";
import { basename, type Cataloger, lockFilePackages, readText } from "./types.js";

interface PnpmEntry {
  name: string;
  version: string;
}

export function parsePnpmKey(rawKey: string): PnpmEntry | undefined {
  let key = rawKey.replace(/\(.*$/, "");
  if (key.startsWith("/")) key = key.slice(1);
  // v5: name/version[_peer@x] or @scope/name/version — the last segment starts with a digit
  const parts = key.split("/");
  const last = parts[parts.length - 1];
  if (parts.length >= 2 && /^\d/.test(last) && !(parts.length === 2 && parts[0].startsWith("@"))) {
    return { name: parts.slice(0, -1).join("/"), version: last.split("_")[0] };
  }
  // v6+: name@version
  const at = key.lastIndexOf("@");
  if (at > 0) {
    const version = key.slice(at + 1).split("_")[0];
    const name = key.slice(0, at);
    if (name && version) return { name, version };
  }
  return undefined;
}

export function parsePnpmLock(text: string): PnpmEntry[] {
  const doc = parse(text) as {
    packages?: Record<string, { dev?: boolean; name?: string; version?: string }>;
  };
  const out: PnpmEntry[] = [];
  for (const [key, v] of Object.entries(doc?.packages ?? {})) {
    if (v?.dev === true) continue;
    const e = parsePnpmKey(key);
    if (!e) continue;
    out.push({ name: v?.name ?? e.name, version: v?.version ?? e.version });
  }
  return out;
}

export const pnpmLockCataloger: Cataloger<PnpmEntry[]> = {
  id: "pnpm-lock",
  title: "pnpm-lock.yaml (v5, v6, v9)",
  docs: "pnpm-lock.yaml outside node_modules; dev entries excluded",
  wants: (path, info) =>
    info.type === "file" && basename(path) === "pnpm-lock.yaml" && !path.includes("node_modules/"),
  read: async (file) => parsePnpmLock(await readText(file, 64 << 20)),
  build: (found) =>
    lockFilePackages(found, { type: "npm", foundBy: "pnpm-lock", purl: (e) => npmPurl(e.name, e.version) }),
};
