/**
 * Dockerfile variable substitution as BuildKit applies it to FROM lines: `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, escaped `\$`. Reports
 * whether a variable had no value, so callers can tell "resolved" from "guessed".
 * Not a shell: no command substitution, globbing or word splitting.
 */

export interface SubstitutionResult {
  value: string;
  /** Names referenced that had no value (and no default that applied). */
  missing: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function substituteVariables(
  text: string,
  vars: ReadonlyMap<string, string | undefined>,
  escapeChar: "\\" | "`" = "\\",
): SubstitutionResult {
  let out = "";
  const missing: string[] = [];
  const lookup = (name: string): string | undefined => vars.get(name);
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === escapeChar && text[i + 1] === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (ch !== "$") {
      out += ch;
      i++;
      continue;
    }
    const rest = text.slice(i + 1);
    if (rest.startsWith("{")) {
      const close = findClosingBrace(text, i + 2);
      if (close < 0) {
        out += text.slice(i);
        break;
      }
      const inner = text.slice(i + 2, close);
      const m = NAME.exec(inner);
      if (!m) {
        out += text.slice(i, close + 1);
        i = close + 1;
        continue;
      }
      const name = m[0];
      const op = inner.slice(name.length);
      const value = lookup(name);
      const set = value !== undefined;
      const nonEmpty = set && value !== "";
      if (op === "") {
        if (!set) missing.push(name);
        out += value ?? "";
      } else if (op.startsWith(":-") || op.startsWith("-")) {
        const word = op.slice(op.startsWith(":-") ? 2 : 1);
        const useDefault = op.startsWith(":-") ? !nonEmpty : !set;
        if (useDefault) {
          const sub = substituteVariables(word, vars, escapeChar);
          missing.push(...sub.missing);
          out += sub.value;
        } else out += value;
      } else if (op.startsWith(":+") || op.startsWith("+")) {
        const word = op.slice(op.startsWith(":+") ? 2 : 1);
        const useAlt = op.startsWith(":+") ? nonEmpty : set;
        if (useAlt) {
          const sub = substituteVariables(word, vars, escapeChar);
          missing.push(...sub.missing);
          out += sub.value;
        }
      } else {
        // ${VAR:?msg} and other forms: use the value, or report it missing.
        if (!set) missing.push(name);
        out += value ?? "";
      }
      i = close + 1;
      continue;
    }
    const m = NAME.exec(rest);
    if (!m) {
      out += "$";
      i++;
      continue;
    }
    const value = lookup(m[0]);
    if (value === undefined) missing.push(m[0]);
    out += value ?? "";
    i += 1 + m[0].length;
  }
  return { value: out, missing };
}

function findClosingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === "{") depth++;
    else if (text[j] === "}" && --depth === 0) return j;
  }
  return -1;
}
