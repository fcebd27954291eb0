/**
 * Deadline vs timeout (issue 15, item 5) and certificate files (issue 14, item 15): the
 * deadline defaults comfortably under timeoutSeconds, `install` and `serve` agree from that one
 * setting, and a certificate/key that cannot be used is exit 2 naming the file.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { parsePolicy } from "../../src/policy/load.js";
import { installManifests } from "../../src/webhook/install.js";
import { deadlineFor, resolveTiming } from "../../src/webhook/timing.js";
import { generateServingCert } from "../../src/webhook/tls.js";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/shared.js";

const POLICY = "examples/policy.yaml";
const policyText = readFileSync(join(repoRoot, POLICY), "utf8");

interface Docs {
  webhooks: { timeoutSeconds: number }[];
  args: string[];
}
async function install(opts: { timeoutSeconds?: number; deadlineMs?: number } = {}): Promise<Docs> {
  const docs = parseAllDocuments(
    await installManifests({ policyText, policy: parsePolicy(policyText).policy, ...opts }),
  ).map((d) => d.toJS() as Record<string, unknown>);
  const webhooks = docs
    .filter((d) => String(d.kind).endsWith("WebhookConfiguration"))
    .flatMap((d) => d.webhooks as { timeoutSeconds: number }[]);
  const deploy = docs.find((d) => d.kind === "Deployment") as {
    spec: { template: { spec: { containers: { args: string[] }[] } } };
  };
  return { webhooks, args: deploy.spec.template.spec.containers[0].args };
}

/** The deadline `webhook serve` would use with the args `install` gives it. */
function serveDeadline(args: string[]): number {
  const at = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const t = at("--timeout-seconds");
  const d = at("--deadline");
  return resolveTiming({
    timeoutSeconds: t === undefined ? undefined : Number(t),
    deadlineMs: d === undefined ? undefined : Number(d.replace(/ms$/, "")),
  }).deadlineMs;
}

describe("webhook timing: one setting for install and serve", () => {
  it("the default deadline answers 2 s before the API server's default 10 s timeout (was: 10 s, too late)", () => {
    assert.deepEqual(resolveTiming({}), { timeoutSeconds: 10, deadlineMs: 8_000 });
    assert.equal(deadlineFor(30), 28_000);
    assert.equal(deadlineFor(2), 1_000, "a short timeout keeps half of it");
  });

  it("install writes timeoutSeconds and gives serve the same setting, so both derive one deadline", async () => {
    for (const timeoutSeconds of [undefined, 5, 30]) {
      const { webhooks, args } = await install({ timeoutSeconds });
      const t = timeoutSeconds ?? 10;
      for (const w of webhooks) assert.equal(w.timeoutSeconds, t);
      assert.equal(serveDeadline(args), deadlineFor(t));
      assert.ok(serveDeadline(args) <= t * 1000 - 1000);
    }
  });

  it("an explicit deadline must leave a second of the timeout", async () => {
    assert.throws(() => resolveTiming({ timeoutSeconds: 10, deadlineMs: 9_500 }), /too long/);
    const { webhooks, args } = await install({ deadlineMs: 12_000 });
    for (const w of webhooks) assert.ok(w.timeoutSeconds * 1000 >= serveDeadline(args) + 1000);
  });

  it("serve --deadline 10s with the default timeoutSeconds is refused (it would answer after the API server gave up)", async () => {
    const r = await runCli(["webhook", "serve", "--policy", POLICY, "--deadline", "10s"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--deadline 10s is too long/);
  });
});

describe("webhook serve: certificate files that cannot be used", () => {
  let a: Awaited<ReturnType<typeof generateServingCert>>;
  let b: Awaited<ReturnType<typeof generateServingCert>>;
  const root = mkdtempSync(join(tmpdir(), "portcullis-tls-files-"));
  before(async () => {
    a = await generateServingCert(["localhost"], { dir: join(root, "a") });
    b = await generateServingCert(["localhost"], { dir: join(root, "b") });
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  const serve = (cert: string, key: string) =>
    runCli([
      "webhook",
      "serve",
      "--policy",
      POLICY,
      "--listen",
      "127.0.0.1:0",
      "--tls-cert",
      cert,
      "--tls-key",
      key,
    ]);

  it("a key that does not match the certificate is exit 2 naming both files (was: exit 3, OpenSSL's words)", async () => {
    const r = await serve(a.certFile, b.keyFile);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`--tls-key ${b.keyFile} does not match the certificate in --tls-cert ${a.certFile}`),
    );
    assert.doesNotMatch(r.stderr, /error:[0-9A-F]{8}|SSL routines|KEY_VALUES_MISMATCH/);
  });

  it("the key given as --tls-cert is exit 2 naming the file", async () => {
    const r = await serve(a.keyFile, a.keyFile);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`--tls-cert ${a.keyFile}: expected a PEM certificate .*found a private key`),
    );
  });
});
