/**
 * Scanning one running image for `audit` and `monitor` with the library `portcullis scan` uses:
 * read `repository@digest` and catalog it (src/catalog), or take its SBOM from the scan's SBOM
 * cache (keyed by digest, shared with the policy's scan evidence), then match the packages against
 * the vulnerability database (src/scan). Rows are in the audit's four severities (negligible and
 * unknown count as low, as in scan's findings), one per vulnerability id and package.
 * The database may be missing: the scanner is then `unavailable` (with the reason) until
 * `reopen()` finds one (monitor reopens after its scheduled `db update`).
 * Not for: storing results per digest (src/monitor/store.ts) or choosing what to scan.
 */
import type { CatalogResult } from "../catalog/index.js";
import type { RegistryClientOptions } from "../registry/index.js";
import { openScanDatabase, VulnDbMissingError } from "../scan/database.js";
import { findingSeverity } from "../scan/report/findings.js";
import type { SbomCache } from "../scan/sbom-cache.js";
import type { VulnStore } from "../vulndb/types.js";
import type { ImageScanner, ScannedVulnerability } from "./scan-status.js";

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

  /** (Re)open the database, e.g. after `db update` replaced it. */
  async reopen(): Promise<void> {
    const old = this.store;
    this.store = undefined;
    await old?.close();
    try {
      this.store = await openScanDatabase(this.opts.dbLocation);
      this.missing = undefined;
      this.updatedAt = (await this.store.status()).updatedAt;
    } catch (err) {
      if (!(err instanceof VulnDbMissingError)) throw err;
      this.missing = err.message;
      this.updatedAt = undefined;
    }
  }

  /** The newest source update of the database (ISO), when known. */
  databaseUpdatedAt(): string | undefined {
    return this.updatedAt;
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
