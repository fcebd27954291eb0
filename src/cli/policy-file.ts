/** The --policy flag's file, loaded for a verb (check, webhook serve): every problem at once, exit 2. */
import { loadPolicyFile, PolicyError } from "../policy/load.js";
import type { LoadedPolicy } from "../policy/types.js";
import { UsageError } from "./errors.js";

/** Load --policy or throw a UsageError listing every problem with file:line:column. */
export function requirePolicy(file: string | undefined): LoadedPolicy {
  if (!file)
    throw new UsageError("--policy FILE is required (portcullis policy init writes a starter policy)");
  try {
    return loadPolicyFile(file);
  } catch (err) {
    if (err instanceof PolicyError) throw new UsageError(`invalid policy:\n${err.message}`);
    throw err;
  }
}
