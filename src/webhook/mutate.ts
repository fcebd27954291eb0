/**
 * /mutate's JSONPatch (RFC 6902): pin each container image's tag to the digest it resolves to
 * now (keeping the tag for readability: `nginx:1.27@sha256:…`) and set imagePullPolicy when the
 * policy's spec.mutation says so. Images already pinned, exempt images and unparseable ones are
 * left alone. Look-up failures (registry unreachable, deadline) leave the image unpinned and
 * add a warning: mutation fails open, validation decides (requireDigest).
 */

import { podOf } from "../k8s/workload.js";
import { type ImageInspector, outsideEnforcedRegistries } from "../policy/inspector.js";
import { matchAny } from "../policy/patterns.js";
import type { ImagePolicy } from "../policy/types.js";
import { parseReference } from "../reference/index.js";

export interface PatchOp {
  op: "add" | "replace";
  path: string;
  value: unknown;
}

function pointer(path: (string | number)[]): string {
  return `/${path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}

export async function computePatch(
  policy: ImagePolicy,
  obj: Record<string, unknown>,
  inspector: ImageInspector,
  signal: AbortSignal,
): Promise<{ ops: PatchOp[]; warnings: string[] }> {
  const m = policy.spec.mutation;
  const ops: PatchOp[] = [];
  const warnings: string[] = [];
  const pod = podOf(obj);
  if (!m || !pod) return { ops, warnings };
  // Containers' images and image volumes' references (src/k8s/workload.ts image sites).
  const targets = pod.images.filter((c) => c.group !== "ephemeralContainers" && c.image);
  await Promise.all(
    targets.map(async (c) => {
      let ref: ReturnType<typeof parseReference>;
      try {
        ref = parseReference(c.image, { strictHost: true });
      } catch {
        return; // validation reports it
      }
      if (matchAny(policy.spec.exemptions?.images, ref.name)) return;
      // Never contact a registry the policy refuses anyway (validation denies the image).
      if (m.pinDigests && !ref.digest && !outsideEnforcedRegistries(policy, ref)) {
        try {
          const digest = await inspector.resolveDigest(ref, m.platform, signal);
          ops.push({ op: "replace", path: pointer([...c.path]), value: `${c.image}@${digest}` });
        } catch (err) {
          warnings.push(
            `portcullis could not pin ${c.image} of ${c.subject} to a digest (${(err as Error).message}); admitted unpinned`,
          );
        }
      }
      if (m.imagePullPolicy && c.pullPolicy !== m.imagePullPolicy) {
        ops.push({
          op: c.pullPolicy === undefined ? "add" : "replace",
          path: pointer([...c.pullPolicyPath]),
          value: m.imagePullPolicy,
        });
      }
    }),
  );
  // Stable order: by path, image before imagePullPolicy.
  ops.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ops, warnings };
}
