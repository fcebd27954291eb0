/**
 * Small builders for matcher tests: a catalog Package with only what matching reads, and an OSV
 * record with one affected package.
 */
import type { Package, PackageType } from "../../src/catalog/types.js";
import type { OsvAffected, OsvRecord } from "../../src/vulndb/types.js";

export function pkg(type: PackageType, name: string, version: string, extra: Partial<Package> = {}): Package {
  return {
    type,
    name,
    version,
    purl: `pkg:${type}/${name}@${version}`,
    licenses: [],
    locations: [{ path: "/test" }],
    foundBy: "test",
    ...extra,
  };
}

export function osvRecord(id: string, affected: OsvAffected[], extra: Partial<OsvRecord> = {}): OsvRecord {
  return { id, modified: "2026-01-01T00:00:00Z", affected, ...extra };
}
