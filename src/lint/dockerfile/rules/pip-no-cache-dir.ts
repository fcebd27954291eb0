/**
 * dockerfile-pip-no-cache-dir (hadolint DL3042): `pip install` without `--no-cache-dir`
 * keeps pip's wheel cache in the layer. Not judged when PIP_NO_CACHE_DIR is set to a true
 * value (ENV in this stage or a stage it builds on, or inline in the RUN), when a `cache` or
 * `tmpfs` mount of the RUN covers pip's cache directory (as current hadolint), and for
 * pipx/pipenv. pip's cache directory is `--cache-dir`, else PIP_CACHE_DIR, else
 * $XDG_CACHE_HOME/pip, else `~/.cache/pip` (any home: a mount on `<dir>/.cache/pip` or
 * `<dir>/.cache` counts).
 */
import type { Instruction, Mount } from "../../../dockerfile/model.js";
import { parseKeyValues } from "../../../dockerfile/parser.js";
import type { ShellCommand } from "../../../dockerfile/shell.js";
import { mountCovers, mountTargets } from "../mounts.js";
import { isPipInstall, isPipWrapper } from "../package-commands.js";
import { type DockerfileRule, hitAtWord, type LintContext, type RuleHit, type RunInfo } from "../rule.js";

const TRUTHY = ["1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"];

function setsNoCacheDir(instr: Instruction): boolean {
  return parseKeyValues(instr, true).some(
    (kv) => kv.key === "PIP_NO_CACHE_DIR" && TRUTHY.includes(kv.value ?? ""),
  );
}

/** ENV values in force before the RUN (this stage and the stages it builds on). */
function envBefore(ctx: LintContext, run: RunInfo): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  const stages = run.onbuild ? [] : ctx.lineage(run.stage).reverse();
  for (const stage of stages) {
    for (const i of stage.instructions) {
      if (i === run.outer) break;
      if (i.keyword === "ENV") for (const kv of parseKeyValues(i, true)) env.set(kv.key, kv.value);
    }
  }
  return env;
}

/** Whether a cache/tmpfs mount of the RUN holds pip's cache directory for this command. */
function cacheMounted(mounts: Mount[], cmd: ShellCommand, env: Map<string, string | undefined>): boolean {
  if (mounts.length === 0) return false;
  const args = cmd.args.map((a) => a.text);
  const k = args.findIndex((a) => a === "--cache-dir" || a.startsWith("--cache-dir="));
  const fromArg = k < 0 ? undefined : args[k].includes("=") ? args[k].slice(12) : args[k + 1];
  const inline = (name: string) => cmd.assignments.find((a) => a.name === name)?.value;
  const explicit = fromArg ?? inline("PIP_CACHE_DIR") ?? env.get("PIP_CACHE_DIR");
  if (explicit) return mountCovers(mounts, explicit);
  const xdg = inline("XDG_CACHE_HOME") ?? env.get("XDG_CACHE_HOME");
  if (xdg) return mountCovers(mounts, `${xdg}/pip`);
  return (
    mountCovers(mounts, "/root/.cache/pip") ||
    mountTargets(mounts).some((t) => t.endsWith("/.cache/pip") || t.endsWith("/.cache"))
  );
}

function inlineNoCacheDir(script: string): boolean {
  const k = script.indexOf("PIP_NO_CACHE_DIR=");
  if (k < 0) return false;
  const after = script.slice(k + "PIP_NO_CACHE_DIR=".length).replace(/^["']/, "");
  return TRUTHY.some((t) => after.startsWith(t));
}

export const pipNoCacheDir: DockerfileRule = {
  id: "dockerfile-pip-no-cache-dir",
  severity: "low",
  title: "pip install without --no-cache-dir",
  hadolint: "DL3042",
  docs: "pip caches downloaded wheels under ~/.cache/pip, which is useless in an image and adds megabytes. Use `pip install --no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or mount a cache or tmpfs on pip's cache directory (`RUN --mount=type=cache,target=/root/.cache/pip`).",
  check(ctx) {
    const out: RuleHit[] = [];
    const runs = ctx.runs().filter((r) => r.shell.commands.some(isPipInstall));
    for (const run of runs) {
      // When is PIP_NO_CACHE_DIR in force for this RUN?
      let envSet = false;
      if (run.onbuild) {
        for (const i of ctx.dockerfile.instructions) {
          if (i === run.outer) break;
          if (i.trigger?.keyword === "ENV" && setsNoCacheDir(i.trigger)) envSet = true;
        }
      } else {
        for (const stage of ctx.lineage(run.stage)) {
          for (const i of stage.instructions) {
            if (i === run.outer) break;
            if (i.keyword === "ENV" && setsNoCacheDir(i)) envSet = true;
          }
        }
      }
      if (envSet || inlineNoCacheDir(run.script.script)) continue;
      const env = run.mounts.length > 0 ? envBefore(ctx, run) : new Map<string, string | undefined>();
      const cmd = run.shell.commands.find(
        (c) =>
          isPipInstall(c) &&
          !c.args.some((a) => a.text === "--no-cache-dir") &&
          !isPipWrapper(c) &&
          !cacheMounted(run.mounts, c, env),
      );
      if (!cmd) continue;
      out.push(
        hitAtWord(
          ctx,
          run,
          cmd.word0,
          "pip install without --no-cache-dir keeps the pip cache in the layer",
          {
            fix: "pip install --no-cache-dir …",
          },
        ),
      );
    }
    return out;
  },
};
