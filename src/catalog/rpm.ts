/**
 * rpm: the installed-package database of Red Hat, Fedora, CentOS, Rocky, Alma, Amazon Linux,
 * Oracle Linux, SUSE and other rpm-based images. Reads the sqlite rpmdb (rpm >= 4.16, the
 * default on RHEL/UBI 9, Fedora >= 33, Amazon Linux 2023) at `var/lib/rpm/rpmdb.sqlite` or
 * `usr/lib/sysimage/rpm/rpmdb.sqlite` with our own SQLite file reader and rpm header-blob
 * decoder (no native driver), one package per row of the `Packages` table.
 *
 * Not read yet: the BerkeleyDB database (`Packages`, RHEL/CentOS <= 8, Amazon Linux 2) and the
 * NDB database (`Packages.db`, SUSE): finding one gives a "not supported yet" error entry for
 * that file rather than a silent empty result. A `rpmdb.sqlite-wal` holding committed frames
 * (an unclean shutdown) also gives an error entry: the WAL is not replayed, so packages of the
 * last transactions may be missing. `gpg-pubkey` entries are skipped: they are public keys
 * imported with `rpm --import`, not software.
 *
 * purl: pkg:rpm/<namespace>/<name>@<version>-<release>?arch=&epoch=&upstream=<source rpm>&distro=
 * with the namespace from os-release ID (rhel -> redhat, opensuse-* -> opensuse), else from
 * the package vendor; the Package version is `[epoch:]version-release`.
 */
import { distroQualifier, purl } from "./purl.js";
import { parseRpmHeaderBlob, type RpmPackageInfo } from "./rpm/header-blob.js";
import { openSqlite, SqliteFormatError, summarizeWal } from "./rpm/sqlite-reader.js";
import { basename, type CatalogContext, type Cataloger, locationOf, type Package } from "./types.js";

export type RpmdbErrorCode = "unsupported-backend" | "bad-database" | "wal-pending" | "no-packages";

/** A problem with an rpm database file, reported as that file's error entry. */
export class RpmdbError extends Error {
  override readonly name = "RpmdbError";
  constructor(
    readonly code: RpmdbErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const DIRS = ["var/lib/rpm/", "usr/lib/sysimage/rpm/"];
/** rpm databases of several GB do not exist; this bounds memory on a hostile image. */
const MAX_DB_BYTES = 1 << 30;

export interface RpmdbContents {
  packages: RpmPackageInfo[];
  /** Rows whose header blob could not be decoded (the other rows are still listed). */
  problems: string[];
}

function dbDir(path: string): string | undefined {
  return DIRS.find((d) => path.startsWith(d) && !path.slice(d.length).includes("/"));
}

/**
 * Every package of an sqlite rpmdb held in memory. Throws RpmdbError when the file is not a
 * readable rpm sqlite database; rows with a bad header blob are listed in `problems`.
 */
export function readSqliteRpmdb(buf: Buffer, path = "rpmdb.sqlite"): RpmdbContents {
  const packages: RpmPackageInfo[] = [];
  const problems: string[] = [];
  try {
    const db = openSqlite(buf);
    for (const row of db.rows("Packages")) {
      const blob = row.values.find((v): v is Buffer => Buffer.isBuffer(v));
      if (!blob) {
        problems.push(`row ${row.rowid}: no header blob`);
        continue;
      }
      try {
        packages.push(parseRpmHeaderBlob(blob));
      } catch (err) {
        problems.push(`row ${row.rowid}: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    if (err instanceof SqliteFormatError)
      throw new RpmdbError("bad-database", path, `not a readable sqlite rpm database: ${err.message}`);
    throw err;
  }
  return { packages, problems };
}

/** What a legacy database file is, from its first bytes. */
export function identifyLegacyRpmdb(head: Buffer): string {
  if (head.length >= 4 && head.toString("latin1", 0, 4) === "RpmP") return "an NDB rpm database";
  if (head.length >= 16) {
    for (const magic of [0x00061561, 0x00053162]) {
      if (head.readUInt32LE(12) === magic || head.readUInt32BE(12) === magic)
        return `a BerkeleyDB ${magic === 0x00061561 ? "hash" : "btree"} rpm database`;
    }
  }
  return "an rpm database in an unrecognised format";
}

async function firstBytes(chunks: AsyncIterable<Buffer>, n: number): Promise<Buffer> {
  const got: Buffer[] = [];
  let len = 0;
  for await (const c of chunks) {
    got.push(c);
    len += c.length;
    if (len >= n) break;
  }
  return Buffer.concat(got).subarray(0, n);
}

/** Namespace for the purl: the distribution vendor, lower case. */
export function rpmNamespace(osId: string | undefined, vendor: string | undefined): string | undefined {
  if (osId) {
    const id = osId.toLowerCase();
    if (id === "rhel") return "redhat";
    if (id.startsWith("opensuse")) return "opensuse";
    return id;
  }
  if (!vendor) return undefined;
  const v = vendor.toLowerCase();
  const known: [RegExp, string][] = [
    [/red hat/, "redhat"],
    [/fedora/, "fedora"],
    [/centos/, "centos"],
    [/opensuse/, "opensuse"],
    [/suse/, "suse"],
    [/rocky/, "rocky"],
    [/almalinux/, "almalinux"],
    [/amazon/, "amzn"],
    [/oracle/, "ol"],
  ];
  return known.find(([re]) => re.test(v))?.[1];
}

/** `bash-5.1.8-6.el9.src.rpm` -> { name: bash, version: 5.1.8-6.el9 }. */
export function parseSourceRpm(srpm: string): { name: string; version?: string } | undefined {
  const base = srpm.replace(/\.(no)?src\.rpm$/, "");
  const r = base.lastIndexOf("-");
  const v = r > 0 ? base.lastIndexOf("-", r - 1) : -1;
  if (v <= 0) return base ? { name: base } : undefined;
  return { name: base.slice(0, v), version: base.slice(v + 1) };
}

/** The package version as rpm prints it: `[epoch:]version-release`. */
export function rpmEvr(p: Pick<RpmPackageInfo, "epoch" | "version" | "release">): string {
  return `${p.epoch !== undefined ? `${p.epoch}:` : ""}${p.version}-${p.release}`;
}

export function rpmPackage(p: RpmPackageInfo, ctx: CatalogContext): Package {
  const source = p.sourceRpm ? parseSourceRpm(p.sourceRpm) : undefined;
  const metadata: Record<string, string> = {};
  if (p.vendor) metadata.vendor = p.vendor;
  if (p.size !== undefined) metadata.size = String(p.size);
  if (p.modularityLabel) metadata.modularityLabel = p.modularityLabel;
  if (p.sourceRpm) metadata.sourceRpm = p.sourceRpm;
  return {
    name: p.name,
    version: rpmEvr(p),
    type: "rpm",
    purl: purl("rpm", rpmNamespace(ctx.os?.family, p.vendor), p.name, `${p.version}-${p.release}`, {
      arch: p.arch,
      epoch: p.epoch !== undefined ? String(p.epoch) : undefined,
      upstream: p.sourceRpm,
      distro: distroQualifier(ctx.os),
    }),
    licenses: p.license ? [p.license] : [],
    locations: [],
    foundBy: "rpm",
    source,
    arch: p.arch,
    metadata: Object.keys(metadata).length ? metadata : undefined,
  };
}

/** Values of the walk: a parsed database, or nothing (the other files only ever throw). */
type RpmValue = RpmdbContents;

/** The build context, with the optional hook through which per-row problems are reported. */
type RpmBuildContext = CatalogContext;

export const rpmCataloger: Cataloger<RpmValue> = {
  id: "rpm",
  title: "rpm packages (sqlite rpm database)",
  docs:
    "var/lib/rpm/rpmdb.sqlite, usr/lib/sysimage/rpm/rpmdb.sqlite (sqlite backend, rpm >= 4.16); " +
    "BerkeleyDB `Packages` and NDB `Packages.db` are recognised and reported as not supported yet",
  wants(path, info) {
    if (info.type !== "file" || !dbDir(path)) return false;
    const name = basename(path);
    if (name === "rpmdb.sqlite") return true;
    if (name === "rpmdb.sqlite-wal") return info.size > 0;
    return (name === "Packages" || name === "Packages.db") && info.size > 0;
  },
  async read(file) {
    const name = basename(file.path);
    const shown = `/${file.path}`;
    if (name === "rpmdb.sqlite") {
      const db = readSqliteRpmdb(await file.readAll(MAX_DB_BYTES), shown);
      // Nothing readable at all: the file's error entry says why (a partial read keeps its packages).
      if (db.packages.length === 0 && db.problems.length > 0)
        throw new RpmdbError(
          "no-packages",
          shown,
          `no readable package: ${db.problems.slice(0, 3).join("; ")}`,
        );
      return db;
    }
    if (name === "rpmdb.sqlite-wal") {
      let wal: ReturnType<typeof summarizeWal>;
      try {
        wal = summarizeWal(await file.readAll(MAX_DB_BYTES));
      } catch (err) {
        throw new RpmdbError("bad-database", shown, (err as Error).message);
      }
      if (wal.committedFrames > 0)
        throw new RpmdbError(
          "wal-pending",
          shown,
          `${wal.committedFrames} committed WAL frames (${wal.pages} pages) not checkpointed into rpmdb.sqlite; ` +
            "WAL replay is not supported, so packages of the last rpm transactions may be missing or stale",
        );
      return undefined;
    }
    const kind = identifyLegacyRpmdb(await firstBytes(file.chunks(), 16));
    throw new RpmdbError(
      "unsupported-backend",
      shown,
      `${kind}: not supported yet (only the sqlite rpmdb, rpm >= 4.16, is read); its packages are not listed`,
    );
  },
  build(found, ctx: RpmBuildContext) {
    const out: Package[] = [];
    for (const f of found) {
      for (const msg of f.value.problems) ctx.problem?.(`/${f.path}`, `bad rpm header blob: ${msg}`);
      for (const p of f.value.packages) {
        if (p.name === "gpg-pubkey") continue;
        out.push({ ...rpmPackage(p, ctx), locations: [locationOf(f)] });
      }
    }
    return out;
  },
};
