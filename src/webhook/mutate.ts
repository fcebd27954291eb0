/**
 * /mutate's JSONPatch (RFC 6902): pin each container image's tag to the digest it resolves to
 * now (keeping the tag for readability: `nginx:1.27@sha256:…`) and set imagePullPolicy when the
 * policy's spec.mutation says so (never overriding an explicit choice: see computePatch).
 * Images already pinned and exempt images are left alone. Unparseable images, registries off
 * the allow-list and look-up failures (registry unreachable, deadline) leave the image unpinned
 * with a warning saying why: mutation fails open, validation decides (requireDigest).
 */

import { type ImageSite, podOf } from "../k8s/workload.js";
import { type ImageInspector, outsideAllowedRegistries } from "../policy/inspector.js";
import { matchAny } from "../policy/patterns.js";
import type { ImagePolicy } from "../policy/types.js";
import { parseReference, type Reference } from "../reference/index.js";
import type { ReviewLimits } from "./lookups.js";

export interface PatchOp {
  op: "add" | "replace";
  path: string;
  value: unknown;
}

function pointer(path: (string | number)[]): string {
  return `/${path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}

/** Look-ups in flight are bounded by the server's limiter when there is one. */
async function resolveBounded(
  inspector: ImageInspector,
  ref: Reference,
  platform: string | undefined,
  signal: AbortSignal,
  limits?: ReviewLimits,
): Promise<string> {
  const release = await limits?.lookups.acquire();
  try {
    return await inspector.resolveDigest(ref, platform, signal);
  } finally {
    release?.();
  }
}

/**
 * Pin one container's image: the digest it resolves to now, or why it was not pinned (a
 * warning) — undefined when there is nothing to pin (already by digest, exempt).
 */
async function pinOne(
  policy: ImagePolicy,
  c: ImageSite,
  inspector: ImageInspector,
  signal: AbortSignal,
  limits?: ReviewLimits,
): Promise<{ pinned?: string; skipped?: string; byDigest: boolean }> {
  const m = policy.spec.mutation;
  let ref: Reference;
  try {
    ref = parseReference(c.image, { strictHost: true });
  } catch (err) {
    return {
      byDigest: false,
      skipped: `portcullis did not pin ${c.image} of ${c.subject}: not a valid image reference (${(err as Error).message})`,
    };
  }
  if (ref.digest) return { byDigest: true };
  if (!m?.pinDigests || matchAny(policy.spec.exemptions?.images, ref.name)) return { byDigest: false };
  // Never contact a registry the policy's allow-list leaves out (validation decides the image).
  if (outsideAllowedRegistries(policy, ref))
    return {
      byDigest: false,
      skipped: `portcullis did not pin ${c.image} of ${c.subject}: its registry is not in spec.rules.allowedRegistries, so it was not looked up`,
    };
  try {
    const digest = await resolveBounded(inspector, ref, m.platform, signal, limits);
    return { byDigest: true, pinned: `${c.image}@${digest}` };
  } catch (err) {
    return {
      byDigest: false,
      skipped: `portcullis could not pin ${c.image} of ${c.subject} to a digest (${(err as Error).message}); admitted unpinned`,
    };
  }
}

/**
 * The patch for an object. imagePullPolicy is set only where the container has none and its
 * image is pinned by digest (already, or by this mutation), or where this mutation pinned the
 * image; `Never` is never touched, and an explicit policy on an image this mutation did not pin
 * is the author's choice. Setting IfNotPresent on an unpinned tag would create the very
 * finding `lint` reports (image-pull-policy-mutable-tag).
 */
export async function computePatch(
  policy: ImagePolicy,
  obj: Record<string, unknown>,
  inspector: ImageInspector,
  signal: AbortSignal,
  limits?: ReviewLimits,
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
      const r = await pinOne(policy, c, inspector, signal, limits);
      if (r.pinned) ops.push({ op: "replace", path: pointer([...c.path]), value: r.pinned });
      if (r.skipped) warnings.push(r.skipped);
      const current = c.pullPolicy;
      if (!m.imagePullPolicy || current === m.imagePullPolicy || current === "Never") return;
      if (r.pinned || (current === undefined && r.byDigest)) {
        ops.push({
          op: current === undefined ? "add" : "replace",
          path: pointer([...c.pullPolicyPath]),
          value: m.imagePullPolicy,
        });
      }
    }),
  );
  // Stable order: by path, image before imagePullPolicy.
  ops.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  warnings.sort();
  return { ops, warnings };
}
