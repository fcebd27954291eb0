/**
 * The layer walk on hand-made images: whiteouts delete a package, opaque directories hide lower
 * files, a re-created path wins, and gzip, zstd, plain tar and docker-archive all read the same.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { catalogImage } from "../../src/catalog/index.js";
import { readImage } from "../../src/image/index.js";
import { type LayerEntry, writeDockerArchive, writeOciLayout, zstdAvailable } from "./build-layout.js";

const tmp = mkdtempSync(join(tmpdir(), "portcullis-image-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const pkgJson = (name: string, version: string) =>
  JSON.stringify({ name, version, license: "MIT", description: "test package" });
const distInfo = (name: string, version: string) =>
  `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nLicense: MIT\n\nlong description\n`;
const dpkgStatus = (pkgs: [string, string][]) =>
  pkgs
    .map(
      ([n, v]) =>
        `Package: ${n}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${v}\nDescription: x\n`,
    )
    .join("\n");

const base: LayerEntry[] = [
  { name: "etc/", dir: true },
  {
    name: "etc/os-release",
    content: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
  },
  {
    name: "var/lib/dpkg/status",
    content: dpkgStatus([
      ["bash", "5.2.15-2+b2"],
      ["zlib1g", "1:1.2.13.dfsg-1"],
    ]),
  },
  { name: "app/node_modules/left-pad/package.json", content: pkgJson("left-pad", "1.3.0") },
  { name: "app/node_modules/lodash/package.json", content: pkgJson("lodash", "4.17.15") },
  { name: "app/node_modules/@scope/thing/package.json", content: pkgJson("@scope/thing", "2.0.0") },
  { name: "usr/lib/python3/site-packages/", dir: true },
  { name: "usr/lib/python3/site-packages/old-1.0.dist-info/METADATA", content: distInfo("old", "1.0") },
  { name: "usr/lib/python3/site-packages/keep-1.0.dist-info/METADATA", content: distInfo("keep", "1.0") },
];
const upper: LayerEntry[] = [
  // delete one npm package (a whole directory) and replace the dpkg database
  { name: "app/node_modules/.wh.left-pad", content: "" },
  {
    name: "var/lib/dpkg/status",
    content: dpkgStatus([
      ["bash", "5.2.15-2+b2"],
      ["zlib1g", "1:1.3.dfsg-3"],
    ]),
  },
  // opaque: everything below site-packages from lower layers is hidden; this layer's file stays
  { name: "usr/lib/python3/site-packages/", dir: true },
  { name: "usr/lib/python3/site-packages/.wh..wh..opq", content: "" },
  { name: "usr/lib/python3/site-packages/new-2.0.dist-info/METADATA", content: distInfo("new", "2.0") },
];

function names(r: Awaited<ReturnType<typeof catalogImage>>): string[] {
  return r.packages.map((p) => `${p.type}:${p.name}@${p.version}`).sort();
}

const expected = [
  "deb:bash@5.2.15-2+b2",
  "deb:zlib1g@1:1.3.dfsg-3",
  "npm:@scope/thing@2.0.0",
  "npm:lodash@4.17.15",
  "pypi:new@2.0",
];

describe("whiteouts and opaque directories", () => {
  test("a package deleted in an upper layer is absent; an opaque dir hides lower files", async () => {
    const dir = await writeOciLayout(join(tmp, "wh"), [base, upper], { tag: "t" });
    const r = await catalogImage(`oci:${dir}:t`);
    assert.deepEqual(names(r), expected);
    assert.ok(!names(r).includes("npm:left-pad@1.3.0"), "left-pad was whited out");
    assert.ok(!names(r).some((n) => n.startsWith("pypi:old") || n.startsWith("pypi:keep")), "opaque dir");
    const zlib = r.packages.find((p) => p.name === "zlib1g");
    assert.equal(zlib?.locations[0].layerIndex, 1, "the upper layer's status file wins");
    assert.equal(r.packages.find((p) => p.name === "lodash")?.locations[0].layerIndex, 0);
    assert.equal(r.os?.family, "debian");
    assert.equal(
      r.packages.find((p) => p.name === "bash")?.purl,
      "pkg:deb/debian/bash@5.2.15-2+b2?arch=amd64&distro=debian-12",
    );
  });

  test("the same layers without the upper layer still show the deleted files", async () => {
    const dir = await writeOciLayout(join(tmp, "base"), [base]);
    const r = await catalogImage(`oci:${dir}`);
    assert.ok(names(r).includes("npm:left-pad@1.3.0"));
    assert.ok(names(r).includes("pypi:old@1.0"));
    assert.ok(names(r).includes("deb:zlib1g@1:1.2.13.dfsg-1"));
  });

  test("a whiteout in the same layer as a lower-layer re-creation: re-created path wins", async () => {
    const l3: LayerEntry[] = [
      { name: "app/node_modules/left-pad/package.json", content: pkgJson("left-pad", "1.3.1") },
    ];
    const dir = await writeOciLayout(join(tmp, "recreate"), [base, upper, l3]);
    const r = await catalogImage(`oci:${dir}`);
    assert.ok(names(r).includes("npm:left-pad@1.3.1"));
    assert.ok(!names(r).includes("npm:left-pad@1.3.0"));
  });

  test("uncompressed and zstd layers read the same as gzip", {
    skip: !zstdAvailable() && "zstd CLI absent",
  }, async () => {
    const dir = await writeOciLayout(join(tmp, "zstd"), [base, upper], { compression: ["zstd", "none"] });
    const img = await readImage(`oci:${dir}`);
    assert.equal(img.layers[0].mediaType, "application/vnd.oci.image.layer.v1.tar+zstd");
    assert.deepEqual(names(await catalogImage(`oci:${dir}`)), expected);
  });

  test("docker-archive (docker save) reads the same packages and config", async () => {
    const file = join(tmp, "saved.tar");
    await writeDockerArchive(file, [base, upper], "test/img:1");
    const img = await readImage(`docker-archive:${file}`);
    assert.equal(img.layers.length, 2);
    assert.equal(img.config.user, "root");
    assert.deepEqual(img.config.cmd, ["/bin/sh"]);
    assert.equal(img.layers[1].createdBy, "layer 2");
    assert.deepEqual(names(await catalogImage(`docker-archive:${file}`)), expected);
    assert.deepEqual(names(await catalogImage(`docker-archive:${file}:test/img:1`)), expected);
    await assert.rejects(readImage(`docker-archive:${file}:nope`), /no image tagged 'nope'/);
  });

  test("config is exposed: user, env, cmd, labels, history", async () => {
    const dir = await writeOciLayout(join(tmp, "cfg"), [base], { config: { Entrypoint: ["/entry"] } });
    const img = await readImage(`oci:${dir}`);
    assert.equal(img.config.user, "1000");
    assert.deepEqual(img.config.env, ["PATH=/usr/bin"]);
    assert.deepEqual(img.config.entrypoint, ["/entry"]);
    assert.deepEqual(img.config.labels, { a: "b" });
    assert.equal(img.layers[0].createdBy, "layer 1");
  });

  test("bad input gives a clear error", async () => {
    await assert.rejects(readImage(`oci:${join(tmp, "missing")}`), /not an OCI image layout/);
    const dir = await writeOciLayout(join(tmp, "tagged"), [base], { tag: "v1" });
    await assert.rejects(readImage(`oci:${dir}:v2`), /no image tagged 'v2' \(tags: v1\)/);
    await assert.rejects(readImage("dir:/nonexistent/rootfs"), /not a directory/);
  });

  test("a broken package.json is reported as an error; other files are still read", async () => {
    const dir = await writeOciLayout(join(tmp, "broken"), [
      [...base, { name: "app/node_modules/bad/package.json", content: "{ not json" }],
    ]);
    const r = await catalogImage(`oci:${dir}`);
    assert.ok(names(r).includes("npm:lodash@4.17.15"));
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].path, "/app/node_modules/bad/package.json");
    assert.equal(r.errors[0].cataloger, "npm-package");
  });
});
