/** `portcullis lint k8s` (being built: see issue tracker). */
import type { Command } from "commander";
import { UsageError } from "../errors.js";

export function registerLintK8s(lint: Command): void {
  lint
    .command("k8s")
    .description("not yet available")
    .action(() => {
      throw new UsageError("lint k8s is not yet available in this build");
    });
}
