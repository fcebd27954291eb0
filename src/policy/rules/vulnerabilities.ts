/**
 * image-vulnerabilities — spec.rules.vulnerabilities: no vulnerability above maxSeverity
 * (optionally ignoring those without a fix, and listed ids), shown by a scan against the
 * vulnerability database or by a signed, fresh vuln attestation (evidence). Needs look-ups
 * (src/policy/inspector.ts → src/scan/policy-evidence.ts); a missing database denies.
 */
import type { ImageRule } from "../rule.js";
import { lookupProblem } from "./lookup-problem.js";

export const vulnerabilities: ImageRule = {
  id: "image-vulnerabilities",
  section: "vulnerabilities",
  scope: "image",
  title: "Image has vulnerabilities above the policy's limit, or was not scanned",
  docs: "Images must have no known vulnerability more severe than spec.rules.vulnerabilities.maxSeverity (ignoreUnfixed skips those with no fixed version; ignore lists ids with reasons and expiry). Evidence: a scan against the vulnerability database (default) or a signed cosign vuln attestation no older than maxAge.",
  check(input) {
    const v = input.policy.spec.rules?.vulnerabilities;
    if (!v) return [];
    const problem = lookupProblem(
      input,
      v.evidence === "attestation"
        ? `vuln attestation (max severity ${v.maxSeverity}, max age ${v.maxAge ?? "7d"})`
        : `vulnerability scan (max severity ${v.maxSeverity})`,
      input.facts?.vulnerabilities,
    );
    return problem ? [{ rule: this.id, message: problem, path: input.path }] : [];
  },
};
