/**
 * `scan` vs `sbom` on the Debian test image (portcullis/debian:bookworm on the local registry of
 * setup-registry-env.sh): the whole scan (open the database, read and catalog the image, match,
 * render JSON) against the whole sbom (read and catalog, render CycloneDX), in the same process,
 * alternating, median of 5 each after a warm-up. Goal: scan ≤ 1.2× sbom. The database is built
 * from the shared vectors in a temporary folder. Skips with a message when either is absent.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogImage } from "../src/catalog/index.js";
import { generateSbom } from "../src/sbom/index.js";
import { openScanDatabase } from "../src/scan/database.js";
import { renderScanJson } from "../src/scan/report/json.js";
import { scanCatalog } from "../src/scan/scan.js";
import { buildSharedDb } from "../test/scan/support.js";
import { registryEnv } from "../test/support/registry-env.js";

const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export default async function (): Promise<void> {
  if (!registryEnv) {
    console.log("  skipped: registry test environment not found (/tmp/portcullis-env)");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "portcullis-scan-bench-"));
  try {
    const db = await buildSharedDb(dir);
    if (!db) {
      console.log("  skipped: shared vectors not found (set PORTCULLIS_SHARED)");
      return;
    }
    const image = `${registryEnv.plain}/portcullis/debian:bookworm`;
    const sbom = async () => {
      const t = performance.now();
      const c = await catalogImage(image);
      generateSbom(c, "cyclonedx");
      return { ms: performance.now() - t, packages: c.packages.length };
    };
    let rows = 0;
    const scan = async () => {
      const t = performance.now();
      const store = await openScanDatabase(db);
      try {
        const c = await catalogImage(image);
        const r = await scanCatalog(c, store);
        renderScanJson(r);
        rows = r.vulnerabilities.length;
        return { ms: performance.now() - t, packages: c.packages.length };
      } finally {
        await store.close();
      }
    };
    await sbom();
    await scan();
    const a: number[] = [];
    const b: number[] = [];
    let packages = 0;
    for (let i = 0; i < RUNS; i++) {
      const s = await sbom();
      a.push(s.ms);
      const v = await scan();
      b.push(v.ms);
      packages = v.packages;
    }
    const ms = median(a);
    const mv = median(b);
    console.log(`  debian:bookworm, ${packages} packages, ${rows} vulnerability rows, median of ${RUNS}`);
    console.log(`  sbom (catalog + CycloneDX):          ${ms.toFixed(0)} ms`);
    console.log(`  scan (db + catalog + match + JSON):  ${mv.toFixed(0)} ms`);
    console.log(`  scan / sbom: ${(mv / ms).toFixed(2)}× (goal ≤ 1.2×)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
