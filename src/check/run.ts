/**
 * `portcullis check`: manifests and Dockerfiles against one ImagePolicy, through the same engine
 * as the admission webhook (same decisions, same messages), turned into findings for the common
 * reporters. With look-ups on (--images), digests are resolved and signature/attestation/scan
 * verdicts gathered first; without, rules that need them are not run and each image they would
 * judge gets one note "… not checked (pass --images)" (info, not a failing finding).
 */
import { loadManifests, locate, type ManifestDocument, objectsOf } from "../k8s/index.js";
import { locateWithin } from "../k8s/source.js";
import { imageReferenceInvalid } from "../lint/k8s/rules/image-reference-invalid.js";
import {
  evaluateImage,
  evaluatePolicy,
  type PolicyDecision,
  type PolicyEvaluation,
  workloadImages,
} from "../policy/engine.js";
import type { ImageInspector } from "../policy/inspector.js";
import { factLookupFailures } from "../policy/lookups.js";
import type { ImageFacts } from "../policy/rule.js";
import { POLICY_RULES } from "../policy/rules/index.js";
import type { LoadedPolicy } from "../policy/types.js";
import { buildReport, type Finding, type InputError, type Report, type RuleMeta } from "../report/finding.js";
import { VERSION } from "../version.js";
import { findDockerfiles, isDockerfileInput, loadBaseImages } from "./dockerfiles.js";

export interface CheckOptions {
  policy: LoadedPolicy;
  paths: string[];
  /** Look images up (digests, signatures, scans) with this inspector. */
  inspector?: ImageInspector;
  /** Labels for namespaces that have no Namespace object in the input. */
  namespaceLabels?: Record<string, Record<string, string>>;
  now?: Date;
  readStdin?: () => string;
}

export interface CheckedObject {
  file: string;
  evaluation: PolicyEvaluation;
}

export interface CheckResult {
  report: Report;
  objects: CheckedObject[];
  /** Image look-ups that failed (registry unreachable, auth refused): an operational failure. */
  lookupFailures: string[];
  /** Notes about the evaluation (expired exceptions), "file: note". */
  notes: string[];
}

export function policyRuleMeta(): RuleMeta[] {
  const rules = [imageReferenceInvalid, ...POLICY_RULES.flatMap((r) => r.reports ?? [r])];
  return rules.map((r) => ({ id: r.id, severity: "high", title: r.title, docs: r.docs }));
}

function toFinding(d: PolicyDecision, e: PolicyEvaluation, location: Finding["location"]): Finding {
  const f: Finding = {
    rule: d.rule,
    severity: d.severity,
    message: d.message,
    location,
    object: { ...e.object },
  };
  if (d.container) f.container = d.container;
  if (d.image) f.image = d.image;
  if (d.fix) f.fix = d.fix;
  if (d.waived) f.suppressed = { reason: `policy exception until ${d.waived.expires}: ${d.waived.reason}` };
  return f;
}

/** Gather the look-up rules left unchecked (no --images), by image. */
function noteUnchecked(acc: Map<string, Set<string>>, e: PolicyEvaluation): void {
  for (const u of e.unchecked) {
    const rules = acc.get(u.image) ?? new Set<string>();
    rules.add(u.rule);
    acc.set(u.image, rules);
  }
}

/**
 * One info line per image whose signature/attestation/scan rules were not run because look-ups
 * are off: `check` without --images judges what the manifests say, and says once per image what
 * it did not check, instead of a failing finding per container.
 */
function uncheckedNotes(acc: Map<string, Set<string>>): string[] {
  return [...acc].map(([image, rules]) => `${image}: ${[...rules].join(", ")} not checked (pass --images)`);
}

export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  const { policy } = opts.policy;
  const manifestInputs = opts.paths.filter((p) => !isDockerfileInput(p));
  const set = loadManifests(manifestInputs, { readStdin: opts.readStdin });
  const errors: InputError[] = [...set.errors];
  const dockerfiles = findDockerfiles(opts.paths);
  const notes: string[] = [];
  const bases = loadBaseImages(dockerfiles, errors, notes);

  // Namespace labels from Namespace objects in the input, then the configured map.
  const nsLabels = new Map<string, Record<string, string>>(Object.entries(opts.namespaceLabels ?? {}));
  const workloads: {
    md: ManifestDocument;
    path: readonly (string | number)[];
    value: Record<string, unknown>;
  }[] = [];
  let objects = 0;
  for (const src of set.sources) {
    for (const md of src.documents) {
      for (const o of objectsOf(md)) {
        objects++;
        if (o.ref.kind === "Namespace" && o.ref.name) {
          const labels = (o.value.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
          nsLabels.set(o.ref.name, { ...labels });
        } else workloads.push({ md, path: o.path, value: o.value });
      }
    }
  }

  const lookupFailures: string[] = [];
  const factsFor = async (images: string[]): Promise<Map<string, ImageFacts> | undefined> => {
    if (!opts.inspector) return undefined;
    const facts = await opts.inspector.gather(policy, images);
    for (const [img, f] of facts) lookupFailures.push(...factLookupFailures(img, f));
    return facts;
  };

  const findings: Finding[] = [];
  const checked: CheckedObject[] = [];
  const unchecked = new Map<string, Set<string>>();
  for (const w of workloads) {
    const images = workloadImages(w.value);
    const facts = images.length ? await factsFor(images) : undefined;
    const ns = (w.value.metadata as { namespace?: string } | undefined)?.namespace ?? "default";
    const e = evaluatePolicy(policy, w.value, {
      namespace: "default",
      namespaceLabels: nsLabels.get(ns),
      facts,
      lookups: Boolean(opts.inspector),
      deferLookups: true,
      now: opts.now,
    });
    checked.push({ file: w.md.source.file, evaluation: e });
    for (const d of e.decisions) {
      const path = [...w.path, ...(d.path ?? [])];
      const at = d.offset ? locateWithin(w.md, path, d.offset) : locate(w.md, path);
      findings.push(toFinding(d, e, at));
    }
    for (const n of e.notes) notes.push(`${w.md.source.file}: ${n}`);
    noteUnchecked(unchecked, e);
  }
  for (const b of bases) {
    const facts = await factsFor([b.image]);
    const e = evaluateImage(policy, b.image, `base image of stage ${b.stage}`, {
      facts,
      lookups: Boolean(opts.inspector),
      deferLookups: true,
      object: { kind: "Dockerfile", name: b.file },
    });
    checked.push({ file: b.file, evaluation: e });
    noteUnchecked(unchecked, e);
    for (const d of e.decisions) {
      const f = toFinding(d, e, { file: b.file, line: b.line, column: b.column });
      delete f.object;
      findings.push(f);
    }
  }
  notes.push(...uncheckedNotes(unchecked));
  const report = buildReport({
    toolVersion: VERSION,
    findings,
    errors,
    files: set.files + dockerfiles.length,
    objects: objects + bases.length,
    rules: policyRuleMeta(),
  });
  return { report, objects: checked, lookupFailures: [...new Set(lookupFailures)], notes };
}
