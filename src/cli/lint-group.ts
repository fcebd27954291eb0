/**
 * The `lint` verb group: `portcullis lint k8s` and `portcullis lint dockerfile`. It lives beside
 * the verb table rather than under verbs/, so no verb module imports another.
 */
import type { Command } from "commander";
import { registerLintDockerfile } from "./verbs/lint-dockerfile.js";
import { registerLintK8s } from "./verbs/lint-k8s.js";

export function register(program: Command): void {
  const lint = program
    .command("lint")
    .description("lint Kubernetes manifests and Dockerfiles for image and pod security problems")
    .addHelpText(
      "after",
      `
Examples:
  portcullis lint k8s deploy/ --pss restricted
  helm template my-release ./chart | portcullis lint k8s -
  portcullis lint dockerfile Dockerfile -f sarif -o dockerfile.sarif
  portcullis lint k8s --list-rules

Run 'portcullis lint k8s --help' or 'portcullis lint dockerfile --help' for their flags.`,
    );
  registerLintK8s(lint);
  registerLintDockerfile(lint);
}
