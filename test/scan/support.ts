/**
 * Scan test support: a vulnerability database built from the shared vectors (OSV records, the
 * Alpine 3.18 secdb entries for busybox and openssl, the derived Debian bookworm tracker file)
 * through src/vulndb's importers, in a temporary folder. Undefined when the vectors are absent.
 */
import { join } from "node:path";
import { importFeeds, openVulnStore } from "../../src/vulndb/index.js";
import { vectorPath } from "../support/shared.js";

export function sharedFeeds(): string[] | undefined {
  const feeds = [
    vectorPath("osv", "records"),
    vectorPath("osv", "alpine-secdb", "v3.18-main-busybox.vuln-list.json"),
    vectorPath("osv", "alpine-secdb", "v3.18-main-openssl.vuln-list.json"),
    vectorPath("vulndata", "debian", "bookworm-tracker-shared.json"),
  ];
  return feeds.every((f): f is string => typeof f === "string") ? feeds : undefined;
}

/** Build `<dir>/vuln.db` from the shared feeds; returns its path. */
export async function buildSharedDb(dir: string): Promise<string | undefined> {
  const feeds = sharedFeeds();
  if (!feeds) return undefined;
  const path = join(dir, "vuln.db");
  const db = await openVulnStore(path, { write: true });
  try {
    await importFeeds(db, feeds);
  } finally {
    await db.close();
  }
  return path;
}
