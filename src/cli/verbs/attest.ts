/**
 * `portcullis attest` and `portcullis verify-attestation`: in-toto Statement v1 attestations
 * about an image digest, in DSSE envelopes signed with a cosign-compatible key, stored at tag
 * `sha256-<hex>.att` (or as a sigstore bundle referrer with --bundle); verification prints each
 * verified statement (with its predicate) as one JSON line.
 */
import type { Command } from "commander";
import { attestImage } from "../../sign/image-signing.js";
import { verifyImageAttestations } from "../../sign/image-verification.js";
import { predicateTypeFor } from "../../sign/in-toto.js";
import { toCliError, UsageError } from "../errors.js";
import { addRegistryOptions, clientFromFlags, type RegistryFlags } from "../registry-options.js";
import { attestedLine, loadPrivateKey, readTextFile, textFormatOption } from "../signing-options.js";
import { addTrustOptions, policyFromFlags, printVerifications, type TrustFlags } from "../trust-options.js";

const TYPES_HELP =
  "spdxjson|spdx|cyclonedx|slsaprovenance|slsaprovenance1|vuln|openvex|link|custom or a predicate type URI";

interface AttestFlags extends RegistryFlags {
  key: string;
  predicate: string;
  type: string;
  signatureRepo?: string;
  bundle?: boolean;
  recursive?: boolean;
  format?: string;
}

function predicateType(type: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  const uri = predicateTypeFor(type);
  if (!uri) throw new UsageError(`--type ${JSON.stringify(type)}: expected ${TYPES_HELP}`);
  return uri;
}

export function register(program: Command): void {
  const attest = program
    .command("attest")
    .description("attach a signed in-toto attestation (SBOM, provenance, vulnerability scan …) to an image")
    .argument("<image>", "image reference; resolved to a digest before attesting")
    .requiredOption("--key <file>", "private key: cosign.key (encrypted) or plain PEM EC/RSA/Ed25519")
    .requiredOption("--predicate <file>", "the predicate: a JSON file (SBOM, provenance …); - reads stdin")
    .option("--type <type>", TYPES_HELP, "custom")
    .option("--signature-repo <repo>", "store the .att tag in this repository instead of the image's")
    .option("--bundle", "store a sigstore bundle v0.3 referrer (cosign v3 layout) instead of the .att tag")
    .option("--recursive", "for a multi-platform index, also attest every platform manifest")
    .addOption(textFormatOption());
  addRegistryOptions(attest).addHelpText(
    "after",
    `
Examples:
  portcullis attest --key cosign.key --predicate sbom.spdx.json --type spdxjson registry.example.com/app:1.4
  portcullis attest --key cosign.key --predicate provenance.json --type slsaprovenance1 app@sha256:…
  portcullis attest --key cosign.key --predicate scan.json --type https://example.com/scan/v1 app:1.4
  portcullis sbom app:1.4 -f spdx | portcullis attest --key cosign.key --predicate - --type spdxjson app:1.4

Exit codes: 0 attested, 2 bad usage or unreadable key/predicate, 3 registry failure.`,
  );
  attest.action(async (image: string, flags: AttestFlags) => {
    const type = predicateType(flags.type) as string;
    let predicate: unknown;
    try {
      predicate = JSON.parse(readTextFile(flags.predicate, "predicate", { stdin: true }));
    } catch (err) {
      if (err instanceof SyntaxError)
        throw new UsageError(`${flags.predicate}: predicate is not valid JSON: ${err.message}`);
      throw err;
    }
    const client = clientFromFlags(flags);
    try {
      const key = await loadPrivateKey(flags.key);
      const results = await attestImage(client, image, {
        privateKey: key,
        predicateType: type,
        predicate,
        signatureRepo: flags.signatureRepo,
        bundle: flags.bundle,
        recursive: flags.recursive,
      });
      if (flags.format === "json") process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else for (const r of results) process.stdout.write(attestedLine(r));
    } catch (err) {
      throw toCliError(err);
    } finally {
      await client.close();
    }
  });

  const verify = program
    .command("verify-attestation")
    .description("verify an image's attestations and print each verified statement (with its predicate)")
    .argument("<image>", "image reference; resolved to a digest once")
    .option("--type <type>", `only attestations of this predicate type (${TYPES_HELP})`);
  addTrustOptions(verify).addHelpText(
    "after",
    `
Prints one JSON line per verified in-toto statement on stdout (the predicate is its
"predicate" field); with -f text the per-attestation verdicts go to stderr.

Examples:
  portcullis verify-attestation --key cosign.pub --type spdxjson registry.example.com/app:1.4
  portcullis verify-attestation --key cosign.pub registry.example.com/app:1.4 | jq .predicate

Exit codes: 0 verified, 1 no attestation verified, 2 bad usage, 3 registry failure.`,
  );
  verify.action(async (image: string, flags: TrustFlags & { type?: string }) => {
    const type = predicateType(flags.type);
    let policy: ReturnType<typeof policyFromFlags>;
    try {
      policy = policyFromFlags(flags);
    } catch (err) {
      throw toCliError(err);
    }
    const client = clientFromFlags(flags);
    try {
      const results = await verifyImageAttestations(client, image, {
        policy: policy.policy,
        trustedRoot: policy.trustedRoot,
        signatureRepo: flags.signatureRepo,
        recursive: flags.recursive,
        predicateType: type,
      });
      if (flags.format === "json") process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else {
        printVerifications(results, flags, "attestation", process.stderr);
        for (const r of results) for (const s of r.statements) process.stdout.write(`${JSON.stringify(s)}\n`);
      }
      process.exitCode = results.every((r) => r.verified) ? 0 : 1;
    } catch (err) {
      throw toCliError(err);
    } finally {
      await client.close();
    }
  });
}
