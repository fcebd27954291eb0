/**
 * image-vulnerabilities — spec.rules.vulnerabilities: no vulnerability above maxSeverity
 * (optionally ignoring those without a fix, and listed ids). Needs look-ups and a scanner.
 */
import type { ImageRule } from "../rule.js";
import { lookupProblem } from "./lookup-problem.js";

export const vulnerabilities: ImageRule = {
  id: "image-vulnerabilities",
  section: "vulnerabilities",
  scope: "image",
  title: "Image has vulnerabilities above the policy's limit, or was not scanned",
  docs: "Images must have no known vulnerability more severe than spec.rules.vulnerabilities.maxSeverity (ignoreUnfixed skips those with no fixed version).",
  check(input) {
    const v = input.policy.spec.rules?.vulnerabilities;
    if (!v) return [];
    const problem = lookupProblem(
      input,
      `vulnerability scan (max severity ${v.maxSeverity})`,
      input.facts?.vulnerabilities,
    );
    return problem ? [{ rule: this.id, message: problem, path: input.path }] : [];
  },
};
