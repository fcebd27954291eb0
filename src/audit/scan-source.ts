/**
 * Audit's answer to "what is known about this digest" when scanning is on: a stored result
 * that is current (scanned after the database's last update) is used as it is; otherwise the
 * digest's stored SBOM, else its cached or freshly read catalog, is matched against the database
 * now, and the result is stored (so first-seen times carry over to `--since`). With no database,
 * stored results are still reported and everything else is "not scanned" with the reason.
 * A running digest may be a multi-platform index: with an explicit platform (`--platform`), a
 * result whose stored SBOM was read for another platform of that index is not reused (it is
 * scanned again for the platform asked, or reported "not scanned" saying which one it is for).
 * Not for: deciding what counts as a finding (run.ts) or reading images (image-scanner.ts).
 */
import type { CatalogResult } from "../catalog/index.js";
import type { ResultStore } from "../monitor/store.js";
import { formatPlatform, type PlatformSpec, parsePlatform, platformMatches } from "../registry/platform.js";
import type { ImageScanner, ImageScanSource, ImageScanStatus } from "./scan-status.js";

export interface ScanningSourceOptions {
  /** Undefined or unavailable: no database (see missingReason). */
  scanner?: ImageScanner;
  /** Why images cannot be scanned (database missing, --no-scan). */
  missingReason?: string;
  /** Stored results and SBOMs per digest (monitor's store, --results-db). */
  results?: ResultStore;
  /** The platform asked for (`os/arch[/variant]`), as the scanner reads it from an index. */
  platform?: string;
  now?: () => Date;
}

export class ScanningSource implements ImageScanSource {
  /** Digests scanned (not answered from the store), for reports and benches. */
  scanned = 0;

  private readonly want?: PlatformSpec;

  constructor(private readonly opts: ScanningSourceOptions) {
    if (opts.platform) this.want = parsePlatform(opts.platform);
  }

  /** The platform a stored SBOM was read for, when it is another platform of the index `digest`. */
  private otherPlatform(sbom: CatalogResult, digest: string): string | undefined {
    const have = sbom.image.platform;
    if (!this.want || !have || sbom.image.digest === digest) return undefined;
    return platformMatches(this.want, have) ? undefined : formatPlatform(have);
  }

  async lookup(digest: string, repository: string): Promise<ImageScanStatus> {
    const { scanner, results } = this.opts;
    // With a platform asked for, the stored SBOM says which platform the stored result is for.
    let sbom = this.want ? await results?.storedSbom(digest) : undefined;
    const other = sbom && this.otherPlatform(sbom, digest);
    if (other) sbom = undefined;
    const stored = results && !other ? await results.lookup(digest) : undefined;
    if (!scanner || scanner.available?.() === false) {
      if (stored?.state === "scanned") return stored;
      const reason = this.opts.missingReason ?? "no vulnerability database";
      return {
        state: "not-scanned",
        reason: other ? `${reason}; the stored result is for ${other}, not ${this.opts.platform}` : reason,
      };
    }
    const dbTime = scanner.databaseChangedAt?.() ?? scanner.databaseUpdatedAt?.();
    if (stored?.state === "scanned" && dbTime && Date.parse(stored.scannedAt) >= Date.parse(dbTime))
      return stored;
    const now = this.opts.now?.() ?? new Date();
    try {
      if (!this.want) sbom = await results?.storedSbom(digest);
      let scan: Awaited<ReturnType<ImageScanner["scan"]>>;
      if (sbom && scanner.rescan) scan = { vulnerabilities: await scanner.rescan(sbom) };
      else scan = await scanner.scan(repository, digest);
      this.scanned++;
      if (results) {
        await results.record({
          digest,
          repository,
          scannedAt: now,
          sbom: scan.sbom,
          vulnerabilities: scan.vulnerabilities,
        });
        return results.lookup(digest);
      }
      const firstSeen = now.toISOString();
      return {
        state: "scanned",
        scannedAt: firstSeen,
        vulnerabilities: scan.vulnerabilities
          .map((v) => ({ ...v, firstSeen }))
          .sort((a, b) => (a.id === b.id ? (a.package < b.package ? -1 : 1) : a.id < b.id ? -1 : 1)),
      };
    } catch (err) {
      return {
        state: "not-scanned",
        reason: `scan of ${repository}@${digest} failed: ${(err as Error).message}`,
        failed: true,
      };
    }
  }
}
