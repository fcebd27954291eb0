/**
 * Dockerfile parser: parser directives (`syntax`, `escape`, `check`), comments, line
 * continuations (with the active escape character), heredocs on RUN/COPY/ADD, exec (JSON)
 * and shell forms, leading `--flags` (`--platform`, `--mount`, `--from`, …), ONBUILD
 * triggers, and build stages whose FROM image is resolved with global ARGs (defaults and
 * --build-arg). Every instruction keeps its exact line and column, and any offset in its
 * arguments maps back to the file. Errors are DockerfileSyntaxError values naming the line.
 * Not a builder: apart from FROM, variables are left as written.
 */
import { InvalidReferenceError, parseReference } from "../reference/index.js";
import { familiarName } from "../reference/normalize.js";
import {
  type BaseImage,
  type Dockerfile,
  DockerfileSyntaxError,
  type Heredoc,
  INSTRUCTIONS,
  type Instruction,
  type InstructionFlag,
  type KeyValue,
  type Keyword,
  type Mount,
  type ParserDirectives,
  type Position,
  type Stage,
} from "./model.js";
import { substituteVariables } from "./substitute.js";

export interface ParseOptions {
  /** Name used in errors and findings. */
  file?: string;
  /** `--build-arg` values: override the defaults of declared ARGs. */
  buildArgs?: Record<string, string>;
}

/** ARGs that BuildKit defines in the global scope without a declaration. */
const PREDEFINED_PLATFORM_ARGS = [
  "BUILDPLATFORM",
  "BUILDOS",
  "BUILDARCH",
  "BUILDVARIANT",
  "TARGETPLATFORM",
  "TARGETOS",
  "TARGETARCH",
  "TARGETVARIANT",
];

const KNOWN_DIRECTIVES = new Set(["syntax", "escape", "check"]);
const DIRECTIVE_LINE = /^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/;
const FLAG_KEYWORDS = new Set<Keyword>(["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"]);
const JSON_KEYWORDS = new Set<Keyword>(["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"]);
const HEREDOC_KEYWORDS = new Set<Keyword>(["RUN", "COPY", "ADD"]);
const HEREDOC_MARKER = /(\d*)<<(-?)[ \t]*(["']?)([A-Za-z0-9_.-]+)\3/g;

interface Segment {
  offset: number;
  line: number;
  column: number;
}

/** Offsets in a logical (joined) line → file positions. */
function positionMapper(segments: Segment[]): (offset: number) => Position {
  return (offset: number) => {
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid].offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    const s = segments[lo];
    return { line: s.line, column: s.column + Math.max(0, offset - s.offset) };
  };
}

export function parseDockerfile(source: string, opts: ParseOptions = {}): Dockerfile {
  const file = opts.file ?? "Dockerfile";
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  const lines = text.split(/\r?\n/);
  const fail = (line: number, column: number, reason: string): never => {
    throw new DockerfileSyntaxError(file, line, column, reason);
  };

  const directives: ParserDirectives = { escape: "\\" };
  const comments = new Map<number, string>();
  let i = 0;
  // Parser directives: only at the very top, before any comment, blank line or instruction.
  const seenDirectives = new Set<string>();
  for (; i < lines.length; i++) {
    const m = DIRECTIVE_LINE.exec(lines[i].trim());
    if (!m || !lines[i].trimStart().startsWith("#")) break;
    const name = m[1].toLowerCase();
    if (!KNOWN_DIRECTIVES.has(name) || seenDirectives.has(name)) break;
    seenDirectives.add(name);
    comments.set(i + 1, lines[i].trim().slice(1).trim());
    if (name === "escape") {
      if (m[2] !== "\\" && m[2] !== "`")
        fail(i + 1, 1, `invalid escape directive '${m[2]}': expected \\ or \``);
      directives.escape = m[2] as "\\" | "`";
    } else if (name === "syntax") directives.syntax = m[2];
    else directives.check = m[2];
  }
  const escapeChar = directives.escape;
  const continues = (line: string): boolean => {
    const t = line.replace(/[ \t]+$/, "");
    return t.endsWith(escapeChar);
  };
  const stripContinuation = (line: string): string => {
    const t = line.replace(/[ \t]+$/, "");
    return t.slice(0, -1);
  };
  const isComment = (line: string) => line.trimStart().startsWith("#");

  const instructions: Instruction[] = [];
  for (; i < lines.length; i++) {
    const first = lines[i];
    if (first.trim() === "") continue;
    if (isComment(first)) {
      comments.set(i + 1, first.trim().slice(1).trim());
      continue;
    }
    const startLine = i + 1;
    const startColumn = first.length - first.trimStart().length + 1;
    const segments: Segment[] = [{ offset: 0, line: startLine, column: startColumn }];
    let logical = "";
    let current = first.slice(startColumn - 1);
    let endLine = startLine;
    let endColumn = first.length + 1;
    while (continues(current)) {
      logical += stripContinuation(current);
      let j = i + 1;
      // Comment and blank lines inside a continued instruction are dropped.
      while (j < lines.length && (lines[j].trim() === "" || isComment(lines[j]))) {
        if (isComment(lines[j])) comments.set(j + 1, lines[j].trim().slice(1).trim());
        j++;
      }
      if (j >= lines.length) {
        current = "";
        i = j - 1;
        break;
      }
      i = j;
      current = lines[i];
      segments.push({ offset: logical.length, line: i + 1, column: 1 });
      endLine = i + 1;
      endColumn = current.length + 1;
    }
    logical += current;
    const positionOf = positionMapper(segments);
    const kw = /^\S+/.exec(logical)?.[0] ?? "";
    const keyword = kw.toUpperCase() as Keyword;
    if (!(INSTRUCTIONS as readonly string[]).includes(keyword)) {
      fail(
        startLine,
        startColumn,
        `unknown instruction '${kw}' (expected one of ${INSTRUCTIONS.join(", ")})`,
      );
    }
    const instr = buildInstruction(keyword, kw, logical, kw.length, positionOf, fail);
    instr.span = {
      start: { line: startLine, column: startColumn },
      end: { line: endLine, column: endColumn },
    };
    // Heredocs: their bodies follow the instruction's last line.
    if (HEREDOC_KEYWORDS.has(keyword) && !instr.json) {
      for (const marker of findHeredocMarkers(instr.args)) {
        const body: string[] = [];
        const bodyLine = i + 2;
        let closed = false;
        for (i = i + 1; i < lines.length; i++) {
          const raw = lines[i];
          const cmp = marker.stripTabs ? raw.replace(/^\t+/, "") : raw;
          if (cmp === marker.name) {
            closed = true;
            break;
          }
          body.push(marker.stripTabs ? cmp : raw);
        }
        if (!closed) {
          const at = positionOf(marker.offset);
          fail(
            at.line,
            at.column,
            `unterminated heredoc: no line '${marker.name}' closes the heredoc <<${marker.stripTabs ? "-" : ""}${marker.name} opened here`,
          );
        }
        instr.heredocs.push({
          name: marker.name,
          stripTabs: marker.stripTabs,
          quoted: marker.quoted,
          body: body.join("\n"),
          bodyLine,
        });
        instr.span.end = { line: i + 1, column: lines[i].length + 1 };
      }
    }
    instructions.push(instr);
  }

  return assembleStages(file, directives, instructions, comments, opts.buildArgs ?? {}, fail);
}

function buildInstruction(
  keyword: Keyword,
  keywordRaw: string,
  logical: string,
  keywordEnd: number,
  positionOf: (offset: number) => Position,
  fail: (line: number, column: number, reason: string) => never,
): Instruction {
  let p = keywordEnd;
  while (p < logical.length && /\s/.test(logical[p])) p++;
  const textStart = p;
  const flags: InstructionFlag[] = [];
  if (FLAG_KEYWORDS.has(keyword)) {
    for (;;) {
      if (!logical.startsWith("--", p)) break;
      let q = p;
      let quote = "";
      while (q < logical.length) {
        const c = logical[q];
        if (quote) {
          if (c === quote) quote = "";
        } else if (c === '"' || c === "'") quote = c;
        else if (/\s/.test(c)) break;
        q++;
      }
      const word = logical.slice(p + 2, q);
      const eq = word.indexOf("=");
      const name = eq < 0 ? word : word.slice(0, eq);
      const value = eq < 0 ? undefined : unquote(word.slice(eq + 1));
      flags.push({ name, value, span: { start: positionOf(p), end: positionOf(q) } });
      p = q;
      while (p < logical.length && /\s/.test(logical[p])) p++;
      if (keyword === "HEALTHCHECK" && !logical.startsWith("--", p)) break;
    }
  }
  const args = logical.slice(p).replace(/\s+$/, "");
  const argsOffset = p;
  const instr: Instruction = {
    keyword,
    keywordRaw,
    span: { start: positionOf(0), end: positionOf(logical.length) },
    text: logical.slice(textStart).replace(/\s+$/, ""),
    flags,
    args,
    argsAt: positionOf(argsOffset),
    heredocs: [],
    stage: -1,
    positionOf: (offset: number) => positionOf(argsOffset + offset),
  };
  if (JSON_KEYWORDS.has(keyword) && args.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) instr.json = parsed;
    } catch {
      // Not JSON: BuildKit treats it as shell form.
    }
  }
  if (keyword === "ONBUILD") {
    const inner = /^\S+/.exec(args)?.[0] ?? "";
    const innerKw = inner.toUpperCase() as Keyword;
    const at = positionOf(argsOffset);
    if (!inner) fail(at.line, at.column, "ONBUILD needs an instruction to run later");
    if (!(INSTRUCTIONS as readonly string[]).includes(innerKw))
      fail(at.line, at.column, `unknown instruction '${inner}' after ONBUILD`);
    if (innerKw === "ONBUILD" || innerKw === "FROM" || innerKw === "MAINTAINER")
      fail(at.line, at.column, `${innerKw} is not allowed as an ONBUILD trigger`);
    const trigger = buildInstruction(
      innerKw,
      inner,
      args,
      inner.length,
      (o) => positionOf(argsOffset + o),
      fail,
    );
    instr.trigger = trigger;
  }
  if (args === "" && keyword !== "ONBUILD") {
    const at = positionOf(0);
    if (keyword !== "CMD" && keyword !== "ENTRYPOINT" && keyword !== "HEALTHCHECK")
      fail(at.line, at.column, `${keyword} requires at least one argument`);
  }
  return instr;
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

interface HeredocMarker {
  name: string;
  stripTabs: boolean;
  quoted: boolean;
  offset: number;
}

/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` outside quotes (here-strings `<<<` excluded). */
export function findHeredocMarkers(args: string): HeredocMarker[] {
  const out: HeredocMarker[] = [];
  let quote = "";
  for (let k = 0; k < args.length; k++) {
    const c = args[k];
    if (quote) {
      if (c === quote) quote = "";
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if (c === "<" && args[k + 1] === "<" && args[k + 2] !== "<" && args[k - 1] !== "<") {
      HEREDOC_MARKER.lastIndex = k;
      const m = HEREDOC_MARKER.exec(args);
      if (m && m.index === k) {
        out.push({ name: m[4], stripTabs: m[2] === "-", quoted: m[3] !== "", offset: k });
        k += m[0].length - 1;
      }
    }
  }
  return out;
}

/** Split `key=value key2="v 2"` (or the legacy `key value…`) as BuildKit does for ENV/LABEL/ARG. */
export function parseKeyValues(instr: Instruction, legacy: boolean): KeyValue[] {
  const words = splitWords(instr.args);
  const out: KeyValue[] = [];
  if (words.length === 0) return out;
  if (legacy && !words[0].raw.includes("=")) {
    const key = words[0].value;
    const restStart = words.length > 1 ? words[1].start : instr.args.length;
    const value = instr.args.slice(restStart).trim();
    out.push({
      key,
      value,
      span: { start: instr.positionOf(0), end: instr.positionOf(instr.args.length) },
      valueAt: instr.positionOf(restStart),
    });
    return out;
  }
  for (const w of words) {
    const eq = w.raw.indexOf("=");
    const span = { start: instr.positionOf(w.start), end: instr.positionOf(w.end) };
    if (eq < 0) {
      out.push({ key: w.value, span, valueAt: span.end });
      continue;
    }
    const key = unquote(w.raw.slice(0, eq));
    const rawValue = w.raw.slice(eq + 1);
    out.push({ key, value: unquoteWord(rawValue), span, valueAt: instr.positionOf(w.start + eq + 1) });
  }
  return out;
}

interface Word {
  raw: string;
  value: string;
  start: number;
  end: number;
}

/** Whitespace-separated words honouring quotes and backslash escapes (quotes removed in `value`). */
export function splitWords(s: string): Word[] {
  const out: Word[] = [];
  let k = 0;
  while (k < s.length) {
    while (k < s.length && /\s/.test(s[k])) k++;
    if (k >= s.length) break;
    const start = k;
    let quote = "";
    while (k < s.length) {
      const c = s[k];
      if (quote) {
        if (c === "\\" && quote === '"' && k + 1 < s.length) k++;
        else if (c === quote) quote = "";
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "\\" && k + 1 < s.length) k++;
      else if (/\s/.test(c)) break;
      k++;
    }
    const raw = s.slice(start, k);
    out.push({ raw, value: unquoteWord(raw), start, end: k });
  }
  return out;
}

function unquoteWord(raw: string): string {
  let out = "";
  let quote = "";
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k];
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"' && k + 1 < raw.length && '"\\$`'.includes(raw[k + 1]))
        out += raw[++k];
      else out += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "\\" && k + 1 < raw.length) out += raw[++k];
    else out += c;
  }
  return out;
}

/** Parse the comma-separated fields of a `--mount` flag value. */
export function parseMount(value: string): Mount {
  const fields: Record<string, string> = {};
  for (const part of value.split(",")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const k = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    fields[k] = eq < 0 ? "true" : unquote(part.slice(eq + 1).trim());
  }
  return {
    type: fields.type ?? "bind",
    target: fields.target ?? fields.dst ?? fields.destination,
    source: fields.source ?? fields.src,
    from: fields.from,
    id: fields.id,
    fields,
  };
}

function assembleStages(
  file: string,
  directives: ParserDirectives,
  instructions: Instruction[],
  comments: Map<number, string>,
  buildArgs: Record<string, string>,
  fail: (line: number, column: number, reason: string) => never,
): Dockerfile {
  const globalArgs = new Map<string, string | undefined>();
  const scope = new Map<string, string | undefined>();
  for (const name of PREDEFINED_PLATFORM_ARGS)
    if (buildArgs[name] !== undefined) scope.set(name, buildArgs[name]);
  const stages: Stage[] = [];
  for (const instr of instructions) {
    if (instr.keyword === "FROM") {
      stages.push(buildStage(instr, stages, scope, fail));
    } else if (stages.length === 0) {
      if (instr.keyword !== "ARG") {
        fail(
          instr.span.start.line,
          instr.span.start.column,
          `${instr.keyword} before the first FROM: only ARG may come before FROM`,
        );
      }
      for (const kv of parseKeyValues(instr, false)) {
        const value = buildArgs[kv.key] ?? kv.value;
        const resolved = value === undefined ? undefined : substituteVariables(value, scope).value;
        globalArgs.set(kv.key, resolved);
        scope.set(kv.key, resolved);
      }
    }
    instr.stage = stages.length - 1;
    if (instr.trigger) instr.trigger.stage = instr.stage;
    if (stages.length > 0) stages[stages.length - 1].instructions.push(instr);
  }
  if (stages.length === 0) {
    fail(
      instructions.length ? instructions[instructions.length - 1].span.end.line : 1,
      1,
      "no FROM instruction: a Dockerfile needs at least one build stage",
    );
  }
  return { file, directives, globalArgs, instructions, stages, comments };
}

function buildStage(
  instr: Instruction,
  earlier: Stage[],
  scope: Map<string, string | undefined>,
  fail: (line: number, column: number, reason: string) => never,
): Stage {
  const words = splitWords(instr.args);
  let name: string | undefined;
  if (words.length === 3 && words[1].value.toLowerCase() === "as") name = words[2].value;
  else if (words.length !== 1) {
    fail(
      instr.argsAt.line,
      instr.argsAt.column,
      "FROM expects '[--platform=<platform>] <image> [AS <name>]'",
    );
  }
  if (name !== undefined && !/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(name)) {
    const at = instr.positionOf(words[2].start);
    fail(at.line, at.column, `invalid stage name '${name}': use letters, digits, '_', '.', '-'`);
  }
  const raw = words[0].value;
  const sub = substituteVariables(raw, scope);
  const resolved = sub.value;
  const base: BaseImage = {
    raw,
    at: instr.positionOf(words[0].start),
    end: instr.positionOf(words[0].end),
    resolved,
    unresolved: sub.missing.length > 0 || resolved === "",
    scratch: resolved.toLowerCase() === "scratch",
  };
  const ref = earlier.find((s) => s.name !== undefined && s.name.toLowerCase() === resolved.toLowerCase());
  if (ref) base.stageRef = ref.index;
  else if (!base.scratch && !base.unresolved) {
    try {
      const r = parseReference(resolved, { strictHost: true });
      base.registry = r.domain;
      base.name = r.name;
      base.familiar = familiarName(r.domain, r.path);
      base.tag = r.tag;
      base.digest = r.digest;
    } catch (err) {
      if (!(err instanceof InvalidReferenceError)) throw err;
      base.invalid = err.message;
    }
  }
  const platform = instr.flags.find((f) => f.name === "platform")?.value;
  return { index: earlier.length, name, from: instr, base, platform, instructions: [] };
}

export type { Heredoc };
