/**
 * spec.rules.allowedBaseImages (src/policy/rules/allowed-base-images.ts): the base named by the
 * org.opencontainers.image.base.name manifest annotation (first) or config label, matched on its
 * normalised name; an image naming no base is image-base-unknown unless allowUnknown; an image
 * matching the patterns itself passes; history never names a base.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateImage } from "../../src/policy/engine.js";
import { configFact, judge, lines, policyWith } from "./metadata-support.js";

const BASE = "org.opencontainers.image.base.name";
const POLICY = policyWith(`allowedBaseImages:
  images: ["ghcr.io/acme/**"]
  patterns: [debian, "gcr.io/distroless/**"]`);
const IMAGE = "ghcr.io/acme/app:1";
const head = `container app uses image ${IMAGE}`;

describe("allowedBaseImages", () => {
  const table: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    image?: string;
    history?: number;
    want: string[];
  }[] = [
    {
      name: "a base named by the manifest annotation, allowed by its normalised name",
      annotations: { [BASE]: "docker.io/library/debian:bookworm" },
      want: [],
    },
    {
      name: "a base named by the config label",
      labels: { [BASE]: "gcr.io/distroless/static:nonroot" },
      want: [],
    },
    { name: "a short Docker Hub name is normalised", labels: { [BASE]: "debian:12" }, want: [] },
    {
      name: "a base outside the patterns is refused, naming where it was read",
      labels: { [BASE]: "docker.io/library/ubuntu:24.04" },
      want: [
        `image-base-not-allowed: ${head}: it is built on "docker.io/library/ubuntu:24.04" (config label ${BASE}), which is not an allowed base image (docker.io/library/debian, gcr.io/distroless/**)`,
      ],
    },
    {
      name: "the manifest annotation wins over the label",
      annotations: { [BASE]: "docker.io/library/alpine:3" },
      labels: { [BASE]: "debian:12" },
      want: [
        `image-base-not-allowed: ${head}: it is built on "docker.io/library/alpine:3" (manifest annotation ${BASE}), which is not an allowed base image (docker.io/library/debian, gcr.io/distroless/**)`,
      ],
    },
    {
      name: "a base name that is no image reference is unknown",
      labels: { [BASE]: "Not A Reference!" },
      want: [
        `image-base-unknown: ${head}: base image unknown: its config label ${BASE} is "Not A Reference!", not an image reference`,
      ],
    },
    {
      name: "no base named: unknown, history is not guessed from",
      history: 4,
      want: [
        `image-base-unknown: ${head}: base image unknown: it carries no ${BASE} annotation or label, and its history (4 entries) records layer commands, not a base image name`,
      ],
    },
    { name: "an image outside `images` is not judged", image: "quay.io/other/app:1", want: [] },
  ];
  for (const c of table) {
    it(c.name, () => {
      const e = judge(POLICY, c.image ?? IMAGE, configFact(c.labels, c.annotations, c.history));
      assert.deepEqual(lines(e), c.want);
    });
  }

  it("allowUnknown lets an image naming no base pass, but still judges a named one", () => {
    const lenient = policyWith(`allowedBaseImages:\n  patterns: [debian]\n  allowUnknown: true`);
    assert.deepEqual(lines(judge(lenient, IMAGE, configFact())), []);
    assert.deepEqual(
      lines(judge(lenient, IMAGE, configFact({ [BASE]: "alpine" }))).map((l) => l.split(":")[0]),
      ["image-base-not-allowed"],
    );
  });

  it("an allowed base itself needs no look-up (a Dockerfile FROM debian passes without --images)", () => {
    const all = policyWith(`allowedBaseImages:\n  patterns: [debian]`);
    const from = evaluateImage(all, "debian:12", "base image of stage build", {
      lookups: false,
      deferLookups: true,
    });
    assert.deepEqual(from.decisions, []);
    assert.deepEqual(from.unchecked, []);
    const other = evaluateImage(all, "ghcr.io/acme/base:1", "base image of stage build", {
      lookups: false,
      deferLookups: true,
    });
    assert.deepEqual(other.decisions, []);
    assert.deepEqual(other.unchecked, [{ image: "ghcr.io/acme/base:1", rule: "image-base-not-allowed" }]);
  });

  it("a failed config read is reported, not passed", () => {
    const e = judge(POLICY, IMAGE, {
      ok: false,
      message: "its image config cannot be read: manifest sha256:x is not an image",
    });
    assert.deepEqual(lines(e), [
      `image-base-not-allowed: ${head}: its image config cannot be read: manifest sha256:x is not an image`,
    ]);
  });
});
