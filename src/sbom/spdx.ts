/**
 * SPDX 2.3 JSON from a catalog result (no maintained SPDX document library exists on npm, so the
 * document is built here). The image is the described package (purpose CONTAINER) and CONTAINS
 * the OS and every package; each package carries its purl as a PACKAGE-MANAGER external
 * reference, its declared license (an SPDX expression, or LicenseRef-… with the original text in
 * hasExtractedLicensingInfos), and where it was found in sourceInfo.
 */
import { createHash, randomUUID } from "node:crypto";
import type { CatalogResult } from "../catalog/index.js";
import type { Package } from "../catalog/types.js";
import { VERSION } from "../version.js";
import { isSpdxExpression } from "./license-expression.js";

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  primaryPackagePurpose?: string;
  sourceInfo?: string;
  supplier?: string;
  description?: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
}

export interface SpdxDocument {
  spdxVersion: "SPDX-2.3";
  dataLicense: "CC0-1.0";
  SPDXID: "SPDXRef-DOCUMENT";
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[]; licenseListVersion?: string };
  packages: SpdxPackage[];
  relationships: { spdxElementId: string; relatedSpdxElement: string; relationshipType: string }[];
  hasExtractedLicensingInfos?: { licenseId: string; extractedText: string; name: string }[];
}

function idPart(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}

function shortHash(s: string): string {
  return createHash("sha256").update(s).digest("hex").slice(0, 12);
}

/** How sourceInfo says where a package was found (read back by sbom:FILE). */
export function describeLocations(p: Package): string {
  const where = p.locations
    .map((l) => `${l.path}${l.layerDigest ? ` (layer ${l.layerIndex ?? "?"} ${l.layerDigest})` : ""}`)
    .join(", ");
  return `acquired package info from ${p.foundBy}: ${where}`;
}

export function buildSpdx(result: CatalogResult, now = new Date()): SpdxDocument {
  const extracted = new Map<string, { licenseId: string; extractedText: string; name: string }>();
  const declared = (licenses: string[]): string => {
    if (licenses.length === 0) return "NOASSERTION";
    const parts = licenses.map((l) => {
      if (isSpdxExpression(l)) return licenses.length > 1 && /\s/.test(l) ? `(${l})` : l;
      const id = `LicenseRef-${idPart(l)}`;
      if (!extracted.has(id)) extracted.set(id, { licenseId: id, extractedText: l, name: l });
      return id;
    });
    return parts.join(" AND ");
  };
  const imageId = "SPDXRef-Image";
  const docName = result.image.reference;
  const packages: SpdxPackage[] = [
    {
      SPDXID: imageId,
      name: result.image.reference,
      versionInfo: result.image.digest,
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "CONTAINER",
    },
  ];
  const relationships: SpdxDocument["relationships"] = [
    { spdxElementId: "SPDXRef-DOCUMENT", relatedSpdxElement: imageId, relationshipType: "DESCRIBES" },
  ];
  if (result.os) {
    packages.push({
      SPDXID: "SPDXRef-OperatingSystem",
      name: result.os.family,
      versionInfo: result.os.version,
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "OPERATING_SYSTEM",
      description: result.os.prettyName,
    });
    relationships.push({
      spdxElementId: imageId,
      relatedSpdxElement: "SPDXRef-OperatingSystem",
      relationshipType: "CONTAINS",
    });
  }
  const used = new Set<string>();
  for (const p of result.packages) {
    let id = `SPDXRef-Package-${p.type}-${idPart(p.name)}-${shortHash(p.purl)}`;
    while (used.has(id)) id = `${id}-1`;
    used.add(id);
    packages.push({
      SPDXID: id,
      name: p.name,
      versionInfo: p.version,
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: declared(p.licenses),
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "LIBRARY",
      sourceInfo: describeLocations(p),
      externalRefs: [
        { referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: p.purl },
      ],
    });
    relationships.push({ spdxElementId: imageId, relatedSpdxElement: id, relationshipType: "CONTAINS" });
  }
  const doc: SpdxDocument = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: docName,
    documentNamespace: `https://portcullis.dev/spdx/${idPart(docName)}-${randomUUID()}`,
    creationInfo: {
      created: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
      creators: [`Tool: portcullis-${VERSION}`],
    },
    packages,
    relationships,
  };
  if (extracted.size > 0) doc.hasExtractedLicensingInfos = [...extracted.values()];
  return doc;
}

export function serializeSpdx(result: CatalogResult): string {
  return `${JSON.stringify(buildSpdx(result), null, 2)}\n`;
}
