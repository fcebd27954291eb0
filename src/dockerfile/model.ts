/**
 * The Dockerfile model produced by the parser: parser directives, instructions with exact
 * positions, flags, exec/shell forms, heredocs and build stages with their resolved base
 * images. Pure data; the parser builds it, lint rules read it. Not an evaluator: only FROM
 * lines get ARG substitution (that is what decides which image a stage builds on).
 */

/** 1-based line and column in the Dockerfile. */
export interface Position {
  line: number;
  column: number;
}

export interface Span {
  start: Position;
  end: Position;
}

export const INSTRUCTIONS = [
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "FROM",
  "HEALTHCHECK",
  "LABEL",
  "MAINTAINER",
  "ONBUILD",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
] as const;
export type Keyword = (typeof INSTRUCTIONS)[number];

/** A `--name=value` (or bare `--name`) flag before an instruction's arguments. */
export interface InstructionFlag {
  name: string;
  /** undefined for a bare boolean flag such as `--link`. */
  value?: string;
  span: Span;
}

/** A RUN `--mount=...` flag, parsed into its comma-separated fields. */
export interface Mount {
  type: string;
  target?: string;
  source?: string;
  from?: string;
  id?: string;
  fields: Record<string, string>;
}

export interface Heredoc {
  /** The delimiter word, e.g. EOF. */
  name: string;
  /** `<<-`: leading tabs are stripped from the body. */
  stripTabs: boolean;
  /** Quoted delimiter: no expansion in the body. */
  quoted: boolean;
  /** The body, lines joined with "\n", without the closing delimiter line. */
  body: string;
  /** Line of the first body line. */
  bodyLine: number;
}

/** A key/value pair of ENV, ARG or LABEL. */
export interface KeyValue {
  key: string;
  /** undefined for an ARG without a default. */
  value?: string;
  span: Span;
  /** Where the value begins (for findings that point at it). */
  valueAt: Position;
}

export interface Instruction {
  keyword: Keyword;
  /** As written (case preserved). */
  keywordRaw: string;
  /** Start of the keyword; `end` is the end of the last continuation/heredoc line. */
  span: Span;
  /** Everything after the keyword with line continuations joined and comment lines removed. */
  text: string;
  /** Leading `--flags`. */
  flags: InstructionFlag[];
  /** The arguments after the flags (shell form text, or the raw JSON). */
  args: string;
  /** Position of the first character of `args`. */
  argsAt: Position;
  /** Exec (JSON array) form, when the arguments are one. */
  json?: string[];
  heredocs: Heredoc[];
  /** Index of the build stage the instruction belongs to (-1: before the first FROM). */
  stage: number;
  /** For ONBUILD: the trigger instruction. */
  trigger?: Instruction;
  /** Map an offset in `args` to its line/column in the file. */
  positionOf(offset: number): Position;
}

/** The image a FROM names, after ARG substitution. */
export interface BaseImage {
  /** As written in the Dockerfile, e.g. `${BASE}` or `python:3.12-slim`. */
  raw: string;
  /** Where the image argument starts and ends in the file (`end` is exclusive). */
  at: Position;
  end: Position;
  /** After substituting global ARGs (defaults and --build-arg). */
  resolved: string;
  /** A variable could not be resolved (no default, no --build-arg): image checks skip it. */
  unresolved: boolean;
  /** `scratch`: the empty image. */
  scratch: boolean;
  /** Index of the earlier stage it names, when it is a stage reference. */
  stageRef?: number;
  /** Parsed parts (for real images). */
  registry?: string;
  /** Repository path with registry, e.g. docker.io/library/python. */
  name?: string;
  /** Familiar name e.g. `python`, `bitnami/redis`, `ghcr.io/org/app`. */
  familiar?: string;
  tag?: string;
  digest?: string;
  /** The reference did not parse (e.g. uppercase); message says why. */
  invalid?: string;
}

export interface Stage {
  index: number;
  /** `AS name` (as written), if any. */
  name?: string;
  from: Instruction;
  base: BaseImage;
  platform?: string;
  /** Instructions of this stage, FROM included. */
  instructions: Instruction[];
}

export interface ParserDirectives {
  syntax?: string;
  escape: "\\" | "`";
  check?: string;
}

export interface Dockerfile {
  file: string;
  directives: ParserDirectives;
  /** ARGs declared before the first FROM, with the value in force (default or --build-arg). */
  globalArgs: Map<string, string | undefined>;
  instructions: Instruction[];
  stages: Stage[];
  /** Comments by line (text after `#`, trimmed), for inline ignores. */
  comments: Map<number, string>;
}

export class DockerfileSyntaxError extends Error {
  override readonly name = "DockerfileSyntaxError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}
