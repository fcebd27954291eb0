/**
 * SBOM writers: CycloneDX 1.6 and 1.5 validate against the library's bundled official schemas
 * (strict), SPDX 2.3 against the vendored official schema; both read back through `sbom:FILE`
 * to the same packages; broken SBOM files give a clear error.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { Ajv2019 } from "ajv/dist/2019.js";
import { type CatalogResult, catalogImage } from "../../src/catalog/index.js";
import { generateSbom } from "../../src/sbom/index.js";
import { writeOciLayout } from "../image/build-layout.js";
import { registryEnv } from "../support/registry-env.js";
import { repoRoot } from "../support/shared.js";

const tmp = mkdtempSync(join(tmpdir(), "portcullis-sbom-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const spdxSchema = JSON.parse(readFileSync(join(repoRoot, "schemas", "spdx-schema-2-3.json"), "utf8"));
const ajv = new Ajv2019({ strict: false, allErrors: true });
const validateSpdx = ajv.compile(spdxSchema);

let result: CatalogResult;
let source: string;

before(async () => {
  // The real app image when the environment is there, else a hand-made one.
  if (registryEnv) source = `oci:${registryEnv.ociLayout}:app`;
  else {
    const dir = await writeOciLayout(join(tmp, "img"), [
      [
        {
          name: "etc/os-release",
          content: 'ID=alpine\nVERSION_ID=3.18.3\nPRETTY_NAME="Alpine Linux v3.18"\n',
        },
        {
          name: "lib/apk/db/installed",
          content:
            "P:musl\nV:1.2.4-r1\nA:x86_64\nL:MIT\no:musl\n\nP:libssl3\nV:3.1.2-r0\nA:x86_64\nL:Apache-2.0\no:openssl\n",
        },
        {
          name: "app/node_modules/x/package.json",
          content: '{"name":"x","version":"1.0.0","license":"(MIT OR Apache-2.0)"}',
        },
        {
          name: "app/node_modules/y/package.json",
          content: '{"name":"y","version":"1.0.0","license":"Some Custom License"}',
        },
      ],
    ]);
    source = `oci:${dir}`;
  }
  result = await catalogImage(source);
});

describe("SBOM formats", () => {
  for (const v of ["1.6", "1.5"] as const) {
    test(`CycloneDX ${v} validates against the official schema`, async () => {
      const text = generateSbom(result, "cyclonedx", { cyclonedxVersion: v });
      const doc = JSON.parse(text);
      assert.equal(doc.specVersion, v);
      const validator = new Validation.JsonStrictValidator(
        v === "1.6" ? Spec.Version.v1dot6 : Spec.Version.v1dot5,
      );
      assert.equal(await validator.validate(text), null);
      const purls = doc.components
        .filter((c: { purl?: string }) => c.purl)
        .map((c: { purl: string }) => c.purl);
      assert.deepEqual(
        purls,
        result.packages.map((p) => p.purl),
      );
      assert.equal(doc.metadata.component.type, "container");
    });
  }

  test("a broken CycloneDX document does not validate (the check can fail)", async () => {
    const doc = JSON.parse(generateSbom(result, "cyclonedx"));
    doc.components[0].type = "not-a-type";
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    assert.notEqual(await validator.validate(JSON.stringify(doc)), null);
  });

  test("SPDX 2.3 validates against the official schema", () => {
    // biome-ignore lint/suspicious/noExplicitAny: checked against the schema below
    const doc: any = JSON.parse(generateSbom(result, "spdx"));
    const ok = validateSpdx(structuredClone(doc));
    assert.ok(ok, JSON.stringify(validateSpdx.errors?.slice(0, 3)));
    assert.equal(doc.spdxVersion, "SPDX-2.3");
    assert.match(doc.creationInfo.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const ids = new Set(doc.packages.map((p: { SPDXID: string }) => p.SPDXID));
    assert.equal(ids.size, doc.packages.length, "SPDXIDs are unique");
    for (const id of ids) assert.match(String(id), /^SPDXRef-[A-Za-z0-9.-]+$/);
    for (const r of doc.relationships) {
      assert.ok(r.spdxElementId === "SPDXRef-DOCUMENT" || ids.has(r.spdxElementId));
      assert.ok(ids.has(r.relatedSpdxElement));
    }
    for (const e of doc.hasExtractedLicensingInfos ?? [])
      assert.match(e.licenseId, /^LicenseRef-[A-Za-z0-9.-]+$/);
    // and the schema does reject a document without its required fields
    const broken = { ...doc };
    delete broken.documentNamespace;
    assert.equal(validateSpdx(broken), false);
  });

  for (const format of ["cyclonedx", "spdx"] as const) {
    test(`sbom:FILE reads a saved ${format} SBOM back to the same packages`, async () => {
      const file = join(tmp, `saved.${format}.json`);
      writeFileSync(file, generateSbom(result, format));
      const back = await catalogImage(`sbom:${file}`);
      const key = (r: CatalogResult) =>
        r.packages.map((p) => `${p.purl} ${p.name} ${p.version} ${p.type}`).sort();
      assert.deepEqual(key(back), key(result));
      assert.equal(back.os?.family, result.os?.family);
      const first = result.packages[0];
      const again = back.packages.find((p) => p.purl === first.purl);
      assert.equal(again?.locations[0]?.path, first.locations[0]?.path);
      assert.deepEqual(again?.licenses.slice().sort(), first.licenses.slice().sort());
    });
  }

  test("sbom:FILE with a file that is not an SBOM gives a clear error", async () => {
    const file = join(tmp, "not-sbom.json");
    writeFileSync(file, '{"hello": "world"}');
    await assert.rejects(catalogImage(`sbom:${file}`), /not a CycloneDX or SPDX 2.x JSON document/);
    writeFileSync(file, "{ broken");
    await assert.rejects(catalogImage(`sbom:${file}`), /not valid JSON/);
  });

  test("table and json formats", () => {
    const table = generateSbom(result, "table");
    assert.match(table, new RegExp(`${result.packages.length} packages`));
    const json = JSON.parse(generateSbom(result, "json"));
    assert.equal(json.packages.length, result.packages.length);
  });
});
