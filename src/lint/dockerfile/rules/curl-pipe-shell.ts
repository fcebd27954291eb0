/**
 * dockerfile-curl-pipe-shell: a script downloaded with curl/wget and run straight away
 * (`curl … | sh`, `wget -O- … | bash`, `sh -c "$(curl …)"`, `bash <(curl …)`). Nothing checks
 * what was downloaded. No hadolint equivalent.
 */
import type { ShellCommand } from "../../../dockerfile/shell.js";
import { basename } from "../../../dockerfile/shell.js";
import { type DockerfileRule, hitAtWord, type RuleHit } from "../rule.js";

const FETCHERS = new Set(["curl", "wget"]);
const INTERPRETERS = new Set([
  "sh",
  "bash",
  "ash",
  "dash",
  "zsh",
  "ksh",
  "python",
  "python3",
  "perl",
  "ruby",
  "node",
  "php",
]);

function interpreter(cmd: ShellCommand): boolean {
  const n = basename(cmd.name ?? "");
  if (INTERPRETERS.has(n)) return true;
  if ((n === "sudo" || n === "env") && cmd.args.length > 0) {
    const first = cmd.args.find((a) => !a.text.startsWith("-") && !a.text.includes("="));
    return first !== undefined && INTERPRETERS.has(basename(first.text));
  }
  return false;
}

export const curlPipeShell: DockerfileRule = {
  id: "dockerfile-curl-pipe-shell",
  severity: "high",
  title: "Downloaded script piped to a shell",
  docs: "`curl URL | sh` runs whatever the server returns at build time, unverified. Download to a file, check its sha256 (`echo '<sum>  f' | sha256sum -c`), then run it, or install from a package manager.",
  check(ctx) {
    const out: RuleHit[] = [];
    for (const run of ctx.runs()) {
      const seen = new Set<ShellCommand>();
      for (const pipeline of run.shell.pipelines) {
        const k = pipeline.findIndex((c) => FETCHERS.has(c.name ?? ""));
        if (k >= 0 && pipeline.slice(k + 1).some(interpreter) && !seen.has(pipeline[k])) {
          seen.add(pipeline[k]);
          out.push(
            hitAtWord(
              ctx,
              run,
              pipeline[k].word0,
              `${pipeline[k].name} output is piped into a shell without verification`,
            ),
          );
        }
      }
      // sh -c "$(curl …)" and bash <(curl …): the fetcher is nested in the interpreter's words.
      for (const cmd of run.shell.commands) {
        if (!interpreter(cmd)) continue;
        const nested = run.shell.commands.find(
          (c) =>
            FETCHERS.has(c.name ?? "") && c.start > cmd.word0.end && c.end <= cmd.end + 1 && !seen.has(c),
        );
        if (nested) {
          seen.add(nested);
          out.push(
            hitAtWord(
              ctx,
              run,
              nested.word0,
              `${nested.name} output is run by ${cmd.name} without verification`,
            ),
          );
        }
      }
    }
    return out;
  },
};
