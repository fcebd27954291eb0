/**
 * Platform strings (`linux/amd64`, `linux/arm/v7`, `linux/arm64`) and choosing a manifest from
 * an index for one, with the usual aliases (x86_64 = amd64, aarch64 = arm64, armhf = arm/v7,
 * armel = arm/v5, arm64 ≡ arm64/v8, arm ≡ arm/v7). Attestation manifests (`unknown/unknown`)
 * are never chosen. The one platform module: image sources (src/image) use it too.
 */
import type { Descriptor, Platform } from "./media-types.js";

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = {
  x86_64: "amd64",
  "x86-64": "amd64",
  aarch64: "arm64",
  armhf: "arm",
  armel: "arm",
  i386: "386",
};

/** Debian's names for 32-bit ARM carry the variant: armhf is ARMv7, armel ARMv5. */
const ARCH_VARIANTS: Record<string, string> = { armhf: "v7", armel: "v5" };

/** Parse `os/arch[/variant]`; throws RangeError with a message a user can act on. */
export function parsePlatform(s: string): PlatformSpec {
  const parts = s.trim().toLowerCase().split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) {
    throw new RangeError(
      `invalid platform ${JSON.stringify(s)}: expected os/arch[/variant], e.g. linux/amd64`,
    );
  }
  const architecture = ARCH_ALIASES[parts[1]] ?? parts[1];
  const variant = parts[2] ?? ARCH_VARIANTS[parts[1]];
  return { os: parts[0], architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform | PlatformSpec): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

function normVariant(arch: string, variant: string | undefined): string | undefined {
  if (arch === "arm64" && (variant === undefined || variant === "v8")) return "v8";
  if (arch === "arm" && variant === undefined) return "v7";
  return variant;
}

/** Whether a descriptor's platform is the one asked for. */
export function platformMatches(want: PlatformSpec, have: Platform | undefined): boolean {
  if (!have) return false;
  if (have.os !== want.os) return false;
  const arch = ARCH_ALIASES[have.architecture] ?? have.architecture;
  if (arch !== want.architecture) return false;
  if (want.variant === undefined) return true;
  return normVariant(arch, have.variant) === normVariant(want.architecture, want.variant);
}

/** The first manifest of an index for the platform, or undefined. */
export function selectPlatform(manifests: Descriptor[], want: PlatformSpec): Descriptor | undefined {
  const candidates = manifests.filter(
    (d) =>
      d.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest" &&
      platformMatches(want, d.platform),
  );
  if (candidates.length <= 1 || want.variant !== undefined) return candidates[0];
  // No variant asked for: prefer the default variant of the architecture (arm/v7, arm64/v8).
  return (
    candidates.find(
      (d) =>
        normVariant(want.architecture, d.platform?.variant) === normVariant(want.architecture, undefined),
    ) ?? candidates[0]
  );
}

/**
 * The default platform to pick: linux on this machine's architecture (as docker does on any
 * host, macOS included — Kubernetes nodes run linux images).
 */
export function hostPlatform(): PlatformSpec {
  const arch = process.arch === "x64" ? "amd64" : process.arch === "ia32" ? "386" : process.arch;
  return { os: "linux", architecture: arch };
}
