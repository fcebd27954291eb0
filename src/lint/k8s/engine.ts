/**
 * The generic manifest lint engine: for every workload in the input, run every enabled rule
 * (container rules once per container of the groups they apply to, pod rules once per pod
 * spec), plus the Pod Security Standards evaluator when asked; turn each issue's field path
 * into file:line:column; apply the config's severities and ignores and the objects'
 * `portcullis.dev/ignore` annotations. Knows nothing of individual rules.
 */

import { defaultProjectConfig, type ProjectConfig, type RuleSetting } from "../../config/project-config.js";
import type { ManifestSet } from "../../k8s/load.js";
import { type FieldPath, locate, locateWithin } from "../../k8s/source.js";
import {
  type ContainerInfo,
  isObject,
  type K8sObject,
  objectsOf,
  type Workload,
  workloadOf,
} from "../../k8s/workload.js";
import type { Finding, InputError, RuleMeta, Severity } from "../../report/finding.js";
import { compileImagePatterns } from "./image-patterns.js";
import { parsedImageOf } from "./parsed-image.js";
import type {
  CheckResult,
  ContainerContext,
  ContainerRule,
  ImageContext,
  ImageRule,
  Issue,
  K8sRule,
  PodContext,
  PodRule,
  RuleSettings,
  ServiceAccountInfo,
} from "./rule.js";
import { K8S_RULES } from "./rule-registry.js";

export const IGNORE_ANNOTATION = "portcullis.dev/ignore";
export const IGNORE_REASON_ANNOTATION = "portcullis.dev/ignore-reason";

/** A Pod Security Standards evaluation hook: violations with field paths from the object root. */
export interface PodSecurityHook {
  level: "baseline" | "restricted";
  version: string;
  evaluate(obj: unknown): { check: string; message: string; fields?: (string | number)[][] }[];
  /** Title and docs of a check, for --list-rules and SARIF. */
  describe?(checkId: string): { title: string; docs: string } | undefined;
}

export interface LintK8sOptions {
  /** The project config (.portcullis.yaml); defaults apply when absent. */
  config?: ProjectConfig;
  /** Extra allowed-registry patterns (added to the config's). */
  allowedRegistries?: readonly string[];
  /** Extra private-registry patterns (added to the config's). */
  privateRegistries?: readonly string[];
  /** Pod Security Standards to evaluate every workload against. */
  podSecurity?: PodSecurityHook;
  /** The rules to run (default: all of them). */
  rules?: readonly K8sRule[];
}

export interface LintK8sResult {
  findings: Finding[];
  errors: InputError[];
  files: number;
  /** Kubernetes objects read (workloads and others). */
  objects: number;
  /** Objects that carry a pod spec and were checked. */
  workloads: number;
  /** Metadata of the rules that ran, for reporters. */
  rules: RuleMeta[];
}

/** Whether a config/annotation entry names this rule: exactly, `*`/`all`, or a `pss-<level>` prefix. */
export function ruleEntryMatches(entry: string, id: string): boolean {
  return entry === id || entry === "*" || entry === "all" || (id.startsWith(`${entry}:`) && entry.length > 0);
}

/** The severity a rule runs at under the config (or "off"). */
export function ruleSeverity(cfg: ProjectConfig, id: string, defaultSeverity: Severity): RuleSetting {
  if (cfg.ignore.some((e) => ruleEntryMatches(e, id))) return "off";
  const explicit = cfg.rules[id] ?? cfg.rules[id.split(":")[0]];
  if (explicit) return explicit;
  if (id === "image-no-digest") {
    if (cfg.requireDigest === "off") return "off";
    if (cfg.requireDigest === "error") return "high";
  }
  return defaultSeverity;
}

function ruleMeta(r: K8sRule, severity: Severity): RuleMeta {
  return { id: r.id, severity, title: r.title, docs: r.docs };
}

export function lintManifests(set: ManifestSet, opts: LintK8sOptions = {}): LintK8sResult {
  const cfg = opts.config ?? defaultProjectConfig();
  const settings: RuleSettings = {
    allowedRegistries: compileImagePatterns([...cfg.allowedRegistries, ...(opts.allowedRegistries ?? [])]),
    privateRegistries: compileImagePatterns([...cfg.privateRegistries, ...(opts.privateRegistries ?? [])]),
    requireDigest: cfg.requireDigest,
  };
  const enabled: { rule: K8sRule; severity: Severity }[] = [];
  for (const rule of opts.rules ?? K8S_RULES) {
    const s = ruleSeverity(cfg, rule.id, rule.severity);
    if (s !== "off") enabled.push({ rule, severity: s });
  }
  const containerRules = enabled.filter(
    (e): e is { rule: ContainerRule; severity: Severity } => e.rule.appliesTo === "container",
  );
  const podRules = enabled.filter(
    (e): e is { rule: PodRule; severity: Severity } => e.rule.appliesTo === "pod",
  );
  const imageRules = enabled.filter(
    (e): e is { rule: ImageRule; severity: Severity } => e.rule.appliesTo === "image",
  );

  const objects: K8sObject[] = [];
  for (const source of set.sources) for (const doc of source.documents) objects.push(...objectsOf(doc));
  const accounts = serviceAccountIndex(objects);

  const findings: Finding[] = [];
  const errors: InputError[] = [...set.errors];
  const pssSeen = new Map<string, RuleMeta>();
  let workloads = 0;

  for (const object of objects) {
    const workload = workloadOf(object);
    if (!workload) continue;
    workloads++;
    const suppression = suppressionOf(object, workload);
    const emit = (
      ruleId: string,
      severity: Severity,
      result: CheckResult,
      extra: { container?: ContainerInfo; image?: string },
    ) => {
      if (!result) return;
      const issues: Issue[] = Array.isArray(result) ? result : [result];
      for (const issue of issues) {
        const f: Finding = {
          rule: ruleId,
          severity,
          message: issue.message,
          location: locateIssue(object, issue.path, issue.offset),
          object: object.ref,
        };
        if (extra.container) f.container = extra.container.name;
        if (extra.image !== undefined) f.image = extra.image;
        if (issue.fix) f.fix = issue.fix;
        const reason = suppression(ruleId);
        if (reason) f.suppressed = { reason };
        findings.push(f);
      }
    };
    const runSafely = (ruleId: string, fn: () => void) => {
      try {
        fn();
      } catch (err) {
        const loc = locate(object.document, object.path);
        errors.push({
          file: loc.file,
          line: loc.line,
          column: loc.column,
          message: `rule ${ruleId} failed on ${object.ref.kind} ${object.ref.name ?? ""}: ${(err as Error).message}`,
        });
      }
    };

    let sa: { name: string; account?: ServiceAccountInfo } | undefined;
    const podCtx: PodContext = {
      workload,
      settings,
      serviceAccount: () => {
        if (!sa) sa = lookupServiceAccount(accounts, workload);
        return sa;
      },
    };
    for (const { rule, severity } of podRules) {
      runSafely(rule.id, () => emit(rule.id, severity, rule.check(podCtx), {}));
    }
    for (const site of workload.images) {
      const ctx: ImageContext = { ...podCtx, site, parsedImage: parsedImageOf(site.image) };
      const extra = { container: site.container, image: typeof site.raw === "string" ? site.raw : undefined };
      for (const { rule, severity } of imageRules) {
        runSafely(rule.id, () => emit(rule.id, severity, rule.check(ctx), extra));
      }
    }
    for (const container of workload.containers) {
      const image = typeof container.spec.image === "string" ? container.spec.image : undefined;
      const ctx: ContainerContext = {
        ...podCtx,
        container,
        image,
        parsedImage: parsedImageOf(image),
      };
      for (const { rule, severity } of containerRules) {
        if (rule.groups && !rule.groups.includes(container.group)) continue;
        runSafely(rule.id, () => emit(rule.id, severity, rule.check(ctx), { container, image }));
      }
    }
    if (opts.podSecurity) {
      const hook = opts.podSecurity;
      runSafely(`pss-${hook.level}`, () => {
        for (const v of hook.evaluate(object.value)) {
          const id = `pss-${hook.level}:${v.check}`;
          const severity = ruleSeverity(cfg, id, "high");
          if (severity === "off") continue;
          if (!pssSeen.has(id)) {
            const d = hook.describe?.(v.check);
            pssSeen.set(id, {
              id,
              severity,
              title: `Pod Security Standards ${hook.level} (${hook.version}): ${d?.title ?? v.check}`,
              docs: `${d?.docs ?? `The ${v.check} check of Kubernetes' Pod Security Admission.`} See https://kubernetes.io/docs/concepts/security/pod-security-standards/`,
            });
          }
          const path = pssPath(workload, v.fields);
          // Attribute the finding to a container only when every offending field is in the same one.
          const owners = new Set((v.fields?.length ? v.fields : [path]).map((f) => containerAt(workload, f)));
          const container = owners.size === 1 ? [...owners][0] : undefined;
          emit(
            id,
            severity,
            { message: v.message, path },
            { container, image: container?.spec.image as string | undefined },
          );
        }
      });
    }
  }
  return {
    findings,
    errors,
    files: set.files,
    objects: objects.length,
    workloads,
    rules: [...enabled.map((e) => ruleMeta(e.rule, e.severity)), ...pssSeen.values()],
  };
}

function locateIssue(object: K8sObject, path: FieldPath, offset?: number) {
  const full = object.path.length === 0 ? path : [...object.path, ...path];
  return offset ? locateWithin(object.document, full, offset) : locate(object.document, full);
}

/** The field path a PSS violation points at: its first field, else the pod spec. */
function pssPath(workload: Workload, fields?: (string | number)[][]): FieldPath {
  const first = fields?.find((f) => Array.isArray(f) && f.length > 0);
  return first ?? workload.podSpecPath;
}

function containerAt(workload: Workload, path: FieldPath): ContainerInfo | undefined {
  const n = workload.podSpecPath.length;
  if (path.length < n + 2) return undefined;
  for (let i = 0; i < n; i++) if (path[i] !== workload.podSpecPath[i]) return undefined;
  return workload.containers.find((c) => c.group === path[n] && c.index === path[n + 1]);
}

/** The annotation suppressions of an object (and of its pod template): rule id → reason. */
function suppressionOf(object: K8sObject, workload: Workload): (ruleId: string) => string | undefined {
  const entries: { list: string[]; reason?: string }[] = [];
  for (const ann of [object.annotations, workload.podAnnotations]) {
    const v = ann[IGNORE_ANNOTATION];
    if (!v) continue;
    const list = v
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    entries.push({ list, reason: ann[IGNORE_REASON_ANNOTATION] });
  }
  if (entries.length === 0) return () => undefined;
  return (ruleId) => {
    for (const e of entries) {
      if (e.list.some((entry) => ruleEntryMatches(entry, ruleId)))
        return e.reason?.trim() || `${IGNORE_ANNOTATION} annotation`;
    }
    return undefined;
  };
}

function serviceAccountIndex(objects: K8sObject[]): ServiceAccountInfo[] {
  const out: ServiceAccountInfo[] = [];
  for (const o of objects) {
    if (o.ref.kind !== "ServiceAccount" || !o.ref.name) continue;
    const secrets = Array.isArray(o.value.imagePullSecrets)
      ? o.value.imagePullSecrets
          .map((s) => (isObject(s) && typeof s.name === "string" ? s.name : undefined))
          .filter((s): s is string => s !== undefined)
      : [];
    const automount = o.value.automountServiceAccountToken;
    out.push({
      namespace: o.ref.namespace,
      name: o.ref.name,
      imagePullSecrets: secrets,
      automountServiceAccountToken: typeof automount === "boolean" ? automount : undefined,
    });
  }
  return out;
}

function lookupServiceAccount(
  accounts: ServiceAccountInfo[],
  workload: Workload,
): { name: string; account?: ServiceAccountInfo } {
  const name = workload.serviceAccountName;
  const ns = workload.object.ref.namespace;
  const account =
    accounts.find((a) => a.name === name && a.namespace === ns) ??
    accounts.find((a) => a.name === name && (a.namespace === undefined || ns === undefined));
  return { name, account };
}
