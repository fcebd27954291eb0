/**
 * JSON written in pieces: `jsonChunks(value)` yields the same text as
 * `JSON.stringify(value, null, 2)` (for plain data: objects, arrays, strings, numbers, booleans,
 * null), but as many small strings, so a report with millions of findings never becomes one
 * string (V8 caps a string at ~512 M characters, and one string that size costs gigabytes).
 * Arrays and objects are opened down to `depth` levels; below that each value is one
 * JSON.stringify. A `LazyArray` is an array whose items are produced while writing (SARIF
 * results built one at a time).
 */

/** An array whose items are made while the JSON is written, so they need not all exist at once. */
export class LazyArray<T = unknown> {
  constructor(readonly items: () => Iterable<T>) {}
}

const STREAM_DEPTH = 4;

/** The JSON of `value` as pieces; their concatenation equals JSON.stringify(value, null, 2). */
export function* jsonChunks(value: unknown, indent = "", depth = STREAM_DEPTH): Generator<string> {
  if (value instanceof LazyArray) {
    // Its items are the many small records (findings, results): each one is a single piece.
    yield* arrayChunks(value.items(), indent, 1);
    return;
  }
  if (depth <= 0 || value === null || typeof value !== "object" || hasToJson(value)) {
    yield leaf(value, indent);
    return;
  }
  if (Array.isArray(value)) {
    yield* arrayChunks(value, indent, depth);
    return;
  }
  const inner = `${indent}  `;
  let first = true;
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    yield `${first ? "{\n" : ",\n"}${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* jsonChunks(v, inner, depth - 1);
  }
  yield first ? "{}" : `\n${indent}}`;
}

function* arrayChunks(items: Iterable<unknown>, indent: string, depth: number): Generator<string> {
  const inner = `${indent}  `;
  let first = true;
  for (const item of items) {
    yield first ? `[\n${inner}` : `,\n${inner}`;
    first = false;
    if (item === undefined || typeof item === "function" || typeof item === "symbol") yield "null";
    else yield* jsonChunks(item, inner, depth - 1);
  }
  yield first ? "[]" : `\n${indent}]`;
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === "function";
}

/** One value stringified and re-indented to sit at `indent`. */
function leaf(value: unknown, indent: string): string {
  const text = JSON.stringify(value, null, 2) ?? "null";
  return indent === "" || !text.includes("\n") ? text : text.replace(/\n/g, `\n${indent}`);
}
