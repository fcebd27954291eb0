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
import { predicateTypeFor } from "../../sign/index.js";
import { OperationalError, UsageError } from "../errors.js";
import { parsePlatformOption } from "../option-values.js";
import { layerSums, mib, stderrBar } from "../progress.js";
import {
  addRegistryOptions,
  clientFromFlags,
  REGISTRY_HELP,
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

interface SbomFlags extends RegistryFlags, AttachFlags {
  format?: SbomFormat;
  output?: string;
  platform?: string;
  specVersion: "1.5" | "1.6";
  wide?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/** cosign's predicate type names for the SBOM formats that can be attested. */
const ATTEST_TYPES: Partial<Record<SbomFormat, string>> = { cyclonedx: "cyclonedx", spdx: "spdxjson" };

/** Check the --attest flags before any work; returns the registry reference to attest. */
function checkAttestFlags(image: string, flags: SbomFlags, format: SbomFormat): string | undefined {
  return checkAttachFlags(image, flags, () => {
    if (!ATTEST_TYPES[format])
      throw new UsageError(`--attest attaches a CycloneDX or SPDX SBOM; -f ${format} cannot be attested`);
  });
}

async function progressBar(flags: SbomFlags, format: SbomFormat) {
  const bar = await stderrBar(
    " layers {done}/{layers} |{bar}| {percentage}% {value}/{total} MiB",
    flags.quiet || format === "json",
  );
  if (!bar) return undefined;
  // Layers are read two at a time: the bar shows the sum over the layers seen so far.
  const seen = new Map<number, LayerProgress>();
  let started = false;
  return {
    update(p: LayerProgress) {
      seen.set(p.layer, p);
      const { bytes, total, done } = layerSums(seen.values());
      const payload = { done, layers: p.layers };
      if (!started) {
        started = true;
        bar.start(Math.max(mib(total), 0.1), 0, payload);
      }
      bar.setTotal(Math.max(mib(total), 0.1));
      bar.update(mib(bytes), payload);
    },
    stop: () => bar.stop(),
  };
}

export function register(program: Command): void {
  const cmd = program
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
    );
  addAttachOptions(
    cmd,
    "also sign the SBOM as an in-toto attestation and attach it to the image (as `portcullis attest`)",
  )
    .option("--wide", "table: also the licenses and the location (path and layer) of each package")
    .option("-q, --quiet", "no progress bar, no summary")
    .option("--no-color", "plain output (also: NO_COLOR=1)");
  addRegistryOptions(cmd)
    .addHelpText(
      "after",
      `
Catalogers: dpkg (var/lib/dpkg/status, status.d), apk (lib/apk/db/installed), npm (node_modules,
package-lock v1-v3, yarn.lock, pnpm-lock.yaml), Python (dist-info, egg-info, poetry.lock,
Pipfile.lock), Go binaries (embedded build info), Java (JAR/WAR/EAR, nested: pom.properties,
MANIFEST.MF), Ruby (gemspecs, Gemfile.lock), Rust (Cargo.lock, cargo-auditable binaries).
Layers are streamed once and never unpacked; files deleted by a later layer (whiteouts) are not
reported.

--attest signs the SBOM (CycloneDX by default, or -f spdx) as an in-toto attestation with
predicate type cyclonedx / spdxjson and stores it like \`portcullis attest\` (tag sha256-<hex>.att,
or a sigstore bundle referrer with --bundle), for the manifest digest that was cataloged. The key
password comes from PORTCULLIS_PASSWORD / COSIGN_PASSWORD or a prompt. Check it with
\`portcullis verify-attestation --key cosign.pub --type cyclonedx IMAGE\`.

Examples:
  portcullis sbom alpine:3.20                               table on a terminal
  portcullis sbom ghcr.io/org/app:1.2 -f cyclonedx -o app.cdx.json
  portcullis sbom oci:./layout:app -f spdx                  SPDX 2.3 JSON
  portcullis sbom docker-archive:app.tar -f json            (docker save output)
  portcullis sbom dir:/mnt/rootfs -f table
  portcullis sbom nginx:1.27 --platform linux/arm64 -f cyclonedx --spec-version 1.5
  portcullis sbom sbom:app.cdx.json -f table                read a saved SBOM back
  portcullis sbom registry.example.com/app:1.4 --attest --key cosign.key -o app.cdx.json
  portcullis sbom registry.example.com/app:1.4 -f spdx --attest --key cosign.key --bundle

${REGISTRY_HELP.trimStart()}

Exit codes: 0 written (and attested), 2 bad usage or an unreadable image/SBOM/key, 3 registry failure.`,
    )
    .action(async (image: string, flags: SbomFlags) => {
      const format: SbomFormat =
        flags.format ?? (flags.attest || !process.stdout.isTTY || flags.output ? "cyclonedx" : "table");
      const attestRef = checkAttestFlags(image, flags, format);
      if (flags.platform) parsePlatformOption(flags.platform);
      // Check the registry flags (CA file, pull secrets, host patterns, timeout) before any work.
      await clientFromFlags(flags).close();
      // Ask for the key's password (and reject a bad key) before the long read.
      const privateKey = await attachKey(attestRef, flags);
      const bar = await progressBar(flags, format);
      let result: CatalogResult;
      try {
        result = await catalogImage(image, {
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
      bar?.stop();
      const text = generateSbom(result, format, {
        cyclonedxVersion: flags.specVersion,
        wide: flags.wide,
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
      if (attestRef && privateKey)
        await attachAttestation(
          clientFromFlags(flags),
          { image, attestRef, digest: result.image.digest },
          flags,
          {
            privateKey,
            predicateType: predicateTypeFor(ATTEST_TYPES[format] as string) as string,
            predicate: JSON.parse(text),
          },
        );
      process.exitCode = 0;
    });
}
