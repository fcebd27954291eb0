/**
 * Foundation figures: reference parses per second (raw and normalising), and the CLI's cold
 * start (`portcullis --version` from dist/, and from src/ under tsx) next to `node -e 0`,
 * measured in the same run.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseReference } from "../src/reference/index.js";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");

const SAMPLES = [
  "nginx",
  "nginx:1.27.3",
  "docker.io/library/nginx:latest",
  "ghcr.io/org/team/app:v1.2.3",
  `registry.example.com:5000/a/b/c@sha256:${"e".repeat(64)}`,
  "localhost/app",
  "bitnami/redis:7.2.4-debian-12-r9",
  `quay.io/prometheus/node-exporter:v1.8.0@sha256:${"a1".repeat(32)}`,
  "[2001:db8::1]:5000/ns/app:1",
  "192.168.0.1:8080/x",
];

function parsesPerSecond(normalize: boolean): number {
  const iterations = 400_000;
  for (let i = 0; i < 20_000; i++) parseReference(SAMPLES[i % SAMPLES.length], { normalize });
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) parseReference(SAMPLES[i % SAMPLES.length], { normalize });
  return iterations / ((performance.now() - t0) / 1000);
}

function medianMs(cmd: string, args: string[], runs = 15): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: root, stdio: "ignore" });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export default async function run(): Promise<void> {
  console.log(
    `  reference parses/s (normalising): ${Math.round(parsesPerSecond(true)).toLocaleString("en")}`,
  );
  console.log(
    `  reference parses/s (raw grammar): ${Math.round(parsesPerSecond(false)).toLocaleString("en")}`,
  );
  const bare = medianMs(process.execPath, ["-e", "0"]);
  console.log(`  node -e 0:                        ${bare.toFixed(1)} ms (median of 15)`);
  const dist = join(root, "dist/cli/main.js");
  if (existsSync(dist)) {
    const cli = medianMs(process.execPath, [dist, "--version"]);
    console.log(
      `  portcullis --version (dist):      ${cli.toFixed(1)} ms = ${(cli / bare).toFixed(2)}x node -e 0 (goal <= 2x)`,
    );
    const help = medianMs(process.execPath, [dist, "--help"]);
    console.log(`  portcullis --help (dist):         ${help.toFixed(1)} ms`);
  } else {
    console.log("  portcullis --version (dist):      skipped: run `npm run build` first");
  }
}
