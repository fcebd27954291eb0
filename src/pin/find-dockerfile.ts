/**
 * Finding base images in Dockerfile FROM lines with dockerfile-ast: the image argument's exact
 * range, skipping `scratch`, references to earlier build stages and images built from ARG
 * variables (which cannot be pinned without their build-time values).
 */
import { DockerfileParser } from "dockerfile-ast";
import type { ImageSite, SourceProblem } from "./image-site.js";

function offsetsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

export function findDockerfileImages(
  text: string,
  file: string,
): { sites: ImageSite[]; problems: SourceProblem[] } {
  const sites: ImageSite[] = [];
  const problems: SourceProblem[] = [];
  const df = DockerfileParser.parse(text);
  const lineStarts = offsetsOf(text);
  const stages = new Set<string>();
  for (const from of df.getFROMs()) {
    const image = from.getImage();
    const range = from.getImageRange();
    const stage = from.getBuildStage();
    const where = `FROM${stage ? ` (stage ${stage})` : ""}`;
    if (image && range) {
      const line = range.start.line + 1;
      const column = range.start.character + 1;
      if (image.includes("$")) {
        sites.push({
          file,
          line,
          column,
          start: 0,
          end: 0,
          image,
          quote: "",
          where,
          skip: "built from an ARG value",
        });
      } else if (image.toLowerCase() !== "scratch" && !stages.has(image.toLowerCase())) {
        const start = lineStarts[range.start.line] + range.start.character;
        const end = lineStarts[range.end.line] + range.end.character;
        if (text.slice(start, end) === image) {
          sites.push({ file, line, column, start, end, image, quote: "", where });
        } else {
          sites.push({
            file,
            line,
            column,
            start: 0,
            end: 0,
            image,
            quote: "",
            where,
            skip: "split across lines",
          });
        }
      }
    }
    if (stage) stages.add(stage.toLowerCase());
  }
  return { sites, problems };
}

/** Whether a file name looks like a Dockerfile / Containerfile. */
export function isDockerfileName(base: string): boolean {
  return /^(Dockerfile|Containerfile)(\..+)?$/i.test(base) || /\.(Dockerfile|Containerfile)$/i.test(base);
}

/** Whether text (e.g. from stdin) looks like a Dockerfile rather than YAML. */
export function looksLikeDockerfile(text: string): boolean {
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    return /^(FROM|ARG)\s/i.test(line);
  }
  return false;
}
