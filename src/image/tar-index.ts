/**
 * An index of a tar file on disk (name → data offset and size), read by seeking from header to
 * header without reading file data. Used for `docker save` archives, whose layers are then read in
 * place with ranged file streams. Handles ustar prefixes, GNU long names and pax path/size records
 * (the header decoding is tar-header.ts, shared with the streaming reader).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { BLOCK, checksumOk, field, headerName, isZeroBlock, numeric, parsePaxRecords } from "./tar-header.js";
import { ImageError } from "./types.js";

export interface TarMember {
  name: string;
  offset: number;
  size: number;
  type: string;
  linkname?: string;
}

export function indexTarFile(file: string): Map<string, TarMember> {
  const fd = openSync(file, "r");
  const out = new Map<string, TarMember>();
  const header = Buffer.alloc(BLOCK);
  let offset = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  try {
    for (;;) {
      const n = readSync(fd, header, 0, BLOCK, offset);
      if (n < BLOCK || isZeroBlock(header)) break;
      if (!checksumOk(header)) {
        throw new ImageError(`${file}: not a tar archive (bad header at byte ${offset})`, "bad-format");
      }
      const type = String.fromCharCode(header[156] || 0x30);
      let size = numeric(header, 124, 12);
      if (!Number.isFinite(size) || size < 0) {
        throw new ImageError(`${file}: not a tar archive (bad size at byte ${offset})`, "bad-format");
      }
      const dataOffset = offset + BLOCK;
      if (type === "L" || type === "x" || type === "g") {
        const data = Buffer.alloc(size);
        readSync(fd, data, 0, size, dataOffset);
        if (type === "L") longName = field(data, 0, size);
        else if (type === "x") pax = parsePaxRecords(data);
      } else {
        let name = longName ?? pax.path ?? headerName(header);
        if (pax.size) size = Number.parseInt(pax.size, 10);
        name = name.replace(/^\.\//, "").replace(/^\/+/, "");
        out.set(name, {
          name,
          offset: dataOffset,
          size,
          type,
          linkname: pax.linkpath ?? (field(header, 157, 100) || undefined),
        });
        longName = undefined;
        pax = {};
      }
      offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
