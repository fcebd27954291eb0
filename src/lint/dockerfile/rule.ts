/**
 * What a Dockerfile lint rule is: metadata (id, severity, title, docs, the hadolint id it
 * corresponds to) and a `check()` that reads the parsed Dockerfile through a LintContext and
 * returns hits. Rules know nothing of files, config, ignores or output formats; the engine
 * turns hits into findings.
 */
import type { Dockerfile, Instruction, Mount, Position, Stage } from "../../dockerfile/model.js";
import { type RunScript, runScript } from "../../dockerfile/run-script.js";
import type { ParsedShell, ShellWord } from "../../dockerfile/shell.js";
import type { RuleMeta, Severity } from "../../report/finding.js";

export interface RuleHit {
  /** The instruction the hit belongs to (inline ignores look at the line above it). */
  instruction: Instruction;
  at: Position;
  end?: Position;
  message: string;
  fix?: string;
  image?: string;
  /** Overrides the rule's severity for this hit (config overrides still win). */
  severity?: Severity;
}

export interface DockerfileRule extends RuleMeta {
  check(ctx: LintContext): RuleHit[];
}

/** One RUN to analyse: a plain RUN or the RUN inside `ONBUILD RUN`. */
export interface RunInfo {
  /** The RUN instruction itself (the trigger for ONBUILD). */
  run: Instruction;
  /** The line-level instruction: the RUN, or the ONBUILD that wraps it. */
  outer: Instruction;
  onbuild: boolean;
  stage: Stage;
  shell: ParsedShell;
  mounts: Mount[];
  script: RunScript;
}

export class LintContext {
  private runCache?: RunInfo[];

  constructor(readonly dockerfile: Dockerfile) {}

  get stages(): Stage[] {
    return this.dockerfile.stages;
  }

  get finalStage(): Stage {
    return this.dockerfile.stages[this.dockerfile.stages.length - 1];
  }

  /** Every instruction including ONBUILD triggers, with the line-level instruction. */
  *allInstructions(): Generator<{ instr: Instruction; outer: Instruction; onbuild: boolean }> {
    for (const outer of this.dockerfile.instructions) {
      if (outer.trigger) yield { instr: outer.trigger, outer, onbuild: true };
      else yield { instr: outer, outer, onbuild: false };
    }
  }

  /** Every RUN (plain and ONBUILD), each parsed once. */
  runs(): RunInfo[] {
    if (this.runCache) return this.runCache;
    const out: RunInfo[] = [];
    for (const { instr, outer, onbuild } of this.allInstructions()) {
      if (instr.keyword !== "RUN") continue;
      const script = runScript(instr);
      out.push({
        run: instr,
        outer,
        onbuild,
        stage: this.dockerfile.stages[Math.max(0, outer.stage)],
        shell: script.shell,
        mounts: script.mounts,
        script,
      });
    }
    this.runCache = out;
    return out;
  }

  /** Stages the given stage builds on (itself first, then the stage it names in FROM, …). */
  lineage(stage: Stage): Stage[] {
    const out: Stage[] = [stage];
    let s = stage;
    while (s.base.stageRef !== undefined && !out.includes(this.stages[s.base.stageRef])) {
      s = this.stages[s.base.stageRef];
      out.push(s);
    }
    return out;
  }

  /** Position of a shell word of a RUN. */
  wordAt(run: RunInfo, word: ShellWord): { at: Position; end: Position } {
    return { at: run.script.positionOf(word.start), end: run.script.positionOf(word.end) };
  }
}

/** Hit at an instruction's keyword. */
export function hitAt(instr: Instruction, message: string, extra: Partial<RuleHit> = {}): RuleHit {
  return { instruction: instr, at: instr.span.start, message, ...extra };
}

/** Hit at a shell word of a RUN. */
export function hitAtWord(
  ctx: LintContext,
  run: RunInfo,
  word: ShellWord,
  message: string,
  extra: Partial<RuleHit> = {},
): RuleHit {
  const pos = ctx.wordAt(run, word);
  return { instruction: run.outer, at: pos.at, end: pos.end, message, ...extra };
}

export { runScript };
