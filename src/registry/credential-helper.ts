/**
 * Running Docker credential helpers (`docker-credential-<name> get`) safely: the binary name is
 * validated, run with execFile (no shell), the server URL goes on stdin, and a timeout bounds it.
 * The helper's answer `{ServerURL, Username, Secret}` becomes a Credential. Not for `store`/`erase`.
 */
import { execFile } from "node:child_process";
import type { Credential } from "./credential.js";
import { RegistryError } from "./errors.js";

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export async function runCredentialHelper(
  helper: string,
  serverUrl: string,
  registry: string,
  timeoutMs = 30_000,
): Promise<Credential | undefined> {
  if (!HELPER_NAME.test(helper)) {
    throw new RegistryError(
      "CREDENTIALS",
      registry,
      `invalid credential helper name ${JSON.stringify(helper)}`,
    );
  }
  const bin = `docker-credential-${helper}`;
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      bin,
      ["get"],
      { timeout: timeoutMs, maxBuffer: 1 << 20, windowsHide: true, shell: false },
      (err, stdout, stderr) => {
        if (err) {
          const text = `${stdout}${stderr}`;
          // The conventional "not found" answers: no credentials for this server, not a failure.
          if (/credentials not found|not found in native keychain|no credentials/i.test(text)) {
            resolve("");
            return;
          }
          const why =
            (err as NodeJS.ErrnoException).code === "ENOENT"
              ? `${bin} is not on PATH`
              : `${bin} get failed${stderr.trim() ? `: ${stderr.trim().split("\n")[0].slice(0, 200)}` : ""}`;
          reject(new RegistryError("CREDENTIALS", registry, `credential helper: ${why}`, { cause: err }));
          return;
        }
        resolve(stdout);
      },
    );
    child.stdin?.end(serverUrl);
  });
  if (!out.trim()) return undefined;
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(out) as { Username?: string; Secret?: string };
  } catch {
    throw new RegistryError(
      "CREDENTIALS",
      registry,
      `credential helper ${bin} printed something that is not JSON`,
    );
  }
  if (!parsed.Secret) return undefined;
  if (parsed.Username === "<token>")
    return { identityToken: parsed.Secret, source: `credential helper ${bin}` };
  return { username: parsed.Username ?? "", password: parsed.Secret, source: `credential helper ${bin}` };
}
