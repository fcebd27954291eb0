/**
 * `portcullis audit`: read the cluster (inventory), find the top-level workloads and the images
 * their pods run, evaluate each workload with the webhook's engine, look each distinct image up
 * once (facts for the policy, tag drift, stored scan results), and build one report: findings
 * for the common reporters plus per-workload and per-image sections. Transport-free apart from
 * the KubeClient and the inspector it is given; the CLI verb only parses flags and prints.
 */
import { policyRuleMeta } from "../check/run.js";
import type { KubeClient } from "../cluster/client.js";
import { podOf } from "../k8s/workload.js";
import type { PolicyDecision, PolicyEvaluation } from "../policy/engine.js";
import type { ImageInspector } from "../policy/inspector.js";
import { factLookupFailures, policyNeedsLookups } from "../policy/lookups.js";
import type { ImageFacts } from "../policy/rule.js";
import type { LoadedPolicy } from "../policy/types.js";
import { parseImageReference } from "../reference/cache.js";
import { buildReport, type Finding, type Report, type RuleMeta, type Severity } from "../report/finding.js";
import { VERSION } from "../version.js";
import { compareEvaluations, type DryRunResult } from "./dry-run.js";
import { evaluateWorkload } from "./evaluate.js";
import { type Inventory, type InventoryScope, readInventory, type Unreadable } from "./inventory.js";
import { groupImages, podImages, type RunningImage } from "./running-images.js";
import {
  countBySeverity,
  type ImageScanSource,
  type ImageScanStatus,
  mapBounded,
  NO_SCANS,
} from "./scan-status.js";
import { WorkloadIndex, workloadLabel } from "./workloads.js";

export const AUDIT_RULES: RuleMeta[] = [
  {
    id: "image-tag-drift",
    severity: "medium",
    title: "A pod runs a digest its tag no longer points to",
    docs: "docs/audit.md#tag-drift",
  },
  {
    id: "vulnerability",
    severity: "high",
    title: "A running image has a known vulnerability (scanned, or from stored scan results)",
    docs: "docs/audit.md#vulnerabilities",
  },
];

export interface AuditOptions extends EvaluateOptions {
  client: KubeClient;
  scope: InventoryScope;
}

/** What evaluating already-read objects needs (audit reads them; monitor has them from informers). */
export interface EvaluateOptions {
  policy: LoadedPolicy;
  /** --dry-run-policy: the policy to compare with, and its file name. */
  dryRun?: { policy: LoadedPolicy; file: string };
  /** --images: policy facts (digests, signatures, attestations) and tag drift from registries. */
  inspector?: ImageInspector;
  scans?: ImageScanSource;
  /** --since: report only vulnerabilities first seen at or after this time. */
  since?: Date;
  concurrency?: number;
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface WorkloadResult {
  kind: string;
  namespace: string;
  name: string;
  /** The webhook would admit it under the policy. */
  allowed: boolean;
  /** Not governed by the policy (exempt namespace, not selected). */
  skipped?: string;
  violations: { rule: string; mode: string; message: string; container?: string; image?: string }[];
}

export interface ImageResult extends RunningImage {
  scan: ImageScanStatus;
  counts?: Record<Severity, number>;
  /** Tags whose registry digest differs from the running one. */
  drift?: { image: string; current: string }[];
}

export interface AuditResult {
  report: Report;
  workloads: WorkloadResult[];
  images: ImageResult[];
  unreadable: Unreadable[];
  dryRun?: DryRunResult;
  /** Registry look-ups that failed (operational). */
  lookupFailures: string[];
  /** Nothing could be read at all (every collection refused). */
  nothingRead: boolean;
  stats: { objects: number; pods: number; pages: number; imageLookups: number };
}

function objectRef(e: PolicyEvaluation): Finding["object"] {
  return {
    apiVersion: e.object.apiVersion,
    kind: e.object.kind,
    namespace: e.object.namespace,
    name: e.object.name,
  };
}

function decisionFinding(d: PolicyDecision, e: PolicyEvaluation): Finding {
  const f: Finding = { rule: d.rule, severity: d.severity, message: d.message, object: objectRef(e) };
  if (d.container) f.container = d.container;
  if (d.image) f.image = d.image;
  if (d.fix) f.fix = d.fix;
  if (d.waived) f.suppressed = { reason: `policy exception until ${d.waived.expires}: ${d.waived.reason}` };
  return f;
}

function needsFacts(policy: LoadedPolicy): boolean {
  return policyNeedsLookups(policy.policy);
}

export async function runAudit(opts: AuditOptions): Promise<AuditResult> {
  return auditInventory(await readInventory(opts.client, opts.scope), opts);
}

/** Evaluate objects already read: workloads, images, findings, report. */
export async function auditInventory(inv: Inventory, opts: EvaluateOptions): Promise<AuditResult> {
  const index = new WorkloadIndex(inv.objects);
  const limit = opts.concurrency ?? 8;
  const lookupFailures: string[] = [];
  let imageLookups = 0;

  // Policy facts per distinct image text, gathered once (the inspector caches by digest/tag).
  let facts: Map<string, ImageFacts> | undefined;
  const inspector = opts.inspector;
  if (inspector && (needsFacts(opts.policy) || (opts.dryRun && needsFacts(opts.dryRun.policy)))) {
    const texts = new Set<string>();
    for (const w of index.workloads) for (const c of podOf(w)?.images ?? []) if (c.image) texts.add(c.image);
    facts = new Map();
    const list = [...texts].sort();
    await mapBounded(list, limit, async (img) => {
      imageLookups++;
      const policy = opts.policy.policy;
      const f = await inspector.inspect(policy, img);
      facts?.set(img, f);
      lookupFailures.push(...factLookupFailures(img, f));
    });
  }

  const findings: Finding[] = [];
  const workloads: WorkloadResult[] = [];
  const pairs: { current: PolicyEvaluation; next: PolicyEvaluation }[] = [];
  const ctx = { namespaceLabels: inv.namespaceLabels, facts, lookups: Boolean(facts), now: opts.now };
  const ordered = [...index.workloads].sort((a, b) => {
    const ka = `${a.metadata?.namespace ?? ""}/${a.kind}/${a.metadata?.name ?? ""}`;
    const kb = `${b.metadata?.namespace ?? ""}/${b.kind}/${b.metadata?.name ?? ""}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  for (const w of ordered) {
    const e = evaluateWorkload(opts.policy.policy, w, ctx);
    for (const d of e.decisions) findings.push(decisionFinding(d, e));
    workloads.push({
      kind: e.object.kind,
      namespace: e.object.namespace ?? "default",
      name: e.object.name ?? "(unnamed)",
      allowed: e.allowed,
      ...(e.applies ? {} : { skipped: e.reason ?? "not governed by the policy" }),
      violations: e.decisions
        .filter((d) => !d.waived)
        .map((d) => ({
          rule: d.rule,
          mode: d.mode,
          message: d.message,
          ...(d.container ? { container: d.container } : {}),
          ...(d.image ? { image: d.image } : {}),
        })),
    });
    if (opts.dryRun) pairs.push({ current: e, next: evaluateWorkload(opts.dryRun.policy.policy, w, ctx) });
  }

  // Images by running digest, each looked up once.
  const pimgs = podImages(index);
  const groups = groupImages(pimgs);
  const scans = opts.scans ?? NO_SCANS;
  const images: ImageResult[] = await mapBounded(
    groups,
    limit,
    async (g) => {
      if (!g.digest)
        return { ...g, scan: { state: "not-scanned", reason: "no container of it has started" } };
      imageLookups++;
      const scan = await scans.lookup(g.digest, g.repository);
      if (scan.state === "not-scanned" && scan.failed) lookupFailures.push(scan.reason);
      const r: ImageResult = { ...g, scan };
      if (scan.state === "scanned") r.counts = countBySeverity(scan.vulnerabilities);
      return r;
    },
    opts.onProgress,
  );
  const imageByDigest = new Map(images.filter((i) => i.digest).map((i) => [i.digest as string, i]));

  for (const img of images) {
    if (img.scan.state !== "scanned" || !img.digest) continue;
    const since = opts.since?.getTime();
    for (const v of img.scan.vulnerabilities) {
      if (since !== undefined && Date.parse(v.firstSeen) < since) continue;
      findings.push({
        rule: "vulnerability",
        severity: v.severity,
        message: `${v.id} in ${v.package}${v.version ? ` ${v.version}` : ""}${v.fixedVersion ? ` (fixed in ${v.fixedVersion})` : " (no fix yet)"}; used by ${img.workloads.join(", ")}`,
        image: `${img.repository}@${img.digest}`,
      });
    }
  }

  // Tag drift: each tag resolved once; each (workload, tag, running digest) that differs reported.
  if (inspector) {
    const tags = [
      ...new Set(pimgs.filter((p) => p.digest && !p.specImage.includes("@")).map((p) => p.specImage)),
    ];
    const current = new Map<string, string>();
    await mapBounded(tags.sort(), limit, async (tag) => {
      try {
        imageLookups++;
        current.set(tag, await inspector.resolveDigest(parseImageReference(tag)));
      } catch (err) {
        lookupFailures.push(`${tag}: ${(err as Error).message}`);
      }
    });
    const seen = new Set<string>();
    for (const p of pimgs) {
      const now = current.get(p.specImage);
      if (!now || !p.digest || now === p.digest) continue;
      const key = `${workloadLabel(p.owner)}|${p.specImage}|${p.digest}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const img = imageByDigest.get(p.digest);
      if (img) (img.drift ??= []).push({ image: p.specImage, current: now });
      findings.push({
        rule: "image-tag-drift",
        severity: "medium",
        message: `container ${p.container} runs ${p.digest}, but ${p.specImage} now points to ${now}; the pods run an image the tag no longer names (restart or pin the digest)`,
        object: { kind: p.owner.kind, namespace: p.owner.namespace, name: p.owner.name },
        container: p.container,
        image: p.specImage,
      });
    }
  }

  const report = buildReport({
    toolVersion: VERSION,
    findings,
    files: 0,
    objects: index.workloads.length,
    rules: [...policyRuleMeta(), ...AUDIT_RULES],
  });
  // Findings sort by file first; with no files, order by object then severity for a stable report.
  report.findings.sort((a, b) => {
    const oa = a.object ? `${a.object.namespace}/${a.object.kind}/${a.object.name}` : `~${a.image ?? ""}`;
    const ob = b.object ? `${b.object.namespace}/${b.object.kind}/${b.object.name}` : `~${b.image ?? ""}`;
    if (oa !== ob) return oa < ob ? -1 : 1;
    return 0;
  });
  return {
    report,
    workloads,
    images,
    unreadable: inv.unreadable,
    ...(opts.dryRun ? { dryRun: compareEvaluations(opts.dryRun.file, pairs) } : {}),
    lookupFailures: [...new Set(lookupFailures)],
    nothingRead: inv.reads === 0,
    stats: { objects: inv.objects.length, pods: index.pods.length, pages: inv.pages, imageLookups },
  };
}
