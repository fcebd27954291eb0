/**
 * Pod Security Standards figures: pod evaluations per second over every upstream fixture in
 * shared/vectors/pss (each at its own level and version), and the same pods wrapped in a
 * Deployment and a CronJob at restricted:latest. Parsing is done once, outside the timings.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parse } from "yaml";
import { evaluatePodSecurity, type PodSecurityOptions } from "../src/pss/index.js";
import { readVectorJson, SKIP_NO_SHARED, vectorPath } from "../test/support/shared.js";

interface Case {
  file: string;
  level: "baseline" | "restricted";
  version: string;
}

function perSecond(items: readonly [unknown, PodSecurityOptions][], minMs = 1500): number {
  for (const [obj, opts] of items) evaluatePodSecurity(obj, opts); // warm up
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const [obj, opts] of items) evaluatePodSecurity(obj, opts);
    n += items.length;
    elapsed = performance.now() - t0;
  }
  return n / (elapsed / 1000);
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export default async function (): Promise<void> {
  const data = readVectorJson<{ cases: Case[] }>("pss", "cases.json");
  if (!data) {
    console.log(`  ${SKIP_NO_SHARED}`);
    return;
  }
  const fixtures = data.cases.map(
    (c) =>
      [parse(readFileSync(vectorPath("pss", c.file)!, "utf8")), { level: c.level, version: c.version }] as [
        Record<string, unknown>,
        PodSecurityOptions,
      ],
  );
  console.log(
    `  fixtures, own level/version: ${fmt(perSecond(fixtures))} pod evaluations/s (${fixtures.length} pods)`,
  );

  const latest: PodSecurityOptions = { level: "restricted" };
  const pods = fixtures.map(([pod]) => [pod, latest] as [unknown, PodSecurityOptions]);
  console.log(`  fixtures as Pods, restricted:latest: ${fmt(perSecond(pods))} evaluations/s`);
  const deployments = fixtures.map(
    ([pod]) =>
      [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          spec: { template: { metadata: pod.metadata, spec: pod.spec } },
        },
        latest,
      ] as [unknown, PodSecurityOptions],
  );
  console.log(`  fixtures as Deployments, restricted:latest: ${fmt(perSecond(deployments))} evaluations/s`);
  const cronJobs = fixtures.map(
    ([pod]) =>
      [
        {
          apiVersion: "batch/v1",
          kind: "CronJob",
          spec: { jobTemplate: { spec: { template: { metadata: pod.metadata, spec: pod.spec } } } },
        },
        latest,
      ] as [unknown, PodSecurityOptions],
  );
  console.log(`  fixtures as CronJobs, restricted:latest: ${fmt(perSecond(cronJobs))} evaluations/s`);
}
