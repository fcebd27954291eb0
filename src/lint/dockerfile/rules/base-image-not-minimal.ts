/**
 * dockerfile-base-image-not-minimal: the final image is built on a full distribution
 * (ubuntu, debian without -slim, centos, fedora, rockylinux, almalinux, oraclelinux,
 * amazonlinux, opensuse, archlinux, ubi without -minimal/-micro) or a full language/toolchain
 * image (python, node, ruby without -slim/-alpine; golang, rust, maven, gradle, JDKs). Suggests
 * a slim, alpine or distroless base for the language the Dockerfile uses. Build stages are
 * not judged: only the stage chain that becomes the image. No hadolint equivalent.
 */
import type { Dockerfile } from "../../../dockerfile/model.js";
import { type DockerfileRule, hitAt } from "../rule.js";

const FULL_DISTROS = new Set([
  "ubuntu",
  "debian",
  "centos",
  "fedora",
  "rockylinux",
  "almalinux",
  "oraclelinux",
  "amazonlinux",
  "archlinux",
  "opensuse/leap",
  "opensuse/tumbleweed",
  "buildpack-deps",
  "redhat/ubi8",
  "redhat/ubi9",
  "registry.access.redhat.com/ubi8/ubi",
  "registry.access.redhat.com/ubi9/ubi",
  "registry.access.redhat.com/ubi8",
  "registry.access.redhat.com/ubi9",
]);
const LANGUAGE_IMAGES: Record<string, Language> = {
  python: "python",
  pypy: "python",
  node: "node",
  ruby: "ruby",
  php: "php",
};
const TOOLCHAIN_IMAGES: Record<string, Language> = {
  golang: "go",
  rust: "rust",
  maven: "java",
  gradle: "java",
  openjdk: "java",
  "eclipse-temurin": "java",
  amazoncorretto: "java",
  "mcr.microsoft.com/dotnet/sdk": "dotnet",
};

type Language = "python" | "node" | "ruby" | "php" | "go" | "rust" | "java" | "dotnet" | "unknown";

const SUGGESTIONS: Record<Language, string> = {
  python: "python:<version>-slim, or gcr.io/distroless/python3-debian12",
  node: "node:<version>-slim or node:<version>-alpine, or gcr.io/distroless/nodejs22-debian12",
  ruby: "ruby:<version>-slim or ruby:<version>-alpine",
  php: "php:<version>-fpm-alpine",
  go: "build in golang:<version> AS build, run on gcr.io/distroless/static-debian12 (or scratch)",
  rust: "build in rust:<version> AS build, run on gcr.io/distroless/cc-debian12 (or static)",
  java: "eclipse-temurin:<version>-jre-alpine, or gcr.io/distroless/java21-debian12",
  dotnet: "mcr.microsoft.com/dotnet/runtime-deps or aspnet:<version>-alpine / -chiseled",
  unknown: "debian:<version>-slim, alpine:<version>, or gcr.io/distroless/base-debian12",
};

/** Guess the application's language from what the Dockerfile runs. */
export function guessLanguage(df: Dockerfile): Language {
  const text = df.instructions.map((i) => i.text).join("\n");
  if (/\bpip3?\b|\bpython3?\b|\bpoetry\b|\buv\b/.test(text)) return "python";
  if (/\bnpm\b|\byarn\b|\bpnpm\b|\bnode\b/.test(text)) return "node";
  if (/\bjava\b|\.jar\b|\bmvn\b|\bgradle\b/.test(text)) return "java";
  if (/\bgo (build|mod|install)\b|CGO_ENABLED/.test(text)) return "go";
  if (/\bcargo\b/.test(text)) return "rust";
  if (/\bbundle\b|\bgem\b|\bruby\b/.test(text)) return "ruby";
  if (/\bdotnet\b/.test(text)) return "dotnet";
  if (/\bphp\b|composer/.test(text)) return "php";
  return "unknown";
}

function slimTag(tag: string | undefined): boolean {
  return /slim|alpine|minimal|micro|distroless|chiseled|busybox/.test(tag ?? "");
}

export const baseImageNotMinimal: DockerfileRule = {
  id: "dockerfile-base-image-not-minimal",
  severity: "low",
  title: "Final image is not on a minimal base",
  docs: "Full distributions and toolchain images carry shells, package managers, compilers and hundreds of packages the application never uses, each a source of CVEs. Run on a slim, alpine or distroless base and keep toolchains in build stages.",
  check(ctx) {
    const root = ctx.lineage(ctx.finalStage).at(-1)!;
    const b = root.base;
    if (b.scratch || b.unresolved || b.invalid || !b.familiar || b.stageRef !== undefined) return [];
    const name = b.familiar;
    let kind: "distro" | "language" | "toolchain" | undefined;
    let lang = guessLanguage(ctx.dockerfile);
    if (FULL_DISTROS.has(name) && !slimTag(b.tag)) kind = "distro";
    else if (LANGUAGE_IMAGES[name] && !slimTag(b.tag)) {
      kind = "language";
      lang = LANGUAGE_IMAGES[name];
    } else if (TOOLCHAIN_IMAGES[name]) {
      const jre = /jre/.test(b.tag ?? "");
      if (!(TOOLCHAIN_IMAGES[name] === "java" && jre && slimTag(b.tag))) {
        kind = jre ? "language" : "toolchain";
        lang = TOOLCHAIN_IMAGES[name];
      }
    }
    if (!kind) return [];
    const what =
      kind === "distro"
        ? "a full distribution"
        : kind === "toolchain"
          ? "a build toolchain image"
          : "a full language image";
    return [
      hitAt(root.from, `the final image is built on ${b.resolved}, ${what}; use ${SUGGESTIONS[lang]}`, {
        at: root.from.argsAt,
        image: b.resolved,
        fix: SUGGESTIONS[lang],
      }),
    ];
  },
};
