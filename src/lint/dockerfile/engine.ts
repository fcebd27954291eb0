/**
 * The generic Dockerfile lint engine: parse, run every enabled rule from the registry, apply
 * the project config (rule off / severity) and inline ignores, and turn hits into findings.
 * A file that cannot be parsed becomes an input error (file:line) and the other files are
 * still linted. Knows nothing of individual rules or of output formats.
 */
import { readFileSync, statSync } from "node:fs";
import { defaultProjectConfig, type ProjectConfig, ruleSetting } from "../../config/project-config.js";
import { findDockerfilesIn } from "../../dockerfile/files.js";
import { DockerfileSyntaxError } from "../../dockerfile/model.js";
import { parseDockerfile } from "../../dockerfile/parser.js";
import {
  buildReport,
  type Finding,
  type InputError,
  type Report,
  type RuleMeta,
} from "../../report/finding.js";
import { decodeInputText } from "../../shared/input-text.js";
import { VERSION } from "../../version.js";
import { ignoreDirectives, ignoredBy } from "./ignores.js";
import { DOCKERFILE_RULES } from "./registry.js";
import { type DockerfileRule, LintContext } from "./rule.js";

export interface DockerfileLintOptions {
  /** `--build-arg` values for ARG substitution in FROM. */
  buildArgs?: Record<string, string>;
  config?: ProjectConfig;
  /** Rules to run (default: all). */
  rules?: readonly DockerfileRule[];
}

export interface DockerfileLintResult {
  file: string;
  findings: Finding[];
  error?: InputError;
  stages: number;
}

export function ruleMeta(rule: DockerfileRule): RuleMeta {
  return {
    id: rule.id,
    severity: rule.severity,
    title: rule.title,
    docs: rule.docs,
    hadolint: rule.hadolint,
  };
}

type Configurable = DockerfileRule & {
  setting?: (cfg: ProjectConfig) => ReturnType<typeof ruleSetting> | undefined;
};

/** Lint one Dockerfile's text. Never throws for bad input: a parse failure is `error`. */
export function lintDockerfileText(
  text: string,
  file: string,
  opts: DockerfileLintOptions = {},
): DockerfileLintResult {
  let df: ReturnType<typeof parseDockerfile>;
  try {
    df = parseDockerfile(text, { file, buildArgs: opts.buildArgs });
  } catch (err) {
    if (err instanceof DockerfileSyntaxError)
      return {
        file,
        findings: [],
        stages: 0,
        error: { file, line: err.line, column: err.column, message: err.reason },
      };
    throw err;
  }
  const cfg = opts.config ?? defaultProjectConfig();
  const ctx = new LintContext(df);
  const directives = ignoreDirectives(df);
  const findings: Finding[] = [];
  for (const rule of opts.rules ?? DOCKERFILE_RULES) {
    const explicit = cfg.rules[rule.id] ?? (rule.hadolint ? cfg.rules[rule.hadolint] : undefined);
    let setting =
      explicit ?? (rule as Configurable).setting?.(cfg) ?? ruleSetting(cfg, rule.id, rule.severity);
    if (cfg.ignore.includes(rule.id) || (rule.hadolint && cfg.ignore.includes(rule.hadolint)))
      setting = "off";
    if (setting === "off") continue;
    const configured = explicit !== undefined || setting !== rule.severity;
    for (const hit of rule.check(ctx)) {
      const finding: Finding = {
        rule: rule.id,
        severity: configured ? setting : (hit.severity ?? setting),
        message: hit.message,
        location: {
          file,
          line: hit.at.line,
          column: hit.at.column,
          ...(hit.end ? { endLine: hit.end.line, endColumn: hit.end.column } : {}),
        },
      };
      if (hit.image) finding.image = hit.image;
      if (hit.fix) finding.fix = hit.fix;
      if (rule.hadolint) finding.hadolint = rule.hadolint;
      const ignore = ignoredBy(df, directives, hit.instruction.span.start.line, [rule.id, rule.hadolint]);
      if (ignore) finding.suppressed = { reason: `inline ignore at line ${ignore.line}` };
      findings.push(finding);
    }
  }
  return { file, findings, stages: df.stages.length };
}

export interface LintDockerfilesOptions extends DockerfileLintOptions {
  /** Text for the input `-` (stdin). */
  stdin?: () => string;
}

/**
 * Lint files and directories and build the report. A file given by name is linted whatever it is
 * called; directories are searched by the one naming rule (src/dockerfile/files.ts). `-` reads
 * standard input.
 */
export function lintDockerfiles(inputs: string[], opts: LintDockerfilesOptions = {}): Report {
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  let files = 0;
  let stages = 0;
  const lintOne = (text: string, file: string) => {
    const r = lintDockerfileText(text, file, opts);
    files++;
    stages += r.stages;
    findings.push(...r.findings);
    if (r.error) errors.push(r.error);
  };
  let stdinRead = false;
  const decode = (bytes: Buffer, file: string): string | undefined => {
    const decoded = decodeInputText(bytes, file);
    if (decoded.error) errors.push(decoded.error);
    return decoded.text;
  };
  for (const input of inputs) {
    if (input === "-") {
      if (stdinRead) continue; // `-` given twice: standard input can be read only once
      stdinRead = true;
      let text: string | undefined;
      try {
        text = opts.stdin ? opts.stdin() : decode(readFileSync(0), "-");
      } catch (err) {
        errors.push({ file: "-", message: `cannot read standard input: ${(err as Error).message}` });
        continue;
      }
      if (text !== undefined) lintOne(text, "-");
      continue;
    }
    const found = dockerfilesOf(input);
    if (found.error) {
      errors.push({ file: input, message: found.error });
      continue;
    }
    for (const file of found.files) {
      let text: string | undefined;
      try {
        text = decode(readFileSync(file), file);
      } catch (err) {
        errors.push({ file, message: `cannot read: ${(err as Error).message}` });
        continue;
      }
      if (text !== undefined) lintOne(text, file);
    }
  }
  return buildReport({
    toolVersion: VERSION,
    findings,
    errors,
    files,
    objects: stages,
    rules: (opts.rules ?? DOCKERFILE_RULES).map(ruleMeta),
  });
}

/** A named file as is; a directory searched by the naming rule; an error when nothing is there. */
function dockerfilesOf(input: string): { files: string[]; error?: string } {
  let dir: boolean;
  try {
    dir = statSync(input).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      files: [],
      error: code === "ENOENT" ? "no such file or directory" : `cannot read: ${(err as Error).message}`,
    };
  }
  if (!dir) return { files: [input] };
  const found = findDockerfilesIn(input);
  if (found.errors.length > 0) return { files: [], error: found.errors[0].message };
  if (found.files.length === 0) return { files: [], error: "no Dockerfile found in this directory" };
  return { files: found.files };
}
