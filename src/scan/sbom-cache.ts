/**
 * SBOMs cached by manifest digest, so the policy's scan evidence rescans an image against new
 * vulnerability data without pulling it again. A small SQLite file beside the vulnerability
 * database (`<db>.sboms`; for a PostgreSQL database, `$XDG_CACHE_HOME/portcullis/sboms.db`),
 * separate from it so `db update`'s atomic swap never touches it. A cache that cannot be opened
 * or written (read-only mount) is skipped: it only saves work.
 */
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { CatalogResult } from "../catalog/index.js";
import { isPostgresLocation } from "./database.js";

type Db = import("better-sqlite3").Database;

export function sbomCachePath(dbLocation: string): string {
  if (isPostgresLocation(dbLocation)) {
    const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
    return join(cache, "portcullis", "sboms.db");
  }
  return `${dbLocation}.sboms`;
}

export class SbomCache {
  private constructor(private readonly db: Db) {}

  /** Open (creating) the cache; undefined when it cannot be. */
  static async open(path: string): Promise<SbomCache | undefined> {
    try {
      const { default: Database } = await import("better-sqlite3");
      mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path, { timeout: 2_000 });
      db.pragma("journal_mode = WAL");
      db.exec(
        "CREATE TABLE IF NOT EXISTS sbom (digest TEXT NOT NULL, platform TEXT NOT NULL, created TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (digest, platform))",
      );
      return new SbomCache(db);
    } catch {
      return undefined;
    }
  }

  get(digest: string, platform = ""): CatalogResult | undefined {
    try {
      const row = this.db
        .prepare("SELECT data FROM sbom WHERE digest = ? AND platform = ?")
        .get(digest, platform) as { data: Buffer } | undefined;
      return row ? (JSON.parse(gunzipSync(row.data).toString("utf8")) as CatalogResult) : undefined;
    } catch {
      return undefined;
    }
  }

  put(digest: string, catalog: CatalogResult, platform = ""): void {
    try {
      this.db
        .prepare("INSERT OR REPLACE INTO sbom (digest, platform, created, data) VALUES (?, ?, ?, ?)")
        .run(digest, platform, new Date().toISOString(), gzipSync(JSON.stringify(catalog)));
    } catch {
      // read-only or locked: the next scan reads the image again
    }
  }

  close(): void {
    this.db.close();
  }
}
