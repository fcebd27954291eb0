/**
 * A small POSIX/bash parser for RUN commands: finds every simple command (also inside
 * `$(…)`, backticks, subshells, `{ …; }`, if/while/for/case bodies), its literal name, its
 * arguments with quotes removed and expansions shown as `${VAR}`, its prefix assignments and
 * its pipeline. Redirections (and heredoc bodies) are not arguments. Words keep their offset
 * in the script so findings can point at them.
 * Not an interpreter: nothing is expanded or executed; `[[ … ]]` and `(( … ))` are skipped.
 */

export interface ShellWord {
  /** The word with quotes removed and every expansion replaced by `${VAR}`. */
  text: string;
  /** Offset in the script of the word's first character. */
  start: number;
  end: number;
  /** True when the word contains no expansion (its text is exactly what the shell sees). */
  literal: boolean;
}

export interface ShellAssignment {
  name: string;
  value: string;
  start: number;
}

export interface ShellCommand {
  /** The command name when the first word is literal (after `command`/`builtin`/`busybox`/`exec`). */
  name?: string;
  /** The first word as written (quotes removed). */
  word0: ShellWord;
  /** Words after the first one (redirections excluded). */
  args: ShellWord[];
  assignments: ShellAssignment[];
  start: number;
  end: number;
}

export interface ParsedShell {
  original: string;
  /** Every simple command with a literal name, in source order. */
  commands: ShellCommand[];
  /** Pipelines of two or more elements; each element is given by its first command. */
  pipelines: ShellCommand[][];
  hasPipes: boolean;
}

const OPERATOR_CHARS = new Set([";", "&", "|", "(", ")", "<", ">", "\n"]);
const RESERVED_SKIP = new Set([
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "do",
  "done",
  "while",
  "until",
  "!",
  "{",
  "}",
  "time",
  "esac",
]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;
const VAR = "${VAR}";
const REDIRECTION = /(\d*|\{[A-Za-z_][A-Za-z0-9_]*\})(<<<|<<-|<<|<>|<&|>&|>>|>\||&>>|&>|<|>)/y;
const DOLLAR_NAME = /([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/y;

interface RawWord {
  word: ShellWord;
  /** Raw source text of the word. */
  raw: string;
}

type Sep = ";" | "&" | "&&" | "||" | "|" | "|&" | "\n" | ";;" | ")" | "EOF";

export function parseShell(script: string): ParsedShell {
  const p = new ShellParser(script);
  p.parseList(new Set<Sep>(["EOF"]));
  return { original: script, commands: p.commands, pipelines: p.pipelines, hasPipes: p.hasPipes };
}

class ShellParser {
  pos = 0;
  commands: ShellCommand[] = [];
  pipelines: ShellCommand[][] = [];
  hasPipes = false;
  private pendingHeredocs: { delim: string; stripTabs: boolean }[] = [];

  constructor(private readonly s: string) {}

  /** Parse commands until one of `stops` (or EOF); returns the stop met. */
  parseList(stops: Set<Sep>): Sep {
    let pipeline: ShellCommand[] = [];
    const endPipeline = () => {
      if (pipeline.length > 1) this.pipelines.push(pipeline);
      pipeline = [];
    };
    for (;;) {
      const first = this.parseElement(stops);
      if (first.stop) {
        endPipeline();
        return first.stop;
      }
      if (first.cmd) pipeline.push(first.cmd);
      const sep = this.readSeparator();
      if (sep === "|" || sep === "|&") {
        this.hasPipes = true;
        continue;
      }
      endPipeline();
      if (sep === "EOF" || stops.has(sep)) return sep;
      if (sep === "\n") this.readPendingHeredocs();
    }
  }

  /** One pipeline element: a simple or compound command. Returns its first command. */
  private parseElement(stops: Set<Sep>): { cmd?: ShellCommand; stop?: Sep } {
    for (;;) {
      this.skipBlanks();
      if (this.pos >= this.s.length) return { stop: "EOF" };
      const c = this.s[this.pos];
      if (c === "#") {
        this.skipComment();
        continue;
      }
      if (c === "\n") {
        this.pos++;
        this.readPendingHeredocs();
        continue;
      }
      if (c === ")" && stops.has(")")) {
        this.pos++;
        return { stop: ")" };
      }
      if (this.s.startsWith(";;", this.pos) && stops.has(";;")) {
        this.pos += this.s.startsWith(";;&", this.pos) ? 3 : 2;
        return { stop: ";;" };
      }
      if (c === ";" || c === "&" || c === "|" || c === ")") {
        // Stray operator (syntax error in a real shell): skip it.
        this.pos++;
        continue;
      }
      break;
    }
    const before = this.commands.length;
    if (this.s.startsWith("((", this.pos)) {
      this.skipBalanced("((", "))");
      return {};
    }
    if (this.s[this.pos] === "(") {
      this.pos++;
      this.parseList(new Set<Sep>([")"]));
      return { cmd: this.commands[before] };
    }
    this.parseSimpleOrKeyword(stops);
    return { cmd: this.commands[before] };
  }

  private parseSimpleOrKeyword(stops: Set<Sep>): void {
    const words: RawWord[] = [];
    const assignments: ShellAssignment[] = [];
    const start = this.pos;
    for (;;) {
      this.skipBlanks();
      if (this.pos >= this.s.length) break;
      const c = this.s[this.pos];
      if (c === "#" && this.atWordBoundary()) {
        this.skipComment();
        break;
      }
      if (this.tryRedirection()) continue;
      if (OPERATOR_CHARS.has(c)) {
        if (c === "(" && words.length === 1 && this.s.startsWith("()", this.pos)) {
          // Function definition `name() body`: not a command.
          this.pos += 2;
          return;
        }
        if ((c === "<" || c === ">") && this.s[this.pos + 1] === "(") {
          // Process substitution as a word.
        } else break;
      }
      const w = this.readWord();
      if (!w) break;
      if (words.length === 0) {
        if (ASSIGNMENT.test(w.raw)) {
          const eq = w.raw.indexOf("=");
          const name = w.raw.slice(0, eq).replace(/\+$/, "").replace(/\[.*$/, "");
          assignments.push({
            name,
            value: w.word.text.slice(w.word.text.indexOf("=") + 1),
            start: w.word.start,
          });
          continue;
        }
        if (w.word.literal && assignments.length === 0) {
          const kw = w.word.text;
          if (RESERVED_SKIP.has(kw) && w.raw === kw) continue;
          if (kw === "[[" && w.raw === kw) {
            this.skipUntilWord("]]");
            return;
          }
          if ((kw === "for" || kw === "select") && w.raw === kw) {
            this.skipForHeader();
            return;
          }
          if (kw === "case" && w.raw === kw) {
            this.parseCase();
            return;
          }
          if (kw === "function" && w.raw === kw) {
            this.readWord();
            this.skipBlanks();
            if (this.s.startsWith("()", this.pos)) this.pos += 2;
            return;
          }
        }
      }
      words.push(w);
    }
    if (words.length === 0) return;
    const word0 = words[0].word;
    const args = words.slice(1).map((w) => w.word);
    const cmd: ShellCommand = {
      name: effectiveName(word0, args),
      word0,
      args,
      assignments,
      start,
      end: words[words.length - 1].word.end,
    };
    if (cmd.name !== undefined) {
      // Pre-order like ShellCheck: a command comes before those nested in its words.
      const nested = this.commands.splice(this.nestedMark(start));
      this.commands.push(cmd, ...nested);
    }
    void stops;
  }

  /** Index of the first command recorded at or after `start` (nested in this command's words). */
  private nestedMark(start: number): number {
    let k = this.commands.length;
    while (k > 0 && this.commands[k - 1].start >= start) k--;
    return k;
  }

  private atWordBoundary(): boolean {
    return this.pos === 0 || /[\s;&|()]/.test(this.s[this.pos - 1]);
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.s[this.pos];
      if (c === " " || c === "\t" || c === "\r") this.pos++;
      else if (c === "\\" && this.s[this.pos + 1] === "\n") this.pos += 2;
      else return;
    }
  }

  private skipComment(): void {
    while (this.pos < this.s.length && this.s[this.pos] !== "\n") this.pos++;
  }

  private readSeparator(): Sep {
    this.skipBlanks();
    if (this.s[this.pos] === "#") this.skipComment();
    if (this.pos >= this.s.length) return "EOF";
    const two = this.s.slice(this.pos, this.pos + 2);
    if (two === "&&" || two === "||" || two === "|&") {
      this.pos += 2;
      return two;
    }
    if (two === ";;") {
      this.pos += this.s.startsWith(";;&", this.pos) ? 3 : 2;
      return ";;";
    }
    if (two === ";&") {
      this.pos += 2;
      return ";;";
    }
    const c = this.s[this.pos];
    if (c === ";" || c === "&" || c === "|" || c === "\n") {
      this.pos++;
      return c;
    }
    if (c === ")") {
      this.pos++;
      return ")";
    }
    // Anything else (e.g. a reserved word after a compound's closing): start a new element.
    return ";";
  }

  /** Redirection operator with its target word; returns false when there is none here. */
  private tryRedirection(): boolean {
    const c0 = this.s.charCodeAt(this.pos);
    // Only digits, `{`, `<`, `>` and `&` can start a redirection.
    if (!((c0 >= 48 && c0 <= 57) || c0 === 123 || c0 === 60 || c0 === 62 || c0 === 38)) return false;
    REDIRECTION.lastIndex = this.pos;
    const m = REDIRECTION.exec(this.s);
    if (!m) return false;
    if (m[1] !== "" && !this.atWordBoundary()) return false;
    if ((m[2] === "<" || m[2] === ">") && this.s[this.pos + m[0].length] === "(") return false;
    this.pos += m[0].length;
    this.skipBlanks();
    const target = this.readWord();
    if ((m[2] === "<<" || m[2] === "<<-") && target) {
      const delim = target.raw.replace(/["'\\]/g, "");
      this.pendingHeredocs.push({ delim, stripTabs: m[2] === "<<-" });
    }
    return true;
  }

  private readPendingHeredocs(): void {
    while (this.pendingHeredocs.length > 0) {
      const h = this.pendingHeredocs.shift()!;
      for (;;) {
        if (this.pos >= this.s.length) return;
        let eol = this.s.indexOf("\n", this.pos);
        if (eol < 0) eol = this.s.length;
        let line = this.s.slice(this.pos, eol);
        if (h.stripTabs) line = line.replace(/^\t+/, "");
        this.pos = Math.min(eol + 1, this.s.length);
        if (line.replace(/\r$/, "") === h.delim) break;
      }
    }
  }

  /** Read one word; undefined at an operator or end. */
  private readWord(): RawWord | undefined {
    const start = this.pos;
    let text = "";
    let literal = true;
    const s = this.s;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === " " || c === "\t" || c === "\r") break;
      if (c === "\n") break;
      if ((c === "<" || c === ">") && s[this.pos + 1] === "(") {
        this.pos++;
        this.readParenSubstitution();
        text += VAR;
        literal = false;
        continue;
      }
      if (OPERATOR_CHARS.has(c)) break;
      if (c === "\\") {
        const n = s[this.pos + 1];
        if (n === "\n") {
          this.pos += 2;
          continue;
        }
        if (n === undefined) {
          this.pos++;
          text += "\\";
          continue;
        }
        text += n;
        this.pos += 2;
        continue;
      }
      if (c === "'") {
        const close = s.indexOf("'", this.pos + 1);
        const end = close < 0 ? s.length : close;
        text += s.slice(this.pos + 1, end);
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        this.pos++;
        const r = this.readDoubleQuoted();
        text += r.text;
        if (!r.literal) literal = false;
        continue;
      }
      if (c === "$") {
        const r = this.readDollar();
        text += r.text;
        if (!r.literal) literal = false;
        continue;
      }
      if (c === "`") {
        this.readBackticks();
        text += VAR;
        literal = false;
        continue;
      }
      text += c;
      this.pos++;
    }
    if (this.pos === start) return undefined;
    return { word: { text, start, end: this.pos, literal }, raw: s.slice(start, this.pos) };
  }

  private readDoubleQuoted(): { text: string; literal: boolean } {
    const s = this.s;
    let text = "";
    let literal = true;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === '"') {
        this.pos++;
        break;
      }
      if (c === "\\") {
        const n = s[this.pos + 1];
        if (n === "\n") {
          this.pos += 2;
          continue;
        }
        if (n !== undefined && '"\\$`'.includes(n)) {
          text += n;
          this.pos += 2;
          continue;
        }
        text += "\\";
        this.pos++;
        continue;
      }
      if (c === "$") {
        const r = this.readDollar();
        text += r.text;
        if (!r.literal) literal = false;
        continue;
      }
      if (c === "`") {
        this.readBackticks();
        text += VAR;
        literal = false;
        continue;
      }
      text += c;
      this.pos++;
    }
    return { text, literal };
  }

  private readDollar(): { text: string; literal: boolean } {
    const s = this.s;
    const n = s[this.pos + 1];
    if (n === "'") {
      // ANSI-C quoting.
      let k = this.pos + 2;
      let text = "";
      while (k < s.length && s[k] !== "'") {
        if (s[k] === "\\" && k + 1 < s.length) {
          text += s[k + 1];
          k += 2;
        } else text += s[k++];
      }
      this.pos = k + 1;
      return { text, literal: true };
    }
    if (n === '"') {
      this.pos += 2;
      return this.readDoubleQuoted();
    }
    if (s.startsWith("$((", this.pos)) {
      this.pos++;
      this.skipBalanced("((", "))");
      return { text: VAR, literal: false };
    }
    if (n === "(") {
      this.pos++;
      this.readParenSubstitution();
      return { text: VAR, literal: false };
    }
    if (n === "{") {
      this.pos++;
      this.skipBalanced("{", "}");
      return { text: VAR, literal: false };
    }
    DOLLAR_NAME.lastIndex = this.pos + 1;
    const m = DOLLAR_NAME.exec(s);
    if (m) {
      this.pos += 1 + m[0].length;
      return { text: VAR, literal: false };
    }
    this.pos++;
    return { text: "$", literal: true };
  }

  /** At `(`: parse the commands inside up to the matching `)`. */
  private readParenSubstitution(): void {
    this.pos++;
    const saved = this.pendingHeredocs;
    this.pendingHeredocs = [];
    this.parseList(new Set<Sep>([")"]));
    this.pendingHeredocs = saved;
  }

  private readBackticks(): void {
    const s = this.s;
    let k = this.pos + 1;
    let inner = "";
    while (k < s.length && s[k] !== "`") {
      if (s[k] === "\\" && k + 1 < s.length && "`\\$".includes(s[k + 1])) {
        inner += s[k + 1];
        k += 2;
      } else inner += s[k++];
    }
    const offset = this.pos + 1;
    this.pos = Math.min(k + 1, s.length);
    const sub = new ShellParser(inner);
    sub.parseList(new Set<Sep>(["EOF"]));
    for (const c of sub.commands) this.commands.push(shift(c, offset));
    for (const pl of sub.pipelines) this.pipelines.push(pl.map((c) => shift(c, offset)));
    if (sub.hasPipes) this.hasPipes = true;
  }

  /** Skip from `open` to its matching `close`, honouring quotes. */
  private skipBalanced(open: string, close: string): void {
    const s = this.s;
    let depth = 0;
    while (this.pos < s.length) {
      if (s.startsWith(open, this.pos)) {
        depth++;
        this.pos += open.length;
        continue;
      }
      if (s.startsWith(close, this.pos)) {
        depth--;
        this.pos += close.length;
        if (depth === 0) return;
        continue;
      }
      const c = s[this.pos];
      if (c === "\\") this.pos += 2;
      else if (c === "'") {
        const e = s.indexOf("'", this.pos + 1);
        this.pos = e < 0 ? s.length : e + 1;
      } else if (c === '"') {
        this.pos++;
        this.readDoubleQuoted();
      } else this.pos++;
    }
  }

  private skipUntilWord(word: string): void {
    for (;;) {
      this.skipBlanks();
      if (this.pos >= this.s.length) return;
      if (OPERATOR_CHARS.has(this.s[this.pos]) && this.s[this.pos] !== "(") {
        // `&&`, `||`, `<` etc. inside [[ ]] are part of the condition.
        this.pos++;
        continue;
      }
      const w = this.readWord();
      if (!w) {
        this.pos++;
        continue;
      }
      if (w.raw === word) return;
    }
  }

  /** `for NAME [in WORDS]` up to `;`/newline/`do`; arithmetic `for ((…))` too. */
  private skipForHeader(): void {
    this.skipBlanks();
    if (this.s.startsWith("((", this.pos)) {
      this.skipBalanced("((", "))");
      return;
    }
    for (;;) {
      this.skipBlanks();
      const c = this.s[this.pos];
      if (this.pos >= this.s.length || c === ";" || c === "\n") {
        if (this.pos < this.s.length) this.pos++;
        return;
      }
      const w = this.readWord();
      if (!w) {
        this.pos++;
        continue;
      }
      if (w.raw === "do") return;
    }
  }

  /** `case WORD in (PATTERN) LIST ;; … esac` */
  private parseCase(): void {
    this.skipBlanks();
    this.readWord();
    this.skipBlankLines();
    const inWord = this.readWord();
    if (inWord?.raw !== "in") return;
    for (;;) {
      this.skipBlankLines();
      if (this.pos >= this.s.length) return;
      const save = this.pos;
      const w = this.readWord();
      if (w && w.raw === "esac") return;
      this.pos = save;
      // Pattern list up to `)`.
      if (this.s[this.pos] === "(") this.pos++;
      let depth = 0;
      while (this.pos < this.s.length) {
        const c = this.s[this.pos];
        if (c === "(") depth++;
        else if (c === ")") {
          if (depth === 0) break;
          depth--;
        } else if (c === "\\") this.pos++;
        else if (c === "'" || c === '"') {
          const e = this.s.indexOf(c, this.pos + 1);
          this.pos = e < 0 ? this.s.length : e;
        }
        this.pos++;
      }
      this.pos++;
      const stop = this.parseList(new Set<Sep>([";;", "EOF"]));
      if (stop === "EOF") return;
    }
  }

  private skipBlankLines(): void {
    for (;;) {
      this.skipBlanks();
      if (this.s[this.pos] === "\n") this.pos++;
      else if (this.s[this.pos] === "#") this.skipComment();
      else return;
    }
  }
}

function shift(c: ShellCommand, offset: number): ShellCommand {
  const w = (x: ShellWord): ShellWord => ({ ...x, start: x.start + offset, end: x.end + offset });
  return {
    ...c,
    word0: w(c.word0),
    args: c.args.map(w),
    assignments: c.assignments.map((a) => ({ ...a, start: a.start + offset })),
    start: c.start + offset,
    end: c.end + offset,
  };
}

/** Like ShellCheck: `busybox X`, `builtin X`, `command X`, `exec X` name X. */
function effectiveName(word0: ShellWord, args: ShellWord[]): string | undefined {
  if (!word0.literal) return undefined;
  const n = word0.text;
  if (n === "busybox" || n === "builtin" || n === "command" || n === "run") {
    const a = args[0];
    if (a && !a.text.startsWith("-")) return a.literal ? a.text : undefined;
    return n;
  }
  if (n === "exec") {
    let k = 0;
    while (k < args.length && args[k].text.startsWith("-")) {
      if (args[k].text.includes("a")) k++;
      k++;
    }
    const a = args[k];
    if (a) return a.literal ? a.text : undefined;
    return n;
  }
  return n;
}

// ---- Helpers in the spirit of hadolint's Shell module ----------------------------------------

/** Flags of a command: `--name[=v]` gives `name`; `-abc` gives a, b, c. Each with its arg index. */
export function commandFlags(cmd: ShellCommand): { flag: string; index: number }[] {
  const out: { flag: string; index: number }[] = [];
  cmd.args.forEach((a, index) => {
    const t = a.text;
    if (t === "--" || t === "-") return;
    if (t.startsWith("--")) out.push({ flag: t.slice(2).split("=")[0], index });
    else if (t.startsWith("-")) for (const ch of t.slice(1)) out.push({ flag: ch, index });
  });
  return out;
}

export function hasFlag(cmd: ShellCommand, flag: string): boolean {
  return commandFlags(cmd).some((f) => f.flag === flag);
}

export function argTexts(cmd: ShellCommand): string[] {
  return cmd.args.map((a) => a.text);
}

export function hasArg(cmd: ShellCommand, arg: string): boolean {
  return cmd.args.some((a) => a.text === arg);
}

/** Command named `name` having any of `args` among its arguments. */
export function cmdHasArgs(cmd: ShellCommand, name: string, args: string[]): boolean {
  return cmd.name === name && cmd.args.some((a) => args.includes(a.text));
}

/**
 * Arguments that are not flags, after dropping the value that follows each flag named in
 * `flagsWithValue` (e.g. `-t release` or `--virtual name`).
 */
export function argsNoFlags(cmd: ShellCommand, flagsWithValue: string[] = []): ShellWord[] {
  const flags = commandFlags(cmd);
  const flagIdx = new Set(flags.map((f) => f.index));
  const drop = new Set<number>();
  for (const f of flags) {
    // `--flag value` consumes the next word; `--flag=value` does not.
    if (flagsWithValue.includes(f.flag) && !cmd.args[f.index].text.includes("=")) drop.add(f.index + 1);
  }
  return cmd.args.filter((_, i) => !flagIdx.has(i) && !drop.has(i));
}

/** Basename of a shell path: `/usr/bin/bash` → `bash`. */
export function basename(name: string): string {
  const k = name.lastIndexOf("/");
  return k < 0 ? name : name.slice(k + 1);
}
