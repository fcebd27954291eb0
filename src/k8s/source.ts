/**
 * Manifest sources with positions: one YAML (or JSON) text, its documents as plain values, and
 * a lookup from a field path (from a document's root) to the line and column of that field's
 * node, so every finding can point at the offending field itself, not at the document start.
 *
 * Documents are composed one at a time (the yaml library's Parser + Composer, as
 * parseAllDocuments does) and converted straight away into plain values that carry the source
 * offsets of their fields under a symbol; the AST is then dropped. Memory stays at about the
 * size of the plain values, which keeps large inputs (helm template of a whole platform) fast.
 * Not for reading files (see load.ts) or for knowing what a workload is (see workload.ts).
 */
import { Composer, type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser } from "yaml";
import type { InputError, SourceLocation } from "../shared/types.js";

/** A path from a document's root: mapping keys and sequence indexes. */
export type FieldPath = readonly (string | number)[];

/**
 * The YAML options Portcullis reads manifests with. Kubernetes decodes YAML with go-yaml v2
 * (YAML 1.1): `runAsNonRoot: yes` is the boolean true there, so we read YAML 1.1 too.
 */
export const MANIFEST_YAML_OPTIONS = { version: "1.1", prettyErrors: false } as const;

/**
 * Offsets carried by converted mappings and sequences: for a mapping, field name → offset of
 * the value when it is a scalar, else of the key; for a sequence, index → offset of the item.
 */
export const POSITIONS: unique symbol = Symbol("portcullis.positions");

type Positioned = { [POSITIONS]?: Record<string, number> | number[] };

export interface ManifestDocument {
  source: ManifestSource;
  /** 0-based index of the document in its file. */
  index: number;
  /** The document's value as plain JavaScript (mappings become objects). */
  value: unknown;
  /** Offset of the document's content in the source text. */
  offset: number;
}

export interface ManifestSource {
  /** The file name as given (or `<stdin>`). */
  file: string;
  text: string;
  lineCounter: LineCounter;
  documents: ManifestDocument[];
  errors: InputError[];
}

/** Limits against alias bombs ("billion laughs") and self-referencing aliases. */
const MAX_ALIAS_EXPANSIONS = 10_000;
const MAX_DEPTH = 200;

class ConversionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parse the text of one file: every document, with syntax errors located and the rest kept. */
export function parseManifestText(text: string, file: string): ManifestSource {
  const lineCounter = new LineCounter();
  const source: ManifestSource = { file, text, lineCounter, documents: [], errors: [] };
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer(MANIFEST_YAML_OPTIONS);
  let index = 0;
  const errorAt = (offset: number, message: string) => {
    const pos = lineCounter.linePos(offset);
    // Nested unclosed flow collections report the same error once per level: keep one.
    if (source.errors.some((e) => e.line === pos.line && e.column === pos.col && e.message === message))
      return;
    source.errors.push({ file, line: pos.line, column: pos.col, message });
  };
  const take = (doc: Document.Parsed) => {
    const i = index++;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const message = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        errorAt(e.pos[0], `YAML syntax error: ${message}`);
      }
      return;
    }
    const contents = doc.contents;
    if (contents === null) return;
    try {
      const conv = new Converter(doc);
      const value = conv.convert(contents, 0);
      if (value === null) return; // `~` or `null`: an empty document
      if (typeof value !== "object") {
        // A Dockerfile or a shell script parses as one YAML string: say so rather than skip it.
        // (Top-level lists, e.g. Ansible playbooks found in a folder, are skipped like other
        // YAML that is not a Kubernetes object.)
        const dockerfile = typeof value === "string" && /^(FROM|ARG)\s/i.test(value);
        errorAt(
          contents.range?.[0] ?? 0,
          `document ${i + 1} is a ${typeof value === "string" ? "string" : "scalar"}, not a Kubernetes object (a mapping with apiVersion and kind)${dockerfile ? "; it looks like a Dockerfile (portcullis lint dockerfile)" : ""}`,
        );
        return;
      }
      source.documents.push({ source, index: i, value, offset: contents.range?.[0] ?? 0 });
    } catch (err) {
      if (!(err instanceof ConversionError)) throw err;
      errorAt(err.offset, err.message);
    }
  };
  for (const doc of composer.compose(parser.parse(text))) take(doc as Document.Parsed);
  for (const doc of composer.end()) take(doc as Document.Parsed);
  return source;
}

/** Non-enumerable, so spreads, Object.keys, JSON and deepEqual never see it. */
function attachPositions(target: object, pos: Record<string, number> | number[]): void {
  Object.defineProperty(target, POSITIONS, { value: pos, enumerable: false });
}

function start(node: unknown): number {
  return (node as { range?: [number, number, number] } | null | undefined)?.range?.[0] ?? -1;
}

/** AST → plain values with positions; resolves aliases and merge keys (`<<`). */
class Converter {
  private expansions = 0;
  constructor(private readonly doc: Document.Parsed) {}

  convert(node: unknown, depth: number): unknown {
    if (node === null || node === undefined) return null;
    if (isScalar(node)) return node.value;
    if (depth > MAX_DEPTH)
      throw new ConversionError("document nested too deeply (or a recursive alias)", start(node));
    if (isMap(node)) {
      const out: Record<string, unknown> & Positioned = {};
      const pos: Record<string, number> = {};
      let merges: unknown[] | undefined;
      for (const pair of node.items) {
        const k = pair.key;
        let key: string;
        if (isScalar(k)) {
          if (k.value === "<<" || typeof k.value === "symbol") {
            (merges ??= []).push(pair.value);
            continue;
          }
          key = String(k.value);
        } else if (k === null || k === undefined) key = "";
        else key = JSON.stringify(this.convert(k, depth + 1));
        const v = pair.value;
        const at = isScalar(v) ? start(v) : start(k);
        const value = this.convert(v, depth + 1);
        if (key === "__proto__") {
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        } else out[key] = value;
        pos[key] = at;
      }
      if (merges) this.merge(out, pos, merges, depth);
      attachPositions(out, pos);
      return out;
    }
    if (isSeq(node)) {
      const items = node.items;
      const out = new Array<unknown>(items.length) as unknown[] & Positioned;
      const pos = new Array<number>(items.length);
      for (let i = 0; i < items.length; i++) {
        out[i] = this.convert(items[i], depth + 1);
        pos[i] = start(items[i]);
      }
      attachPositions(out, pos);
      return out;
    }
    if (isAlias(node)) {
      if (++this.expansions > MAX_ALIAS_EXPANSIONS) {
        throw new ConversionError(`more than ${MAX_ALIAS_EXPANSIONS} alias expansions`, start(node));
      }
      const target = node.resolve(this.doc);
      if (target === undefined) throw new ConversionError(`unresolved alias *${node.source}`, start(node));
      return this.convert(target, depth + 1);
    }
    if (isPair(node))
      return { [String(this.convert(node.key, depth + 1))]: this.convert(node.value, depth + 1) };
    return null;
  }

  /** YAML 1.1 merge keys: earlier explicit keys win, then the merged maps in order. */
  private merge(out: Record<string, unknown>, pos: Record<string, number>, merges: unknown[], depth: number) {
    for (const m of merges) {
      const sources = isSeq(m) ? m.items : [m];
      for (const s of sources) {
        const v = this.convert(s, depth + 1) as (Record<string, unknown> & Positioned) | null;
        if (!v || typeof v !== "object" || Array.isArray(v)) {
          throw new ConversionError("merge key << expects a mapping or a list of mappings", start(s));
        }
        const vpos = (v[POSITIONS] as Record<string, number> | undefined) ?? {};
        for (const key of Object.keys(v)) {
          if (Object.hasOwn(out, key)) continue;
          out[key] = v[key];
          pos[key] = vpos[key] ?? start(s);
        }
      }
    }
  }
}

/** Where a path lands: the source offset of the deepest field found, and whether all was found. */
export function offsetOf(md: ManifestDocument, path: FieldPath): { offset: number; complete: boolean } {
  let v: unknown = md.value;
  let offset = md.offset;
  for (const seg of path) {
    const pos = (v as Positioned | null | undefined)?.[POSITIONS];
    if (pos === undefined) return { offset, complete: false };
    const at = (pos as Record<string | number, number>)[seg];
    if (at === undefined || !Object.hasOwn(pos, seg)) return { offset, complete: false };
    if (at >= 0) offset = at;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return { offset, complete: true };
}

const locationCache = new WeakMap<ManifestDocument, Map<string, SourceLocation>>();

/**
 * The source location for a field path: a scalar's value, a collection's key (where the field
 * is named), or, when the path does not exist, the deepest existing field on it.
 */
export function locate(md: ManifestDocument, path: FieldPath): SourceLocation {
  // Many findings share a path (e.g. every "missing field" finding of one container): memoise.
  let cache = locationCache.get(md);
  if (!cache) {
    cache = new Map();
    locationCache.set(md, cache);
  }
  let key = "";
  for (const seg of path) key += typeof seg === "number" ? `\u0000#${seg}` : `\u0000${seg}`;
  let loc = cache.get(key);
  if (!loc) {
    const p = md.source.lineCounter.linePos(offsetOf(md, path).offset);
    loc = { file: md.source.file, line: p.line, column: p.col };
    cache.set(key, loc);
  }
  return { ...loc };
}

/**
 * The location of a character inside a single-line string scalar (e.g. the offending character
 * of an image reference), or the scalar's start when that cannot be mapped exactly.
 */
export function locateWithin(md: ManifestDocument, path: FieldPath, charOffset: number): SourceLocation {
  const loc = locate(md, path);
  const { offset, complete } = offsetOf(md, path);
  let value: unknown = md.value;
  for (const seg of path) value = (value as Record<string | number, unknown> | null | undefined)?.[seg];
  if (!complete || typeof value !== "string" || charOffset <= 0 || charOffset > value.length) return loc;
  const text = md.source.text;
  const first = text[offset];
  const quoted = first === '"' || first === "'";
  const raw = text.slice(quoted ? offset + 1 : offset, (quoted ? offset + 1 : offset) + value.length);
  if (raw !== value) return loc; // escapes, folding or block scalars: keep the start
  return { ...loc, column: loc.column + (quoted ? 1 : 0) + charOffset };
}
