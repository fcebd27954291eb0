/**
 * `portcullis resolve <image...>`: tag → digest from the registry (the index digest for
 * multi-platform images; with --platform also that platform's manifest digest).
 */
import { type Command, Option } from "commander";
import pc from "picocolors";
import { pinnedSpelling } from "../../pin/pinner.js";
import { InvalidReferenceError, parseReference, type Reference } from "../../reference/index.js";
import { RegistryError } from "../../registry/errors.js";
import { writeOutputFile } from "../files.js";
import { parsePlatformOption } from "../option-values.js";
import {
  addRegistryOptions,
  clientFromFlags,
  REGISTRY_HELP,
  type RegistryFlags,
} from "../registry-options.js";
import { useColor } from "../report-options.js";

interface ResolveFlags extends RegistryFlags {
  platform?: string;
  format?: "table" | "json";
  output?: string;
  color?: boolean;
}

export interface ResolvedImage {
  input: string;
  /** Fully qualified name:tag that was resolved. */
  reference: string;
  digest: string;
  mediaType: string;
  /** `name:tag@digest` in the input's own spelling. */
  pinned: string;
  platform?: string;
  platformDigest?: string;
}

export interface ResolveFailure {
  input: string;
  registry?: string;
  code: string;
  message: string;
}

export function register(program: Command): void {
  const cmd = program
    .command("resolve")
    .description("resolve image references to digests from their registries")
    .argument("<image...>", "image references, e.g. nginx:1.27, ghcr.io/org/app:1.2")
    .option(
      "--platform <os/arch[/variant]>",
      "also give the digest of this platform's manifest, e.g. linux/arm64",
    )
    .addOption(
      new Option("-f, --format <format>", "output format (default: table on a TTY, json otherwise)").choices([
        "table",
        "json",
      ]),
    )
    .option("-o, --output <file>", "write the output to FILE instead of stdout")
    .option("--no-color", "plain output (also: NO_COLOR=1)");
  addRegistryOptions(cmd).addHelpText(
    "after",
    `${REGISTRY_HELP}

Examples:
  portcullis resolve nginx:1.27                         index digest of a multi-platform image
  portcullis resolve --platform linux/arm64 nginx:1.27  plus the arm64 manifest digest
  portcullis resolve -f json --pull-secret regcred.yaml registry.example.com/team/app:2.1
  portcullis resolve --ca-file corp-ca.pem --timeout 10s registry.corp:5000/app:1.0

Exit codes: 0 all resolved, 2 invalid reference or flag, 3 a registry failed (unreachable,
auth refused, not found, digest mismatch); the others are still resolved and printed.`,
  );
  cmd.action(async (images: string[], flags: ResolveFlags) => {
    if (flags.platform) parsePlatformOption(flags.platform);
    const client = clientFromFlags(flags);
    const ok: ResolvedImage[] = [];
    const failed: ResolveFailure[] = [];
    let usage = false;
    try {
      const results = await Promise.all(
        images.map(async (input): Promise<ResolvedImage | ResolveFailure> => {
          let ref: Reference;
          try {
            ref = parseReference(input, { strictHost: true });
          } catch (err) {
            if (!(err instanceof InvalidReferenceError)) throw err;
            usage = true;
            return { input, code: err.code, message: `${JSON.stringify(input)}: ${err.message}` };
          }
          try {
            const r = await client.resolve(ref, { platform: flags.platform });
            return {
              input,
              reference: ref.digest ? ref.toString() : ref.dockerRef(),
              digest: r.digest,
              mediaType: r.mediaType,
              pinned: pinnedSpelling(input, ref, r.digest),
              ...(flags.platform ? { platform: flags.platform, platformDigest: r.platformDigest } : {}),
            };
          } catch (err) {
            if (!(err instanceof RegistryError)) throw err;
            return { input, registry: err.registry, code: err.code, message: err.message };
          }
        }),
      );
      for (const r of results) {
        if ("digest" in r) ok.push(r);
        else failed.push(r);
      }
    } finally {
      await client.close();
    }
    for (const f of failed) process.stderr.write(`portcullis resolve: ${f.message}\n`);
    const format = flags.format ?? (process.stdout.isTTY && !flags.output ? "table" : "json");
    const text =
      format === "json"
        ? `${JSON.stringify({ images: ok, errors: failed }, null, 2)}\n`
        : renderTable(ok, useColor(flags));
    if (flags.output) writeOutputFile(flags.output, text);
    else process.stdout.write(text);
    process.exitCode = usage ? 2 : failed.length > 0 ? 3 : 0;
  });
}

function renderTable(rows: ResolvedImage[], color: boolean): string {
  const c = pc.createColors(color);
  return rows
    .map((r) =>
      [
        c.bold(r.input),
        `  reference  ${r.reference}`,
        `  digest     ${r.digest}`,
        `  mediaType  ${r.mediaType}`,
        ...(r.platform ? [`  ${r.platform.padEnd(9)}  ${r.platformDigest ?? c.dim("(none)")}`] : []),
        `  pinned     ${r.pinned}`,
        "",
      ].join("\n"),
    )
    .join("\n");
}
