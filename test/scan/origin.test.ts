/**
 * Where a package came from: history `created_by` forms (BuildKit, the classic builder, umoci)
 * → Dockerfile keyword, and the alignment of image history with the final stage's instructions
 * (base-image layers → the FROM line, ARG lines without history, a mismatch stops attribution).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ImageSummary } from "../../src/catalog/index.js";
import { parseDockerfile } from "../../src/dockerfile/index.js";
import { dockerfileOrigins, keywordOfHistory } from "../../src/scan/origin.js";

describe("history created_by → instruction keyword", () => {
  const cases: [string | undefined, string | undefined][] = [
    ["RUN /bin/sh -c apk add --no-cache curl # buildkit", "RUN"],
    ["/bin/sh -c apt-get update && apt-get install -y curl", "RUN"],
    ["|2 VERSION=1.2 TARGET=x /bin/sh -c make", "RUN"],
    ["/bin/sh -c #(nop) COPY file:abc123 in /app ", "COPY"],
    ['/bin/sh -c #(nop)  CMD ["/bin/sh"]', "CMD"],
    ["COPY app/ /app # buildkit", "COPY"],
    ["ADD alpine-minirootfs-3.18.3-x86_64.tar.gz / (synthesised)", "ADD"],
    ["ENV PATH=/usr/local/bin", "ENV"],
    ["WORKDIR /app", "WORKDIR"],
    ["debootstrap --variant=minbase bookworm", undefined],
    [undefined, undefined],
  ];
  for (const [createdBy, kw] of cases) {
    test(`${JSON.stringify(createdBy)} → ${kw}`, () => assert.equal(keywordOfHistory(createdBy), kw));
  }
});

function image(history: { createdBy?: string; emptyLayer?: boolean }[]): ImageSummary {
  const layers = history.filter((h) => !h.emptyLayer);
  return {
    reference: "x",
    kind: "oci",
    config: {
      os: "linux",
      architecture: "amd64",
      env: [],
      labels: {},
      exposedPorts: [],
      history: history.map((h) => ({ createdBy: h.createdBy, emptyLayer: h.emptyLayer ?? false })),
      diffIds: [],
    },
    layers: layers.map((h, i) => ({
      index: i,
      digest: `sha256:${i}`,
      size: 1,
      mediaType: "x",
      createdBy: h.createdBy,
    })),
  };
}

describe("history ↔ Dockerfile alignment", () => {
  test("base image layers go to FROM, later ones to their instruction (ARG has no history)", () => {
    const df = parseDockerfile(
      'FROM alpine:3.18\nARG VERSION=1\nRUN apk add --no-cache curl\nENV A=b\nCOPY app/ /app\nCMD ["/app/run"]\n',
      { file: "Dockerfile" },
    );
    const img = image([
      { createdBy: "ADD file:abc in / " },
      { createdBy: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', emptyLayer: true },
      { createdBy: "RUN |1 VERSION=1 /bin/sh -c apk add --no-cache curl # buildkit" },
      { createdBy: "ENV A=b", emptyLayer: true },
      { createdBy: "COPY app/ /app # buildkit" },
      { createdBy: 'CMD ["/app/run"]', emptyLayer: true },
    ]);
    const got = dockerfileOrigins(img, df);
    assert.deepEqual(
      [...got.entries()].sort((a, b) => a[0] - b[0]).map(([l, o]) => [l, o.line, o.baseImage, o.instruction]),
      [
        [0, 1, true, "FROM alpine:3.18"],
        [1, 3, false, "RUN apk add --no-cache curl"],
        [2, 5, false, "COPY app/ /app"],
      ],
    );
  });

  test("a history entry that fits no instruction stops attribution below it", () => {
    const df = parseDockerfile("FROM debian:12\nCOPY a /a\n", { file: "Dockerfile" });
    const img = image([
      { createdBy: "debootstrap" },
      { createdBy: "/bin/sh -c apt-get install x" },
      { createdBy: "COPY a /a # buildkit" },
    ]);
    const got = dockerfileOrigins(img, df);
    // COPY matches line 2; the RUN entry then belongs to the base image (the stage has nothing older).
    assert.equal(got.get(2)?.line, 2);
    assert.equal(got.get(1)?.line, 1);
    assert.equal(got.get(1)?.baseImage, true);
    const df2 = parseDockerfile("FROM debian:12\nRUN make\nCOPY a /a\n", { file: "Dockerfile" });
    const img2 = image([
      { createdBy: "debootstrap" },
      { createdBy: "ADD x /x" },
      { createdBy: "COPY a /a # buildkit" },
    ]);
    const got2 = dockerfileOrigins(img2, df2);
    assert.equal(got2.get(2)?.line, 3);
    assert.equal(got2.has(1), false, "ADD does not fit RUN: no guess");
    assert.equal(got2.has(0), false);
  });

  test("history that does not line up with the layers gives no attribution", () => {
    const df = parseDockerfile("FROM debian:12\nCOPY a /a\n", { file: "Dockerfile" });
    const img = image([{ createdBy: "COPY a /a" }]);
    img.layers.push({ index: 1, digest: "sha256:1", size: 1, mediaType: "x" });
    assert.equal(dockerfileOrigins(img, df).size, 0);
  });
});
