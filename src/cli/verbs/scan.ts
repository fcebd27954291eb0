/**
 * `portcullis scan <image | oci:DIR | docker-archive:FILE | dir:PATH | sbom:FILE>`: catalog the
 * image (as `sbom` does) or read a saved SBOM, match its packages against the vulnerability
 * database, and report: table, the contracts' JSON, SARIF, CycloneDX with vulnerabilities, JUnit.
 * --severity chooses what is shown, --fail-on what fails the run (default: nothing fails).
 * Thin layer over src/scan.
 */
import { existsSync } from "node:fs";
import { type Command, Option } from "commander";
import type { CatalogResult } from "../../catalog/index.js";
import { type Dockerfile, DockerfileSyntaxError, parseDockerfile } from "../../dockerfile/index.js";
import { ImageError } from "../../image/types.js";
import type { LayerProgress } from "../../image/walk.js";
import { isRegistryError } from "../../registry/index.js";
import { VULN_PREDICATE_TYPE, vulnPredicate } from "../../scan/attestation.js";
import { openScanDatabase, VulnDbMissingError, vulnDbLocation } from "../../scan/database.js";
import { type IgnoreEntry, IgnoreFileError, readIgnoreFile } from "../../scan/ignore-file.js";
import { renderScan, SCAN_FORMATS, type ScanFormat } from "../../scan/report/index.js";
import { failsAt, isVulnSeverity } from "../../scan/result.js";
import type { VulnSeverity } from "../../scan/types.js";
import { readVexFile, VexError, type VexStatement } from "../../scan/vex.js";
import { readFileOr } from "../../shared/read-file.js";
import { OperationalError, UsageError } from "../errors.js";
import { writeOutputFile } from "../files.js";
import { parseDuration, repeatable } from "../option-values.js";
import { layerSums, stderrBar } from "../progress.js";
import {
  addRegistryOptions,
  clientFromFlags,
  type RegistryFlags,
  registryOptionsFromFlags,
} from "../registry-options.js";
import { useColor } from "../report-options.js";
import {
  type AttachFlags,
  addAttachOptions,
  attachAttestation,
  attachKey,
  checkAttachFlags,
} from "../signing-options.js";
import { warnIfStale } from "../vuln-db-freshness.js";

interface ScanFlags extends RegistryFlags, AttachFlags {
  format?: ScanFormat;
  output?: string;
  platform?: string;
  db?: string;
  severity?: string;
  failOn: string;
  ignoreUnfixed?: boolean;
  ignoreFile?: string;
  vex?: string[];
  dockerfile?: string;
  wide?: boolean;
  quiet?: boolean;
  color?: boolean;
}

function parseSeverities(list: string | undefined): VulnSeverity[] | undefined {
  if (!list) return undefined;
  const out: VulnSeverity[] = [];
  for (const s of list
    .split(",")
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean)) {
    if (!isVulnSeverity(s))
      throw new UsageError(
        `--severity: unknown severity ${JSON.stringify(s)} (expected critical, high, medium, low, negligible, unknown)`,
      );
    out.push(s);
  }
  return out;
}

function readIgnores(flags: ScanFlags): IgnoreEntry[] {
  const file = flags.ignoreFile ?? (existsSync(".portcullisignore") ? ".portcullisignore" : undefined);
  if (!file) return [];
  try {
    return readIgnoreFile(file);
  } catch (err) {
    if (err instanceof IgnoreFileError) throw new UsageError(err.message);
    throw err;
  }
}

function readVex(files: string[] | undefined): VexStatement[] {
  const out: VexStatement[] = [];
  for (const f of files ?? []) {
    try {
      out.push(...readVexFile(f));
    } catch (err) {
      if (err instanceof VexError) throw new UsageError(err.message);
      throw err;
    }
  }
  return out;
}

function readDockerfile(file: string | undefined): Dockerfile | undefined {
  if (!file) return undefined;
  const text = readFileOr(file, (why) => new UsageError(`--dockerfile ${file}: cannot read it: ${why}`));
  try {
    return parseDockerfile(text, { file });
  } catch (err) {
    if (err instanceof DockerfileSyntaxError) throw new UsageError(err.message);
    throw err;
  }
}

async function progressBar(flags: ScanFlags) {
  const bar = await stderrBar(" {phase} |{bar}| {percentage}%", flags.quiet);
  if (!bar) return undefined;
  const seen = new Map<number, LayerProgress>();
  let started = false;
  return {
    update(p: LayerProgress) {
      seen.set(p.layer, p);
      const { bytes, total } = layerSums(seen.values(), 1);
      if (!started) {
        started = true;
        bar.start(100, 0, { phase: "reading layers" });
      }
      bar.update(Math.floor((bytes / total) * 90), { phase: `reading layers (${p.layer + 1}/${p.layers})` });
    },
    matching() {
      if (!started) {
        started = true;
        bar.start(100, 90, { phase: "matching" });
      } else bar.update(90, { phase: "matching" });
    },
    stop: () => bar.stop(),
  };
}

export function register(program: Command): void {
  const cmd = program
    .command("scan")
    .description(
      "find known vulnerabilities in an image's packages (OS and language) from the local database",
    )
    .argument(
      "<image>",
      "registry reference, oci:DIR[:tag], docker-archive:FILE[:tag], dir:PATH, or sbom:FILE (CycloneDX/SPDX)",
    )
    .addOption(
      new Option("-f, --format <format>", "report format (default: table on a TTY, json otherwise)").choices([
        ...SCAN_FORMATS,
      ]),
    )
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option(
      "--db <file|postgres://…>",
      "the vulnerability database (default: $PORTCULLIS_DB, else $XDG_CACHE_HOME/portcullis/vuln.db)",
    )
    .option(
      "--severity <list>",
      "only report these severities (comma-separated: critical,high,medium,low,negligible,unknown)",
    )
    .addOption(
      new Option(
        "--fail-on <severity>",
        "exit 1 when a reported, unsuppressed vulnerability is at or above this severity",
      )
        .choices(["unknown", "negligible", "low", "medium", "high", "critical", "none"])
        .default("none"),
    )
    .option("--ignore-unfixed", "leave out vulnerabilities that have no fixed version yet")
    .option(
      "--ignore-file <file>",
      "ignore file (YAML: id, package, reason, expires); default ./.portcullisignore when present",
    )
    .option(
      "--vex <file>",
      "OpenVEX or CycloneDX VEX document: not_affected/fixed statements suppress (repeatable)",
      repeatable,
    )
    .option(
      "--dockerfile <file>",
      "the Dockerfile the image was built from: name the line that added each package",
    )
    .option(
      "--platform <os/arch[/variant]>",
      "platform to pick from a multi-platform image (default linux/<host>)",
    )
    .option("--wide", "table: also list suppressed vulnerabilities with the reason");
  addAttachOptions(cmd, "sign the result as a cosign vuln attestation and attach it to the image")
    .option("-q, --quiet", "no progress, no summary")
    .option("--no-color", "plain output (also: NO_COLOR=1)");
  addRegistryOptions(cmd).addHelpText(
    "after",
    `
Data: the database \`portcullis db\` builds (OSV, Alpine secdb, Debian security tracker). OS
packages are matched by their source package and the image's release (Debian 12, Alpine v3.18),
language packages by ecosystem and normalised name. See docs/scan.md.

--severity chooses what is reported; --fail-on chooses what fails the run (default: nothing, the
scan reports and exits 0). Suppressed vulnerabilities (--ignore-unfixed, the ignore file, VEX)
never fail the run; an expired ignore entry stops ignoring and the report says so.

Ignore file (.portcullisignore):
  ignore:
    - id: CVE-2023-5678                # or any alias (GHSA-…, PYSEC-…)
      package: pkg:apk/alpine/openssl*  # optional: a name or purl pattern (* wildcard)
      reason: not reachable from our code
      expires: 2027-01-31               # optional; after this day it no longer applies

--attest signs the JSON result as an in-toto statement with predicate type
${VULN_PREDICATE_TYPE} (cosign's \`vuln\` type) for the manifest digest
that was scanned; the policy's vulnerabilities rule can accept it instead of scanning.

Examples:
  portcullis scan alpine:3.18
  portcullis scan ghcr.io/org/app:1.2 --severity critical,high --fail-on high
  portcullis scan oci:./layout:app -f sarif -o scan.sarif
  portcullis scan sbom:app.cdx.json --ignore-unfixed -f json
  portcullis scan app:1.2 --dockerfile Dockerfile --vex app.openvex.json
  portcullis scan registry.example.com/app:1.4 --attest --key cosign.key -f json -o scan.json

Exit codes: 0 no reported vulnerability at or above --fail-on, 1 some are, 2 bad usage or an
unreadable image/SBOM/ignore/VEX file, 3 database missing or registry failure.`,
  );
  cmd.action(async (image: string, flags: ScanFlags) => {
    const format: ScanFormat = flags.format ?? (process.stdout.isTTY && !flags.output ? "table" : "json");
    const severities = parseSeverities(flags.severity);
    const failOn = flags.failOn as VulnSeverity | "none";
    const ignores = readIgnores(flags);
    const vex = readVex(flags.vex);
    const dockerfile = readDockerfile(flags.dockerfile);
    const attestRef = checkAttachFlags(image, flags);
    if (flags.timeout) parseDuration(flags.timeout, "--timeout");
    const location = await vulnDbLocation(flags.db);
    // The database first: a missing one is reported before a long image read.
    let store: Awaited<ReturnType<typeof openScanDatabase>>;
    try {
      store = await openScanDatabase(location);
    } catch (err) {
      if (err instanceof VulnDbMissingError) throw new OperationalError(err.message);
      throw err;
    }
    try {
      const status = await store.status();
      await warnIfStale(status);
      const privateKey = await attachKey(attestRef, flags);
      const bar = await progressBar(flags);
      let catalog: CatalogResult;
      try {
        const { catalogImage } = await import("../../catalog/index.js");
        catalog = await catalogImage(image, {
          platform: flags.platform,
          registry: registryOptionsFromFlags(flags),
          onProgress: bar ? (p) => bar.update(p) : undefined,
        });
      } catch (err) {
        bar?.stop();
        if (isRegistryError(err)) throw new OperationalError(err.message);
        if (err instanceof ImageError) throw new UsageError(err.message);
        throw err;
      }
      bar?.matching();
      const { scanCatalog } = await import("../../scan/scan.js");
      const result = await scanCatalog(catalog, store, {
        severities,
        ignoreUnfixed: flags.ignoreUnfixed,
        ignores,
        vex,
        dockerfile,
        database: { location: status.location, updatedAt: status.updatedAt },
      });
      bar?.stop();
      const text = renderScan(result, catalog, format, {
        color: useColor({ color: flags.color, output: flags.output }),
        wide: flags.wide,
      });
      if (flags.output) writeOutputFile(flags.output, text);
      else process.stdout.write(text);
      for (const e of result.errors)
        process.stderr.write(`warning: ${e.path}: ${e.cataloger}: ${e.message}\n`);
      // The table lists the notes itself; other formats get them on stderr (-q: warnings only).
      if (format !== "table" || flags.output)
        for (const n of result.notes)
          if (!flags.quiet || n.level !== "info") process.stderr.write(`${n.level}: ${n.message}\n`);
      if (!flags.quiet && (flags.output || format !== "table")) {
        const active = result.vulnerabilities.filter((v) => !v.suppressed).length;
        process.stderr.write(
          `${active} ${active === 1 ? "vulnerability" : "vulnerabilities"} in ${result.packages} packages of ${result.artifact.reference}${flags.output ? ` → ${flags.output}` : ""}\n`,
        );
      }
      if (attestRef && privateKey)
        await attachAttestation(
          clientFromFlags(flags),
          { image, attestRef, digest: catalog.image.digest },
          flags,
          { privateKey, predicateType: VULN_PREDICATE_TYPE, predicate: vulnPredicate(result) },
        );
      process.exitCode = failsAt(result, failOn) ? 1 : 0;
    } finally {
      await store.close();
    }
  });
}
