/**
 * A throwaway PostgreSQL cluster for tests and benches: `initdb` + `pg_ctl` from Debian's
 * postgresql package (/usr/lib/postgresql/<v>/bin), run as a non-root user (PostgreSQL refuses
 * root: `runuser -u postgres --` when the tests run as root), listening only on a Unix socket in
 * a temporary directory, and removed by `stop()`. `startPostgres()` returns undefined (with the
 * reason in `skipReason`) when PostgreSQL is not installed, so callers skip with a message.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PostgresCluster {
  /** postgres:// URL of a fresh, empty database in the cluster. */
  url: string;
  /** Another fresh database in the same cluster (each test table its own). */
  createDatabase(name: string): string;
  stop(): void;
}

export let skipReason = "";

function binDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

function runAs(user: string | undefined, cmd: string, args: string[]): void {
  const [file, argv] = user ? ["runuser", ["-u", user, "--", cmd, ...args]] : [cmd, args];
  execFileSync(file, argv, { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
}

export function startPostgres(): PostgresCluster | undefined {
  const bin = binDir();
  if (!bin) {
    skipReason =
      "skipped: PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb; apt-get install postgresql)";
    return undefined;
  }
  const root = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (root) {
    try {
      uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
      gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    } catch {
      skipReason = "skipped: running as root and there is no 'postgres' user to run PostgreSQL as";
      return undefined;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "portcullis-pg-"));
  chmodSync(dir, 0o755);
  if (root && uid !== undefined && gid !== undefined) chownSync(dir, uid, gid);
  const user = root ? "postgres" : undefined;
  const data = join(dir, "data");
  const port = String(20000 + Math.floor(Math.random() * 20000));
  try {
    runAs(user, join(bin, "initdb"), [
      "-D",
      data,
      "-A",
      "trust",
      "-U",
      "portcullis",
      "--no-sync",
      "-E",
      "UTF8",
    ]);
    runAs(user, join(bin, "pg_ctl"), [
      "-D",
      data,
      "-l",
      join(dir, "log"),
      "-w",
      "-o",
      `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off -c full_page_writes=off`,
      "start",
    ]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const e = err as { stderr?: Buffer; message: string };
    skipReason = `skipped: could not start PostgreSQL: ${e.stderr?.toString().trim() || e.message}`;
    return undefined;
  }
  const urlFor = (db: string) =>
    `postgres://portcullis@localhost/${db}?host=${encodeURIComponent(dir)}&port=${port}`;
  const createDatabase = (name: string) => {
    runAs(user, join(bin, "createdb"), ["-h", dir, "-p", port, "-U", "portcullis", name]);
    return urlFor(name);
  };
  return {
    url: createDatabase("portcullis_test"),
    createDatabase,
    stop() {
      try {
        runAs(user, join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
