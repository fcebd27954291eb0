/**
 * dockerfile-pip-no-cache-dir (hadolint DL3042): `pip install` without `--no-cache-dir`
 * keeps pip's wheel cache in the layer. Not judged when PIP_NO_CACHE_DIR is set to a true
 * value (ENV in this stage or a stage it builds on, or inline in the RUN), when the RUN mounts
 * a cache on pip's cache directory, and for pipx/pipenv.
 */
import type { Instruction } from "../../../dockerfile/model.js";
import { parseKeyValues } from "../../../dockerfile/parser.js";
import { isPipInstall, isPipWrapper } from "../package-commands.js";
import { type DockerfileRule, hitAtWord, type RuleHit } from "../rule.js";

const TRUTHY = ["1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"];

function setsNoCacheDir(instr: Instruction): boolean {
  return parseKeyValues(instr, true).some(
    (kv) => kv.key === "PIP_NO_CACHE_DIR" && TRUTHY.includes(kv.value ?? ""),
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
  docs: "pip caches downloaded wheels under ~/.cache/pip, which is useless in an image and adds megabytes. Use `pip install --no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or mount a cache.",
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
      if (run.mounts.some((m) => m.type === "cache" && (m.target ?? "").includes(".cache/pip"))) continue;
      const cmd = run.shell.commands.find(
        (c) => isPipInstall(c) && !c.args.some((a) => a.text === "--no-cache-dir") && !isPipWrapper(c),
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
