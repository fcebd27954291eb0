/**
 * dockerfile-npm-unpinned (hadolint DL3016): `npm install <pkg>` without `@version`. Plain
 * `npm install` (from package-lock), folders, tarballs and git URLs with `#ref` are accepted.
 */
import { argsNoFlags, type ShellWord } from "../../../dockerfile/shell.js";
import { afterInstall } from "../package-commands.js";
import { type DockerfileRule, hitAtWord } from "../rule.js";

/** npm options whose value is the next word. */
const NPM_FLAGS_WITH_VALUE = [
  "registry",
  "loglevel",
  "prefix",
  "cache",
  "userconfig",
  "globalconfig",
  "tag",
  "otp",
  "w",
  "workspace",
  "omit",
  "include",
  "install-strategy",
  "auth-type",
  "scope",
  "save-prefix",
];

export function npmVersionFixed(p: string): boolean {
  if (["git://", "git+ssh://", "git+http://", "git+https://"].some((x) => p.startsWith(x)))
    return p.includes("#");
  if ([".tar", ".tar.gz", ".tgz"].some((x) => p.endsWith(x))) return true;
  if (["/", "./", "../", "~/"].some((x) => p.startsWith(x))) return true;
  const unscoped = p.startsWith("@") ? p.slice(Math.max(0, p.indexOf("/"))) : p;
  return unscoped.includes("@");
}

export const npmUnpinned: DockerfileRule = {
  id: "dockerfile-npm-unpinned",
  severity: "medium",
  title: "npm install without pinned versions",
  hadolint: "DL3016",
  docs: "`npm install -g typescript` installs whatever is newest today. Use `npm install <package>@<version>`, or `npm ci` with a committed package-lock.json.",
  check(ctx) {
    const out = [];
    for (const run of ctx.runs()) {
      for (const cmd of run.shell.commands) {
        if (cmd.name !== "npm" || !cmd.args.some((a) => a.text === "install")) continue;
        if (argsNoFlags(cmd)[0]?.text !== "install") continue;
        const unpinned: ShellWord[] = afterInstall(argsNoFlags(cmd, NPM_FLAGS_WITH_VALUE)).filter(
          (w) => !npmVersionFixed(w.text),
        );
        if (unpinned.length === 0) continue;
        const names = unpinned.map((w) => w.text);
        out.push(
          hitAtWord(ctx, run, unpinned[0], `npm install without versions: ${names.join(", ")}`, {
            fix: `npm install ${names.map((n) => `${n}@<version>`).join(" ")}`,
          }),
        );
        break;
      }
    }
    return out;
  },
};
