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
    load: () => import("./lint-group.js"),
  },
  {
    name: "resolve",
    summary: "resolve image tags to digests (index and per-platform) from their registries",
    load: () => import("./verbs/resolve.js"),
  },
  {
    name: "pin",
    summary: "rewrite images in manifests and Dockerfiles to name:tag@sha256:…; --check for CI",
    load: () => import("./verbs/pin.js"),
  },
  {
    name: "sbom",
    summary: "list the packages in an image (OS, npm, Python, Go, ...) as CycloneDX, SPDX, JSON or a table",
    load: () => import("./verbs/sbom.js"),
  },
  {
    name: "scan",
    summary: "find known vulnerabilities in an image's packages (table, JSON, SARIF, CycloneDX, JUnit, HTML)",
    load: () => import("./verbs/scan.js"),
  },
  {
    name: "secret",
    summary: "print a pull Secret like kubectl create secret docker-registry (secret docker-registry)",
    load: () => import("./verbs/secret.js"),
  },
  {
    name: "policy",
    summary: "write, validate and explain the ImagePolicy file (policy init | validate | explain)",
    load: () => import("./verbs/policy.js"),
  },
  {
    name: "check",
    summary: "check manifests and Dockerfiles against the ImagePolicy, as the webhook would",
    load: () => import("./verbs/check.js"),
  },
  {
    name: "key",
    summary: "generate, import and inspect cosign-compatible keys (key generate | import | public)",
    load: () => import("./verbs/key.js"),
  },
  {
    name: "sign",
    summary: "sign an image as cosign does (.sig tag, or a sigstore bundle referrer with --bundle)",
    load: () => import("./verbs/sign.js"),
  },
  {
    name: "verify",
    summary: "verify an image's cosign signatures by digest (tag schema, referrers, bundles)",
    load: () => import("./verbs/verify.js"),
  },
  {
    name: "attest",
    summary: "attach a signed in-toto attestation (SBOM, provenance, vuln scan) to an image",
    load: () => import("./verbs/attest.js"),
  },
  {
    name: "verify-attestation",
    summary: "verify an image's attestations and print their predicates",
    load: () => import("./verbs/attest.js"),
  },
  {
    name: "registry",
    summary:
      "registry housekeeping: a retention plan per repository, applied with --apply (registry retention)",
    load: () => import("./verbs/registry.js"),
  },
  {
    name: "db",
    summary: "the vulnerability database: db import | update | export | status (SQLite or PostgreSQL)",
    load: () => import("./verbs/db.js"),
  },
  {
    name: "webhook",
    summary: "admission webhook enforcing the ImagePolicy (webhook serve | install)",
    load: () => import("./verbs/webhook.js"),
  },
  {
    name: "audit",
    summary:
      "audit running workloads against the ImagePolicy (RBAC-partial, per workload and per image digest)",
    load: () => import("./verbs/audit.js"),
  },
  {
    name: "monitor",
    summary: "watch a cluster: scan new digests once, PolicyReports, metrics (monitor | monitor install)",
    load: () => import("./verbs/monitor.js"),
  },
];
