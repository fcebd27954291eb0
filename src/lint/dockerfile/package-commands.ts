/**
 * Recognising package-manager commands in a parsed RUN script (apt-get, apk, pip, npm, gem)
 * and the packages they name, with hadolint's reading of flags: which flags take a value,
 * which words are packages. Shared by the pinning, cache and build-dependency rules.
 */
import {
  argsNoFlags,
  cmdHasArgs,
  type ParsedShell,
  type ShellCommand,
  type ShellWord,
} from "../../dockerfile/shell.js";

export interface PackageArg {
  cmd: ShellCommand;
  word: ShellWord;
}

/** Packages of `apt-get install` (the `-t/--target-release` value is not a package). */
export function aptGetInstallPackages(shell: ParsedShell): PackageArg[] {
  const out: PackageArg[] = [];
  for (const cmd of shell.commands) {
    if (!cmdHasArgs(cmd, "apt-get", ["install"])) continue;
    for (const word of argsNoFlags(cmd, ["t", "target-release"]))
      if (word.text !== "install") out.push({ cmd, word });
  }
  return out;
}

/** Packages of `apk add` (values of `-t/--virtual`, `--repository`, `-X` dropped). */
export function apkAddPackages(shell: ParsedShell): PackageArg[] {
  const out: PackageArg[] = [];
  for (const cmd of shell.commands) {
    if (!cmdHasArgs(cmd, "apk", ["add"])) continue;
    for (const word of argsNoFlags(cmd, ["t", "virtual", "repository", "X"]))
      if (word.text !== "add") out.push({ cmd, word });
  }
  return out;
}

/** `pip… install` or `python… -m pip install`. */
export function isPipInstall(cmd: ShellCommand): boolean {
  const name = cmd.name ?? "";
  const args = cmd.args.map((a) => a.text);
  if (name.startsWith("pip")) return args.includes("install");
  if (name.startsWith("python")) return containsSequence(args, ["-m", "pip", "install"]);
  return false;
}

/** pipx and pipenv manage their own environments; they are not plain pip installs. */
export function isPipWrapper(cmd: ShellCommand): boolean {
  const name = cmd.name ?? "";
  const args = cmd.args.map((a) => a.text);
  return ["pipx", "pipenv"].some(
    (w) => name.includes(w) || (name.startsWith("python") && containsSequence(args, ["-m", w])),
  );
}

export function containsSequence(haystack: string[], needle: string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Drop words up to the first `install` and any further leading `install`s. */
export function afterInstall(words: ShellWord[]): ShellWord[] {
  let k = words.findIndex((w) => w.text === "install");
  if (k < 0) return [];
  while (k < words.length && words[k].text === "install") k++;
  return words.slice(k);
}

/** Commands removing packages: `apk del`, `apt-get purge/remove/autoremove`, `dnf/yum remove`. */
export function removedPackages(shell: ParsedShell): Set<string> {
  const out = new Set<string>();
  for (const cmd of shell.commands) {
    const removing =
      cmdHasArgs(cmd, "apk", ["del"]) ||
      ((cmd.name === "apt-get" || cmd.name === "apt") &&
        cmd.args.some((a) => ["purge", "remove", "autoremove"].includes(a.text))) ||
      ((cmd.name === "yum" || cmd.name === "dnf") &&
        cmd.args.some((a) => ["remove", "erase"].includes(a.text)));
    if (!removing) continue;
    for (const w of argsNoFlags(cmd)) out.add(stripVersion(w.text));
  }
  return out;
}

/** Package name without `=version`, `~version`, `>=…` etc. */
export function stripVersion(p: string): string {
  return p.split(/[=<>~!@:]/)[0];
}

export interface InstalledPackage {
  manager: "apt" | "apk" | "yum";
  name: string;
  word: ShellWord;
  cmd: ShellCommand;
  /** `apk add --virtual NAME`: the group the package belongs to. */
  virtual?: string;
}

/** Packages installed by apt-get/apt, apk and yum/dnf/microdnf in one RUN script. */
export function installedPackages(shell: ParsedShell): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const cmd of shell.commands) {
    const name = cmd.name ?? "";
    if ((name === "apt-get" || name === "apt") && cmd.args.some((a) => a.text === "install")) {
      for (const word of afterInstall(argsNoFlags(cmd, ["t", "target-release", "o"])))
        out.push({ manager: "apt", name: stripVersion(word.text), word, cmd });
    } else if (name === "apk" && cmd.args.some((a) => a.text === "add")) {
      const texts = cmd.args.map((a) => a.text);
      const vi = texts.findIndex((t) => t === "--virtual" || t === "-t");
      const virtual = vi >= 0 ? texts[vi + 1] : texts.find((t) => t.startsWith("--virtual="))?.slice(10);
      for (const word of argsNoFlags(cmd, ["t", "virtual", "repository", "X"]))
        if (word.text !== "add")
          out.push({ manager: "apk", name: stripVersion(word.text), word, cmd, virtual });
    } else if (["yum", "dnf", "microdnf"].includes(name) && cmd.args.some((a) => a.text === "install")) {
      for (const word of afterInstall(argsNoFlags(cmd)))
        out.push({ manager: "yum", name: word.text.replace(/-\d.*$/, ""), word, cmd });
    }
  }
  return out;
}

const BUILD_TOOLS = new Set([
  "gcc",
  "g++",
  "gcc-c++",
  "clang",
  "llvm",
  "make",
  "cmake",
  "ninja",
  "ninja-build",
  "meson",
  "build-essential",
  "build-base",
  "alpine-sdk",
  "autoconf",
  "automake",
  "libtool",
  "pkg-config",
  "pkgconf",
  "pkgconfig",
  "gfortran",
  "golang",
  "golang-go",
  "go",
  "rust",
  "rustc",
  "cargo",
  "maven",
  "gradle",
  "default-jdk",
  "musl-dev",
  "libc-dev",
  "libc6-dev",
  "linux-headers",
  "kernel-headers",
  "glibc-devel",
  "bison",
  "flex",
  "nasm",
  "yasm",
]);

/** Compilers, build systems and headers: things a runtime image should not need. */
export function isBuildTool(pkg: string): boolean {
  return (
    BUILD_TOOLS.has(pkg) ||
    /^gcc-\d+$/.test(pkg) ||
    /^g\+\+-\d+$/.test(pkg) ||
    /^clang-\d+$/.test(pkg) ||
    /^openjdk-\d+-jdk(-headless)?$/.test(pkg) ||
    /^openjdk\d*-jdk$/.test(pkg) ||
    /^java-[\d.]+-openjdk-devel$/.test(pkg) ||
    /^python\d?(\.\d+)?-dev$/.test(pkg)
  );
}

/** `name-version` as rpm tools read it: after the first `-`, version-like parts, one starting with a digit. */
export function rpmVersionFixed(pkg: string): boolean {
  if (pkg.endsWith(".rpm")) return true;
  const parts = pkg.split("-");
  if (parts.length <= 1) return false;
  const rest = parts.slice(1);
  return rest.every((p) => /^[0-9A-Za-z.~^_:+]*$/.test(p)) && rest.some((p) => /^\d/.test(p));
}
