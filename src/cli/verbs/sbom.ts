/**
 * `portcullis sbom <image>`: catalog an image's packages and write an SBOM (CycloneDX 1.6/1.5,
 * SPDX 2.3), Portcullis' JSON or a table. A progress bar shows layer reading on a TTY only.
 */
import { writeFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { type CatalogResult, catalogImage } from "../../catalog/index.js";
import { ImageError } from "../../image/types.js";
import type { LayerProgress } from "../../image/walk.js";
import { isRegistryError } from "../../registry/index.js";
import { generateSbom, SBOM_FORMATS, type SbomFormat } from "../../sbom/index.js";
import { OperationalError, UsageError } from "../errors.js";
import { useColor } from "../report-options.js";

interface SbomFlags {
  format?: SbomFormat;
  output?: string;
  platform?: string;
  specVersion: "1.5" | "1.6";
  quiet?: boolean;
  color?: boolean;
  caFile?: string;
  insecureRegistry?: string[];
}

async function progressBar(flags: SbomFlags, format: SbomFormat) {
  const show = !flags.quiet && process.stderr.isTTY && format !== "json";
  if (!show) return undefined;
  const { default: cliProgress } = await import("cli-progress");
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: " layer {layer}/{layers} |{bar}| {percentage}% {value}/{total} MiB",
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let current = -1;
  return {
    update(p: LayerProgress) {
      const mib = (n: number) => Math.round((n / (1 << 20)) * 10) / 10;
      if (p.layer !== current) {
        if (current >= 0) bar.stop();
        current = p.layer;
        bar.start(Math.max(mib(p.total), 0.1), 0, { layer: p.layer + 1, layers: p.layers });
      }
      bar.update(mib(p.total > 0 ? Math.min(p.bytes, p.total) : p.bytes), {
        layer: p.layer + 1,
        layers: p.layers,
      });
    },
    stop: () => bar.stop(),
  };
}

export function register(program: Command): void {
  program
    .command("sbom")
    .description("list the packages inside an image and write an SBOM (CycloneDX, SPDX), JSON or a table")
    .argument(
      "<image>",
      "registry reference, oci:DIR[:tag], docker-archive:FILE[:tag], dir:PATH, or sbom:FILE (a saved SBOM)",
    )
    .addOption(
      new Option(
        "-f, --format <format>",
        "output format (default: table on a TTY, cyclonedx otherwise)",
      ).choices([...SBOM_FORMATS]),
    )
    .option("-o, --output <file>", "write the SBOM to FILE instead of stdout")
    .option(
      "--platform <os/arch[/variant]>",
      "platform to pick from a multi-platform image (default linux/<host>)",
    )
    .addOption(
      new Option("--spec-version <v>", "CycloneDX spec version").choices(["1.5", "1.6"]).default("1.6"),
    )
    .option("--ca-file <file>", "PEM file of extra CA certificates for registry TLS")
    .option(
      "--insecure-registry <host...>",
      "registries that may be reached over plain http (loopback always may)",
    )
    .option("-q, --quiet", "no progress bar, no summary")
    .option("--no-color", "plain output (also: NO_COLOR=1)")
    .addHelpText(
      "after",
      `
Catalogers: dpkg (var/lib/dpkg/status, status.d), apk (lib/apk/db/installed), npm (node_modules,
package-lock v1-v3, yarn.lock, pnpm-lock.yaml), Python (dist-info, egg-info, poetry.lock,
Pipfile.lock), Go binaries (embedded build info). Layers are streamed once and never unpacked;
files deleted by a later layer (whiteouts) are not reported.

Examples:
  portcullis sbom alpine:3.20                               table on a terminal
  portcullis sbom ghcr.io/org/app:1.2 -f cyclonedx -o app.cdx.json
  portcullis sbom oci:./layout:app -f spdx                  SPDX 2.3 JSON
  portcullis sbom docker-archive:app.tar -f json            (docker save output)
  portcullis sbom dir:/mnt/rootfs -f table
  portcullis sbom nginx:1.27 --platform linux/arm64 -f cyclonedx --spec-version 1.5
  portcullis sbom sbom:app.cdx.json -f table                read a saved SBOM back

Exit codes: 0 written, 2 bad usage or an unreadable image/SBOM, 3 registry failure.`,
    )
    .action(async (image: string, flags: SbomFlags) => {
      const format: SbomFormat =
        flags.format ?? (process.stdout.isTTY && !flags.output ? "table" : "cyclonedx");
      const bar = await progressBar(flags, format);
      let result: CatalogResult;
      try {
        result = await catalogImage(image, {
          platform: flags.platform,
          registry: { caFile: flags.caFile, insecureRegistries: flags.insecureRegistry },
          onProgress: bar ? (p) => bar.update(p) : undefined,
        });
      } catch (err) {
        bar?.stop();
        if (isRegistryError(err)) throw new OperationalError(err.message);
        if (err instanceof ImageError) throw new UsageError(err.message);
        throw err;
      }
      bar?.stop();
      const text = generateSbom(result, format, {
        cyclonedxVersion: flags.specVersion,
        color: useColor({ color: flags.color, output: flags.output }),
      });
      if (flags.output) writeFileSync(flags.output, text);
      else process.stdout.write(text);
      for (const e of result.errors)
        process.stderr.write(`warning: ${e.path}: ${e.cataloger}: ${e.message}\n`);
      if (!flags.quiet && (flags.output || format !== "table")) {
        process.stderr.write(
          `${result.packages.length} packages in ${result.image.reference}${flags.output ? ` → ${flags.output}` : ""}\n`,
        );
      }
      process.exitCode = 0;
    });
}
