/**
 * dockerfile-apk-unpinned (hadolint DL3018): packages of `apk add` without a version
 * constraint (`pkg=1.2.3-r0`, `pkg~1.2`, `pkg>=1`). Local .apk files are accepted; the values
 * of `--virtual`/`-t`, `--repository`/`-X` are not packages.
 */
import { apkAddPackages } from "../package-commands.js";
import { type DockerfileRule, hitAtWord } from "../rule.js";

export const apkUnpinned: DockerfileRule = {
  id: "dockerfile-apk-unpinned",
  severity: "medium",
  title: "apk add without pinned versions",
  hadolint: "DL3018",
  docs: "Unpinned packages install whatever the repository has today. Use `apk add <package>=<version>` (or `~<version>` to allow patch updates).",
  check(ctx) {
    const out = [];
    for (const run of ctx.runs()) {
      const unpinned = apkAddPackages(run.shell).filter(
        ({ word }) => !(/[=~<>]/.test(word.text) || word.text.endsWith(".apk")),
      );
      if (unpinned.length === 0) continue;
      const names = unpinned.map((p) => p.word.text);
      out.push(
        hitAtWord(ctx, run, unpinned[0].word, `apk add without versions: ${names.join(", ")}`, {
          fix: `apk add ${names.map((n) => `${n}=<version>`).join(" ")}`,
        }),
      );
    }
    return out;
  },
};
