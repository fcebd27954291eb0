import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Command } from "commander";
import { UsageError } from "../../src/cli/errors.js";
import { parseDuration, parsePlatformOption, repeatable } from "../../src/cli/option-values.js";
import { VERBS } from "../../src/cli/verbs.js";

describe("durations mean the same in every verb", () => {
  const table: [string, number][] = [
    ["500ms", 500],
    ["30s", 30_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1.5s", 1500],
    // A bare number is seconds, everywhere (it was milliseconds in webhook and seconds in resolve).
    ["10", 10_000],
    ["0.25", 250],
  ];
  for (const [text, ms] of table) {
    it(`${text} → ${ms} ms`, () => assert.equal(parseDuration(text, "--timeout"), ms));
  }
  it("refuses zero unless the flag allows it, and names the flag", () => {
    assert.throws(() => parseDuration("0", "--timeout"), /--timeout must be greater than zero/);
    assert.equal(parseDuration("0", "--verdict-ttl", { allowZero: true }), 0);
    assert.throws(
      () => parseDuration("5 minutes", "--deadline"),
      (e: unknown) => e instanceof UsageError && /--deadline: invalid duration "5 minutes"/.test(e.message),
    );
  });
});

describe("platforms are parsed once, with the usual aliases", () => {
  const table: [string, string, string | undefined][] = [
    ["linux/amd64", "amd64", undefined],
    ["linux/x86_64", "amd64", undefined],
    ["linux/aarch64", "arm64", undefined],
    ["linux/armhf", "arm", "v7"],
    ["linux/arm/v6", "arm", "v6"],
    ["Linux/ARM64", "arm64", undefined],
  ];
  for (const [text, arch, variant] of table) {
    it(`${text} → ${arch}${variant ? `/${variant}` : ""}`, () => {
      const p = parsePlatformOption(text);
      assert.equal(p.os, "linux");
      assert.equal(p.architecture, arch);
      assert.equal(p.variant, variant);
    });
  }
  it("a bad platform is a usage error naming the flag", () => {
    assert.throws(() => parsePlatformOption("arm64"), /--platform: invalid platform "arm64"/);
  });
  it("repeatable flags collect one value per flag", () => {
    assert.deepEqual(repeatable("b", repeatable("a", undefined)), ["a", "b"]);
  });
});

describe("the registry flags are one definition shared by every registry verb", () => {
  const verbs = ["resolve", "pin", "sbom", "sign", "verify", "attest", "verify-attestation", "check"];
  const REGISTRY_FLAGS = ["--ca-file", "--insecure-registry", "--pull-secret", "--timeout"];
  async function registryOptions(name: string) {
    const entry = VERBS.find((v) => v.name === name);
    assert.ok(entry, name);
    const program = new Command();
    (await entry.load()).register(program);
    const cmd = program.commands.find((c) => c.name() === name);
    assert.ok(cmd, name);
    return cmd.options
      .filter((o) => REGISTRY_FLAGS.includes(o.long ?? ""))
      .map((o) => ({ flags: o.flags, description: o.description, variadic: o.variadic }));
  }
  it("--ca-file, --insecure-registry <host>, --pull-secret, --timeout are the same options in every verb", async () => {
    const first = await registryOptions(verbs[0]);
    assert.equal(first.length, 4);
    assert.ok(
      first.every((o) => !o.variadic),
      "a variadic flag swallows the image argument",
    );
    for (const v of verbs.slice(1)) assert.deepEqual(await registryOptions(v), first, v);
  });
});
