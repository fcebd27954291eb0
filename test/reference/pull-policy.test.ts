import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  defaultPullPolicy,
  effectivePullPolicy,
  InvalidReferenceError,
  parseReference,
} from "../../src/reference/index.js";

const D = `sha256:${"0".repeat(64)}`;

describe("effectivePullPolicy follows the API server's defaulting (SetDefaults_Container)", () => {
  const table: [string, string | undefined, string][] = [
    ["nginx", undefined, "Always"],
    ["nginx:latest", undefined, "Always"],
    ["nginx:1.27", undefined, "IfNotPresent"],
    [`nginx@${D}`, undefined, "IfNotPresent"],
    // SetDefaults_Container takes the tag from the parsed name: a tag+digest image tagged latest → Always.
    [`nginx:latest@${D}`, undefined, "Always"],
    [`nginx:1.27@${D}`, undefined, "IfNotPresent"],
    ["registry.example:5000/team/app:latest", undefined, "Always"],
    ["localhost:5000/app", undefined, "Always"],
    ["localhost:5000/app:v1", undefined, "IfNotPresent"],
    ["nginx:1.27", "Always", "Always"],
    ["nginx", "Never", "Never"],
    ["nginx", "IfNotPresent", "IfNotPresent"],
  ];
  for (const [image, explicit, expected] of table) {
    it(`${image} ${explicit ?? "(unset)"} → ${expected}`, () => {
      assert.equal(effectivePullPolicy(image, explicit), expected);
    });
  }
  it('an image that does not parse gets tag "" and so IfNotPresent, as the API server\'s ignored parse error gives', () => {
    assert.equal(defaultPullPolicy("Registry.Example/App:1.0"), "IfNotPresent");
    assert.equal(defaultPullPolicy("team/App"), "IfNotPresent");
    assert.equal(defaultPullPolicy("team/App:latest"), "IfNotPresent");
    assert.equal(defaultPullPolicy("app:-bad"), "IfNotPresent");
  });
  it("a capitalised host is grammatical for distribution's normalising parser, so no tag still means latest", () => {
    assert.equal(defaultPullPolicy("Registry.Example/app"), "Always");
    assert.equal(defaultPullPolicy("UPPER/app"), "Always");
  });
});

describe("parseReference errors carry code and position", () => {
  const table: [string, string, number][] = [
    ["", "NAME_EMPTY", 0],
    ["Uppercase:tag", "NAME_UPPERCASE", 0],
    ["docker.io/docker/Docker", "NAME_UPPERCASE", 17],
    ["aa/asdf$$^/aa", "INVALID_FORMAT", 7],
    [`repo@sha256:${"f".repeat(34)}`, "DIGEST_INVALID_LENGTH", 46],
    [`validname@invaliddigest:${"f".repeat(64)}`, "DIGEST_UNSUPPORTED", 10],
    [`repo:${"t".repeat(129)}`, "INVALID_TAG", 133],
    ["repo:-tag", "INVALID_TAG", 5],
    [`a/${"b".repeat(260)}`, "NAME_TOO_LONG", 255],
    [`example.com/${"b".repeat(256)}:tag`, "NAME_TOO_LONG", 12 + 255],
  ];
  for (const [input, code, position] of table) {
    it(`${JSON.stringify(input.slice(0, 40))} → ${code} at ${position}`, () => {
      assert.throws(
        () => parseReference(input),
        (e: unknown) => e instanceof InvalidReferenceError && e.code === code && e.position === position,
      );
    });
  }
  it("limits the path without the domain to 255 characters, as distribution/reference's Parse does", () => {
    const path = "b".repeat(255);
    const ref = parseReference(`example.com/${path}:tag`);
    assert.equal(ref.path, path);
    assert.equal(ref.domain, "example.com");
    assert.equal(parseReference(`registry.example.com:5000/${path}`).path, path);
  });
  it("strictHost rejects a capitalised first component that is only a host by its capitals", () => {
    assert.equal(parseReference("Foo/bar").domain, "Foo");
    assert.throws(() => parseReference("Foo/bar", { strictHost: true }), /must be lowercase/);
    assert.equal(
      parseReference("Registry.Example.com/app", { strictHost: true }).domain,
      "Registry.Example.com",
    );
  });
  it("keeps sha512 digests (128 hex) and rejects uppercase hex", () => {
    const d512 = `sha512:${"ab".repeat(64)}`;
    assert.equal(parseReference(`app@${d512}`).digest, d512);
    assert.throws(
      () => parseReference(`app@sha256:${"A".repeat(64)}`),
      (e: unknown) => (e as InvalidReferenceError).code === "INVALID_DIGEST",
    );
  });
  it("familiar, toString and dockerRef", () => {
    const r = parseReference("index.docker.io/library/nginx:1.25");
    assert.equal(r.toString(), "docker.io/library/nginx:1.25");
    assert.equal(r.familiar(), "nginx:1.25");
    assert.equal(parseReference("bitnami/redis").familiar(), "bitnami/redis");
    assert.equal(parseReference("bitnami/redis").dockerRef(), "docker.io/bitnami/redis:latest");
  });
});
