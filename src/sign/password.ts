/**
 * Where a key password comes from: PORTCULLIS_PASSWORD, then COSIGN_PASSWORD (set but empty means
 * an empty password, as with cosign), else a prompt on the terminal without echo. Without a
 * terminal and without either variable, a typed error says what to set.
 */
import { KeyFormatError } from "./errors.js";

export function passwordFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.PORTCULLIS_PASSWORD ?? env.COSIGN_PASSWORD;
}

/** Read a line from the TTY without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let value = "";
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (err?: Error) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.removeListener("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done();
        if (ch === "\u0003") return done(new Error("interrupted"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** The password for an existing key (one prompt). */
export async function readPassword(source: string): Promise<string> {
  const env = passwordFromEnv();
  if (env !== undefined) return env;
  if (!process.stdin.isTTY)
    throw new KeyFormatError(
      "KEY_NO_PASSWORD",
      source,
      "the key is encrypted: set PORTCULLIS_PASSWORD (or COSIGN_PASSWORD), or run on a terminal to be asked",
    );
  return promptHidden(`Enter password for private key ${source}: `);
}

/** A new password (asked twice on a terminal). */
export async function readNewPassword(target: string): Promise<string> {
  const env = passwordFromEnv();
  if (env !== undefined) return env;
  if (!process.stdin.isTTY)
    throw new KeyFormatError(
      "KEY_NO_PASSWORD",
      target,
      "set PORTCULLIS_PASSWORD (or COSIGN_PASSWORD) to the password for the new key, or run on a terminal",
    );
  const a = await promptHidden(`Enter password for private key ${target}: `);
  const b = await promptHidden("Enter password for private key again: ");
  if (a !== b) throw new KeyFormatError("KEY_NO_PASSWORD", target, "the passwords do not match");
  return a;
}
