/**
 * The policy's signature and attestation verdicts for one image DIGEST, through src/sign's
 * cosign-compatible verifier (every layout: `.sig`/`.att` tags, OCI referrers and their fallback
 * tag, sigstore bundles). Turns the verifier's per-signature results into one FactVerdict whose
 * message says which keys were tried and why each signature was refused. Registry failures are
 * thrown (the inspector caches them briefly and reports a look-up failure). No caching here.
 */
import type { ImageStore } from "../sign/image-signing.js";
import type { SignatureVerdict } from "../sign/verify-policy.js";
import type { PolicyKey } from "./keys.js";
import type { FactVerdict } from "./rule.js";

/** One requirement: a signature (or attestations) by any of these keys. */
export interface KeyedRequirement {
  /** The key source in words (file as written, Secret ns/name), for messages. */
  source: string;
  keys: PolicyKey[];
}

export interface AttestationRequirement extends KeyedRequirement {
  predicateTypes: string[];
}

type VerifierModule = typeof import("../sign/image-verification.js");
let verifier: Promise<VerifierModule> | undefined;
/** The verifier pulls in @sigstore/*; load it only when an image is actually verified. */
function loadVerifier(): Promise<VerifierModule> {
  verifier ??= import("../sign/image-verification.js");
  return verifier;
}

function keyList(r: KeyedRequirement): string {
  const names = r.keys.map((k) => k.name);
  return names.length === 1 ? `key ${names[0]}` : `keys ${names.join(", ")}`;
}

/**
 * Where-it-was-found texts name the repository and the full digest again and again; in a message
 * that already names both, shorten them (`tag sha256-872bafe55072….sig`).
 */
function compact(text: string, repo: string, digest: string, tagWord = ""): string {
  const hex = digest.slice(digest.indexOf(":") + 1);
  return text
    .split(`${repo}:`)
    .join(tagWord)
    .split(`${repo}@`)
    .join("")
    .split(hex)
    .join(`${hex.slice(0, 12)}…`);
}

function rejected(verdicts: SignatureVerdict[], repo: string, digest: string): string {
  const bad = verdicts.filter((v) => !v.verified);
  return bad.map((v) => `${compact(v.source, repo, digest, "tag ")}: ${v.reason}`).join("; ");
}

function lookedAt(looked: string[], repo: string, digest: string): string {
  return looked.map((l) => compact(l, repo, digest)).join(", ");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Signatures: every requirement must be met by at least one signature over `repo@digest`
 * verified with one of its keys (several requirements can match one image: each must hold).
 */
export async function verifySignatures(
  store: ImageStore,
  repo: string,
  digest: string,
  requirements: KeyedRequirement[],
): Promise<FactVerdict> {
  const { verifyImage } = await loadVerifier();
  const image = `${repo}@${digest}`;
  const problems: string[] = [];
  const signers: string[] = [];
  for (const req of requirements) {
    const [result] = await verifyImage(store, image, {
      policy: { keys: req.keys.map((k) => ({ name: k.name, key: k.key })) },
    });
    if (result.verified) {
      signers.push(...result.verdicts.filter((v) => v.verified).map((v) => v.signer ?? req.source));
      continue;
    }
    if (!result.verdicts.length) {
      problems.push(
        `no signature found for digest ${digest} (looked at ${lookedAt(result.looked, repo, digest)}); the policy requires one by ${keyList(req)}`,
      );
      continue;
    }
    problems.push(
      `no signature for digest ${digest} verifies with ${keyList(req)}: ${plural(result.verdicts.length, "signature")} refused (${rejected(result.verdicts, repo, digest)})`,
    );
  }
  if (problems.length) return { ok: false, message: problems.join("; ") };
  return { ok: true, message: `signed by ${[...new Set(signers)].join(", ")}` };
}

/** Attestations: each required predicate type needs a statement verified with the requirement's keys. */
export async function verifyAttestations(
  store: ImageStore,
  repo: string,
  digest: string,
  requirements: AttestationRequirement[],
): Promise<FactVerdict> {
  const { verifyImageAttestations } = await loadVerifier();
  const image = `${repo}@${digest}`;
  const problems: string[] = [];
  const found: string[] = [];
  for (const req of requirements) {
    const [result] = await verifyImageAttestations(store, image, {
      policy: { keys: req.keys.map((k) => ({ name: k.name, key: k.key })) },
    });
    const verifiedTypes = new Set(result.statements.map((s) => s.predicateType));
    const missing = req.predicateTypes.filter((t) => !verifiedTypes.has(t));
    for (const t of req.predicateTypes) if (verifiedTypes.has(t)) found.push(t);
    if (!missing.length) continue;
    const have = verifiedTypes.size
      ? `; verified attestations are of type ${[...verifiedTypes].join(", ")}`
      : "";
    const refusedCount = result.verdicts.filter((v) => !v.verified).length;
    const why = !result.verdicts.length
      ? ` (no attestation found; looked at ${lookedAt(result.looked, repo, digest)})`
      : refusedCount
        ? ` (${plural(refusedCount, "attestation")} refused: ${rejected(result.verdicts, repo, digest)})`
        : "";
    problems.push(
      `no attestation of type ${missing.join(", ")} for digest ${digest} verifies with ${keyList(req)}${why}${have}`,
    );
  }
  if (problems.length) return { ok: false, message: problems.join("; ") };
  return { ok: true, message: `attested: ${[...new Set(found)].join(", ")}` };
}
