/**
 * `portcullis secret docker-registry` emits what `kubectl create secret docker-registry
 * --dry-run=client` emits: compared with /usr/bin/kubectl (byte for byte and after decoding
 * `.dockerconfigjson`), skipped with a message when kubectl is absent. Passwords never appear
 * in --help or in error messages.
 */

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { PullSecretCredentials } from "../../src/registry/credentials.js";
import { repoRoot } from "../support/shared.js";
import { tempDir } from "./temp-dir.js";

const KUBECTL = "/usr/bin/kubectl";
const SKIP_NO_KUBECTL = existsSync(KUBECTL) ? undefined : "skipped: /usr/bin/kubectl not installed";

function ours(args: string[], input?: string) {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "src/cli/main.ts"), "secret", "docker-registry", ...args],
    {
      cwd: repoRoot,
      encoding: "utf8",
      input: input ?? "",
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function kubectl(args: string[], output: "yaml" | "json"): string {
  return execFileSync(
    KUBECTL,
    ["create", "secret", "docker-registry", ...args, "--dry-run=client", "-o", output],
    {
      encoding: "utf8",
      env: { ...process.env, KUBECONFIG: "/dev/null" },
    },
  );
}

function decoded(yamlOrJson: string): { obj: Record<string, unknown>; config: unknown } {
  const obj = parse(yamlOrJson) as { data: Record<string, string> };
  return { obj, config: JSON.parse(Buffer.from(obj.data[".dockerconfigjson"], "base64").toString("utf8")) };
}

const CASES: { name: string; args: string[] }[] = [
  {
    name: "server, user, password, namespace",
    args: [
      "regcred",
      "--docker-server=127.0.0.1:15002",
      "--docker-username=testuser",
      "--docker-password=testpass",
      "-n",
      "ci",
    ],
  },
  { name: "default server, no namespace", args: ["regcred", "--docker-username=u", "--docker-password=p"] },
  {
    name: "with e-mail and an https server key",
    args: [
      "pull.secret",
      "--docker-server=https://registry.example.com:8443",
      "--docker-username=robot$ci",
      '--docker-password=p&<>"x:y',
      "--docker-email=ops@example.com",
      "-n",
      "team-a",
    ],
  },
];

describe("secret docker-registry equals kubectl's", { skip: SKIP_NO_KUBECTL }, () => {
  for (const c of CASES) {
    it(`${c.name} (yaml and json)`, () => {
      for (const format of ["yaml", "json"] as const) {
        const theirs = kubectl(c.args, format);
        const r = ours([...c.args, "-f", format]);
        assert.equal(r.code, 0, r.stderr);
        const a = decoded(r.stdout);
        const b = decoded(theirs);
        assert.deepEqual(a.config, b.config, "decoded .dockerconfigjson");
        assert.deepEqual(a.obj, b.obj, "same object");
        assert.equal(r.stdout, theirs, "byte for byte");
      }
    });
  }

  it("--password-stdin gives the same Secret as --docker-password", () => {
    const theirs = kubectl(
      ["regcred", "--docker-server=ghcr.io", "--docker-username=bot", "--docker-password=s3cret"],
      "yaml",
    );
    const r = ours(
      ["regcred", "--docker-server", "ghcr.io", "--docker-username", "bot", "--password-stdin"],
      "s3cret\n",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, theirs);
  });

  it("--from-docker-config: the file's auths", () => {
    const dir = tempDir("pc-dcfg-");
    const file = join(dir, "config.json");
    writeFileSync(
      file,
      JSON.stringify({
        auths: {
          "ghcr.io": { auth: Buffer.from("bot:s3cret").toString("base64") },
          "registry.example.com": { username: "u", password: "p", email: "e@example.com" },
        },
      }),
    );
    const r = ours(["regcred", "--from-docker-config", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(decoded(r.stdout).config, {
      auths: {
        "ghcr.io": {
          username: "bot",
          password: "s3cret",
          auth: Buffer.from("bot:s3cret").toString("base64"),
        },
        "registry.example.com": {
          username: "u",
          password: "p",
          email: "e@example.com",
          auth: Buffer.from("u:p").toString("base64"),
        },
      },
    });
    // only one server, equal to kubectl for that server
    const one = ours(["regcred", "--from-docker-config", file, "--docker-server", "ghcr.io"]);
    assert.equal(
      one.stdout,
      kubectl(
        ["regcred", "--docker-server=ghcr.io", "--docker-username=bot", "--docker-password=s3cret"],
        "yaml",
      ),
    );
    // and it reads back as a pull secret
    const secretFile = join(dir, "secret.yaml");
    writeFileSync(secretFile, one.stdout);
    return new PullSecretCredentials(secretFile).lookup("ghcr.io", "org/app").then((c) => {
      assert.equal(c?.username, "bot");
      assert.equal(c?.password, "s3cret");
    });
  });
});

describe("secret docker-registry: usage errors and secrecy", () => {
  it("bad name and missing password: exit 2, password never echoed", () => {
    const bad = ours(["Bad_Name", "--docker-username", "u", "--docker-password", "TopSecret1"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid Secret name "Bad_Name"/);
    assert.doesNotMatch(bad.stderr, /TopSecret1/);
    const nopw = ours(["regcred", "--docker-username", "u"]);
    assert.equal(nopw.code, 2);
    assert.match(nopw.stderr, /password is required/);
    const both = ours(
      ["regcred", "--docker-username", "u", "--docker-password", "TopSecret2", "--password-stdin"],
      "x",
    );
    assert.equal(both.code, 2);
    assert.doesNotMatch(both.stderr, /TopSecret2/);
  });

  it("--help teaches --password-stdin and shows no literal password", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", join(repoRoot, "src/cli/main.ts"), "secret", "docker-registry", "--help"],
      {
        cwd: repoRoot,
        encoding: "utf8",
      },
    );
    assert.equal(r.status, 0);
    assert.match(r.stdout, /--password-stdin/);
    assert.doesNotMatch(r.stdout, /--docker-password[ =](?!<)/);
  });
});
