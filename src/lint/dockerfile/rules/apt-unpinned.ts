/**
 * dockerfile-apt-unpinned (hadolint DL3008): packages of `apt-get install` without a version
 * (`pkg=1.2.3`). Local .deb files and `pkg/release` are accepted, as hadolint does.
 */
import { aptGetInstallPackages } from "../package-commands.js";
import { type DockerfileRule, hitAtWord } from "../rule.js";

export const aptUnpinned: DockerfileRule = {
  id: "dockerfile-apt-unpinned",
  severity: "medium",
  title: "apt-get install without pinned versions",
  hadolint: "DL3008",
  docs: "Unpinned packages install whatever the mirror has today, so two builds of the same Dockerfile differ. Use `apt-get install <package>=<version>`.",
  check(ctx) {
    const out = [];
    for (const run of ctx.runs()) {
      const unpinned = aptGetInstallPackages(run.shell).filter(
        ({ word }) => !(word.text.includes("=") || word.text.includes("/") || word.text.endsWith(".deb")),
      );
      if (unpinned.length === 0) continue;
      const names = unpinned.map((p) => p.word.text);
      out.push(
        hitAtWord(ctx, run, unpinned[0].word, `apt-get install without versions: ${names.join(", ")}`, {
          fix: `apt-get install ${names.map((n) => `${n}=<version>`).join(" ")}`,
        }),
      );
    }
    return out;
  },
};
