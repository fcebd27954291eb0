/**
 * The verb table: name, one-line summary and a lazy loader. `portcullis --help` and
 * `--version` are answered from this table without importing any verb (or commander), so the
 * CLI starts fast. Add a verb by adding a row and a module under ./verbs/.
 */
import type { Command } from "commander";

export interface VerbModule {
  /** Add this verb (and its subcommands) to the program. */
  register(program: Command): void;
}

export interface VerbEntry {
  name: string;
  summary: string;
  load: () => Promise<VerbModule>;
}

export const VERBS: VerbEntry[] = [
  {
    name: "ref",
    summary: "parse image references: domain, path, tag, digest, normalised form, pull policy",
    load: () => import("./verbs/ref.js"),
  },
  {
    name: "lint",
    summary: "lint Kubernetes manifests (lint k8s) and Dockerfiles (lint dockerfile)",
    load: () => import("./verbs/lint.js"),
  },
];
