/** Loading ImagePolicy files: schema errors with file:line:column, semantic checks, init, explain. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluatePolicy } from "../../src/policy/engine.js";
import { explainPolicy } from "../../src/policy/explain.js";
import { PolicyError, parsePolicy } from "../../src/policy/load.js";
import { matchName, normalisePattern, validatePattern } from "../../src/policy/patterns.js";
import { STARTER_POLICY } from "../../src/policy/starter.js";

function problems(text: string): string[] {
  try {
    parsePolicy(text, "p.yaml");
  } catch (err) {
    assert.ok(err instanceof PolicyError);
    return err.problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
  }
  return [];
}

const head = "apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\n";

describe("policy file validation", () => {
  test("the starter policy is valid and explains itself", () => {
    const { policy } = parsePolicy(STARTER_POLICY, "starter.yaml");
    const text = explainPolicy(policy);
    assert.match(
      text,
      /\[ENFORCE .*\] images must come from docker\.io\/library\/\*, ghcr\.io\/my-org\/\*\*, registry\.k8s\.io\/\*\*/,
    );
    assert.match(text, /Pod Security Standard "restricted"/);
    assert.match(text, /\[WARN .*\] images must be pinned by digest/);
  });

  test("schema errors point at the offending line and column", () => {
    const got = problems(
      `${head}spec:\n  rules:\n    forbidLatest: { mode: sometimes }\n    unknownRule: {}\n    podSecurity:\n      level: strict\n`,
    );
    assert.deepEqual(got.sort(), [
      '5:27: spec.rules.forbidLatest.mode: expected one of "enforce", "audit", "warn"',
      '6:5: spec.rules: unknown field "unknownRule"',
      '8:14: spec.rules.podSecurity.level: expected one of "privileged", "baseline", "restricted"',
    ]);
  });

  test("missing fields, wrong apiVersion, YAML syntax, several documents", () => {
    assert.deepEqual(problems("apiVersion: v1\nkind: ImagePolicy\nspec: {}\n"), [
      '1:13: apiVersion: expected "portcullis.dev/v1alpha1"',
    ]);
    assert.deepEqual(problems(`${head}metadata: {name: x}\n`), [
      '1:1: (top level): missing required field "spec"',
    ]);
    assert.match(problems(`${head}spec: [\n`)[0], /^\d+:\d+: YAML syntax: /);
    assert.match(
      problems(`${head}spec: {}\n---\n${head}spec: {}\n`)[0],
      /^4:1: expected exactly one YAML document/,
    );
  });

  test("bad patterns and missing key files are caught beyond the schema", () => {
    const got = problems(
      `${head}spec:\n  rules:\n    allowedRegistries:\n      patterns: ["ghcr.io/org**", "ghcr.io/ok/**"]\n    signatures:\n      keys:\n        - images: ["ghcr.io/**"]\n          key: { file: no-such.pub }\n`,
    );
    assert.equal(got.length, 2, got.join("\n"));
    assert.match(got[0], /^6:18: .*'\*\*' must be a whole segment/);
    assert.match(got[1], /^10:24: .*key file "no-such\.pub" not found/);
  });

  test("digests in patterns and impossible dates are schema errors", () => {
    const got = problems(
      `${head}spec:\n  exemptions:\n    images: ["nginx@sha256:abc"]\n  exceptions:\n    - workload: { name: a }\n      checks: [image-no-digest]\n      reason: r\n      expires: "2026-02-30"\n`,
    );
    assert.equal(got.length, 2, got.join("\n"));
    assert.match(got.join("\n"), /5:14: spec\.exemptions\.images\.0: does not match/);
    assert.match(got.join("\n"), /10:16: spec\.exceptions\.0\.expires: expected a date \(YYYY-MM-DD\)/);
  });
});

describe("image patterns match normalised names", () => {
  test("nginx is docker.io/library/nginx and cannot slip past a docker.io rule", () => {
    assert.equal(normalisePattern("nginx"), "docker.io/library/nginx");
    assert.equal(normalisePattern("index.docker.io/acme/*"), "docker.io/acme/*");
    assert.equal(normalisePattern("ghcr.io"), "ghcr.io/**");
    assert.ok(matchName("docker.io/library/*", "docker.io/library/nginx"));
    assert.ok(!matchName("docker.io/acme/*", "docker.io/library/nginx"));
    assert.ok(!matchName("docker.io/acme/*", "docker.io/acme-evil/x"), "no string-prefix match");
    assert.ok(!matchName("docker.io/acme/*", "docker.io/acme/x/y"), "* stays in one segment");
    assert.ok(matchName("ghcr.io/acme/**", "ghcr.io/acme/x/y"));
    assert.ok(!matchName("ghcr.io/acme/**", "ghcr.io/acmex/y"));
    assert.ok(matchName("127.0.0.1:35000/**", "127.0.0.1:35000/portcullis/app"));
    assert.match(validatePattern("ghcr.io/a**") ?? "", /whole segment/);
  });

  test("an allow-list of docker.io/acme/* denies nginx (docker.io/library/nginx)", () => {
    const { policy } = parsePolicy(
      `${head}spec:\n  rules:\n    allowedRegistries: { patterns: [docker.io/acme/*] }\n`,
    );
    const pod = {
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "a", image: "nginx:1.27" }] },
    };
    const e = evaluatePolicy(policy, pod);
    assert.equal(e.allowed, false);
    assert.equal(e.decisions[0].rule, "image-registry-not-allowed");
    assert.match(e.decisions[0].message, /\(docker\.io\/library\/nginx\)/);
  });
});

describe("look-up rules never pass silently", () => {
  const { policy } = parsePolicy(
    `${head}spec:\n  rules:\n    vulnerabilities: { maxSeverity: high }\n    attestations:\n      require: [{ images: ["**"], predicateTypes: [https://slsa.dev/provenance/v1] }]\n`,
  );
  const pod = {
    kind: "Pod",
    metadata: { name: "p" },
    spec: { containers: [{ name: "a", image: "nginx:1.27" }] },
  };
  test("without look-ups: denied, saying look-ups are off", () => {
    const e = evaluatePolicy(policy, pod, { lookups: false });
    assert.equal(e.allowed, false);
    assert.deepEqual(e.decisions.map((d) => d.rule).sort(), ["image-attestation", "image-vulnerabilities"]);
    assert.ok(e.decisions.every((d) => /look-ups are off/.test(d.message)));
  });
  test("look-ups deferred (check without --images): not judged, listed as unchecked once per rule and image", () => {
    const e = evaluatePolicy(policy, pod, { lookups: false, deferLookups: true });
    assert.equal(e.allowed, true);
    assert.deepEqual(e.decisions, []);
    assert.deepEqual(e.unchecked.map((u) => `${u.image} ${u.rule}`).sort(), [
      "nginx:1.27 image-attestation",
      "nginx:1.27 image-vulnerabilities",
    ]);
  });
  test("with look-ups but no scanner in this build: denied, saying not yet available", () => {
    const facts = new Map([
      [
        "nginx:1.27",
        {
          digest: `sha256:${"b".repeat(64)}`,
          vulnerabilities: {
            ok: false,
            unavailable: true,
            message: "vulnerability scanning is not yet available in this build",
          },
          attestations: {
            ok: false,
            unavailable: true,
            message: "attestation verification is not yet available in this build",
          },
        },
      ],
    ]);
    const e = evaluatePolicy(policy, pod, { lookups: true, facts });
    assert.equal(e.allowed, false);
    assert.ok(e.decisions.every((d) => /not yet available/.test(d.message)));
  });
});

describe("metadata rules in the policy file", () => {
  const rules = (body: string) => `${head}spec:\n  rules:\n${body}`;

  test("a valid requiredLabels, requiredAnnotations and allowedBaseImages section loads and explains itself", () => {
    const { policy } = parsePolicy(
      rules(`    requiredLabels:
      images: [ghcr.io/acme/**]
      labels:
        - { key: org.opencontainers.image.source, value: "https://github.com/acme/*" }
        - { key: org.opencontainers.image.revision }
    requiredAnnotations:
      mode: warn
      annotations: [{ key: acme.example/owner }]
    allowedBaseImages:
      mode: audit
      patterns: [debian, gcr.io/distroless/**]
`),
      "p.yaml",
    );
    const text = explainPolicy(policy);
    assert.match(
      text,
      /\[ENFORCE .*\] images matching ghcr\.io\/acme\/\*\* must carry the config label org\.opencontainers\.image\.source with a value matching "https:\/\/github\.com\/acme\/\*"/,
    );
    assert.match(
      text,
      /must carry the config label org\.opencontainers\.image\.revision \(any non-empty value\)/,
    );
    assert.match(
      text,
      /\[WARN .*\] pods \(a Pod's metadata, a workload's pod template metadata\) must carry the annotation acme\.example\/owner/,
    );
    assert.match(
      text,
      /\[AUDIT .*\] every image must be built on docker\.io\/library\/debian, gcr\.io\/distroless\/\*\* \(or be one\), as named by the org\.opencontainers\.image\.base\.name manifest annotation or config label; an image naming no base is refused \(image-base-unknown\)/,
    );
  });

  test("schema and semantic errors point at the field", () => {
    assert.deepEqual(
      problems(
        rules(`    requiredLabels:
      labels: [{ value: "x" }]
    requiredAnnotations:
      annotations: [{ key: "not a key" }, { key: a.example/b }, { key: a.example/b }]
    allowedBaseImages:
      patterns: ["bad pattern!"]
      allowUnknown: maybe
`),
      ).sort(),
      [
        "10:18: spec.rules.allowedBaseImages.patterns.0: does not match ^[A-Za-z0-9._:\\-\\[\\]/*]+$",
        "11:21: spec.rules.allowedBaseImages.allowUnknown: expected boolean",
        '6:16: spec.rules.requiredLabels.labels.0: missing required field "key"',
      ].sort(),
    );
    assert.deepEqual(
      problems(
        rules(`    requiredAnnotations:
      annotations: [{ key: "not a key" }, { key: a.example/b }, { key: a.example/b }]
    allowedBaseImages:
      patterns: ["ghcr.io/**x"]
`),
      ),
      [
        '8:18: spec.rules.allowedBaseImages.patterns[0]: bad image pattern "ghcr.io/**x": ' +
          validatePattern("ghcr.io/**x"),
        '6:28: spec.rules.requiredAnnotations.annotations[0].key: "not a key" is not an annotation key (expected [prefix/]name: a DNS subdomain, "/", then up to 63 letters, digits, "-", "_" or ".")',
        '6:72: spec.rules.requiredAnnotations.annotations[2].key: "a.example/b" is listed twice',
      ],
    );
    assert.deepEqual(problems(rules("    requiredLabels: { labels: [] }\n")), [
      "5:31: spec.rules.requiredLabels.labels: expected at least 1 item(s)",
    ]);
  });

  test("the starter policy's commented metadata examples are valid once uncommented", () => {
    const from = STARTER_POLICY.indexOf("    # requiredLabels:");
    const to = STARTER_POLICY.indexOf("  # What the webhook's /mutate");
    assert.ok(from > 0 && to > from, "the starter has the commented examples");
    const block = STARTER_POLICY.slice(from, to)
      .split("\n")
      .filter((l) => /^ {4}# *(?:[A-Za-z]+:|- )/.test(l))
      .map((l) => l.replace(/^( {4})# /, "$1"))
      .join("\n");
    const { policy } = parsePolicy(`${head}spec:\n  rules:\n${block}\n`, "starter.yaml");
    assert.equal(policy.spec.rules?.requiredLabels?.labels.length, 2);
    assert.deepEqual(policy.spec.rules?.allowedBaseImages?.patterns, [
      "docker.io/library/debian",
      "gcr.io/distroless/**",
    ]);
    assert.equal(policy.spec.rules?.requiredAnnotations?.annotations[0].key, "my-org.example/owner");
  });
});
