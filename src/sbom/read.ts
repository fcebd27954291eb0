/**
 * `sbom:FILE`: read a saved SBOM back into a catalog result, so later steps (scan, check) can
 * work from it without the image. Accepts CycloneDX JSON (any 1.x; `portcullis:*` properties
 * restore locations, source package and arch) and SPDX 2.x JSON (purl external references;
 * locations from Portcullis' sourceInfo). Source packages of other tools' SBOMs (Syft, Trivy) come from
 * their properties, Trivy's SPDX `sourceInfo` ("built package from: NAME VERSION") or the purl's
 * `upstream` qualifier. The operating system is the CycloneDX `operating-system` component or the
 * SPDX package whose purpose is `OPERATING_SYSTEM` (the JSON schema's spelling) or
 * `OPERATING-SYSTEM` (the tag-value spelling Trivy writes); without one (Syft's SPDX) it is read
 * from the OS packages' purl `distro` qualifier (`alpine-3.18.3`, `debian-12`, Trivy's `3.18.3`).
 * Packages without a purl are skipped.
 */
import { readFileSync } from "node:fs";
import { PackageURL } from "packageurl-js";
import type { CatalogResult, Package, PackageLocation, PackageType } from "../catalog/types.js";
import type { OsInfo } from "../image/os-release.js";
import { ImageError } from "../image/types.js";

const TYPES = new Set<PackageType>(["deb", "apk", "rpm", "npm", "pypi", "golang", "maven", "gem", "cargo"]);

function fromPurl(
  p: string,
):
  | { type: PackageType; name: string; version: string; arch?: string; upstream?: string; os?: OsInfo }
  | undefined {
  try {
    const u = PackageURL.fromString(p);
    if (!TYPES.has(u.type as PackageType)) return undefined;
    const name =
      u.type === "npm" && u.namespace
        ? `${u.namespace}/${u.name}`
        : u.type === "golang" && u.namespace
          ? `${u.namespace}/${u.name}`
          : u.type === "maven" && u.namespace
            ? `${u.namespace}:${u.name}`
            : u.name;
    return {
      type: u.type as PackageType,
      name,
      version: u.version ?? "",
      arch: u.qualifiers?.arch,
      upstream: u.qualifiers?.upstream,
      os: osFromDistro(u.type, u.namespace, u.qualifiers?.distro),
    };
  } catch {
    return undefined;
  }
}

const OS_PACKAGE_TYPES = new Set(["apk", "deb", "rpm"]);

/**
 * The OS an OS package's purl names in its `distro` qualifier: `alpine-3.18.3`, `debian-12`,
 * `almalinux-9.3` (Syft, Portcullis), or only the version with the family as namespace (Trivy's
 * apk purls: `pkg:apk/alpine/busybox@…?distro=3.18.3`).
 */
function osFromDistro(
  type: string,
  namespace: string | undefined,
  distro: string | undefined,
): OsInfo | undefined {
  if (!OS_PACKAGE_TYPES.has(type) || !distro) return undefined;
  const m = /^([a-z][a-z0-9._]*)-(\d.*)$/i.exec(distro);
  const family = (m?.[1] ?? namespace ?? "").toLowerCase();
  const version = m ? m[2] : /^\d/.test(distro) ? distro : "";
  if (!family || !version) return undefined;
  return { family, version, idLike: [], source: "sbom (purl distro qualifier)" };
}

/** The OS of an SBOM without an OS entry: the one all its OS packages' purls agree on. */
function osFromPurls(oses: (OsInfo | undefined)[]): OsInfo | undefined {
  const seen = new Map<string, OsInfo>();
  for (const os of oses) if (os) seen.set(`${os.family} ${os.version}`, os);
  return seen.size === 1 ? [...seen.values()][0] : undefined;
}

/**
 * The source package of an OS package in another tool's SBOM: Trivy's `aquasecurity:trivy:Src*`
 * properties, Syft's `syft:metadata:originPackage` / `syft:metadata:source`, or the purl's
 * `upstream` qualifier (`openssl`, `util-linux@2.38.1-5`). Vulnerability matching of distro
 * packages goes through it (Alpine origin, Debian source package).
 */
function foreignSource(
  props: Map<string, string>,
  upstream: string | undefined,
): { name: string; version?: string } | undefined {
  const trivy = props.get("aquasecurity:trivy:SrcName");
  if (trivy) {
    const v = props.get("aquasecurity:trivy:SrcVersion");
    const rel = props.get("aquasecurity:trivy:SrcRelease");
    const epoch = props.get("aquasecurity:trivy:SrcEpoch");
    const version = v ? `${epoch && epoch !== "0" ? `${epoch}:` : ""}${v}${rel ? `-${rel}` : ""}` : undefined;
    return { name: trivy, ...(version ? { version } : {}) };
  }
  const syft = props.get("syft:metadata:originPackage") ?? props.get("syft:metadata:source");
  if (syft) {
    const v = props.get("syft:metadata:sourceVersion");
    return { name: syft, ...(v ? { version: v } : {}) };
  }
  if (upstream) {
    const at = upstream.indexOf("@");
    return at === -1 ? { name: upstream } : { name: upstream.slice(0, at), version: upstream.slice(at + 1) };
  }
  return undefined;
}

interface CdxComponent {
  type?: string;
  name?: string;
  version?: string;
  purl?: string;
  licenses?: { license?: { id?: string; name?: string }; expression?: string }[];
  properties?: { name: string; value: string }[];
  components?: CdxComponent[];
  description?: string;
}

function readCycloneDx(doc: Record<string, unknown>, file: string): CatalogResult {
  const metadata = (doc.metadata ?? {}) as { component?: CdxComponent };
  const props = (c?: CdxComponent) => new Map((c?.properties ?? []).map((p) => [p.name, p.value]));
  const imgProps = props(metadata.component);
  const result: CatalogResult = {
    image: {
      reference: imgProps.get("portcullis:image:reference") ?? metadata.component?.name ?? file,
      kind: "sbom",
      digest: imgProps.get("portcullis:image:digest") ?? metadata.component?.version,
      layers: [],
    },
    packages: [],
    errors: [],
  };
  const all: CdxComponent[] = [];
  const collect = (list: CdxComponent[] | undefined) => {
    for (const c of list ?? []) {
      all.push(c);
      collect(c.components);
    }
  };
  collect(doc.components as CdxComponent[] | undefined);
  const purlOs: (OsInfo | undefined)[] = [];
  for (const c of all) {
    if (c.type === "operating-system") {
      result.os = {
        family: c.name ?? "",
        version: c.version ?? "",
        prettyName: c.description,
        idLike: [],
        source: "sbom",
      };
      continue;
    }
    if (!c.purl) continue;
    const id = fromPurl(c.purl);
    if (!id) continue;
    purlOs.push(id.os);
    const pr = props(c);
    const locations: PackageLocation[] = [];
    for (let i = 0; pr.has(`portcullis:location:${i}:path`); i++) {
      const li = pr.get(`portcullis:location:${i}:layerIndex`);
      locations.push({
        path: pr.get(`portcullis:location:${i}:path`) as string,
        layerIndex: li !== undefined ? Number(li) : undefined,
        layerDigest: pr.get(`portcullis:location:${i}:layerDigest`),
        diffId: pr.get(`portcullis:location:${i}:diffId`),
      });
    }
    const licenses = (c.licenses ?? [])
      .map((l) => l.expression ?? l.license?.id ?? l.license?.name)
      .filter((l): l is string => !!l);
    const pkg: Package = {
      name: c.name ?? id.name,
      version: c.version ?? id.version,
      type: (pr.get("portcullis:package:type") as PackageType) ?? id.type,
      purl: c.purl,
      licenses,
      locations,
      foundBy: pr.get("portcullis:package:foundBy") ?? "sbom",
      arch: pr.get("portcullis:package:arch") ?? id.arch,
    };
    const sn = pr.get("portcullis:package:sourceName");
    if (sn) pkg.source = { name: sn, version: pr.get("portcullis:package:sourceVersion") };
    else {
      const src = foreignSource(pr, id.upstream);
      if (src) pkg.source = src;
    }
    result.packages.push(pkg);
  }
  result.os ??= osFromPurls(purlOs);
  return result;
}

interface SpdxPkg {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  licenseDeclared?: string;
  primaryPackagePurpose?: string;
  sourceInfo?: string;
  description?: string;
  externalRefs?: { referenceType: string; referenceLocator: string }[];
}

function readSpdx(doc: Record<string, unknown>, file: string): CatalogResult {
  const pkgs = (doc.packages ?? []) as SpdxPkg[];
  const image = pkgs.find((p) => p.primaryPackagePurpose === "CONTAINER");
  const result: CatalogResult = {
    image: {
      reference: image?.name ?? String(doc.name ?? file),
      kind: "sbom",
      digest: image?.versionInfo,
      layers: [],
    },
    packages: [],
    errors: [],
  };
  const extracted = new Map(
    ((doc.hasExtractedLicensingInfos ?? []) as { licenseId: string; extractedText: string }[]).map((e) => [
      e.licenseId,
      e.extractedText,
    ]),
  );
  const purlOs: (OsInfo | undefined)[] = [];
  for (const p of pkgs) {
    if (p.primaryPackagePurpose === "OPERATING_SYSTEM" || p.primaryPackagePurpose === "OPERATING-SYSTEM") {
      result.os = {
        family: p.name,
        version: p.versionInfo ?? "",
        prettyName: p.description,
        idLike: [],
        source: "sbom",
      };
      continue;
    }
    const purlRef = p.externalRefs?.find((r) => r.referenceType === "purl")?.referenceLocator;
    if (!purlRef) continue;
    const id = fromPurl(purlRef);
    if (!id) continue;
    purlOs.push(id.os);
    const licenses =
      !p.licenseDeclared || p.licenseDeclared === "NOASSERTION" || p.licenseDeclared === "NONE"
        ? []
        : p.licenseDeclared.split(" AND ").map((l) => extracted.get(l) ?? l.replace(/^\((.*)\)$/, "$1"));
    const m = /^acquired package info from ([\w-]+): (.*)$/.exec(p.sourceInfo ?? "");
    const locations: PackageLocation[] = m
      ? m[2].split(", ").map((s) => {
          const lm = /^(\S+)(?: \(layer (\d+|\?) (\S+)\))?$/.exec(s);
          return lm
            ? {
                path: lm[1],
                layerIndex: lm[2] && lm[2] !== "?" ? Number(lm[2]) : undefined,
                layerDigest: lm[3],
              }
            : { path: s };
        })
      : [];
    result.packages.push({
      name: p.name,
      version: p.versionInfo ?? id.version,
      type: id.type,
      purl: purlRef,
      licenses,
      locations,
      foundBy: m?.[1] ?? "sbom",
      arch: id.arch,
      ...spdxSource(p.sourceInfo, id.upstream),
    });
  }
  result.os ??= osFromPurls(purlOs);
  return result;
}

/** An SPDX package's source package: Trivy's sourceInfo "built package from: NAME VERSION", else the purl's upstream. */
function spdxSource(sourceInfo: string | undefined, upstream: string | undefined): Pick<Package, "source"> {
  const m = /^built package from: (\S+)(?: (\S+))?$/.exec(sourceInfo ?? "");
  if (m) return { source: { name: m[1], ...(m[2] ? { version: m[2] } : {}) } };
  const src = foreignSource(new Map(), upstream);
  return src ? { source: src } : {};
}

export function readSbomText(text: string, file: string): CatalogResult {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ImageError(`${file}: not valid JSON (${(err as Error).message})`, "bad-format");
  }
  if (doc.bomFormat === "CycloneDX") return readCycloneDx(doc, file);
  if (typeof doc.spdxVersion === "string" && doc.spdxVersion.startsWith("SPDX-2")) return readSpdx(doc, file);
  throw new ImageError(
    `${file}: not a CycloneDX or SPDX 2.x JSON document (expected "bomFormat": "CycloneDX" or "spdxVersion": "SPDX-2.x")`,
    "bad-format",
  );
}

export function readSbomFile(file: string): CatalogResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ImageError(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      "not-found",
    );
  }
  return readSbomText(text, file);
}
