/**
 * image-vulnerabilities — spec.rules.vulnerabilities: no vulnerability above maxSeverity
 * (optionally ignoring those without a fix, and listed ids), shown by a scan against the
 * vulnerability database or by a signed, fresh vuln attestation (evidence). Needs look-ups
 * (src/policy/inspector.ts → src/scan/policy-evidence.ts); a missing database denies.
 */
import type { ImageRule } from "../rule.js";
import type { ImagePolicy } from "../types.js";
import { keyWords, lookupProblem } from "./lookup-problem.js";

const VULN_PREDICATE = "https://cosign.sigstore.dev/attestation/vuln/v1";

/**
 * `policy explain` lines: the limit, the ignored ids (an expired entry said to no longer apply),
 * and the evidence — a scan against the vulnerability database or a signed vuln attestation no
 * older than maxAge, with the key that must verify it.
 */
export function explainVulnerabilities(policy: ImagePolicy, today = new Date()): string[] {
  const v = policy.spec.rules?.vulnerabilities;
  if (!v) return [];
  const lines = [
    v.maxSeverity === "none"
      ? `images must have no known vulnerability${v.ignoreUnfixed ? " that has a fix (those without one are ignored)" : ""}`
      : `images must have no vulnerability above ${v.maxSeverity}${v.ignoreUnfixed ? " (vulnerabilities without a fix are ignored)" : ""}`,
  ];
  const day = today.toISOString().slice(0, 10);
  const ignored = (v.ignore ?? []).map((e) => {
    if (typeof e === "string") return e;
    const scope = e.package ? ` in ${e.package}` : "";
    const until = !e.expires
      ? ""
      : e.expires < day
        ? `; EXPIRED on ${e.expires}, no longer ignored`
        : `; until ${e.expires}`;
    return `${e.id}${scope} (${e.reason}${until})`;
  });
  if (ignored.length) lines.push(`vulnerabilities ignored: ${ignored.join(", ")}`);
  if (v.evidence === "attestation") {
    const key = v.key ? keyWords(v.key) : "the image's signature key(s) from spec.rules.signatures";
    lines.push(
      `evidence: attestation — a cosign vuln attestation (${VULN_PREDICATE}) on the image digest, signed by ${key}, whose scan is no older than maxAge ${v.maxAge ?? "7d"}${v.maxAge ? "" : " (the default)"}; its findings are judged by the limit above. No attestation, one that does not verify or one that is too old denies the image`,
    );
  } else {
    lines.push(
      "evidence: scan — the image's packages (SBOM cached by digest) are matched against the vulnerability database (check --db / webhook serve --db, else $PORTCULLIS_DB, else the user cache); a database that is missing or cannot be used denies the image",
    );
  }
  return lines;
}

export const vulnerabilities: ImageRule = {
  id: "image-vulnerabilities",
  section: "vulnerabilities",
  scope: "image",
  title: "Image has vulnerabilities above the policy's limit, or was not scanned",
  docs: "Images must have no known vulnerability more severe than spec.rules.vulnerabilities.maxSeverity (ignoreUnfixed skips those with no fixed version; ignore lists ids with reasons and expiry). Evidence: a scan against the vulnerability database (default) or a signed cosign vuln attestation no older than maxAge.",
  explain: (policy) => explainVulnerabilities(policy),
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
