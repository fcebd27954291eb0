/**
 * image-pull-secret-missing — spec.rules.pullSecrets.privateRegistries: a pod that runs an
 * image from a private registry must name imagePullSecrets (credentials on the nodes are not
 * an acceptable substitute: any pod on the node could use them).
 */
import { matchAny } from "../patterns.js";
import type { ImageRule } from "../rule.js";

export const pullSecrets: ImageRule = {
  id: "image-pull-secret-missing",
  section: "pullSecrets",
  scope: "image",
  title: "Image from a private registry without imagePullSecrets",
  docs: "Pods pulling from the registries in spec.rules.pullSecrets.privateRegistries must list imagePullSecrets, so that pulling is authorised per workload, not per node.",
  check({ policy, ref, subject, image, pod }) {
    const patterns = policy.spec.rules?.pullSecrets?.privateRegistries;
    if (!patterns || !pod || !matchAny(patterns, ref.name)) return [];
    const secrets = pod.spec.imagePullSecrets;
    if (
      Array.isArray(secrets) &&
      secrets.some((s) => s && typeof s === "object" && (s as { name?: unknown }).name)
    ) {
      return [];
    }
    return [
      {
        rule: this.id,
        message: `${subject} pulls ${image} from private registry ${ref.domain} but the pod has no imagePullSecrets`,
        path: pod.specPath,
        fix: "add spec.imagePullSecrets (portcullis secret docker-registry makes one)",
      },
    ];
  },
};
