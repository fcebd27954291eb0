/**
 * Package URLs for every ecosystem we catalog, built with packageurl-js so the encoding follows
 * the purl spec (versions keep `+`, npm scopes become `%40scope`). OS packages carry the distro
 * qualifier (`distro=debian-12`) and the architecture.
 */
import { PackageURL } from "packageurl-js";
import type { OsInfo } from "../image/os-release.js";
import type { PackageType } from "./types.js";

export function purl(
  type: PackageType,
  namespace: string | undefined,
  name: string,
  version: string | undefined,
  qualifiers?: Record<string, string | undefined>,
  subpath?: string,
): string {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(qualifiers ?? {})) if (v) q[k] = v;
  return new PackageURL(
    type,
    namespace || undefined,
    name,
    version || undefined,
    Object.keys(q).length ? q : undefined,
    subpath,
  ).toString();
}

export function distroQualifier(os: OsInfo | undefined): string | undefined {
  if (!os) return undefined;
  return os.version ? `${os.family}-${os.version}` : os.family;
}

/** PEP 503 normalised name: lower case, runs of -_. become one dash. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}
