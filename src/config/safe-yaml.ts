/**
 * Safe reading of small YAML configuration files (the ImagePolicy, `.portcullis.yaml`): the
 * bytes must be UTF-8 text (binary content, UTF-16 and stray bytes are named with line:column
 * instead of being parsed and echoed back), and a document whose aliases would expand too far
 * ("billion laughs") or refer to themselves is refused at the line of the offending alias,
 * before anything converts it to plain values. Both give a located problem, so callers report
 * file:line and exit 2 as the manifest loader does. Not for manifests (src/k8s/source.ts
 * converts those itself, with the same limits).
 */
import { type Document, isAlias, isMap, isPair, isSeq, type LineCounter } from "yaml";
import { decodeInputText } from "../shared/input-text.js";

/** A problem with a configuration text, at a 1-based line and column. */
export interface YamlProblem {
  line: number;
  column: number;
  message: string;
}

/** Limits: values brought in by aliases per document, nesting depth (as the manifest loader). */
export const MAX_ALIAS_EXPANSIONS = 10_000;
export const MAX_DEPTH = 200;

/** Decode a configuration file's bytes as UTF-8 text, or say why they are not text. */
export function decodeConfigBytes(
  bytes: Uint8Array,
  file: string,
): { text: string; problem?: undefined } | { text?: undefined; problem: YamlProblem } {
  const decoded = decodeInputText(bytes, file);
  if (decoded.error) {
    const { line = 1, column = 1, message } = decoded.error;
    return { problem: { line, column, message } };
  }
  return { text: decoded.text };
}

/**
 * Walk the document as converting it would, counting the nodes that aliases bring in (an alias
 * to a list of 9 counts 10); the alias being expanded when the count passes the limit (or when
 * the depth limit is passed, which a self-referencing alias reaches) is the problem.
 */
export function aliasProblem(
  doc: Document,
  lineCounter: LineCounter,
  limits: { expansions?: number; depth?: number } = {},
): YamlProblem | undefined {
  const maxExpansions = limits.expansions ?? MAX_ALIAS_EXPANSIONS;
  const maxDepth = limits.depth ?? MAX_DEPTH;
  let expanded = 0;
  const at = (node: unknown, message: string): YamlProblem => {
    const offset = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col, message };
  };
  const visit = (node: unknown, depth: number, via: unknown): YamlProblem | undefined => {
    if (node === null || node === undefined) return undefined;
    if (depth > maxDepth) return at(via ?? node, "document nested too deeply (or a recursive alias)");
    if (via !== undefined && ++expanded > maxExpansions) {
      return at(
        via,
        `aliases expand to more than ${maxExpansions} values (an alias bomb?); write the values out instead`,
      );
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) return at(node, `unresolved alias *${node.source}`);
      return visit(target, depth + 1, node);
    }
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        const p = visit(item, depth + 1, via);
        if (p) return p;
      }
      return undefined;
    }
    if (isPair(node)) return visit(node.key, depth + 1, via) ?? visit(node.value, depth + 1, via);
    return undefined;
  };
  return visit(doc.contents, 0, undefined);
}
