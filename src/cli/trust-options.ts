/**
 * The trust flags `verify` and `verify-attestation` share (keys, key Secrets, Rekor keys,
 * certificate identities, trusted root, --recursive, -f), the TrustPolicy built from them, and
 * the text printing of verification results.
 */
import type { Command } from "commander";
import pc from "picocolors";
import { readCertificates } from "../sign/certificate-trust.js";
import type { ImageVerification } from "../sign/image-verification.js";
import { readPublicKey } from "../sign/key-format.js";
import { readKeysFromSecretFile } from "../sign/key-secret.js";
import { readTrustedRoot } from "../sign/sigstore-bundle.js";
import type { IdentityRequirement, TrustPolicy } from "../sign/verify-policy.js";
import { UsageError } from "./errors.js";
import { repeatable } from "./option-values.js";
import { addRegistryOptions, type RegistryFlags } from "./registry-options.js";
import { useColor } from "./report-options.js";
import { parseAnnotations, readTextFile, textFormatOption } from "./signing-options.js";

export interface TrustFlags extends RegistryFlags {
  key?: string[];
  keySecret?: string[];
  annotation?: string[];
  rekorKey?: string[];
  caRoots?: string;
  caIntermediates?: string;
  certificateEmail?: string;
  certificateHostname?: string;
  certificateOidcIssuer?: string;
  trustedRoot?: string;
  exactReference?: string;
  signatureRepo?: string;
  recursive?: boolean;
  format?: string;
  color?: boolean;
}

export function addTrustOptions(cmd: Command): Command {
  cmd
    .option(
      "--key <file>",
      "trusted public key (cosign.pub, certificate or private key); repeatable, any one may verify",
      repeatable,
    )
    .option(
      "--key-secret <file>",
      "Kubernetes Secret manifest holding cosign.pub (data or stringData); repeatable",
      repeatable,
    )
    .option(
      "-a, --annotation <key=value>",
      "annotation the signed payload must carry (repeatable)",
      repeatable,
    )
    .option(
      "--rekor-key <file>",
      "require a Rekor SET in each signature, verified offline with this Rekor public key",
      repeatable,
    )
    .option("--ca-roots <file>", "PEM root certificates for certificate signers (Fulcio CA or private PKI)")
    .option("--ca-intermediates <file>", "PEM intermediate certificates for certificate signers")
    .option("--certificate-email <email>", "required email SAN of the signing certificate")
    .option("--certificate-hostname <host>", "required hostname SAN of the signing certificate")
    .option(
      "--certificate-oidc-issuer <url>",
      "required Fulcio OIDC issuer (needs --rekor-key for the signing time)",
    )
    .option("--trusted-root <file>", "sigstore trusted_root.json for Fulcio/Rekor bundles (never fetched)")
    .option(
      "--exact-reference <ref>",
      "require this exact signed docker-reference instead of the same repository",
    )
    .option("--signature-repo <repo>", "look for .sig/.att tags in this repository instead of the image's")
    .option("--recursive", "for a multi-platform index, also verify every platform manifest")
    .addOption(textFormatOption())
    .option("--no-color", "plain output (also: NO_COLOR=1)");
  return addRegistryOptions(cmd);
}

export function policyFromFlags(flags: TrustFlags): { policy: TrustPolicy; trustedRoot?: unknown } {
  const keys = (flags.key ?? []).map((f) => ({ name: f, key: readPublicKey(readTextFile(f, "key"), f) }));
  for (const f of flags.keySecret ?? []) keys.push(...readKeysFromSecretFile(f));
  const policy: TrustPolicy = { keys, annotations: parseAnnotations(flags.annotation) };
  if (flags.rekorKey?.length)
    policy.rekorKeys = flags.rekorKey.map((f) => readPublicKey(readTextFile(f, "Rekor key"), f));
  if (flags.caRoots) {
    const roots = readCertificates(readTextFile(flags.caRoots, "CA roots"));
    if (roots.length === 0) throw new UsageError(`${flags.caRoots}: no CERTIFICATE PEM block`);
    policy.certificate = {
      roots,
      intermediates: flags.caIntermediates
        ? readCertificates(readTextFile(flags.caIntermediates, "intermediates"))
        : [],
      subjectEmail: flags.certificateEmail,
      subjectHostname: flags.certificateHostname,
      oidcIssuer: flags.certificateOidcIssuer,
    };
  } else if (flags.certificateEmail || flags.certificateHostname || flags.certificateOidcIssuer) {
    policy.certificate = {
      roots: [],
      subjectEmail: flags.certificateEmail,
      subjectHostname: flags.certificateHostname,
      oidcIssuer: flags.certificateOidcIssuer,
    };
  }
  const identity: IdentityRequirement = flags.exactReference
    ? { type: "exactReference", reference: flags.exactReference }
    : { type: "matchRepository" };
  policy.identity = identity;
  let trustedRoot: unknown;
  if (flags.trustedRoot) {
    try {
      trustedRoot = readTrustedRoot(flags.trustedRoot);
    } catch (err) {
      throw new UsageError(`cannot read trusted root ${flags.trustedRoot}: ${(err as Error).message}`);
    }
  }
  if (keys.length === 0 && !policy.certificate?.roots.length && !trustedRoot)
    throw new UsageError("give at least one --key, --key-secret, --ca-roots or --trusted-root");
  return { policy, trustedRoot };
}

export function printVerifications(
  results: ImageVerification[],
  flags: TrustFlags,
  what: string,
  out: NodeJS.WriteStream = process.stdout,
): void {
  const color = useColor(flags, out);
  const ok = (s: string) => (color ? pc.green(s) : s);
  const bad = (s: string) => (color ? pc.red(s) : s);
  for (const r of results) {
    // A platform child of --recursive is already `name@digest`: say the digest once.
    const name = r.reference.endsWith(`@${r.digest}`) ? r.reference : `${r.reference}@${r.digest}`;
    const head = r.verified ? ok(`✓ ${name}`) : bad(`✗ ${name}`);
    const n = r.verdicts.filter((v) => v.verified).length;
    out.write(`${head}: ${n} of ${r.verdicts.length} ${what}(s) verified\n`);
    for (const v of r.verdicts) {
      const mark = v.verified ? ok("  ✓") : bad("  ✗");
      const payload = v.claims
        ? ` [payload ${v.claims.dockerReference}@${v.claims.manifestDigest}${v.claims.optional ? ` ${JSON.stringify(v.claims.optional)}` : ""}]`
        : v.statement
          ? ` [${v.statement.predicateType}]`
          : "";
      out.write(`${mark} ${v.source}: ${v.reason}${payload}\n`);
    }
    if (r.verdicts.length === 0) out.write(`  no ${what}s found; looked at: ${r.looked.join("; ")}\n`);
  }
}
