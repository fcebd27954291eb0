/**
 * Operating-system detection: /etc/os-release (or /usr/lib/os-release), with /etc/alpine-release,
 * /etc/debian_version and /etc/redhat-release as fallbacks for images that lack it. Runs as an
 * ordinary FileRequest in the layer walk, so whiteouts apply to these files too.
 */
import type { FileRequest, Found } from "./walk.js";

export interface OsInfo {
  /** os-release ID: debian, ubuntu, alpine, rhel, centos, rocky, almalinux, fedora, amzn, ol, sles, wolfi, ... */
  family: string;
  /** VERSION_ID, or the release file's version. */
  version: string;
  name?: string;
  prettyName?: string;
  versionCodename?: string;
  idLike: string[];
  /** Which file it came from. */
  source: string;
}

const FILES = [
  "etc/os-release",
  "usr/lib/os-release",
  "etc/alpine-release",
  "etc/debian_version",
  "etc/redhat-release",
  "etc/lsb-release",
];

export function parseOsReleaseText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) {
      v = v.slice(1, -1).replace(/\\(["'\\$`])/g, "$1");
    }
    out[m[1]] = v;
  }
  return out;
}

export const osReleaseRequest: FileRequest<string> = {
  id: "os-release",
  wants: (path, info) => FILES.includes(path) && (info.type === "file" || info.type === "symlink"),
  async read(file) {
    if (file.type === "symlink") return `@symlink:${file.linkname ?? ""}`;
    return (await file.readAll(64 << 10)).toString("utf8");
  },
};

/** Decide the OS from the os-release request's findings (after whiteouts). */
export function detectOs(found: Found[]): OsInfo | undefined {
  const texts = new Map<string, string>();
  for (const f of found) {
    if (f.requestId === osReleaseRequest.id) texts.set(f.path, f.value as string);
  }
  const resolveText = (path: string): string | undefined => {
    let t = texts.get(path);
    // etc/os-release is usually a symlink to ../usr/lib/os-release
    if (t?.startsWith("@symlink:")) t = texts.get("usr/lib/os-release");
    return t;
  };
  const osr = resolveText("etc/os-release") ?? resolveText("usr/lib/os-release");
  if (osr) {
    const kv = parseOsReleaseText(osr);
    if (kv.ID) {
      let version = kv.VERSION_ID ?? "";
      // Debian testing/sid have no VERSION_ID; debian_version says e.g. "trixie/sid".
      if (!version && kv.ID === "debian") version = texts.get("etc/debian_version")?.trim() ?? "";
      if (kv.ID === "alpine" && texts.has("etc/alpine-release")) {
        version = texts.get("etc/alpine-release")?.trim() || version;
      }
      return {
        family: kv.ID.toLowerCase(),
        version,
        name: kv.NAME,
        prettyName: kv.PRETTY_NAME,
        versionCodename: kv.VERSION_CODENAME,
        idLike: (kv.ID_LIKE ?? "").split(/\s+/).filter(Boolean),
        source: texts.has("etc/os-release") ? "etc/os-release" : "usr/lib/os-release",
      };
    }
  }
  const alpine = texts.get("etc/alpine-release")?.trim();
  if (alpine) return { family: "alpine", version: alpine, idLike: [], source: "etc/alpine-release" };
  const debian = texts.get("etc/debian_version")?.trim();
  if (debian) {
    const lsb = parseOsReleaseText(texts.get("etc/lsb-release") ?? "");
    if (lsb.DISTRIB_ID?.toLowerCase() === "ubuntu") {
      return {
        family: "ubuntu",
        version: lsb.DISTRIB_RELEASE ?? "",
        idLike: ["debian"],
        source: "etc/lsb-release",
      };
    }
    return { family: "debian", version: debian, idLike: [], source: "etc/debian_version" };
  }
  const redhat = texts.get("etc/redhat-release")?.trim();
  if (redhat) {
    const m = /^(.*?) release ([\d.]+)/.exec(redhat);
    const name = (m?.[1] ?? "").toLowerCase();
    const family = name.includes("centos")
      ? "centos"
      : name.includes("rocky")
        ? "rocky"
        : name.includes("alma")
          ? "almalinux"
          : name.includes("fedora")
            ? "fedora"
            : "rhel";
    return { family, version: m?.[2] ?? "", idLike: [], source: "etc/redhat-release" };
  }
  return undefined;
}

/** The major version (debian 12.4 → 12) or major.minor for alpine (3.18.3 → 3.18). */
export function osDistroVersion(os: OsInfo): string {
  if (os.family === "alpine") return os.version.split(".").slice(0, 2).join(".");
  return os.version;
}
