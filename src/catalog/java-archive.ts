/**
 * Java archives: JAR, WAR, EAR (and Jenkins' JPI/HPI), including archives nested inside them
 * (`WEB-INF/lib/*.jar`, `BOOT-INF/lib/*.jar`, EAR modules), to a depth of four. The zip is read
 * through its central directory (so entries written with data descriptors, as `jar` does, and
 * archives with a launcher script in front work), entries are inflated with node:zlib.
 * Each `META-INF/maven/<group>/<artifact>/pom.properties` gives a package (groupId, artifactId,
 * version; shaded jars give several). An archive without one falls back to `META-INF/MANIFEST.MF`
 * (Implementation-*, then Bundle-* fields, then the file name's `name-version`), which is recorded
 * in metadata. purl: pkg:maven/<groupId>/<artifactId>@<version>. An archive is read whole into
 * memory (up to 256 MiB); nested archives are inflated one at a time.
 */
import { inflateRawSync } from "node:zlib";
import { purl } from "./purl.js";
import { basename, type Cataloger, locationOf, type Package } from "./types.js";

const ARCHIVE = /\.(jar|war|ear|jpi|hpi)$/i;
const MAX_ARCHIVE = 256 << 20;
const MAX_NESTED = 4;
/** Largest metadata entry (pom.properties, MANIFEST.MF) we inflate. */
const MAX_META = 4 << 20;

export class ZipFormatError extends Error {
  override readonly name = "ZipFormatError";
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the local header, already corrected for any prefix before the zip. */
  localOffset: number;
}

/** The central directory of a zip held in memory. */
export function readZipDirectory(zip: Buffer): ZipEntry[] {
  // End of central directory: 22 bytes plus a comment of up to 65535.
  const min = Math.max(0, zip.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = zip.length - 22; i >= min; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError("not a zip archive (no end-of-central-directory record)");
  let count = zip.readUInt16LE(eocd + 10);
  let cdSize = zip.readUInt32LE(eocd + 12);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  let cdEnd = eocd;
  // ZIP64: the locator sits right before the EOCD and points at the ZIP64 EOCD record.
  if (eocd >= 20 && zip.readUInt32LE(eocd - 20) === 0x07064b50) {
    const at = Number(zip.readBigUInt64LE(eocd - 12));
    const shift = eocd - 20 - 56 - at; // the record is normally right before the locator
    const rec = at + Math.max(0, shift);
    if (rec >= 0 && rec + 56 <= zip.length && zip.readUInt32LE(rec) === 0x06064b50) {
      count = Number(zip.readBigUInt64LE(rec + 32));
      cdSize = Number(zip.readBigUInt64LE(rec + 40));
      cdOffset = Number(zip.readBigUInt64LE(rec + 48));
      cdEnd = rec;
    }
  }
  // Bytes in front of the zip (a launcher script) shift every offset.
  const prefix = cdEnd - cdSize - cdOffset;
  if (prefix < 0) throw new ZipFormatError("central directory lies outside the file (truncated archive?)");
  const out: ZipEntry[] = [];
  let p = cdOffset + prefix;
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50)
      throw new ZipFormatError(`bad central directory entry ${n + 1} of ${count}`);
    const method = zip.readUInt16LE(p + 10);
    let compressedSize = zip.readUInt32LE(p + 20);
    let size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    let localOffset = zip.readUInt32LE(p + 42);
    const name = zip.toString("utf8", p + 46, p + 46 + nameLen);
    // ZIP64 extra field (id 1): the 0xffffffff fields, in order.
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      let e = p + 46 + nameLen;
      const end = e + extraLen;
      while (e + 4 <= end) {
        const id = zip.readUInt16LE(e);
        const len = zip.readUInt16LE(e + 2);
        if (id === 1) {
          let q = e + 4;
          if (size === 0xffffffff) {
            size = Number(zip.readBigUInt64LE(q));
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(zip.readBigUInt64LE(q));
            q += 8;
          }
          if (localOffset === 0xffffffff) localOffset = Number(zip.readBigUInt64LE(q));
          break;
        }
        e += 4 + len;
      }
    }
    out.push({ name, method, compressedSize, size, localOffset: localOffset + prefix });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** One entry's bytes (stored or deflated), at most `limit` bytes once inflated. */
export function readZipEntry(zip: Buffer, e: ZipEntry, limit = MAX_META): Buffer {
  const h = e.localOffset;
  if (h + 30 > zip.length || zip.readUInt32LE(h) !== 0x04034b50)
    throw new ZipFormatError(`${e.name}: bad local header`);
  const start = h + 30 + zip.readUInt16LE(h + 26) + zip.readUInt16LE(h + 28);
  const data = zip.subarray(start, start + e.compressedSize);
  if (data.length < e.compressedSize) throw new ZipFormatError(`${e.name}: truncated entry`);
  if (e.size > limit)
    throw new ZipFormatError(`${e.name}: ${e.size} bytes, more than the ${limit}-byte limit`);
  if (e.method === 0) return data;
  if (e.method === 8) return inflateRawSync(data, { maxOutputLength: Math.max(1, limit) });
  throw new ZipFormatError(`${e.name}: unsupported compression method ${e.method}`);
}

/** Java .properties: `key=value` / `key: value`, `#`/`!` comments, backslash continuations. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^\s+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].replace(/^\s+/, "");
    }
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    const key = (m ? m[1] : line).replace(/\\(.)/g, "$1");
    out[key] = m ? m[2].replace(/\\(.)/g, "$1") : "";
  }
  return out;
}

/** MANIFEST.MF main section (before the first blank line); continuation lines start with a space. */
export function parseManifest(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split(/\r?\n|\r/)) {
    if (line === "") break;
    if (line.startsWith(" ") && last) {
      out[last] += line.slice(1);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    out[last] = line.slice(colon + 1).trim();
  }
  return out;
}

export interface JavaArtifact {
  groupId?: string;
  artifactId: string;
  version: string;
  /** Where in the image file the archive is: "" for the file itself, else `inner/path.jar` (joined by `:`). */
  nested: string;
  /** The pom.properties path, or "MANIFEST.MF" / "file name" for the fallback. */
  from: string;
  licenses: string[];
}

/** `commons-lang3-3.12.0.jar` → name and version. */
export function nameVersionFromFile(file: string): { name: string; version?: string } {
  const stem = basename(file).replace(ARCHIVE, "");
  const m = /^(.+?)-(\d[\w.+~-]*)$/.exec(stem);
  return m ? { name: m[1], version: m[2] } : { name: stem };
}

function manifestArtifact(
  mf: Record<string, string>,
  file: string,
  nested: string,
): JavaArtifact | undefined {
  const fromFile = nameVersionFromFile(file);
  const symbolic = mf["Bundle-SymbolicName"]?.split(";")[0].trim();
  const name =
    mf["Implementation-Title"] || symbolic || mf["Bundle-Name"] || mf["Specification-Title"] || fromFile.name;
  const version =
    mf["Implementation-Version"] || mf["Bundle-Version"] || mf["Specification-Version"] || fromFile.version;
  if (!name || !version) return undefined;
  const license = mf["Bundle-License"]?.split(";")[0].trim();
  return {
    groupId: mf["Implementation-Vendor-Id"] || undefined,
    artifactId: name,
    version,
    nested,
    from:
      mf["Implementation-Title"] || mf["Bundle-SymbolicName"] || mf["Bundle-Name"]
        ? "MANIFEST.MF"
        : "file name",
    licenses: license && !/^https?:/i.test(license) ? [license] : [],
  };
}

/**
 * Every artifact in one archive and its nested archives. Problems inside a nested archive are
 * collected in `warnings` and the rest is still read; a broken outer archive throws.
 */
export function catalogJavaArchive(
  zip: Buffer,
  file: string,
  nested = "",
  depth = 0,
  warnings: string[] = [],
): JavaArtifact[] {
  const entries = readZipDirectory(zip);
  const out: JavaArtifact[] = [];
  let manifest: Record<string, string> | undefined;
  for (const e of entries) {
    if (/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(e.name)) {
      const p = parseProperties(readZipEntry(zip, e).toString("utf8"));
      if (p.artifactId && p.version)
        out.push({
          groupId: p.groupId || undefined,
          artifactId: p.artifactId,
          version: p.version,
          nested,
          from: e.name,
          licenses: [],
        });
    } else if (e.name.toUpperCase() === "META-INF/MANIFEST.MF") {
      manifest = parseManifest(readZipEntry(zip, e).toString("utf8"));
    }
  }
  if (out.length === 0) {
    const a = manifestArtifact(
      manifest ?? {},
      nested ? nested.slice(nested.lastIndexOf(":") + 1) : file,
      nested,
    );
    if (a) out.push(a);
  } else if (manifest) {
    const license = manifest["Bundle-License"]?.split(";")[0].trim();
    if (license && !/^https?:/i.test(license)) for (const a of out) a.licenses.push(license);
  }
  if (depth < MAX_NESTED) {
    for (const e of entries) {
      if (!ARCHIVE.test(e.name) || e.name.endsWith("/")) continue;
      const inner = nested ? `${nested}:${e.name}` : e.name;
      try {
        const data = readZipEntry(zip, e, MAX_ARCHIVE);
        out.push(...catalogJavaArchive(data, file, inner, depth + 1, warnings));
      } catch (err) {
        warnings.push(`${inner}: ${(err as Error).message}`);
      }
    }
  }
  return out;
}

export function mavenPurl(a: Pick<JavaArtifact, "groupId" | "artifactId" | "version">): string {
  return purl("maven", a.groupId, a.artifactId, a.version);
}

interface JavaArchiveContents {
  artifacts: JavaArtifact[];
  /** Nested archives that could not be read (reported through the build context). */
  warnings: string[];
}

export const javaArchiveCataloger: Cataloger<JavaArchiveContents> = {
  id: "java-archive",
  title: "Java archives (JAR, WAR, EAR, nested)",
  docs: "*.jar, *.war, *.ear, *.jpi, *.hpi and archives nested in them: META-INF/maven/**/pom.properties, MANIFEST.MF as fallback",
  wants: (path, info) => info.type === "file" && ARCHIVE.test(path) && info.size >= 22,
  async read(file) {
    const zip = await file.readAll(MAX_ARCHIVE);
    const warnings: string[] = [];
    const found = catalogJavaArchive(zip, file.path, "", 0, warnings);
    // Nested archives that could not be read do not hide what the others gave.
    if (found.length === 0 && warnings.length > 0) throw new ZipFormatError(warnings.join("; "));
    return found.length ? { artifacts: found, warnings } : undefined;
  },
  build: (found, ctx) =>
    found.flatMap((f) => {
      for (const w of f.value.warnings) ctx.problem?.(f.path, w);
      return f.value.artifacts.map(
        (a): Package => ({
          name: a.artifactId,
          version: a.version,
          type: "maven",
          purl: mavenPurl(a),
          licenses: a.licenses,
          locations: [locationOf(f)],
          foundBy: "java-archive",
          metadata: {
            artifactId: a.artifactId,
            ...(a.groupId ? { groupId: a.groupId } : {}),
            ...(a.nested ? { virtualPath: `/${f.path}:${a.nested}` } : {}),
            from: a.from,
          },
        }),
      );
    }),
};
