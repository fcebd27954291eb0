/** `portcullis lint k8s` and `portcullis lint dockerfile`. */
import type { Command } from "commander";
import { registerLintDockerfile } from "./lint-dockerfile.js";
import { registerLintK8s } from "./lint-k8s.js";

export function register(program: Command): void {
  const lint = program
    .command("lint")
    .description("lint Kubernetes manifests and Dockerfiles for image and pod security problems");
  registerLintK8s(lint);
  registerLintDockerfile(lint);
}
