/**
 * Scanning one running image for `audit` and `monitor` with the library `portcullis scan` uses:
 * read `repository@digest` and catalog it (src/catalog), or take its SBOM from the scan's SBOM
 * cache (keyed by digest, shared with the policy's scan evidence), then match the packages against
 * the vulnerability database (src/scan). Rows are in the audit's four severities (negligible and
 * unknown count as low, as in scan's findings), one per vulnerability id and package.
 * The database may be missing: the scanner is then `unavailable` (with the reason) until
 * `reopen()` finds one (monitor reopens after its scheduled `db update`). `refresh()` notices a
 * database changed by another process: an SQLite file replaced (a new inode: `db export` onto
 * the path, a copy moved into place) is reopened, one written in place (another replica's
 * `db update`) is re-read; a file that has not been touched costs two stat calls. Whether the
 * data changed is told by the sources' validators (ETag, Last-Modified) and record counts, so a
 * `db update` that found every source unchanged (a 304) moves the age, not the data version.
 * Not for: storing results per digest (src/monitor/store.ts) or choosing what to scan.
 */
import { statSync } from "node:fs";
import type { CatalogResult } from "../catalog/index.js";
import type { RegistryClientOptions } from "../registry/index.js";
import { isPostgresLocation, openScanDatabase, VulnDbMissingError } from "../scan/database.js";
import { findingSeverity } from "../scan/report/findings.js";
import type { SbomCache } from "../scan/sbom-cache.js";
import type { DbStatus, VulnStore } from "../vulndb/types.js";
import type { ImageScanner, ScannedVulnerability } from "./scan-status.js";

/** What the data is: each source's id, URL, validator (else update time) and record count. */
function dataVersion(s: DbStatus): string {
  return JSON.stringify(
    s.sources.map((x) => [x.id, x.url ?? "", x.etag ?? x.lastModified ?? x.updatedAt ?? "", x.records]),
  );
}

interface FileStamp {
  /** Device and inode: another value means another file at the path. */
  id: string;
  /** Size and modification time of the file and its WAL: unchanged means nothing was written. */
  state: string;
}

function fileStamp(file: string): FileStamp | undefined {
  let main: ReturnType<typeof statSync>;
  try {
    main = statSync(file);
  } catch {
    return undefined;
  }
  let wal = "";
  try {
    const w = statSync(`${file}-wal`);
    wal = `${w.size}:${w.mtimeMs}`;
  } catch {
    // no WAL (a single-file database)
  }
  return { id: `${main.dev}:${main.ino}`, state: `${main.size}:${main.mtimeMs}:${wal}` };
}

export interface ImageScannerOptions {
  /** The vulnerability database (a file or postgres:// URL), as resolved by vulnDbLocation. */
  dbLocation: string;
  registry?: RegistryClientOptions;
  platform?: string;
  /** Read an image (tests and benches inject); default catalogImage. */
  catalog?: (image: string) => Promise<CatalogResult>;
  /** Keep catalogs in the scan SBOM cache beside the database (default true). */
  sbomCache?: boolean;
}

export class VulnerabilityScanner implements ImageScanner {
  private store?: VulnStore;
  private cache?: Promise<SbomCache | undefined>;
  /** Why there is no database (when unavailable). */
  missing?: string;
  private updatedAt?: string;
  private changedAt?: string;
  private version?: string;
  /** The SQLite file as last opened or re-read (undefined for PostgreSQL). */
  private file?: FileStamp;

  private constructor(private readonly opts: ImageScannerOptions) {}

  /** Open the database (a missing one leaves the scanner unavailable, never throws for it). */
  static async open(opts: ImageScannerOptions): Promise<VulnerabilityScanner> {
    const s = new VulnerabilityScanner(opts);
    await s.reopen();
    return s;
  }

  available(): boolean {
    return this.store !== undefined;
  }

  private get isFile(): boolean {
    return !isPostgresLocation(this.opts.dbLocation);
  }

  /** (Re)open the database, e.g. after `db update` replaced it (the new one first, then the old closed). */
  async reopen(): Promise<void> {
    // Stamped before opening: a file swapped in meanwhile is seen by the next refresh().
    const stamp = this.isFile ? fileStamp(this.opts.dbLocation) : undefined;
    const old = this.store;
    let next: VulnStore | undefined;
    try {
      next = await openScanDatabase(this.opts.dbLocation);
    } catch (err) {
      if (!(err instanceof VulnDbMissingError)) throw err;
      this.missing = err.message;
      this.updatedAt = undefined;
      this.changedAt = undefined;
      this.version = undefined;
    }
    this.store = next;
    this.file = stamp;
    if (next) this.missing = undefined;
    await old?.close();
    if (next) this.noteStatus(await next.status());
  }

  /** Take a status's update time; true when its data version differs from the one known. */
  private noteStatus(status: DbStatus): boolean {
    this.updatedAt = status.updatedAt;
    const version = dataVersion(status);
    if (version === this.version) return false;
    this.version = version;
    this.changedAt = status.updatedAt;
    return true;
  }

  /**
   * Notice a database changed by another process and reopen or re-read it; true when its data
   * changed (a new file with the same data, or a 304 re-check, only moves databaseUpdatedAt).
   */
  async refresh(): Promise<boolean> {
    if (this.isFile) {
      const now = fileStamp(this.opts.dbLocation);
      // Removed: keep reading the open file until another one is put in place.
      if (!now) return false;
      if (now.id === this.file?.id && now.state === this.file.state) return false;
      if (now.id !== this.file?.id || !this.store) {
        const before = this.version;
        await this.reopen();
        return this.version !== undefined && this.version !== before;
      }
      this.file = now;
    } else if (!this.store) {
      const before = this.version;
      await this.reopen();
      return this.version !== undefined && this.version !== before;
    }
    return this.noteStatus(await (this.store as VulnStore).status());
  }

  /** The newest source update of the database (ISO), when known. */
  databaseUpdatedAt(): string | undefined {
    return this.updatedAt;
  }

  /** The newest source update that changed the data, as far as this scanner has seen (ISO). */
  databaseChangedAt(): string | undefined {
    return this.changedAt;
  }

  /** The SBOM cache, opened on first use (a cache that cannot be opened is skipped). */
  private sbomCache(): Promise<SbomCache | undefined> {
    if (this.opts.sbomCache === false) return Promise.resolve(undefined);
    this.cache ??= import("../scan/sbom-cache.js").then(({ SbomCache, sbomCachePath }) =>
      SbomCache.open(sbomCachePath(this.opts.dbLocation)),
    );
    return this.cache;
  }

  /** The image's packages: from the SBOM cache, else read from its registry (and cached). */
  async catalog(repository: string, digest: string): Promise<CatalogResult> {
    const cache = await this.sbomCache();
    const cached = cache?.get(digest, this.opts.platform);
    if (cached) return cached;
    const image = `${repository}@${digest}`;
    let catalog: CatalogResult;
    if (this.opts.catalog) catalog = await this.opts.catalog(image);
    else {
      const { catalogImage } = await import("../catalog/index.js");
      catalog = await catalogImage(image, { platform: this.opts.platform, registry: this.opts.registry });
    }
    cache?.put(digest, catalog, this.opts.platform);
    return catalog;
  }

  /** Match a catalog (an SBOM) against the database now. */
  async match(catalog: CatalogResult): Promise<ScannedVulnerability[]> {
    const store = this.store;
    if (!store) throw new VulnDbMissingError(this.missing ?? "no vulnerability database");
    const { scanCatalog } = await import("../scan/scan.js");
    const result = await scanCatalog(catalog, store);
    const out = new Map<string, ScannedVulnerability>();
    for (const f of result.vulnerabilities) {
      const key = `${f.id}|${f.package.name}`;
      if (out.has(key)) continue;
      out.set(key, {
        id: f.id,
        severity: findingSeverity(f.severity),
        package: f.package.name,
        version: f.package.version,
        ...(f.fixedVersions[0] ? { fixedVersion: f.fixedVersions[0] } : {}),
      });
    }
    return [...out.values()];
  }

  async scan(
    repository: string,
    digest: string,
  ): Promise<{ sbom: CatalogResult; vulnerabilities: ScannedVulnerability[] }> {
    if (!this.store) throw new VulnDbMissingError(this.missing ?? "no vulnerability database");
    const sbom = await this.catalog(repository, digest);
    return { sbom, vulnerabilities: await this.match(sbom) };
  }

  rescan(sbom: CatalogResult): Promise<ScannedVulnerability[]> {
    return this.match(sbom);
  }

  async close(): Promise<void> {
    (await this.cache)?.close();
    await this.store?.close();
    this.store = undefined;
  }
}
