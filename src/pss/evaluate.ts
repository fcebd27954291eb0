/**
 * evaluatePodSecurity: evaluate a workload object against a Pod Security Standards level and
 * version, the way Pod Security Admission does. Generic: it finds the pod template, asks the
 * registry which checks are in force, runs them and collects violations. Not for reading
 * manifests or reporting findings (the linter does that with the returned field paths).
 */

import { podUnderTest } from "./pod-model.js";
import { resolvePodSecurityPolicy } from "./registry.js";
import type { PodSecurityOptions, PodSecurityResult, PodSecurityViolation } from "./types.js";

const LEVELS = new Set(["privileged", "baseline", "restricted"]);

/**
 * Evaluates `obj` (any pod-bearing object of the shared workload model, src/k8s/workload.ts:
 * Pod, the built-in controllers, PodTemplate, well-known CRDs such as Argo Rollouts, and
 * unknown kinds whose `spec.template.spec` lists containers). Objects without a pod template are allowed, as PSA ignores them.
 * Throws TypeError for an unknown level and RangeError for a malformed version.
 */
export function evaluatePodSecurity(obj: unknown, options: PodSecurityOptions): PodSecurityResult {
  const level = options?.level;
  if (!LEVELS.has(level)) {
    throw new TypeError(
      `invalid Pod Security Standards level ${JSON.stringify(level)}: expected "baseline" or "restricted"`,
    );
  }
  if (level === "privileged") return { allowed: true, violations: [] };
  const policy = resolvePodSecurityPolicy(level, options.version);
  const pod = podUnderTest(obj);
  if (!pod) return { allowed: true, violations: [] };

  const violations: PodSecurityViolation[] = [];
  // An indexed loop: for-of over the frozen list allocates an iterator result per check.
  const checks = policy.checks;
  for (let i = 0; i < checks.length; i++) {
    const { check, implementation } = checks[i];
    const r = implementation.evaluate(pod);
    if (r.allowed) continue;
    const violation: PodSecurityViolation = {
      check: check.id,
      message: r.detail ? `${r.reason} (${r.detail})` : (r.reason ?? check.id),
    };
    if (r.fields?.length) violation.fields = r.fields;
    violations.push(violation);
  }
  return { allowed: violations.length === 0, violations };
}
