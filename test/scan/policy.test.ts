/**
 * The policy's `vulnerabilities` rule end to end against the local registry: `check --images`
 * and the webhook deny a copy of portcullis/alpine:3.18 whose secdb rows are over the limit
 * (evidence: scan, with the SBOM cached by digest), allow it under a limit it meets, refuse it when
 * the database is missing (fail closed, check exits 3), and with evidence: attestation deny it
 * until a fresh `scan --attest` vuln attestation within the limit is attached, then allow it;
 * an attestation older than maxAge is refused.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { RegistryClient } from "../../src/registry/client.js";
import { encryptPrivateKey, generateSigningKey } from "../../src/sign/index.js";
import type { WebhookServer } from "../../src/webhook/server.js";
import { copyImage } from "../sign/registry-fixture.js";
import { runCli } from "../support/cli.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { repoRoot, SKIP_NO_SHARED } from "../support/shared.js";
import { admissionReview, responseOf, send, startTestWebhook } from "../webhook/client.js";
import { buildSharedDb, sharedFeeds } from "./support.js";

const TSX = pathToFileURL(createRequire(join(repoRoot, "package.json")).resolve("tsx")).href;
const env = registryEnv;
const skip = !env ? SKIP_NO_REGISTRY_ENV : !sharedFeeds() ? SKIP_NO_SHARED : false;

describe("policy vulnerabilities rule: check --images and the webhook", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-scan-policy-"));
  const client = new RegistryClient();
  const password = "scan attest pw";
  let db = "";
  let image = "";
  let digest = "";
  let manifest = "";
  const pod = (img: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "app", namespace: "default" },
    spec: { containers: [{ name: "app", image: img }] },
  });
  const policyFile = (name: string, rule: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      `apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nmetadata: { name: ${name} }\nspec:\n  rules:\n    vulnerabilities:\n${rule
        .split("\n")
        .map((l) => `      ${l}`)
        .join("\n")}\n`,
    );
    return file;
  };
  const check = (policy: string, extra: Record<string, string> = {}) =>
    runCli(["check", manifest, "--policy", policy, "--images", "-f", "json"], {
      env: { PORTCULLIS_DB: db, ...extra },
      timeoutMs: 120_000,
    });
  const findings = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { rule: string; message: string }[] }).findings.filter(
      (f) => f.rule === "image-vulnerabilities",
    );

  before(async () => {
    if (!env) return;
    db = (await buildSharedDb(dir)) as string;
    image = `${env.plain}/portcullis-scan-test/alpine-${Math.random().toString(16).slice(2, 10)}:3.18`;
    digest = await copyImage(client, `${env.plain}/portcullis/alpine:3.18`, image);
    manifest = join(dir, "pod.yaml");
    writeFileSync(manifest, JSON.stringify(pod(image)));
    const { privateKey, publicKey } = generateSigningKey();
    writeFileSync(join(dir, "cosign.key"), await encryptPrivateKey(privateKey, password), { mode: 0o600 });
    writeFileSync(join(dir, "cosign.pub"), publicKey.export({ type: "spki", format: "pem" }) as string);
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("evidence scan: over the limit is denied naming the rows; the SBOM is cached by digest", async () => {
    const r = await check(policyFile("none", "maxSeverity: none"));
    assert.equal(r.code, 1, r.stderr);
    const [f] = findings(r.stdout);
    assert.match(f.message, /vulnerabilities above the limit \(the policy allows none\)/);
    assert.match(f.message, /CVE-2023-42363 \(unknown, busybox\)|CVE-20\d\d-\d+ \(unknown, /);
    assert.ok(existsSync(`${db}.sboms`), "SBOM cache beside the database");
  });

  test("evidence scan: within the limit is allowed (secdb rows have no severity: unknown ranks below low)", async () => {
    const r = await check(policyFile("critical", "maxSeverity: critical"));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(findings(r.stdout), []);
  });

  test("ignoring every row by id (with reasons) allows it; an expired ignore does not", async () => {
    const scan = await runCli(["scan", image, "-f", "json", "-q"], { env: { PORTCULLIS_DB: db } });
    const ids = [...new Set((JSON.parse(scan.stdout).vulnerabilities as { id: string }[]).map((v) => v.id))];
    assert.ok(ids.length > 3);
    const list = (expires: string) =>
      `ignore:\n${ids.map((id) => `  - { id: ${id}, reason: "fixed upstream", expires: "${expires}" }`).join("\n")}`;
    const ok = await check(policyFile("ignored", `maxSeverity: none\n${list("2999-01-01")}`));
    assert.equal(ok.code, 0, ok.stdout);
    const expired = await check(policyFile("expired", `maxSeverity: none\n${list("2020-01-01")}`));
    assert.equal(expired.code, 1);
    assert.match(
      findings(expired.stdout)[0].message,
      /ignore entries expired: CVE-.* \(expired 2020-01-01\)/,
    );
  });

  test("a missing database fails closed: denied with the reason, check exits 3", async () => {
    const r = await check(policyFile("none2", "maxSeverity: critical"), {
      PORTCULLIS_DB: join(dir, "missing.db"),
    });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const [f] = findings(r.stdout);
    assert.match(f.message, /no vulnerability database at .*missing\.db/);
  });

  test("check --db names the database, before PORTCULLIS_DB", async () => {
    const policy = policyFile("db-flag", "maxSeverity: none");
    const viaFlag = await runCli(
      ["check", manifest, "--policy", policy, "--images", "--db", db, "-f", "json"],
      { env: { PORTCULLIS_DB: join(dir, "env-missing.db") }, timeoutMs: 120_000 },
    );
    assert.equal(viaFlag.code, 1, viaFlag.stdout + viaFlag.stderr);
    assert.match(findings(viaFlag.stdout)[0].message, /vulnerabilities above the limit/);
    const flagMissing = await runCli(
      ["check", manifest, "--policy", policy, "--images", "--db", join(dir, "flag-missing.db"), "-f", "json"],
      { env: { PORTCULLIS_DB: db }, timeoutMs: 120_000 },
    );
    assert.equal(flagMissing.code, 3, flagMissing.stdout + flagMissing.stderr);
    assert.match(findings(flagMissing.stdout)[0].message, /no vulnerability database at .*flag-missing\.db/);
  });

  test("webhook serve --db names the database, before PORTCULLIS_DB", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        TSX,
        join(repoRoot, "src/cli/main.ts"),
        "webhook",
        "serve",
        "--policy",
        policyFile("wh-db", "maxSeverity: none"),
        "--listen",
        "127.0.0.1:0",
        "--tls-dir",
        join(dir, "wh-tls"),
        "--db",
        db,
      ],
      {
        env: { ...process.env, PORTCULLIS_DB: join(dir, "env-missing.db") },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      const log: Record<string, unknown>[] = [];
      const url = await new Promise<string>((resolve, reject) => {
        let buf = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
          buf += d;
          for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
            const line = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
            buf = buf.slice(i + 1);
            log.push(line);
            if (typeof line.url === "string") resolve(line.url);
          }
        });
        child.on("exit", (code) => reject(new Error(`webhook serve exited ${code}`)));
      });
      const caFile = log.find((l) => typeof l.caFile === "string")?.caFile as string;
      const server = { url, caCert: readFileSync(caFile, "utf8") } as unknown as WebhookServer;
      const r = await send(server, "/validate", admissionReview(pod(image)));
      const resp = responseOf(r);
      assert.equal(resp.allowed, false);
      assert.match(resp.status?.message ?? "", /above the limit/);
    } finally {
      child.kill("SIGTERM");
    }
  });

  test("evidence attestation: denied without one, allowed with a fresh one within the limit, refused when stale", async () => {
    const pol = policyFile(
      "att",
      "maxSeverity: none\nevidence: attestation\nmaxAge: 1h\nkey: { file: cosign.pub }",
    );
    const none = await check(pol);
    assert.equal(none.code, 1);
    assert.match(
      findings(none.stdout)[0].message,
      /requires a signed vuln attestation: no vuln attestation found/,
    );

    // An attested scan with rows over the limit is still denied.
    const a1 = await runCli(
      ["scan", image, "--attest", "--key", join(dir, "cosign.key"), "-f", "json", "-q"],
      {
        env: { PORTCULLIS_DB: db, PORTCULLIS_PASSWORD: password },
      },
    );
    assert.equal(a1.code, 0, a1.stderr);
    assert.match(
      a1.stderr,
      new RegExp(`attested .*@${digest} \\(https://cosign.sigstore.dev/attestation/vuln/v1\\)`),
    );
    const over = await check(pol);
    assert.equal(over.code, 1);
    assert.match(
      findings(over.stdout)[0].message,
      /vuln attestation of .*: \d+ vulnerabilities above the limit/,
    );

    // The team's VEX says the image is not affected by any of them: the newest attestation is clean.
    const ids = [...new Set((JSON.parse(a1.stdout).vulnerabilities as { id: string }[]).map((v) => v.id))];
    const vex = join(dir, "image.openvex.json");
    writeFileSync(
      vex,
      JSON.stringify({
        "@context": "https://openvex.dev/ns/v0.2.0",
        statements: ids.map((id) => ({
          vulnerability: { name: id },
          products: [{ "@id": `pkg:oci/alpine@${digest}` }],
          status: "not_affected",
          justification: "vulnerable_code_not_present",
        })),
      }),
    );
    const a2 = await runCli(
      ["scan", image, "--vex", vex, "--attest", "--key", join(dir, "cosign.key"), "-f", "json", "-q"],
      {
        env: { PORTCULLIS_DB: db, PORTCULLIS_PASSWORD: password },
      },
    );
    assert.equal(a2.code, 0, a2.stderr);
    assert.deepEqual(JSON.parse(a2.stdout).vulnerabilities, []);
    const ok = await check(pol);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);

    // Verified with another key: refused.
    const other = generateSigningKey();
    writeFileSync(join(dir, "other.pub"), other.publicKey.export({ type: "spki", format: "pem" }) as string);
    const wrong = await check(
      policyFile("att-other", "maxSeverity: none\nevidence: attestation\nkey: { file: other.pub }"),
    );
    assert.equal(wrong.code, 1);
    assert.match(findings(wrong.stdout)[0].message, /no vuln attestation verifies with .*other\.pub/);

    // Too old for maxAge.
    await new Promise((r) => setTimeout(r, 2100));
    const stale = await check(
      policyFile(
        "att-stale",
        "maxSeverity: none\nevidence: attestation\nmaxAge: 2s\nkey: { file: cosign.pub }",
      ),
    );
    assert.equal(stale.code, 1);
    assert.match(findings(stale.stdout)[0].message, /older than maxAge 2s/);
  });

  test("the webhook denies over the limit (scan) and allows with the fresh clean attestation", async () => {
    const saved = process.env.PORTCULLIS_DB;
    process.env.PORTCULLIS_DB = db;
    try {
      for (const [policy, allowed, msg] of [
        [policyFile("wh-scan", "maxSeverity: none"), false, /above the limit/],
        [
          policyFile(
            "wh-att",
            "maxSeverity: none\nevidence: attestation\nmaxAge: 1h\nkey: { file: cosign.pub }",
          ),
          true,
          undefined,
        ],
      ] as const) {
        const { server } = await startTestWebhook({ policyFile: policy });
        try {
          const r = await send(server, "/validate", admissionReview(pod(image)));
          assert.equal(r.status, 200, r.text);
          const resp = responseOf(r);
          assert.equal(resp.allowed, allowed, resp.status?.message);
          if (msg) assert.match(resp.status?.message ?? "", msg);
        } finally {
          await server.close();
        }
      }
    } finally {
      if (saved === undefined) delete process.env.PORTCULLIS_DB;
      else process.env.PORTCULLIS_DB = saved;
    }
  });
});
