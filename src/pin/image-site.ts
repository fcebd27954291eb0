/**
 * An image reference found in a source file, with the exact character span to replace when
 * pinning it. Finders (YAML manifests, Dockerfiles) produce these; the pinner splices them.
 */

export interface ImageSite {
  file: string;
  /** 1-based line and column of the image text. */
  line: number;
  column: number;
  /** Character offsets [start, end) of the text to replace (including quotes, if any). */
  start: number;
  end: number;
  /** The image reference as written (without quotes). */
  image: string;
  /** The quote character around the value in the source, or "" for plain text. */
  quote: '"' | "'" | "";
  /** Where it was found: `Deployment/web container app`, `FROM (stage build)`. */
  where: string;
  /** Why this image is left alone (built from an ARG, block scalar, …); undefined when it can be pinned. */
  skip?: string;
}

export interface SourceProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** 1-based line/column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Text with every site's span replaced by `replacement(site)`; sites must not overlap. */
export function spliceSites(text: string, sites: { start: number; end: number; text: string }[]): string {
  const sorted = [...sites].sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of sorted) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}
