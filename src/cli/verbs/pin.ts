/**
 * `portcullis pin <files|dirs|->`: rewrite images in Kubernetes manifests (containers, image
 * volumes) and Dockerfiles (FROM, COPY --from, RUN --mount from) to `name:tag@sha256:…`, changing nothing else in the files. `--check` lists unpinned
 * images (exit 1) without network or writes; `--dry-run` prints a unified diff; `--verify`
 * reports pinned tags that now point elsewhere (drift, exit 1). Files are replaced atomically.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { type Command, Option } from "commander";
import pc from "picocolors";
import { writePinnedFile } from "../../pin/atomic-write.js";
import { isDockerfileName, looksLikeDockerfile } from "../../pin/find-dockerfile.js";
import type { SourceProblem } from "../../pin/image-site.js";
import { markUnwritten, type PinResult, type PinSource, pinSources } from "../../pin/pinner.js";
import { unifiedDiff } from "../../pin/unified-diff.js";
import { decodeInputText } from "../../shared/input-text.js";
import { describeFsError, writeOutputFile } from "../files.js";
import {
  addRegistryOptions,
  clientFromFlags,
  REGISTRY_HELP,
  type RegistryFlags,
} from "../registry-options.js";
import { useColor } from "../report-options.js";

interface PinFlags extends RegistryFlags {
  check?: boolean;
  dryRun?: boolean;
  verify?: boolean;
  force?: boolean;
  format?: "table" | "json";
  output?: string;
  quiet?: boolean;
  color?: boolean;
}

const YAML_EXT = new Set([".yaml", ".yml"]);
const SKIP_DIRS = new Set([".git", "node_modules", ".hg", ".svn"]);

/** Expand the arguments into sources; unreadable paths become problems. */
export function collectSources(args: string[]): { sources: PinSource[]; problems: SourceProblem[] } {
  const sources: PinSource[] = [];
  const problems: SourceProblem[] = [];
  const addFile = (file: string, explicit: boolean) => {
    const base = basename(file);
    const kind = isDockerfileName(base)
      ? "dockerfile"
      : YAML_EXT.has(extname(base).toLowerCase())
        ? "yaml"
        : undefined;
    if (!kind && !explicit) return;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      problems.push({ file, message: `cannot read: ${describeFsError(err)}` });
      return;
    }
    // Never rewrite a file that is not UTF-8 text: decoding it would turn its bytes into U+FFFD.
    const decoded = decodeInputText(bytes, file);
    if (decoded.error) {
      problems.push({ ...decoded.error, message: `${decoded.error.message}; left unchanged` });
      return;
    }
    const text = decoded.text;
    const bom = hasBom(bytes) ? { bom: true } : {};
    if (kind) sources.push({ name: file, text, kind, ...bom });
    else if (explicit)
      sources.push({ name: file, text, kind: looksLikeDockerfile(text) ? "dockerfile" : "yaml", ...bom });
  };
  const walk = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      problems.push({ file: dir, message: `cannot read directory: ${describeFsError(err)}` });
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.isFile() || (e.isSymbolicLink() && isRegularFile(p))) addFile(p, false);
    }
  };
  for (const arg of args) {
    if (arg === "-") {
      let bytes: Buffer;
      try {
        bytes = readFileSync(0);
      } catch (err) {
        problems.push({ file: "-", message: `cannot read stdin: ${describeFsError(err)}` });
        continue;
      }
      const decoded = decodeInputText(bytes, "-");
      if (decoded.error) {
        problems.push(decoded.error);
        continue;
      }
      const text = decoded.text;
      sources.push({
        name: "-",
        text,
        kind: looksLikeDockerfile(text) ? "dockerfile" : "yaml",
        ...(hasBom(bytes) ? { bom: true } : {}),
      });
      continue;
    }
    let st: import("node:fs").Stats;
    try {
      st = statSync(arg);
    } catch (err) {
      problems.push({ file: arg, message: `cannot read: ${describeFsError(err)}` });
      continue;
    }
    if (st.isDirectory()) walk(arg);
    else addFile(arg, true);
  }
  return { sources, problems };
}

function hasBom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** A symlink found while walking counts when it points at a regular file (never at a directory). */
function isRegularFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function register(program: Command): void {
  const cmd = program
    .command("pin")
    .description("pin images in Kubernetes manifests and Dockerfiles to name:tag@sha256:<digest>")
    .argument(
      "<paths...>",
      "files or directories (*.yaml, *.yml, Dockerfile*, Containerfile*), or - for stdin",
    )
    .option(
      "--check",
      "list images without a digest and exit 1 if there are any; no network, no writes (for CI)",
    )
    .option("--dry-run", "print a unified diff of the changes instead of writing the files")
    .option("--verify", "also resolve the tags of already-pinned images and report drift (exit 1)")
    .option("--force", "also rewrite read-only files (mode without write permission)")
    .addOption(
      new Option("-f, --format <format>", "report format (default: table on a TTY, json otherwise)").choices([
        "table",
        "json",
      ]),
    )
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option("-q, --quiet", "only errors")
    .option("--no-color", "plain output (also: NO_COLOR=1)");
  addRegistryOptions(cmd).addHelpText(
    "after",
    `
Every 'image:' of containers, initContainers and ephemeralContainers (in any kind: Pod,
Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet, PodTemplate, Lists, CRDs that embed
pod templates), every image volume (volumes[].image.reference) and every Dockerfile image (FROM,
COPY --from=<image>, RUN --mount=...,from=<image>) is rewritten to name:tag@sha256:<digest> (the
index digest for multi-platform images; ':latest' is written out when there was no tag). Only
the image text changes: comments, quotes, key order and indentation stay as they were. Each file
is replaced atomically (temporary file + rename in the directory of a symlink's target; files
with several hard links are rewritten in place); read-only files need --force; a UTF-8 BOM is
kept. With '-' the result goes to stdout and the report to stderr. Images built from ARG
values, 'scratch' and build stages are left alone.
${REGISTRY_HELP}

Examples:
  portcullis pin deploy/                         pin every manifest and Dockerfile under deploy/
  portcullis pin --dry-run k8s/web.yaml          show the diff, change nothing
  portcullis pin --check deploy/ Dockerfile      CI gate: exit 1 when an image has no digest
  portcullis pin --verify --check deploy/        CI gate that also catches moved tags
  kustomize build . | portcullis pin - > pinned.yaml

Exit codes: 0 done, 1 unpinned images (--check) or drift (--verify), 2 unreadable or invalid
input or a read-only file without --force (the other files are still processed), 3 a registry
failed or a file could not be written (those images stay unchanged).`,
  );
  cmd.action(async (paths: string[], flags: PinFlags) => {
    const { sources, problems } = collectSources(paths);
    const needsNetwork = !flags.check || flags.verify;
    const client = needsNetwork ? clientFromFlags(flags) : undefined;
    let outcome: Awaited<ReturnType<typeof pinSources>>;
    try {
      outcome = await pinSources(
        sources,
        async (ref) => {
          if (!client) throw new Error("no registry client in --check mode");
          return (await client.resolve(ref)).digest;
        },
        { check: flags.check, verify: flags.verify },
      );
    } finally {
      await client?.close();
    }
    problems.push(...outcome.problems);
    const writeReportTo = paths.includes("-") || flags.dryRun ? process.stderr : process.stdout;
    // Writes (or diff / stdout document)
    const writeErrors: SourceProblem[] = [];
    if (!flags.check) {
      for (const source of sources) {
        const next = outcome.changed.get(source.name);
        if (flags.dryRun) {
          if (next !== undefined)
            process.stdout.write(unifiedDiff(source.text, next, `a/${source.name}`, `b/${source.name}`));
          continue;
        }
        if (source.name === "-") {
          process.stdout.write(`${source.bom ? "\uFEFF" : ""}${next ?? source.text}`);
          continue;
        }
        if (next === undefined) continue;
        const written = writePinnedFile(source.name, next, { force: flags.force, bom: source.bom });
        if (written.ok) continue;
        // Nothing in this file is pinned on disk: say so per image (failed: exit 3).
        if (written.kind === "failed") markUnwritten(outcome.results, source.name, "failed", written.message);
        else {
          markUnwritten(outcome.results, source.name, "skipped", written.message);
          writeErrors.push({ file: source.name, message: written.message });
        }
      }
    }
    problems.push(...writeErrors);
    const invalid = outcome.results.filter((r) => r.status === "invalid");
    const failed = outcome.results.filter((r) => r.status === "failed");
    const gate = outcome.results.filter((r) => r.status === "unpinned" || r.status === "drift");
    const format = flags.format ?? (writeReportTo.isTTY && !flags.output ? "table" : "json");
    const report =
      format === "json"
        ? `${JSON.stringify({ images: outcome.results, errors: problems, summary: summarize(outcome.results, sources.length, flags) }, null, 2)}\n`
        : renderTable(outcome.results, problems, flags, useColor(flags, writeReportTo as NodeJS.WriteStream));
    if (flags.output) writeOutputFile(flags.output, report);
    else if (!(flags.quiet && format === "table")) writeReportTo.write(report);
    for (const r of failed)
      process.stderr.write(`portcullis pin: ${r.file}:${r.line}:${r.column}: ${r.message}\n`);
    if (format !== "table" || flags.output || flags.quiet) {
      for (const p of problems) process.stderr.write(`portcullis pin: ${location(p)}: ${p.message}\n`);
      for (const r of invalid)
        process.stderr.write(`portcullis pin: ${r.file}:${r.line}:${r.column}: ${r.message}\n`);
    }
    process.exitCode =
      failed.length > 0 ? 3 : problems.length > 0 || invalid.length > 0 ? 2 : gate.length > 0 ? 1 : 0;
  });
}

function location(p: { file: string; line?: number; column?: number }): string {
  return `${p.file}${p.line ? `:${p.line}` : ""}${p.column ? `:${p.column}` : ""}`;
}

function summarize(results: PinResult[], files: number, flags: PinFlags) {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return {
    files,
    images: results.length,
    mode: flags.check ? "check" : flags.dryRun ? "dry-run" : "write",
    ...counts,
  };
}

function renderTable(
  results: PinResult[],
  problems: SourceProblem[],
  flags: PinFlags,
  color: boolean,
): string {
  const c = pc.createColors(color);
  const lines: string[] = [];
  for (const r of results) {
    const at = c.dim(`${r.file}:${r.line}:${r.column}`);
    switch (r.status) {
      case "pinned":
        lines.push(`${at}  ${flags.dryRun ? "would pin" : c.green("pinned")}  ${r.image} → ${r.pinned}`);
        break;
      case "already-pinned":
        if (!flags.quiet) lines.push(`${at}  ${c.dim("already pinned")}  ${r.image}`);
        break;
      case "verified":
        lines.push(`${at}  ${c.green("verified")}  ${r.image}`);
        break;
      case "unpinned":
        lines.push(`${at}  ${c.yellow("unpinned")}  ${r.image}  (${r.where})`);
        break;
      case "drift":
        lines.push(`${at}  ${c.red("drift")}  ${r.image}: ${r.message}`);
        break;
      case "failed":
        lines.push(`${at}  ${c.red("failed")}  ${r.image}: ${r.message}`);
        break;
      case "skipped":
        if (!flags.quiet) lines.push(`${at}  ${c.dim("skipped")}  ${r.image}: ${r.message}`);
        break;
      case "invalid":
        lines.push(`${at}  ${c.red("invalid")}  ${r.message}`);
        break;
    }
  }
  for (const p of problems) lines.push(`${c.dim(location(p))}  ${c.red("error")}  ${p.message}`);
  const counts = summarize(results, 0, flags);
  lines.push(
    `${results.length} image(s): ${
      Object.entries(counts)
        .filter(([k]) => !["files", "images", "mode"].includes(k))
        .map(([k, v]) => `${v} ${k}`)
        .join(", ") || "none found"
    }`,
  );
  return `${lines.join("\n")}\n`;
}
