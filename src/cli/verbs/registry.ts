/**
 * `portcullis registry retention REPO`: a retention plan for one repository — which tags and
 * manifests would be deleted and why each kept one is kept — and with `--apply` the deletion
 * through the registry API. Thin layer over src/registry/retention.ts.
 */
import { readFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { runningDigests } from "../../audit/running-digests.js";
import { KubeClient } from "../../cluster/client.js";
import { InvalidReferenceError, parseReference } from "../../reference/index.js";
import { RegistryError } from "../../registry/errors.js";
import {
  applyRetention,
  planRetention,
  type RetentionPlan,
  type RetentionRules,
  validateRetentionRules,
} from "../../registry/retention.js";
import { durationMs } from "../../shared/duration.js";
import { clusterFailure, connectFromFlags } from "../cluster-options.js";
import { OperationalError, UsageError } from "../errors.js";
import { writeOutputFile } from "../files.js";
import {
  addRegistryOptions,
  clientFromFlags,
  REGISTRY_HELP,
  type RegistryFlags,
} from "../registry-options.js";

interface RetentionFlags extends RegistryFlags {
  keepLast?: string;
  keepSemver?: string;
  keepYoungerThan?: string;
  keepDigests?: string[];
  apply?: boolean;
  keepRunning?: boolean;
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  format?: "table" | "json";
  output?: string;
}

/** `30d`, `12h`, `2w`, `90m` → milliseconds (retention ages; a bare number is days). */
export function parseAge(s: string): number {
  const ms = durationMs(s, "d");
  if (ms === undefined)
    throw new UsageError(`--keep-younger-than: invalid age ${JSON.stringify(s)} (use e.g. 30d, 12h, 2w)`);
  return ms;
}

/**
 * --keep-running: the digests the cluster's pods run (status imageIDs and digest-pinned specs).
 * Namespaces whose pods cannot be read are warned about; with --apply they stop the run, since
 * a partial view could delete an image something still runs.
 */
async function readRunning(flags: RetentionFlags): Promise<Set<string>> {
  const connection = await connectFromFlags(flags, "--keep-running: ");
  let running: Awaited<ReturnType<typeof runningDigests>>;
  try {
    running = await runningDigests(new KubeClient(connection), flags.namespace);
  } catch (err) {
    throw clusterFailure(err, connection, "--keep-running: ");
  }
  for (const u of running.unreadable)
    process.stderr.write(
      `warning: --keep-running: pods of ${u.namespace ?? "the cluster"} not read: ${u.message}\n`,
    );
  if (flags.apply && running.unreadable.length > 0)
    throw new OperationalError(
      `--keep-running: not deleting anything: the pods of ${running.unreadable.length} namespace(s) could not be read, so an image they run might be deleted (grant list on pods, or limit with --namespace)`,
    );
  process.stderr.write(
    `--keep-running: ${running.digests.size} digest(s) run by ${running.pods} pod(s) in ${connection.server}\n`,
  );
  return new Set(running.digests.keys());
}

/** Digests from files: one per line, bare (`sha256:…`) or in a reference (`name@sha256:…`); `#` comments. */
function readDigests(files: string[]): Set<string> {
  const out = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new UsageError(`--keep-digests: cannot read ${file}: ${(err as Error).message}`);
    }
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/#.*/, "").trim();
      if (!line) return;
      const m = /(sha256:[0-9a-f]{64})$/.exec(line);
      if (!m)
        throw new UsageError(
          `${file}:${i + 1}: expected a digest (sha256:<64 hex>) or name@sha256:…, got ${JSON.stringify(line)}`,
        );
      out.add(m[1] as string);
    });
  }
  return out;
}

function renderTable(
  plan: RetentionPlan,
  applied?: { deleted: string[]; failed: { what: string; message: string }[] },
): string {
  const lines: string[] = [`${plan.repository}`];
  const w = Math.max(3, ...plan.tags.map((t) => t.tag.length));
  lines.push(`  ${"TAG".padEnd(w)}  DIGEST         CREATED     DECISION  WHY`);
  for (const t of plan.tags) {
    lines.push(
      `  ${t.tag.padEnd(w)}  ${t.digest.slice(7, 19)}   ${(t.created ?? "-").slice(0, 10).padEnd(10)}  ${t.decision.padEnd(8)}  ${t.reasons.join("; ")}`,
    );
  }
  const del = plan.manifests.filter((m) => m.decision === "delete");
  const att = del.filter((m) => m.kind === "attachment").length;
  lines.push(
    `${plan.tags.filter((t) => t.decision === "keep").length} of ${plan.tags.length} tags kept; ${del.length - att} manifests and ${att} signature/attestation tags ${applied ? "deleted" : "would be deleted"}`,
  );
  for (const m of plan.manifests.filter(
    (x) =>
      x.decision === "keep" &&
      x.kind !== "attachment" &&
      x.tags.every((t) => plan.tags.find((p) => p.tag === t)?.decision === "delete"),
  )) {
    lines.push(`  kept ${m.digest.slice(0, 19)}… (${m.tags.join(", ")}): ${m.reasons.join("; ")}`);
  }
  if (applied) for (const f of applied.failed) lines.push(`  failed: ${f.what}: ${f.message}`);
  else if (del.length > 0) lines.push("Nothing was deleted: run again with --apply to delete.");
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  const registry = program.command("registry").description("registry housekeeping (registry retention)");
  const cmd = registry
    .command("retention")
    .description("plan (and with --apply, carry out) which tags and manifests of a repository to delete")
    .argument("<repository>", "repository, e.g. registry.example.com/team/app")
    .option("--keep-last <n>", "keep the newest N tags (by image creation time)")
    .option("--keep-semver <range>", "keep tags that are semver versions in RANGE, e.g. '>=1.4' or '^2'")
    .option(
      "--keep-younger-than <age>",
      "keep tags whose image is younger than AGE: 30d, 12h, 2w (bare number: days)",
    )
    .option(
      "--keep-digests <file>",
      "keep these digests and their tags: one per line, bare or name@digest (repeatable; e.g. the images a cluster runs)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option(
      "--keep-running",
      "keep every digest the cluster's pods run now (kubeconfig as kubectl; see --kubeconfig)",
    )
    .option(
      "--kubeconfig <file>",
      "with --keep-running: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)",
    )
    .option("--context <name>", "with --keep-running: kubeconfig context (default: the current context)")
    .option(
      "--namespace <ns>",
      "with --keep-running: read pods of this namespace only (repeatable; default: all namespaces)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option("--apply", "delete what the plan marks for deletion (the registry must allow deletes)")
    .addOption(
      new Option("-f, --format <format>", "output format (default: table on a TTY, json otherwise)").choices([
        "table",
        "json",
      ]),
    )
    .option("-o, --output <file>", "write the plan to FILE instead of stdout");
  addRegistryOptions(cmd).addHelpText(
    "after",
    `
A tag is kept when any keep rule holds. Registries delete manifests, not tags: a digest is deleted
only when none of its tags is kept, no kept index references it and it is not in --keep-digests;
cosign signatures/attestations (sha256-….sig/.att/.sbom) go with their image. Blobs are freed
by the registry's own garbage collection afterwards.
${REGISTRY_HELP}

Examples:
  portcullis registry retention registry.example.com/team/app --keep-last 10 --keep-semver '>=2'
  portcullis registry retention 127.0.0.1:5000/app --keep-younger-than 30d --keep-digests running.txt --apply
  portcullis registry retention registry.example.com/team/app --keep-last 5 --keep-running --apply

Exit codes: 0 planned (or applied), 2 bad flag or repository, 3 a registry failure or a deletion failed.`,
  );
  cmd.action(async (repository: string, flags: RetentionFlags) => {
    let repo: ReturnType<typeof parseReference>;
    try {
      repo = parseReference(repository, { strictHost: true });
    } catch (err) {
      if (err instanceof InvalidReferenceError)
        throw new UsageError(`${JSON.stringify(repository)}: ${err.message}`);
      throw err;
    }
    if (repo.tag || repo.digest)
      throw new UsageError(`${JSON.stringify(repository)}: give a repository without a tag or digest`);
    const rules: RetentionRules = {};
    if (flags.keepLast !== undefined) {
      if (!/^\d+$/.test(flags.keepLast))
        throw new UsageError(`--keep-last: expected a whole number, got ${JSON.stringify(flags.keepLast)}`);
      rules.keepLast = Number(flags.keepLast);
    }
    if (flags.keepSemver !== undefined) rules.keepSemver = flags.keepSemver;
    if (flags.keepYoungerThan !== undefined) rules.keepYoungerThanMs = parseAge(flags.keepYoungerThan);
    for (const [flag, set] of [
      ["--kubeconfig", flags.kubeconfig],
      ["--context", flags.context],
      ["--namespace", flags.namespace],
    ] as const)
      if (set && !flags.keepRunning) throw new UsageError(`${flag} is only used with --keep-running`);
    const keep = new Set<string>(flags.keepDigests ? readDigests(flags.keepDigests) : []);
    if (flags.keepRunning) for (const d of await readRunning(flags)) keep.add(d);
    if (flags.keepDigests || flags.keepRunning) rules.keepDigests = keep;
    try {
      validateRetentionRules(rules);
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/^registry -: /, ""));
    }
    const client = clientFromFlags(flags);
    try {
      const plan = await planRetention(client, repo, rules);
      const applied = flags.apply ? await applyRetention(client, plan) : undefined;
      const json = flags.format === "json" || (!flags.format && !(process.stdout.isTTY && !flags.output));
      const text = json
        ? `${JSON.stringify({ ...plan, ...(applied ? { applied } : {}) }, null, 2)}\n`
        : renderTable(plan, applied);
      if (flags.output) writeOutputFile(flags.output, text);
      else process.stdout.write(text);
      if (applied && applied.failed.length > 0) process.exitCode = 3;
    } catch (err) {
      if (err instanceof RegistryError) throw new OperationalError(err.message);
      throw err;
    } finally {
      await client.close();
    }
  });
}
