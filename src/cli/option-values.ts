/**
 * The values of flags shared by many verbs, parsed one way everywhere:
 * - repeatable flags (`--insecure-registry a --insecure-registry b`): one value per flag;
 * - durations (src/shared/duration.ts, as in policy fields and `--since`): `500ms`, `30s`,
 *   `2m`, `1h`, `7d`, and a bare number means SECONDS (`--timeout 10` is
 *   ten seconds, in every verb: registry timeouts, webhook deadlines and cache lifetimes);
 * - platforms: `os/arch[/variant]` with the usual aliases (`aarch64` = `arm64`, `x86_64` =
 *   `amd64`, `armhf` = `arm/v7`, `armel` = `arm/v5`, `i386` = `386`).
 * Every bad value is a UsageError (exit 2) naming the flag.
 */
import { type PlatformSpec, parsePlatform } from "../registry/platform.js";
import { durationMs } from "../shared/duration.js";
import { UsageError } from "./errors.js";

/** Commander's accumulator for a repeatable flag that takes one value each time. */
export function repeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Help text of a duration flag's value. */
export const DURATION_HELP = "500ms, 30s, 2m, 1h; a bare number is seconds";

/** A duration in milliseconds; `allowZero` for lifetimes where 0 means "not cached". */
export function parseDuration(value: string, flag: string, opts: { allowZero?: boolean } = {}): number {
  const ms = durationMs(value, "s");
  if (ms === undefined)
    throw new UsageError(`${flag}: invalid duration ${JSON.stringify(value)} (use ${DURATION_HELP})`);
  if (ms === 0 && !opts.allowZero) throw new UsageError(`${flag} must be greater than zero (got "${value}")`);
  return ms;
}

/** A `--platform` value, aliases applied. */
export function parsePlatformOption(value: string, flag = "--platform"): PlatformSpec {
  try {
    return parsePlatform(value);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}
