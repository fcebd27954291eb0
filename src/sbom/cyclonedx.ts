/**
 * CycloneDX JSON (1.6 by default, 1.5 on request) from a catalog result, built with
 * @cyclonedx/cyclonedx-library's models and serializer. The image is the metadata component
 * (type container), the OS an operating-system component, every package a library with its purl,
 * licenses (SPDX id, expression or name) and `portcullis:*` properties for where it was found,
 * which `sbom:FILE` reads back.
 */
import { randomUUID } from "node:crypto";
import { Contrib, Enums, Models, Serialize, Spec } from "@cyclonedx/cyclonedx-library";
import type { CatalogResult } from "../catalog/index.js";
import type { Package } from "../catalog/types.js";
import { VERSION } from "../version.js";
import { validateSpdxExpression } from "./license-expression.js";

export type CycloneDxVersion = "1.5" | "1.6";

const SPEC = { "1.5": Spec.Spec1dot5, "1.6": Spec.Spec1dot6 } as const;

export const PROP = {
  type: "portcullis:package:type",
  foundBy: "portcullis:package:foundBy",
  arch: "portcullis:package:arch",
  sourceName: "portcullis:package:sourceName",
  sourceVersion: "portcullis:package:sourceVersion",
  location: (i: number, k: "path" | "layerIndex" | "layerDigest" | "diffId") =>
    `portcullis:location:${i}:${k}`,
  meta: (k: string) => `portcullis:metadata:${k}`,
  imageDigest: "portcullis:image:digest",
  imageReference: "portcullis:image:reference",
  osFamily: "portcullis:os:family",
  osVersion: "portcullis:os:version",
};

const licenseFactory = new Contrib.License.Factories.LicenseFactory(validateSpdxExpression);

function licensesOf(p: Package): Models.LicenseRepository {
  const repo = new Models.LicenseRepository();
  const made = p.licenses.map((l) => licenseFactory.makeFromString(l));
  // CycloneDX allows either one expression or a list of named/id licenses, not a mix.
  const expressions = made.filter((m) => m instanceof Models.LicenseExpression);
  if (expressions.length === 1 && made.length === 1) repo.add(expressions[0]);
  else {
    for (const l of made) {
      repo.add(l instanceof Models.LicenseExpression ? new Models.NamedLicense(l.expression) : l);
    }
  }
  return repo;
}

function componentOf(p: Package): Models.Component {
  const props = new Models.PropertyRepository();
  props.add(new Models.Property(PROP.type, p.type));
  props.add(new Models.Property(PROP.foundBy, p.foundBy));
  if (p.arch) props.add(new Models.Property(PROP.arch, p.arch));
  if (p.source) {
    props.add(new Models.Property(PROP.sourceName, p.source.name));
    if (p.source.version) props.add(new Models.Property(PROP.sourceVersion, p.source.version));
  }
  p.locations.forEach((l, i) => {
    props.add(new Models.Property(PROP.location(i, "path"), l.path));
    if (l.layerIndex !== undefined)
      props.add(new Models.Property(PROP.location(i, "layerIndex"), String(l.layerIndex)));
    if (l.layerDigest) props.add(new Models.Property(PROP.location(i, "layerDigest"), l.layerDigest));
    if (l.diffId) props.add(new Models.Property(PROP.location(i, "diffId"), l.diffId));
  });
  for (const [k, v] of Object.entries(p.metadata ?? {}))
    props.add(new Models.Property(PROP.meta(k), String(v)));
  const group = p.type === "maven" ? p.metadata?.groupId : undefined;
  return new Models.Component(Enums.ComponentType.Library, p.name, {
    bomRef: p.purl,
    group: typeof group === "string" ? group : undefined,
    version: p.version,
    purl: p.purl,
    licenses: licensesOf(p),
    properties: props,
  });
}

export function buildCycloneDx(result: CatalogResult): Models.Bom {
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${randomUUID()}` });
  bom.metadata.timestamp = new Date();
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, "portcullis", { version: VERSION }),
  );
  const imgProps = new Models.PropertyRepository();
  imgProps.add(new Models.Property(PROP.imageReference, result.image.reference));
  if (result.image.digest) imgProps.add(new Models.Property(PROP.imageDigest, result.image.digest));
  bom.metadata.component = new Models.Component(Enums.ComponentType.Container, result.image.reference, {
    bomRef: "image",
    version: result.image.digest,
    properties: imgProps,
  });
  if (result.os) {
    const osProps = new Models.PropertyRepository();
    osProps.add(new Models.Property(PROP.osFamily, result.os.family));
    osProps.add(new Models.Property(PROP.osVersion, result.os.version));
    bom.components.add(
      new Models.Component(Enums.ComponentType.OperatingSystem, result.os.family, {
        bomRef: "os",
        version: result.os.version,
        description: result.os.prettyName,
        properties: osProps,
      }),
    );
  }
  for (const p of result.packages) bom.components.add(componentOf(p));
  return bom;
}

export function serializeCycloneDx(result: CatalogResult, version: CycloneDxVersion = "1.6"): string {
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(SPEC[version]));
  return `${serializer.serialize(buildCycloneDx(result), { sortLists: false, space: 2 })}\n`;
}
