/**
 * dockerfile-gem-unpinned (hadolint DL3028): `gem install <gem>` without `:version` (or
 * `-v`/`--version`). Words after `--` are build options, not gems.
 */
import { commandFlags } from "../../../dockerfile/shell.js";
import { type DockerfileRule, hitAtWord } from "../rule.js";

const GEM_FLAGS_WITH_VALUE = [
  "-s",
  "--source",
  "-i",
  "--install-dir",
  "-n",
  "--bindir",
  "--platform",
  "--build-root",
  "--config-file",
  "-p",
  "--http-proxy",
  "-g",
  "--file",
  "--document",
];

export const gemUnpinned: DockerfileRule = {
  id: "dockerfile-gem-unpinned",
  severity: "medium",
  title: "gem install without pinned versions",
  hadolint: "DL3028",
  docs: "`gem install bundler` installs the newest release at build time. Use `gem install bundler:2.5.6` or `-v 2.5.6`.",
  check(ctx) {
    const out = [];
    for (const run of ctx.runs()) {
      for (const cmd of run.shell.commands) {
        if (cmd.name !== "gem" || !cmd.args.some((a) => a.text === "install" || a.text === "i")) continue;
        const texts = cmd.args.map((a) => a.text);
        if (
          texts.includes("-v") ||
          texts.includes("--version") ||
          texts.some((t) => t.startsWith("--version="))
        )
          continue;
        const flagIdx = new Set(commandFlags(cmd).map((f) => f.index));
        const gems = [];
        for (let i = 0; i < cmd.args.length; i++) {
          const t = cmd.args[i].text;
          if (t === "--") break;
          if (flagIdx.has(i)) {
            // An option's value (`--source URL`, `--some-switch true`) is not a gem.
            const next = cmd.args[i + 1]?.text;
            if (next !== undefined && !t.includes("=") && !next.startsWith("-")) {
              if (
                GEM_FLAGS_WITH_VALUE.includes(t) ||
                (t.startsWith("--") && /^(true|false|yes|no|\d.*)$/.test(next))
              )
                i++;
            }
            continue;
          }
          if (t === "install" || t === "i") continue;
          gems.push(cmd.args[i]);
        }
        const unpinned = gems.filter((w) => !w.text.includes(":"));
        if (unpinned.length === 0) continue;
        const names = unpinned.map((w) => w.text);
        out.push(
          hitAtWord(ctx, run, unpinned[0], `gem install without versions: ${names.join(", ")}`, {
            fix: `gem install ${names.map((n) => `${n}:<version>`).join(" ")}`,
          }),
        );
        break;
      }
    }
    return out;
  },
};
