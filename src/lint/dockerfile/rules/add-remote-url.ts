/**
 * dockerfile-add-remote-url: ADD fetching an http(s) URL without `--checksum`. The download
 * is not verified, so whoever controls the server (or the network) controls the layer. Git
 * sources are not judged. No hadolint equivalent (DL3020 accepts URLs).
 */
import { type DockerfileRule, hitAt } from "../rule.js";
import { addSources } from "./add-local-file.js";

export const addRemoteUrl: DockerfileRule = {
  id: "dockerfile-add-remote-url",
  severity: "high",
  title: "ADD of a URL without --checksum",
  docs: "`ADD https://…` downloads at build time without any integrity check. Add `--checksum=sha256:<hex>` (BuildKit), or download with curl and verify the checksum in the same RUN.",
  check(ctx) {
    const out = [];
    for (const { instr, outer } of ctx.allInstructions()) {
      if (instr.keyword !== "ADD" || instr.flags.some((f) => f.name === "checksum")) continue;
      for (const src of addSources(instr)) {
        if (!/^https?:\/\//.test(src) || /\.git(#.*)?$/.test(src)) continue;
        out.push(
          hitAt(outer, `ADD downloads ${src} without --checksum; the content is not verified`, {
            fix: `ADD --checksum=sha256:<hex> ${src} <dest>`,
          }),
        );
      }
    }
    return out;
  },
};
