/**
 * dockerfile-pip-unpinned (hadolint DL3013): `pip install` (also `pip3`, `python -m pip`,
 * `pipx`) naming packages without a version specifier. Requirements files (`-r`), constraint
 * files (`-c`), the local project (`.`), paths, archives and VCS URLs pinned with `@ref` are
 * accepted; pipenv manages its own lock file and is not judged.
 */
import { argsNoFlags, hasFlag, type ShellCommand } from "../../../dockerfile/shell.js";
import { afterInstall, containsSequence, isPipInstall } from "../package-commands.js";
import { type DockerfileRule, hitAtWord } from "../rule.js";

/** pip options whose value is the next word. */
const PIP_FLAGS_WITH_VALUE = [
  "abi",
  "b",
  "build",
  "e",
  "editable",
  "extra-index-url",
  "f",
  "find-links",
  "i",
  "index-url",
  "implementation",
  "no-binary",
  "only-binary",
  "platform",
  "prefix",
  "progress-bar",
  "proxy",
  "python",
  "python-version",
  "root",
  "root-user-action",
  "src",
  "t",
  "target",
  "trusted-host",
  "upgrade-strategy",
];
const VCS = [
  "git+file",
  "git+https",
  "git+ssh",
  "git+http",
  "git+git",
  "git",
  "hg+file",
  "hg+http",
  "hg+https",
  "hg+ssh",
  "hg+static-http",
  "svn",
  "svn+svn",
  "svn+http",
  "svn+https",
  "svn+ssh",
  "bzr+http",
  "bzr+https",
  "bzr+ssh",
  "bzr+sftp",
  "bzr+ftp",
  "bzr+lp",
];
const SPECIFIERS = ["==", ">=", "<=", ">", "<", "!=", "~=", "==="];

export function pipVersionFixed(p: string): boolean {
  const vcs = VCS.some((s) => p.startsWith(s));
  return (
    SPECIFIERS.some((s) => p.includes(s)) ||
    (vcs && p.includes("@")) ||
    p.endsWith(".whl") ||
    p.endsWith(".tar.gz") ||
    (!vcs && p.includes("/"))
  );
}

function isPipenv(cmd: ShellCommand): boolean {
  const name = cmd.name ?? "";
  return (
    name.includes("pipenv") ||
    (name.startsWith("python") &&
      containsSequence(
        cmd.args.map((a) => a.text),
        ["-m", "pipenv"],
      ))
  );
}

export const pipUnpinned: DockerfileRule = {
  id: "dockerfile-pip-unpinned",
  severity: "medium",
  title: "pip install without pinned versions",
  hadolint: "DL3013",
  docs: "`pip install flask` installs the newest release at build time (and its newest dependencies). Pin `flask==3.0.3`, or install from a requirements/constraints file with hashes.",
  check(ctx) {
    const out = [];
    for (const run of ctx.runs()) {
      for (const cmd of run.shell.commands) {
        if (!isPipInstall(cmd) || isPipenv(cmd)) continue;
        const all = cmd.args.map((a) => a.text);
        if (all.includes("--requirement") || all.includes("-r") || all.includes(".")) continue;
        if (hasFlag(cmd, "constraint") || hasFlag(cmd, "c")) continue;
        const unpinned = afterInstall(argsNoFlags(cmd, PIP_FLAGS_WITH_VALUE)).filter(
          (w) => !pipVersionFixed(w.text),
        );
        if (unpinned.length === 0) continue;
        const names = unpinned.map((w) => w.text);
        out.push(
          hitAtWord(ctx, run, unpinned[0], `pip install without versions: ${names.join(", ")}`, {
            fix: `pip install ${names.map((n) => `${n}==<version>`).join(" ")}`,
          }),
        );
        break;
      }
    }
    return out;
  },
};
