/**
 * The shell script a RUN instruction executes, for analysis: the shell-form text (plus the
 * heredoc bodies that are scripts), or the exec-form words joined by spaces, parsed once
 * into a ParsedShell. Also the RUN `--mount` flags. Offsets in the script map back to file
 * positions.
 */
import type { Instruction, Mount, Position } from "./model.js";
import { parseMount } from "./parser.js";
import { type ParsedShell, parseShell } from "./shell.js";

export interface RunScript {
  script: string;
  shell: ParsedShell;
  mounts: Mount[];
  positionOf(offset: number): Position;
}

const SHELLS = /^(\/usr)?(\/local)?(\/bin\/)?(sh|bash|ash|dash|zsh)$/;

export function runScript(instr: Instruction): RunScript {
  const mounts = instr.flags.filter((f) => f.name === "mount" && f.value).map((f) => parseMount(f.value!));
  if (instr.json) {
    const script = instr.json.join(" ");
    return { script, shell: parseShell(script), mounts, positionOf: () => instr.argsAt };
  }
  let script = instr.args;
  const bodyStarts: { offset: number; line: number }[] = [];
  if (instr.heredocs.length > 0) {
    // `RUN <<EOF` (or `RUN bash <<EOF`): the first heredoc body is the script itself.
    const first = instr.args.trim().split(/\s+/)[0] ?? "";
    const bodyIsScript = first.startsWith("<<") || SHELLS.test(first);
    if (bodyIsScript) {
      script = `${instr.args.startsWith("<<") ? "" : `${instr.args.replace(/<<-?\s*["']?[A-Za-z0-9_.-]+["']?/g, "")}`}\n`;
      const h = instr.heredocs[0];
      bodyStarts.push({ offset: script.length, line: h.bodyLine });
      script += `${h.body}\n`;
    }
  }
  const shell = parseShell(script);
  const positionOf = (offset: number): Position => {
    for (let k = bodyStarts.length - 1; k >= 0; k--) {
      const b = bodyStarts[k];
      if (offset >= b.offset) {
        const before = script.slice(b.offset, offset);
        const nl = before.lastIndexOf("\n");
        const lines = before.split("\n").length - 1;
        return { line: b.line + lines, column: offset - (nl < 0 ? b.offset : b.offset + nl + 1) + 1 };
      }
    }
    return instr.positionOf(Math.min(offset, instr.args.length));
  };
  return { script, shell, mounts, positionOf };
}
