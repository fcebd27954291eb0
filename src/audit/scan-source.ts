/**
 * Audit's answer to "what is known about this digest" when scanning is on: a stored result
 * that is current (scanned after the database's last update) is used as it is; otherwise the
 * digest's stored SBOM, else its cached or freshly read catalog, is matched against the database
 * now, and the result is stored (so first-seen times carry over to `--since`). With no database,
 * stored results are still reported and everything else is "not scanned" with the reason.
 * Not for: deciding what counts as a finding (run.ts) or reading images (image-scanner.ts).
 */
import type { ResultStore } from "../monitor/store.js";
import type { ImageScanner, ImageScanSource, ImageScanStatus } from "./scan-status.js";

export interface ScanningSourceOptions {
  /** Undefined or unavailable: no database (see missingReason). */
  scanner?: ImageScanner;
  /** Why images cannot be scanned (database missing, --no-scan). */
  missingReason?: string;
  /** Stored results and SBOMs per digest (monitor's store, --results-db). */
  results?: ResultStore;
  now?: () => Date;
}

export class ScanningSource implements ImageScanSource {
  /** Digests scanned (not answered from the store), for reports and benches. */
  scanned = 0;

  constructor(private readonly opts: ScanningSourceOptions) {}

  async lookup(digest: string, repository: string): Promise<ImageScanStatus> {
    const { scanner, results } = this.opts;
    const stored = results ? await results.lookup(digest) : undefined;
    if (!scanner || scanner.available?.() === false) {
      if (stored?.state === "scanned") return stored;
      return { state: "not-scanned", reason: this.opts.missingReason ?? "no vulnerability database" };
    }
    const dbTime = scanner.databaseUpdatedAt?.();
    if (stored?.state === "scanned" && dbTime && Date.parse(stored.scannedAt) >= Date.parse(dbTime))
      return stored;
    const now = this.opts.now?.() ?? new Date();
    try {
      const sbom = await results?.storedSbom(digest);
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
