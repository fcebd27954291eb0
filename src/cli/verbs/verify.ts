/**
 * `portcullis verify --key cosign.pub IMAGE`: verify an image's cosign signatures in every layout
 * (tag `sha256-<hex>.sig`, OCI 1.1 referrers with the tag fallback, sigstore bundles) and print
 * which key verified which payload. Exit 1 when no signature verifies (with --recursive: when any
 * platform manifest has none). The trust flags are in ../trust-options.ts.
 */
import type { Command } from "commander";
import { verifyImage } from "../../sign/image-verification.js";
import { toCliError } from "../errors.js";
import { clientFromFlags } from "../registry-options.js";
import { addTrustOptions, policyFromFlags, printVerifications, type TrustFlags } from "../trust-options.js";

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
      throw toCliError(err);
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
      throw toCliError(err);
    } finally {
      await client.close();
    }
  });
}
