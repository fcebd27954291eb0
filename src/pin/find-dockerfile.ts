/**
 * Images in a Dockerfile, found with the shared parser (src/dockerfile), with the exact span of
 * their text: FROM images, `COPY --from=<image>` and `RUN --mount=…,from=<image>` (also inside
 * ONBUILD). Skipped: `scratch`, build stages (by name or index), and images written with ARG
 * variables (they cannot be pinned without their build-time values). A Dockerfile that does not
 * parse is a problem naming the line.
 */
import { DockerfileSyntaxError, type Instruction, type Position } from "../dockerfile/model.js";
import { parseDockerfile, parseMount } from "../dockerfile/parser.js";
import type { ImageSite, SourceProblem } from "./image-site.js";

export { isDockerfileName, looksLikeDockerfile } from "../dockerfile/files.js";

export function findDockerfileImages(
  text: string,
  file: string,
): { sites: ImageSite[]; problems: SourceProblem[] } {
  let df: ReturnType<typeof parseDockerfile>;
  try {
    df = parseDockerfile(text, { file });
  } catch (err) {
    if (!(err instanceof DockerfileSyntaxError)) throw err;
    return { sites: [], problems: [{ file, line: err.line, column: err.column, message: err.reason }] };
  }
  // The parser drops a BOM, so its columns on line 1 start after it.
  const bom = text.startsWith("\uFEFF") ? 1 : 0;
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const offsetOf = (p: Position) => lineStarts[p.line - 1] + p.column - 1 + (p.line === 1 ? bom : 0);
  const stageNames = new Set(df.stages.filter((s) => s.name).map((s) => (s.name as string).toLowerCase()));
  const isStage = (v: string) => /^\d+$/.test(v) || stageNames.has(v.toLowerCase());

  const sites: ImageSite[] = [];
  const site = (image: string, at: Position, where: string, start: number, skip?: string) => {
    const base = { file, line: at.line, column: at.column, image, quote: "" as const, where };
    if (skip) return sites.push({ ...base, start: 0, end: 0, skip });
    // The text at `start` must be the image itself (not split by a line continuation).
    if (start < 0 || text.slice(start, start + image.length) !== image)
      return sites.push({ ...base, start: 0, end: 0, skip: "not written verbatim on one line" });
    return sites.push({ ...base, start, end: start + image.length });
  };
  const arg = (image: string) => (image.includes("$") ? "built from an ARG value" : undefined);

  for (const stage of df.stages) {
    const b = stage.base;
    if (b.stageRef !== undefined || b.scratch) continue;
    const where = `FROM${stage.name ? ` (stage ${stage.name})` : ""}`;
    site(b.raw, b.at, where, offsetOf(b.at), arg(b.raw));
  }
  const flagImages = (instr: Instruction) => {
    const stageLabel = ` (stage ${df.stages[Math.max(0, instr.stage)]?.name ?? Math.max(0, instr.stage)})`;
    for (const flag of instr.flags) {
      if (flag.value === undefined) continue;
      const flagStart = offsetOf(flag.span.start);
      if (instr.keyword === "COPY" && flag.name === "from" && !isStage(flag.value)) {
        const prefix = text.slice(flagStart, flagStart + 7) === "--from=" ? 7 : -1;
        const quoted = text[flagStart + 7] === '"' || text[flagStart + 7] === "'" ? 1 : 0;
        const start = prefix < 0 ? -1 : flagStart + prefix + quoted;
        const at = { line: flag.span.start.line, column: flag.span.start.column + prefix + quoted };
        site(flag.value, at, `COPY --from${stageLabel}`, start, arg(flag.value));
      } else if (instr.keyword === "RUN" && flag.name === "mount") {
        const from = parseMount(flag.value).from;
        if (from === undefined || isStage(from)) continue;
        const end = flag.span.end.line === flag.span.start.line ? offsetOf(flag.span.end) : text.length;
        const word = text.slice(flagStart, end);
        const m = new RegExp(`[,="']from=["']?(${escapeRegExp(from)})(?=["',\\s]|$)`, "i").exec(word);
        const start = m ? flagStart + m.index + m[0].length - from.length : -1;
        const at = m
          ? { line: flag.span.start.line, column: flag.span.start.column + (start - flagStart) }
          : flag.span.start;
        site(from, at, `RUN --mount from${stageLabel}`, start, arg(from));
      }
    }
  };
  for (const instr of df.instructions) flagImages(instr.trigger ?? instr);
  sites.sort((a, b) => a.line - b.line || a.column - b.column);
  return { sites, problems: [] };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
