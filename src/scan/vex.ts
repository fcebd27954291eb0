/**
 * VEX documents given with `--vex FILE`: OpenVEX (0.0.x and 0.2) and CycloneDX VEX (a BOM with
 * `vulnerabilities[].analysis`). A statement that a vulnerability is `not_affected` or `fixed`
 * (CycloneDX: `not_affected`, `false_positive`, `resolved`) suppresses the rows of that
 * vulnerability (by id or alias) for the products it names:
 * - a package purl (`pkg:deb/debian/openssl`, with or without version; qualifiers ignored),
 * - the image (`pkg:oci/…@sha256:…`, a reference or digest): every package in it, or only its
 *   `subcomponents` when it lists them.
 * Other statuses (`affected`, `under_investigation`, `exploitable`, …) change nothing.
 */

import { readFileOr } from "../shared/read-file.js";
import type { ScanFinding } from "./result.js";

export interface VexStatement {
  /** Vulnerability ids the statement is about (name and aliases). */
  ids: string[];
  status: string;
  /** Products: purls, image references or digests. */
  products: { id: string; subcomponents: string[] }[];
  justification?: string;
  file: string;
}

export class VexError extends Error {
  override readonly name = "VexError";
}

const SUPPRESSING = new Set(["not_affected", "fixed", "false_positive", "resolved"]);

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function productId(p: unknown): string | undefined {
  if (typeof p === "string") return p;
  const o = (p ?? {}) as Json;
  const ids = (o.identifiers ?? {}) as Json;
  return str(o["@id"]) ?? str(ids.purl) ?? str(o.id);
}

function openVex(doc: Json, file: string): VexStatement[] {
  return arr(doc.statements).map((s, i) => {
    const st = (s ?? {}) as Json;
    const vuln = st.vulnerability;
    const ids =
      typeof vuln === "string"
        ? [vuln]
        : [
            str((vuln as Json)?.name),
            str((vuln as Json)?.["@id"]),
            ...arr((vuln as Json)?.aliases).map(str),
          ].filter((x): x is string => !!x);
    if (!ids.length) throw new VexError(`${file}: statements[${i}] names no vulnerability`);
    const status = str(st.status);
    if (!status) throw new VexError(`${file}: statements[${i}] has no status`);
    // 0.0.x: products and subcomponents are lists of strings beside each other.
    const topSubs = arr(st.subcomponents)
      .map(productId)
      .filter((x): x is string => !!x);
    const products = arr(st.products).map((p) => ({
      id: productId(p) ?? "",
      subcomponents: [
        ...arr((p as Json)?.subcomponents)
          .map(productId)
          .filter((x): x is string => !!x),
        ...topSubs,
      ],
    }));
    return { ids, status, products, justification: str(st.justification), file };
  });
}

function cycloneDxVex(doc: Json, file: string): VexStatement[] {
  // bom-refs of the document's components → their purls.
  const refs = new Map<string, string>();
  const walk = (list: unknown) => {
    for (const c of arr(list)) {
      const o = (c ?? {}) as Json;
      if (str(o["bom-ref"]) && str(o.purl)) refs.set(o["bom-ref"] as string, o.purl as string);
      walk(o.components);
    }
  };
  walk(doc.components);
  const meta = ((doc.metadata ?? {}) as Json).component as Json | undefined;
  if (meta && str(meta["bom-ref"]))
    refs.set(meta["bom-ref"] as string, str(meta.purl) ?? (meta["bom-ref"] as string));
  return arr(doc.vulnerabilities).map((v) => {
    const o = (v ?? {}) as Json;
    const ids = [str(o.id), ...arr(o.references).map((r) => str((r as Json)?.id))].filter(
      (x): x is string => !!x,
    );
    const analysis = (o.analysis ?? {}) as Json;
    const products = arr(o.affects).map((a) => {
      let ref = str((a as Json)?.ref) ?? "";
      if (ref.startsWith("urn:cdx:") && ref.includes("#")) ref = ref.slice(ref.indexOf("#") + 1);
      return { id: refs.get(ref) ?? ref, subcomponents: [] };
    });
    return {
      ids,
      status: str(analysis.state) ?? "",
      products,
      justification: str(analysis.justification),
      file,
    };
  });
}

export function parseVex(text: string, file: string): VexStatement[] {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (err) {
    throw new VexError(`${file}: not a VEX document: not valid JSON (${(err as Error).message})`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw new VexError(`${file}: not a VEX document: expected a JSON object`);
  const context = str(doc["@context"]) ?? "";
  if (context.includes("openvex") || Array.isArray(doc.statements)) return openVex(doc, file);
  if (doc.bomFormat === "CycloneDX") return cycloneDxVex(doc, file);
  throw new VexError(
    `${file}: not a VEX document: expected OpenVEX ("@context": "https://openvex.dev/ns…", "statements") or CycloneDX ("bomFormat": "CycloneDX", "vulnerabilities")`,
  );
}

export function readVexFile(file: string): VexStatement[] {
  const text = readFileOr(file, (why) => new VexError(`${file}: cannot read the VEX file: ${why}`));
  return parseVex(text, file);
}

/** pkg:type/ns/name[@version] without qualifiers/subpath; version compared only when the pattern has one. */
function purlMatches(product: string, purl: string): boolean {
  const strip = (p: string) => decodeURIComponent(p.split(/[?#]/)[0]);
  const a = strip(product);
  const b = strip(purl);
  if (a === b) return true;
  return !a.includes("@", a.indexOf("/")) && b.split("@")[0] === a;
}

export interface ImageIdentity {
  reference: string;
  digest?: string;
}

function namesImage(product: string, image: ImageIdentity): boolean {
  if (image.digest && product.includes(image.digest)) return true;
  if (product.startsWith("pkg:oci/")) return false;
  return product === image.reference;
}

function applies(s: VexStatement, f: ScanFinding, image: ImageIdentity): boolean {
  if (!s.ids.some((id) => id === f.id || f.aliases.includes(id))) return false;
  for (const p of s.products) {
    if (p.id.startsWith("pkg:") && !p.id.startsWith("pkg:oci/") && purlMatches(p.id, f.package.purl))
      return true;
    if (namesImage(p.id, image)) {
      if (!p.subcomponents.length) return true;
      if (p.subcomponents.some((sc) => purlMatches(sc, f.package.purl))) return true;
    }
  }
  return false;
}

/** Suppress the rows that a not_affected/fixed statement covers. Later statements win over earlier ones. */
export function applyVex(findings: ScanFinding[], statements: VexStatement[], image: ImageIdentity): void {
  for (const f of findings) {
    if (f.suppressed) continue;
    let last: VexStatement | undefined;
    for (const s of statements) if (applies(s, f, image)) last = s;
    if (last && SUPPRESSING.has(last.status)) {
      f.suppressed = {
        by: "vex",
        reason: `${last.status}${last.justification ? ` (${last.justification})` : ""}`,
        source: last.file,
      };
    }
  }
}
