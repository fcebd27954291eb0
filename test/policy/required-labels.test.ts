/**
 * spec.rules.requiredLabels (src/policy/rules/required-labels.ts): which label sets pass, which
 * give image-label-required and with what words; images outside `images` are not judged; no
 * fact (look-ups off, failed, not looked up) is never a pass.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluatePolicy } from "../../src/policy/engine.js";
import { configFact, judge, lines, podWith, policyWith } from "./metadata-support.js";

const POLICY = policyWith(`requiredLabels:
  images: ["ghcr.io/acme/**"]
  labels:
    - { key: org.opencontainers.image.source, value: "https://github.com/acme/*" }
    - { key: org.opencontainers.image.revision }`);

const IMAGE = "ghcr.io/acme/app:1";
const SRC = "org.opencontainers.image.source";
const REV = "org.opencontainers.image.revision";
const head = `container app uses image ${IMAGE}: label`;

describe("requiredLabels", () => {
  const table: { name: string; labels: Record<string, string>; image?: string; want: string[] }[] = [
    {
      name: "both labels present and the source matching passes",
      labels: { [SRC]: "https://github.com/acme/app", [REV]: "0123abc" },
      want: [],
    },
    {
      name: "a missing label is named",
      labels: { [SRC]: "https://github.com/acme/app" },
      want: [`image-label-required: ${head} ${REV} is missing from its image config`],
    },
    {
      name: "an empty label counts as missing",
      labels: { [SRC]: "https://github.com/acme/app", [REV]: "" },
      want: [`image-label-required: ${head} ${REV} is empty in its image config`],
    },
    {
      name: "a value outside the pattern is quoted with the pattern",
      labels: { [SRC]: "https://github.com/acme-evil/app", [REV]: "1" },
      want: [
        `image-label-required: ${head} ${SRC} is "https://github.com/acme-evil/app", which does not match "https://github.com/acme/*"`,
      ],
    },
    {
      name: "* stays inside one path segment",
      labels: { [SRC]: "https://github.com/acme/app/tree/main", [REV]: "1" },
      want: [
        `image-label-required: ${head} ${SRC} is "https://github.com/acme/app/tree/main", which does not match "https://github.com/acme/*"`,
      ],
    },
    {
      name: "no labels at all: one finding per required label",
      labels: {},
      want: [
        `image-label-required: ${head} ${SRC} is missing from its image config`,
        `image-label-required: ${head} ${REV} is missing from its image config`,
      ],
    },
    {
      name: "an image outside `images` is not judged",
      labels: {},
      image: "docker.io/library/nginx:1.27",
      want: [],
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const e = judge(POLICY, c.image ?? IMAGE, configFact(c.labels));
      assert.deepEqual(lines(e), c.want);
      assert.equal(e.allowed, c.want.length === 0);
    });
  }

  it("a very long label value is cut in the message", () => {
    const e = judge(POLICY, IMAGE, configFact({ [SRC]: `x${"y".repeat(500)}`, [REV]: "1" }));
    assert.equal(e.decisions.length, 1);
    assert.ok(e.decisions[0].message.length < 300, e.decisions[0].message);
    assert.match(e.decisions[0].message, /…", which does not match/);
  });

  it("without an image-config fact the rule refuses, saying why (never a pass)", () => {
    assert.deepEqual(lines(judge(POLICY, IMAGE)), [
      `image-label-required: container app uses image ${IMAGE}: its image config (labels) could not be checked in time`,
    ]);
    const off = evaluatePolicy(POLICY, podWith(IMAGE), { lookups: false });
    assert.match(
      lines(off)[0],
      /its image config \(labels\) was not verified because image look-ups are off/,
    );
    const failed = judge(POLICY, IMAGE, {
      ok: false,
      lookupError: true,
      message: "could not verify its image config: timeout",
    });
    assert.deepEqual(lines(failed), [
      `image-label-required: container app uses image ${IMAGE}: could not verify its image config: timeout`,
    ]);
  });

  it("the mode of the section sets the verdict", () => {
    const warn = policyWith(`requiredLabels:\n  mode: warn\n  labels: [{ key: ${REV} }]`);
    const e = judge(warn, IMAGE, configFact({}));
    assert.deepEqual(
      e.decisions.map((d) => `${d.mode} ${d.severity} ${d.rule}`),
      ["warn medium image-label-required"],
    );
    assert.equal(e.allowed, true);
  });
});
