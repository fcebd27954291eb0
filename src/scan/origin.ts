/**
 * Where a vulnerable package came from: the image layer that holds it, that layer's history
 * entry (`created_by`, as Trivy shows it), and with a Dockerfile the instruction that made the
 * layer. History entries are aligned with the final stage's instructions from the newest back:
 * each entry's instruction keyword (`RUN`, `COPY`, … recognised in BuildKit's and the classic
 * builder's `created_by` forms) must match the next instruction that records history; ARG lines
 * may have none. Once the stage's instructions are used up, the older entries are the base
 * image's and are attributed to its FROM line. When an entry does not fit, attribution stops
 * there rather than guessing. Limitation: OS packages sit in the layer holding the surviving
 * package database (the last layer that changed it), see docs/scan.md.
 */
import type { ImageSummary } from "../catalog/index.js";
import type { Package } from "../catalog/types.js";
import { type Dockerfile, INSTRUCTIONS, type Instruction, type Keyword } from "../dockerfile/index.js";
import type { DockerfileOrigin, LayerOrigin } from "./result.js";

const OS_TYPES = new Set(["deb", "apk", "rpm"]);

/**
 * "os" for distro packages, else "<type> <where>": the lock file or binary that holds the
 * package, or for installed packages the folder they are installed in (`npm /app/node_modules`,
 * `pypi /usr/lib/python3/dist-packages`), so one application's packages form one group.
 */
export function targetOf(p: Package): string {
  if (OS_TYPES.has(p.type)) return "os";
  const path = p.locations[0]?.path;
  if (!path) return p.type;
  const nm = path.indexOf("/node_modules/");
  if (nm !== -1) return `${p.type} ${path.slice(0, nm)}/node_modules`;
  const site = /^(.*\/(site|dist)-packages)\//.exec(path);
  if (site) return `${p.type} ${site[1]}`;
  return `${p.type} ${path}`;
}

/** The lowest layer holding the package. */
export function layerOf(p: Package, image: ImageSummary): LayerOrigin | undefined {
  let best: number | undefined;
  for (const l of p.locations)
    if (l.layerIndex !== undefined && (best === undefined || l.layerIndex < best)) best = l.layerIndex;
  if (best === undefined) return undefined;
  const layer = image.layers.find((l) => l.index === best);
  const loc = p.locations.find((l) => l.layerIndex === best);
  return {
    index: best,
    digest: layer?.digest ?? loc?.layerDigest ?? "",
    diffId: layer?.diffId ?? loc?.diffId,
    createdBy: layer?.createdBy,
  };
}

const KEYWORDS = new Set<string>(INSTRUCTIONS);

/** The Dockerfile keyword a history `created_by` was made by, when it can be told. */
export function keywordOfHistory(createdBy: string | undefined): Keyword | undefined {
  if (!createdBy) return undefined;
  let s = createdBy.trim().replace(/\s*#\s*buildkit$/, "");
  const nop = /^\/bin\/sh -c #\(nop\)\s+/.exec(s);
  if (nop) s = s.slice(nop[0].length);
  else if (/^(\|\d+ .*?)?\/bin\/(ba)?sh -c /.test(s) || /^\|\d+ /.test(s)) return "RUN";
  const word = /^([A-Za-z]+)\b/.exec(s)?.[1]?.toUpperCase();
  return word && KEYWORDS.has(word) ? (word as Keyword) : undefined;
}

/** Instructions that may leave no history entry (BuildKit records none for ARG). */
const MAY_HAVE_NO_HISTORY = new Set<Keyword>(["ARG", "ONBUILD"]);

function short(i: Instruction): string {
  const text = `${i.keywordRaw} ${i.text.replace(/\s+/g, " ").trim()}`;
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/**
 * Map layer index → Dockerfile origin for an image built from `dockerfile` (its final stage).
 * Layers whose history cannot be aligned are absent from the map.
 */
export function dockerfileOrigins(
  image: ImageSummary,
  dockerfile: Dockerfile,
): Map<number, DockerfileOrigin> {
  const out = new Map<number, DockerfileOrigin>();
  const history = image.config?.history ?? [];
  const stage = dockerfile.stages[dockerfile.stages.length - 1];
  if (!stage || !history.length) return out;
  // Layer index of each history entry (non-empty ones, in order), when they line up.
  const nonEmpty = history.filter((h) => !h.emptyLayer).length;
  if (nonEmpty !== image.layers.length) return out;
  const layerOfEntry: (number | undefined)[] = [];
  let n = 0;
  for (const h of history) layerOfEntry.push(h.emptyLayer ? undefined : n++);
  const instrs = stage.instructions.filter((i) => i !== stage.from);
  const from: DockerfileOrigin = {
    file: dockerfile.file,
    line: stage.from.span.start.line,
    instruction: short(stage.from),
    baseImage: true,
  };
  let i = instrs.length - 1;
  for (let h = history.length - 1; h >= 0; h--) {
    const layer = layerOfEntry[h];
    if (i < 0) {
      if (layer !== undefined) out.set(layer, from);
      continue;
    }
    const kw = keywordOfHistory(history[h].createdBy);
    let j = i;
    while (j >= 0 && instrs[j].keyword !== kw && MAY_HAVE_NO_HISTORY.has(instrs[j].keyword)) j--;
    if (j < 0) {
      // Only history-less instructions were left: this entry is the base image's.
      i = -1;
      if (layer !== undefined) out.set(layer, from);
      continue;
    }
    if (!kw || instrs[j].keyword !== kw) break;
    if (layer !== undefined)
      out.set(layer, {
        file: dockerfile.file,
        line: instrs[j].span.start.line,
        instruction: short(instrs[j]),
        baseImage: false,
      });
    i = j - 1;
    // When only history-less instructions remain, what is older belongs to the base image.
    if (instrs.slice(0, i + 1).every((x) => MAY_HAVE_NO_HISTORY.has(x.keyword))) i = -1;
  }
  return out;
}
