/** `portcullis ref <ref...>`: explain image references. Invalid ones go to stderr (exit 2). */

import { type Command, Option } from "commander";
import pc from "picocolors";
import { effectivePullPolicy, InvalidReferenceError, parseReference } from "../../reference/index.js";
import { writeOutputFile } from "../files.js";
import { useColor } from "../report-options.js";

interface RefFlags {
  format?: "table" | "json";
  output?: string;
  pullPolicy?: string;
  color?: boolean;
}

export interface ReferenceReport {
  input: string;
  domain: string;
  path: string;
  name: string;
  tag: string | null;
  digest: string | null;
  normalized: string;
  familiar: string;
  pullPolicy: string;
  pullPolicyDefaulted: boolean;
}

export function describeReference(input: string, explicitPolicy?: string): ReferenceReport {
  const ref = parseReference(input, { strictHost: true });
  return {
    input,
    domain: ref.domain,
    path: ref.path,
    name: ref.name,
    tag: ref.tag ?? null,
    digest: ref.digest ?? null,
    normalized: ref.dockerRef(),
    familiar: ref.familiar(),
    pullPolicy: effectivePullPolicy(input, explicitPolicy),
    pullPolicyDefaulted: explicitPolicy === undefined,
  };
}

export function register(program: Command): void {
  program
    .command("ref")
    .description("parse image references and show domain, path, tag, digest, normalised and familiar forms")
    .argument("<ref...>", "image references, e.g. nginx, ghcr.io/org/app:1.2, repo@sha256:…")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json"]))
    .option("-o, --output <file>", "write the output to FILE instead of stdout")
    .addOption(
      new Option(
        "--pull-policy <policy>",
        "an explicit imagePullPolicy to combine with the default rule",
      ).choices(["Always", "IfNotPresent", "Never"]),
    )
    .option("--no-color", "plain output (also: NO_COLOR=1)")
    .addHelpText(
      "after",
      `
Pull policy: when a container omits imagePullPolicy, the API server sets Always if the parsed tag
is 'latest' (written, even beside a digest, or implied by no tag and no digest), and IfNotPresent
otherwise.

Examples:
  portcullis ref nginx                      docker.io/library/nginx:latest, pull policy Always
  portcullis ref -f json ghcr.io/org/app:1.2@sha256:<64 hex>
  portcullis ref Foo/bar                    exit 2: repository name must be lowercase`,
    )
    .action((refs: string[], flags: RefFlags) => {
      const ok: ReferenceReport[] = [];
      const bad: { input: string; code: string; position: number; message: string }[] = [];
      for (const input of refs) {
        try {
          ok.push(describeReference(input, flags.pullPolicy));
        } catch (err) {
          if (!(err instanceof InvalidReferenceError)) throw err;
          bad.push({ input, code: err.code, position: err.position, message: err.message });
          process.stderr.write(
            `portcullis ref: ${JSON.stringify(shorten(input))}: ${err.message} (at character ${err.position + 1})\n${pointerLines(input, err.position)}`,
          );
        }
      }
      const format = flags.format ?? (process.stdout.isTTY && !flags.output ? "table" : "json");
      const text =
        format === "json"
          ? `${JSON.stringify({ references: ok, errors: bad }, null, 2)}\n`
          : renderRefTable(ok, useColor(flags));
      if (flags.output) writeOutputFile(flags.output, text);
      else process.stdout.write(text);
      process.exitCode = bad.length > 0 ? 2 : 0;
    });
}

const SHOWN = 100;

/** An input shown in a message: long ones (a pasted file?) are cut to their start. */
function shorten(input: string): string {
  return input.length > SHOWN ? `${input.slice(0, SHOWN)}… (${input.length} characters)` : input;
}

/** The input and a caret under the bad character, as a window of at most SHOWN characters. */
export function pointerLines(input: string, position: number): string {
  const at = Math.max(0, Math.min(position, input.length));
  const start = input.length > SHOWN ? Math.max(0, Math.min(at - SHOWN / 2, input.length - SHOWN)) : 0;
  const end = Math.min(input.length, start + SHOWN);
  const before = start > 0 ? "…" : "";
  const after = end < input.length ? "…" : "";
  return `  ${before}${input.slice(start, end)}${after}\n  ${" ".repeat(before.length + at - start)}^\n`;
}

function renderRefTable(refs: ReferenceReport[], color: boolean): string {
  const c = pc.createColors(color);
  return refs
    .map((r) =>
      [
        c.bold(r.input),
        `  domain      ${r.domain}`,
        `  path        ${r.path}`,
        `  tag         ${r.tag ?? c.dim("(none)")}`,
        `  digest      ${r.digest ?? c.dim("(none)")}`,
        `  normalised  ${r.normalized}`,
        `  familiar    ${r.familiar}`,
        `  pull policy ${r.pullPolicy}${r.pullPolicyDefaulted ? c.dim(" (API server default)") : ""}`,
        "",
      ].join("\n"),
    )
    .join("\n");
}
