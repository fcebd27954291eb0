/**
 * Where the vulnerability database lives: `--db` (a file path or a `postgres://` URL), else
 * `PORTCULLIS_DB`, else `$XDG_CACHE_HOME/portcullis/vuln.db` (`~/.cache` when XDG_CACHE_HOME is
 * unset or not absolute, as the XDG base directory specification says).
 */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const cache = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".cache");
  return join(cache, "portcullis", "vuln.db");
}

/** The location to use: the flag, then PORTCULLIS_DB, then the default cache path. */
export function resolveDbLocation(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = flag || env.PORTCULLIS_DB;
  if (!given) return defaultDbPath(env);
  return isPostgresUrl(given) ? given : resolve(given);
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A location fit for messages: a PostgreSQL URL without its password. */
export function displayLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const u = new URL(location);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}
