/**
 * Which directories a RUN's `--mount`s keep out of the image: a `cache` or `tmpfs` mount hides
 * its target and everything below it for the duration of the RUN, so files written there never
 * reach the layer. Shared by the cache rules (apt lists, apk index, pip cache) so they agree on
 * what a mount covers: the directory itself or any ancestor of it, never a subdirectory.
 */
import type { Mount } from "../../dockerfile/model.js";

/** `/a//b/` → `/a/b`; relative targets are left relative (they cannot be compared). */
export function normalizeDir(dir: string): string {
  const collapsed = dir.replace(/\/{2,}/g, "/");
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, "") : collapsed;
}

/** Whether a cache or tmpfs mount of this RUN covers `dir` (is `dir` or an ancestor of it). */
export function mountCovers(mounts: readonly Mount[], dir: string): boolean {
  const want = normalizeDir(dir);
  return mounts.some((m) => {
    if ((m.type !== "cache" && m.type !== "tmpfs") || !m.target) return false;
    const target = normalizeDir(m.target);
    return target === want || target === "/" || want.startsWith(`${target}/`);
  });
}

/** The mount targets (of cache/tmpfs mounts) that match a test, e.g. "ends in /.cache/pip". */
export function mountTargets(mounts: readonly Mount[]): string[] {
  return mounts
    .filter((m) => (m.type === "cache" || m.type === "tmpfs") && m.target)
    .map((m) => normalizeDir(m.target as string));
}
