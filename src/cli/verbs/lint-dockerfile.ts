/** `portcullis lint dockerfile` (being built: see issue tracker). */
import type { Command } from "commander";
import { UsageError } from "../errors.js";

export function registerLintDockerfile(lint: Command): void {
  lint
    .command("dockerfile")
    .description("not yet available")
    .action(() => {
      throw new UsageError("lint dockerfile is not yet available in this build");
    });
}
