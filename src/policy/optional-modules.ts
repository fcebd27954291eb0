/**
 * Modules of Portcullis that the policy engine uses when present (Pod Security evaluation) or
 * exposes to callers (registry, signing), loaded once by loadOptionalModules(). Signature and
 * attestation verification no longer go through here: the inspector imports src/sign directly.
 * A rule whose capability is missing reports "not yet available in this build", never a pass.
 */

export type PodSecurityFn = (
  obj: unknown,
  opts: { level: "baseline" | "restricted"; version?: string },
) => { allowed: boolean; violations: { check: string; message: string; fields?: (string | number)[][] }[] };

export interface OptionalModules {
  evaluatePodSecurity?: PodSecurityFn;
  /** The registry module's exports (RegistryClient, RegistryError), when present. */
  registry?: Record<string, unknown>;
  /** The signing module's exports, when present. */
  sign?: Record<string, unknown>;
}

export const optional: OptionalModules = {};
let loading: Promise<OptionalModules> | undefined;

async function tryImport(spec: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return undefined;
    throw err;
  }
}

/** Load what exists; safe to call many times. */
export function loadOptionalModules(): Promise<OptionalModules> {
  loading ??= (async () => {
    // Specifiers in variables: these folders may not exist when this file is typechecked.
    const pssSpec = "../pss/index.js";
    const registrySpec = "../registry/index.js";
    const signSpec = "../sign/index.js";
    const pss = await tryImport(pssSpec);
    if (typeof pss?.evaluatePodSecurity === "function") {
      optional.evaluatePodSecurity = pss.evaluatePodSecurity as PodSecurityFn;
    }
    optional.registry = await tryImport(registrySpec);
    optional.sign = await tryImport(signSpec);
    return optional;
  })();
  return loading;
}
