/**
 * Pod Security Standards policy versions: parsing `latest` / `v1.N` and comparing them. Versions
 * are kept as the minor number (the major is always 1); `latest` is Infinity, newer than any
 * version, and is clamped to the newest version a check knows of by the registry.
 */

export const LATEST = Number.POSITIVE_INFINITY;

const VERSION_RE = /^v1\.(0|[1-9][0-9]*)$/;

/** The minor of `v1.N`, or LATEST for `latest` / undefined. Throws RangeError otherwise. */
export function parsePolicyVersion(v: string | undefined): number {
  if (v === undefined || v === "latest") return LATEST;
  const m = VERSION_RE.exec(v);
  if (!m) {
    throw new RangeError(
      `invalid Pod Security Standards version ${JSON.stringify(v)}: expected "latest" or "v1.N"`,
    );
  }
  return Number(m[1]);
}

export function formatPolicyVersion(minor: number): string {
  return minor === LATEST ? "latest" : `v1.${minor}`;
}
