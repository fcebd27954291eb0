/** `portcullis policy init | validate | explain`: write, check and read back an ImagePolicy file. */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { explainPolicy } from "../../policy/explain.js";
import { STARTER_POLICY } from "../../policy/starter.js";
import { UsageError } from "../errors.js";
import { writeOutputFile } from "../files.js";
import { requirePolicy } from "../policy-file.js";

export function register(program: Command): void {
  const policy = program
    .command("policy")
    .description("write, validate and explain the ImagePolicy file used by check and webhook")
    .addHelpText(
      "after",
      `
Examples:
  portcullis policy init policy.yaml                  a commented starter policy
  portcullis policy validate policy.yaml              schema errors as file:line:column
  portcullis policy explain --policy policy.yaml      what it enforces, in plain words
  portcullis check deploy/ --policy policy.yaml       then use it in CI (and in the webhook)`,
    );

  policy
    .command("init")
    .description("write a commented starter policy")
    .argument("[file]", "where to write it (default: stdout)")
    .option("--force", "overwrite an existing file")
    .addHelpText(
      "after",
      "\nExamples:\n  portcullis policy init policy.yaml\n  portcullis policy init > policy.yaml",
    )
    .action((file: string | undefined, flags: { force?: boolean }) => {
      if (!file) {
        process.stdout.write(STARTER_POLICY);
        return;
      }
      if (existsSync(file) && !flags.force) throw new UsageError(`${file} exists (use --force to overwrite)`);
      writeOutputFile(file, STARTER_POLICY, "policy file");
      process.stderr.write(`wrote ${file}; next: portcullis policy explain --policy ${file}\n`);
    });

  policy
    .command("validate")
    .description("check a policy file against the ImagePolicy schema (errors with line:column)")
    .argument("[file]", "the policy file (or --policy)")
    .option("--policy <file>", "the policy file")
    .addHelpText(
      "after",
      `
Checks the file against the ImagePolicy JSON Schema (schemas/image-policy.schema.json), then
what a schema cannot: image patterns, dates, and that key files exist and hold public keys.
Every problem is printed as file:line:column: message.

Exit codes: 0 valid, 2 invalid or unreadable.

Examples:
  portcullis policy validate policy.yaml
  portcullis policy validate --policy examples/policy.yaml && echo ok`,
    )
    .action((file: string | undefined, flags: { policy?: string }) => {
      const loaded = requirePolicy(file ?? flags.policy);
      process.stdout.write(`${loaded.source}: valid ImagePolicy\n`);
    });

  policy
    .command("explain")
    .description("print what a policy enforces, in plain words")
    .argument("[file]", "the policy file (or --policy)")
    .option("--policy <file>", "the policy file")
    .addHelpText(
      "after",
      `
Exit codes: 0 explained, 2 invalid or unreadable policy.

Examples:
  portcullis policy explain --policy examples/policy.yaml
  portcullis policy explain policy.yaml | less`,
    )
    .action((file: string | undefined, flags: { policy?: string }) => {
      const loaded = requirePolicy(file ?? flags.policy);
      process.stdout.write(explainPolicy(loaded.policy));
    });
}
