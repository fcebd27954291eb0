/**
 * Finding container images in Kubernetes YAML (any number of documents, any workload kind,
 * Lists, CRDs that embed pod templates): every `image` of an item under `containers`,
 * `initContainers` or `ephemeralContainers`, and every `image.reference` of an item under
 * `volumes` (Kubernetes image volumes, `spec.volumes[].image.reference`), wherever that appears. Uses yaml's CST ranges so
 * the pinner can splice the source byte-exactly; comments and formatting are never re-printed.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, Scalar } from "yaml";
import type { ImageSite, SourceProblem } from "./image-site.js";

const CONTAINER_LISTS = new Set(["containers", "initContainers", "ephemeralContainers"]);

function scalarString(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}

export function findYamlImages(
  text: string,
  file: string,
): { sites: ImageSite[]; problems: SourceProblem[] } {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc });
  const sites: ImageSite[] = [];
  const problems: SourceProblem[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = lc.linePos(e.pos[0]);
      problems.push({ file, line: pos.line, column: pos.col, message: `YAML: ${e.message.split("\n")[0]}` });
      continue;
    }
    const root = doc.contents;
    const kind = isMap(root) ? scalarString(root.get("kind", true)) : undefined;
    const meta = isMap(root) ? root.get("metadata", true) : undefined;
    const name = isMap(meta) ? scalarString(meta.get("name", true)) : undefined;
    const objectLabel = kind ? `${kind}${name ? `/${name}` : ""}` : "object";
    walk(root as Node | null, objectLabel);
  }

  function walk(node: Node | null | undefined, label: string): void {
    if (!node) return;
    if (isMap(node)) {
      // Lists: each item labels itself
      const kind = scalarString(node.get("kind", true));
      const meta = node.get("metadata", true);
      const name = isMap(meta) ? scalarString(meta.get("name", true)) : undefined;
      const here = kind ? `${kind}${name ? `/${name}` : ""}` : label;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = scalarString(pair.key);
        if (key && CONTAINER_LISTS.has(key) && isSeq(pair.value)) {
          for (const item of pair.value.items) {
            if (!isMap(item)) continue;
            const image = item.get("image", true);
            const cname = scalarString(item.get("name", true)) ?? "?";
            if (isScalar(image))
              addSite(
                image,
                `${here} ${key === "containers" ? "container" : key.replace(/s$/, "")} ${cname}`,
              );
          }
        }
        if (key === "volumes" && isSeq(pair.value)) {
          for (const item of pair.value.items) {
            if (!isMap(item)) continue;
            const volume = item.get("image", true);
            const reference = isMap(volume) ? volume.get("reference", true) : undefined;
            const vname = scalarString(item.get("name", true)) ?? "?";
            if (isScalar(reference)) addSite(reference, `${here} image volume ${vname}`);
          }
        }
        walk(pair.value as Node | null, here);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item as Node | null, label);
    }
  }

  function addSite(node: Scalar, where: string): void {
    if (typeof node.value !== "string" || !node.range) return;
    const [start, valueEnd] = node.range;
    const pos = lc.linePos(start);
    if (node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) {
      sites.push(skipped(node.value, pos, where, "block scalar"));
      return;
    }
    const quote = node.type === Scalar.QUOTE_DOUBLE ? '"' : node.type === Scalar.QUOTE_SINGLE ? "'" : "";
    const raw = text.slice(start, valueEnd);
    // A plain or quoted scalar split across lines: leave it alone rather than reflow it.
    if (raw.includes("\n")) {
      sites.push(skipped(node.value, pos, where, "spans several lines"));
      return;
    }
    if (/\$|\{\{/.test(node.value)) {
      sites.push(skipped(node.value, pos, where, "templated"));
      return;
    }
    sites.push({
      file,
      line: pos.line,
      column: pos.col,
      start,
      end: valueEnd,
      image: node.value.trim(),
      quote,
      where,
    });
  }

  function skipped(
    image: string,
    pos: { line: number; col: number },
    where: string,
    skip: string,
  ): ImageSite {
    return {
      file,
      line: pos.line,
      column: pos.col,
      start: 0,
      end: 0,
      image: image.trim(),
      quote: "",
      where,
      skip,
    };
  }

  return { sites, problems };
}
