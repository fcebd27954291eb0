/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line)
 * and prints their figures. Each bench module exports `default async function (): Promise<void>`
 * that prints its own lines. Benchmarks print numbers; nothing here asserts timings.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const f of files) {
  console.log(`\n## ${f.replace(/\.bench\.ts$/, "")}`);
  try {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<void> };
    await mod.default();
  } catch (err) {
    failed++;
    console.log(`  FAILED: ${err instanceof Error ? err.message : String(err)}`);
  }
}
process.exitCode = failed ? 1 : 0;
