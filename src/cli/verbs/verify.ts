/**
 * `portcullis verify --key cosign.pub IMAGE`: verify an image's cosign signatures in every layout
 * (tag `sha256-<hex>.sig`, OCI 1.1 referrers with the tag fallback, sigstore bundles) and print
 * which key verified which payload. Exit 1 when no signature verifies (with --recursive: when any
 * platform manifest has none). Also home of the trust flags `verify-attestation` shares.
 */
import type { Command } from "commander";
import pc from "picocolors";
import { readCertificates } from "../../sign/certificate-trust.js";
import { type ImageVerification, verifyImage } from "../../sign/image-verification.js";
import { readPublicKey } from "../../sign/key-format.js";
import { readKeysFromSecretFile } from "../../sign/key-secret.js";
import { readTrustedRoot } from "../../sign/sigstore-bundle.js";
import type { IdentityRequirement, TrustPolicy } from "../../sign/verify-policy.js";
import { UsageError } from "../errors.js";
import { useColor } from "../report-options.js";
import { addRegistryOptions, clientFromFlags, type RegistryFlags } from "./resolve.js";
import { cliError, collect, parseAnnotations, readTextFile, textFormatOption } from "./sign.js";

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
      collect,
    )
    .option(
      "--key-secret <file>",
      "Kubernetes Secret manifest holding cosign.pub (data or stringData); repeatable",
      collect,
    )
    .option("-a, --annotation <key=value>", "annotation the signed payload must carry (repeatable)", collect)
    .option(
      "--rekor-key <file>",
      "require a Rekor SET in each signature, verified offline with this Rekor public key",
      collect,
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
    const head = r.verified ? ok(`✓ ${r.reference}@${r.digest}`) : bad(`✗ ${r.reference}@${r.digest}`);
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

export function register(program: Command): void {
  const cmd = program
    .command("verify")
    .description(
      "verify an image's cosign signatures (tag schema, OCI referrers, sigstore bundles) by digest",
    )
    .argument("<image>", "image reference; resolved to a digest once, everything after is by digest");
  addTrustOptions(cmd).addHelpText(
    "after",
    `
Each signature is checked: payload blob digest, signature over the exact payload bytes with a
trusted key, payload manifest digest equal to the image digest, docker-reference naming the
image's repository, and the -a annotations. Keyless (Fulcio/Rekor) material is only ever
verified against files you give (--ca-roots/--rekor-key or --trusted-root).

Examples:
  portcullis verify --key cosign.pub registry.example.com/team/app:1.4
  portcullis verify --key old.pub --key new.pub -a env=prod registry.example.com/team/app@sha256:…
  portcullis verify --key-secret cosign-secret.yaml --recursive registry.example.com/team/app:1.4
  portcullis verify --key cosign.pub --rekor-key rekor.pub registry.example.com/team/app:1.4
  portcullis verify --ca-roots fulcio.pem --rekor-key rekor.pub --certificate-email dev@example.com \\
      --certificate-oidc-issuer https://github.com/login/oauth registry.example.com/team/app:1.4

Exit codes: 0 verified, 1 no signature verified, 2 bad usage or unreadable key, 3 registry failure.`,
  );
  cmd.action(async (image: string, flags: TrustFlags) => {
    let policy: ReturnType<typeof policyFromFlags>;
    try {
      policy = policyFromFlags(flags);
    } catch (err) {
      throw cliError(err);
    }
    const client = clientFromFlags(flags);
    try {
      const results = await verifyImage(client, image, {
        policy: policy.policy,
        trustedRoot: policy.trustedRoot,
        signatureRepo: flags.signatureRepo,
        recursive: flags.recursive,
      });
      if (flags.format === "json") process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else printVerifications(results, flags, "signature");
      process.exitCode = results.every((r) => r.verified) ? 0 : 1;
    } catch (err) {
      throw cliError(err);
    } finally {
      await client.close();
    }
  });
}
