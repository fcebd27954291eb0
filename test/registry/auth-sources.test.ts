/**
 * Challenge parsing, host matching (Docker and kubelet rules) and credential sources: Docker
 * config.json (auths, credHelpers, credsStore via a real helper program on PATH), containers
 * auth.json through REGISTRY_AUTH_FILE, and Kubernetes pull secrets of both types.
 */

import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseChallenges, pickChallenge } from "../../src/registry/challenge.js";
import {
  DockerConfigCredentials,
  defaultCredentialSource,
  PullSecretCredentials,
} from "../../src/registry/credentials.js";
import { RegistryError } from "../../src/registry/errors.js";
import { credentialKeyScore, isLoopbackHost, matchesRegistryPattern } from "../../src/registry/host-match.js";
import { parsePlatform, selectPlatform } from "../../src/registry/platform.js";
import { parseRetryAfter } from "../../src/registry/retry.js";
import { tempDir } from "./temp-dir.js";

describe("WWW-Authenticate", () => {
  it("Bearer with realm, service, scope (quoted commas kept)", () => {
    const [c] = parseChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push"',
    );
    assert.equal(c.scheme, "bearer");
    assert.deepEqual(c.params, {
      realm: "https://auth.docker.io/token",
      service: "registry.docker.io",
      scope: "repository:library/nginx:pull,push",
    });
  });
  it("several challenges; Bearer preferred over Basic", () => {
    const cs = parseChallenges('Basic realm="r", Bearer realm="https://t/x", service=svc');
    assert.deepEqual(
      cs.map((c) => c.scheme),
      ["basic", "bearer"],
    );
    assert.equal(cs[1].params.service, "svc");
    assert.equal(pickChallenge(cs)?.scheme, "bearer");
  });
  it("escaped quotes and empty input", () => {
    assert.equal(parseChallenges('Basic realm="a \\"b\\" c"')[0].params.realm, 'a "b" c');
    assert.deepEqual(parseChallenges(""), []);
    assert.deepEqual(parseChallenges(null), []);
  });
});

describe("host matching", () => {
  it("Docker Hub keys match docker.io images", () => {
    for (const key of [
      "https://index.docker.io/v1/",
      "index.docker.io",
      "docker.io",
      "registry-1.docker.io",
    ]) {
      assert.notEqual(credentialKeyScore(key, "docker.io", "library/nginx"), undefined, key);
    }
    assert.equal(credentialKeyScore("https://index.docker.io/v1/", "ghcr.io", "x/y"), undefined);
  });
  it("scheme, /v2/ and path prefixes, ports, wildcards (kubelet rules)", () => {
    assert.notEqual(
      credentialKeyScore("http://registry.example.com:5000/v2/", "registry.example.com:5000", "a/b"),
      undefined,
    );
    assert.equal(
      credentialKeyScore("registry.example.com", "registry.example.com:5000", "a/b"),
      undefined,
      "port must match",
    );
    assert.notEqual(
      credentialKeyScore("registry.example.com/team", "registry.example.com", "team/app"),
      undefined,
    );
    assert.equal(
      credentialKeyScore("registry.example.com/team", "registry.example.com", "other/app"),
      undefined,
    );
    assert.notEqual(credentialKeyScore("*.example.com", "eu.example.com", "x"), undefined);
    assert.equal(credentialKeyScore("*.example.com", "a.eu.example.com", "x"), undefined, "one label per *");
    assert.equal(credentialKeyScore("*.example.com", "example.com", "x"), undefined);
    const exact = credentialKeyScore("eu.example.com", "eu.example.com", "x") ?? 0;
    const wild = credentialKeyScore("*.example.com", "eu.example.com", "x") ?? 0;
    const path = credentialKeyScore("eu.example.com/x", "eu.example.com", "x/y") ?? 0;
    assert.ok(path > exact && exact > wild);
  });
  it("insecure-registry patterns and loopback", () => {
    assert.ok(matchesRegistryPattern("10.0.0.0/8", "10.1.2.3:5000"));
    assert.ok(!matchesRegistryPattern("10.0.0.0/8", "11.1.2.3"));
    assert.ok(matchesRegistryPattern("*.corp", "reg.corp:5000"));
    assert.ok(!matchesRegistryPattern("reg.corp:5000", "reg.corp:6000"));
    assert.ok(matchesRegistryPattern("http://reg.corp:5000", "reg.corp:5000"));
    for (const h of ["127.0.0.1", "127.8.9.10", "localhost", "::1", "[::1]"]) assert.ok(isLoopbackHost(h), h);
    assert.ok(!isLoopbackHost("128.0.0.1"));
  });
});

describe("platforms and Retry-After", () => {
  it("parses and selects platforms with aliases", () => {
    assert.deepEqual(parsePlatform("linux/x86_64"), { os: "linux", architecture: "amd64" });
    assert.throws(() => parsePlatform("linux"), /os\/arch/);
    const list = [
      { mediaType: "m", digest: "d-att", size: 1, platform: { os: "unknown", architecture: "unknown" } },
      {
        mediaType: "m",
        digest: "d-v6",
        size: 1,
        platform: { os: "linux", architecture: "arm", variant: "v6" },
      },
      {
        mediaType: "m",
        digest: "d-v7",
        size: 1,
        platform: { os: "linux", architecture: "arm", variant: "v7" },
      },
      {
        mediaType: "m",
        digest: "d-arm64",
        size: 1,
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      },
    ];
    assert.equal(selectPlatform(list, parsePlatform("linux/arm"))?.digest, "d-v7");
    assert.equal(selectPlatform(list, parsePlatform("linux/arm/v6"))?.digest, "d-v6");
    assert.equal(selectPlatform(list, parsePlatform("linux/arm64"))?.digest, "d-arm64");
    assert.equal(selectPlatform(list, parsePlatform("linux/amd64")), undefined);
  });
  it("Retry-After in seconds and as a date", () => {
    assert.equal(parseRetryAfter("3"), 3000);
    assert.equal(
      parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1)),
      10_000,
    );
    assert.equal(parseRetryAfter("soon"), undefined);
  });
});

describe("credential sources", () => {
  const dir = tempDir("pc-creds-");
  const b64 = (s: string) => Buffer.from(s).toString("base64");

  it("config.json auths: auth field, username/password, Docker Hub key", async () => {
    const src = new DockerConfigCredentials({
      auths: {
        "https://index.docker.io/v1/": { auth: b64("hubuser:hubpass") },
        "registry.example.com": { username: "u", password: "p:with:colons" },
      },
    });
    assert.deepEqual(await src.lookup("docker.io", "library/nginx"), {
      username: "hubuser",
      password: "hubpass",
      source: "config.json",
    });
    assert.equal((await src.lookup("registry.example.com", "x"))?.password, "p:with:colons");
    assert.equal(await src.lookup("ghcr.io", "x"), undefined);
  });

  it("credHelpers and credsStore run docker-credential-<name> get without a shell", async () => {
    const bin = join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    // A real helper program following the protocol: server URL on stdin, JSON on stdout.
    writeFileSync(
      join(bin, "docker-credential-pctest"),
      `#!/bin/sh\nread url\nif [ "$1" != get ]; then exit 2; fi\ncase "$url" in\n  https://index.docker.io/v1/) echo '{"ServerURL":"'$url'","Username":"<token>","Secret":"refresh-123"}';;\n  helper.example.com) echo '{"ServerURL":"'$url'","Username":"hu","Secret":"hs"}';;\n  *) echo "credentials not found in native keychain"; exit 1;;\nesac\n`,
    );
    chmodSync(join(bin, "docker-credential-pctest"), 0o755);
    const oldPath = process.env.PATH;
    process.env.PATH = `${bin}:${oldPath}`;
    try {
      const src = new DockerConfigCredentials({
        credHelpers: { "helper.example.com": "pctest" },
        credsStore: "pctest",
      });
      assert.deepEqual(await src.lookup("helper.example.com", "a"), {
        username: "hu",
        password: "hs",
        source: "credential helper docker-credential-pctest",
      });
      assert.equal((await src.lookup("docker.io", "library/x"))?.identityToken, "refresh-123");
      assert.equal(await src.lookup("nothing.example.com", "a"), undefined);
      const missing = new DockerConfigCredentials({ credsStore: "does-not-exist" });
      await assert.rejects(missing.lookup("x.example.com", "a"), (e: unknown) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.code, "CREDENTIALS");
        assert.match(e.message, /docker-credential-does-not-exist is not on PATH/);
        return true;
      });
      const evil = new DockerConfigCredentials({ credsStore: "x; rm -rf /" });
      await assert.rejects(evil.lookup("x.example.com", "a"), /invalid credential helper name/);
    } finally {
      process.env.PATH = oldPath;
    }
  });

  it("REGISTRY_AUTH_FILE (containers auth.json) comes before ~/.docker/config.json", async () => {
    const home = join(dir, "home");
    mkdirSync(join(home, ".docker"), { recursive: true });
    writeFileSync(
      join(home, ".docker", "config.json"),
      JSON.stringify({ auths: { "r.example.com": { auth: b64("docker:d") } } }),
    );
    writeFileSync(
      join(dir, "auth.json"),
      JSON.stringify({ auths: { "r.example.com": { auth: b64("podman:p") } } }),
    );
    const env = { HOME: home, REGISTRY_AUTH_FILE: join(dir, "auth.json") };
    assert.equal((await defaultCredentialSource({ env }).lookup("r.example.com", "x"))?.username, "podman");
    assert.equal(
      (await defaultCredentialSource({ env: { HOME: home } }).lookup("r.example.com", "x"))?.username,
      "docker",
    );
  });

  it("pull secrets: dockerconfigjson and dockercfg, YAML and JSON", async () => {
    const json = join(dir, "s1.yaml");
    writeFileSync(
      json,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: a}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${b64(JSON.stringify({ auths: { "*.corp.example": { username: "w", password: "wp" } } }))}\n`,
    );
    assert.equal((await new PullSecretCredentials(json).lookup("eu.corp.example", "x"))?.password, "wp");
    const cfg = join(dir, "s2.json");
    writeFileSync(
      cfg,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/dockercfg",
        data: {
          ".dockercfg": b64(
            JSON.stringify({ "https://old.example.com": { auth: b64("o:op"), email: "x@y" } }),
          ),
        },
      }),
    );
    assert.equal((await new PullSecretCredentials(cfg).lookup("old.example.com", "x"))?.username, "o");
    const opaque = join(dir, "s3.yaml");
    writeFileSync(opaque, "apiVersion: v1\nkind: Secret\ntype: Opaque\ndata: {}\n");
    assert.throws(
      () => new PullSecretCredentials(opaque),
      /no Secret of type kubernetes.io\/dockerconfigjson/,
    );
  });
});
