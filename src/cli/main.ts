#!/usr/bin/env node
/**
 * The `portcullis` executable: a thin dispatcher. It answers --version and --help from the verb
 * table, then loads only the verb that was asked for.
 */
import { VERSION } from "../version.js";
import { VERBS } from "./verbs.js";

function topHelp(): string {
  const width = Math.max(...VERBS.map((v) => v.name.length));
  const lines = VERBS.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`);
  return [
    "Usage: portcullis <verb> [args] [flags]",
    "",
    "Secure container images for Kubernetes, from the Dockerfile to the admission gate.",
    "",
    "Verbs:",
    ...lines,
    "",
    "Common flags: -f/--format table|json|sarif|junit|html, -o/--output FILE, --fail-on low|medium|high|critical,",
    "              -q/--quiet, --no-color (or NO_COLOR=1), --policy FILE",
    "Exit codes:   0 nothing at or above --fail-on, 1 findings at or above it, 2 bad usage or unreadable",
    "              input, 3 operational failure (registry unreachable, auth refused, ...)",
    "",
    "Run 'portcullis <verb> --help' for a verb's flags and examples.",
    "",
  ].join("\n");
}

// `portcullis … | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === "--version" || first === "-V" || first === "version") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (
    first === undefined ||
    first === "--help" ||
    first === "-h" ||
    (first === "help" && argv.length === 1)
  ) {
    process.stdout.write(topHelp());
    return first === undefined ? 2 : 0;
  }
  const verbName = first === "help" ? argv[1] : first;
  const verb = VERBS.find((v) => v.name === verbName);
  if (!verb) {
    process.stderr.write(`portcullis: unknown verb '${verbName}'\n\n${topHelp()}`);
    return 2;
  }
  const { runVerb } = await import("./run-verb.js");
  return runVerb(verb, first === "help" ? [verbName as string, ...argv.slice(2), "--help"] : argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`portcullis: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.PORTCULLIS_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 3;
  },
);
