/**
 * A VulnStore held in memory, for matcher tests without a database: records are indexed by
 * (ecosystem, normalised name) exactly as the contract in src/vulndb/types.ts says the real
 * stores do, so a test that passes here exercises the same look-up keys.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { normalizePackageName } from "../../src/vulndb/ecosystem.js";
import type { DbStatus, EcosystemCount, OsvRecord, StoredRecord, VulnStore } from "../../src/vulndb/types.js";

export class MemoryVulnStore implements VulnStore {
  private readonly index = new Map<string, StoredRecord[]>();
  private readonly perEcosystem = new Map<string, Set<string>>();
  lookups = 0;

  constructor(records: Iterable<StoredRecord> = []) {
    for (const r of records) this.add(r.record, r.source);
  }

  add(record: OsvRecord, source = "osv"): this {
    const stored: StoredRecord = { source, record };
    const seen = new Set<string>();
    for (const a of record.affected ?? []) {
      if (!a.package) continue;
      const key = `${a.package.ecosystem}\u0000${normalizePackageName(a.package.ecosystem, a.package.name)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const list = this.index.get(key);
      if (list) list.push(stored);
      else this.index.set(key, [stored]);
      const ids = this.perEcosystem.get(a.package.ecosystem) ?? new Set();
      ids.add(record.id);
      this.perEcosystem.set(a.package.ecosystem, ids);
    }
    return this;
  }

  async lookup(ecosystem: string, names: readonly string[]): Promise<Map<string, StoredRecord[]>> {
    this.lookups++;
    const out = new Map<string, StoredRecord[]>();
    for (const n of names) {
      const list = this.index.get(`${ecosystem}\u0000${normalizePackageName(ecosystem, n)}`);
      if (list) out.set(n, list);
    }
    return out;
  }

  async ecosystems(): Promise<EcosystemCount[]> {
    return [...this.perEcosystem]
      .map(([ecosystem, ids]) => ({ ecosystem, records: ids.size }))
      .sort((a, b) => (a.ecosystem < b.ecosystem ? -1 : 1));
  }

  async status(): Promise<DbStatus> {
    const ecosystems = await this.ecosystems();
    return {
      schemaVersion: 1,
      location: "memory",
      sources: [{ id: "memory", records: ecosystems.reduce((n, e) => n + e.records, 0) }],
      ecosystems,
    };
  }

  async close(): Promise<void> {}
}

/** Every OSV JSON record under a directory (recursive). */
export function readOsvDir(dir: string): OsvRecord[] {
  const out: OsvRecord[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...readOsvDir(p));
    else if (name.endsWith(".json") && name !== "index.json")
      out.push(JSON.parse(readFileSync(p, "utf8")) as OsvRecord);
  }
  return out;
}
