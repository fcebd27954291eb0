/**
 * The project configuration file `.portcullis.yaml`, shared by `lint k8s` and `lint dockerfile`:
 * rule severities and ignores, private and allowed registries, the digest requirement. Found
 * by searching upward from the inputs (or given with --config). Not the admission policy
 * (that is the ImagePolicy file of src/policy/).
 *
 *   # .portcullis.yaml
 *   rules:
 *     image-no-digest: off          # off | low | medium | high | critical
 *     container-cpu-limit-missing: low
 *   ignore: [dockerfile-expose-ssh] # rule ids never reported
 *   requireDigest: warn             # off | warn | error  (the image-no-digest rule)
 *   privateRegistries: ["registry.example.com", "*.corp.example"]
 *   allowedRegistries: ["docker.io/library/*", "ghcr.io/my-org/**"]
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { isSeverity, type Severity } from "../report/finding.js";

export const CONFIG_FILE_NAMES = [".portcullis.yaml", ".portcullis.yml"];

export type RuleSetting = Severity | "off";

export interface ProjectConfig {
  /** Where it was read from; undefined for the built-in defaults. */
  file?: string;
  rules: Record<string, RuleSetting>;
  ignore: string[];
  requireDigest: "off" | "warn" | "error";
  privateRegistries: string[];
  allowedRegistries: string[];
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(line > 0 ? `${file}:${line}:${column}: ${message}` : `${file}: ${message}`);
  }
}

export function defaultProjectConfig(): ProjectConfig {
  return { rules: {}, ignore: [], requireDigest: "warn", privateRegistries: [], allowedRegistries: [] };
}

/** Search upward from `start` (a file or directory) for a config file. */
export function findProjectConfig(start: string): string | undefined {
  let dir = resolve(start);
  if (existsSync(dir) && !isDirectory(dir)) dir = dirname(dir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Load the config given explicitly, or the first found upward from the first input. */
export function loadProjectConfig(opts: { configFile?: string; inputs?: string[] }): ProjectConfig {
  const file =
    opts.configFile ??
    (opts.inputs ?? [])
      .filter((i) => i !== "-")
      .map(findProjectConfig)
      .find((f) => f !== undefined);
  if (!file) return defaultProjectConfig();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "EISDIR"
        ? "is a directory; --config takes the file (.portcullis.yaml)"
        : code === "ENOENT"
          ? "no such file"
          : (err as Error).message;
    throw new ConfigError(file, 0, 0, `cannot read config file: ${why}`);
  }
  return parseProjectConfig(text, file);
}

export function parseProjectConfig(text: string, file: string): ProjectConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const at = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    const pos = range ? lc.linePos(range[0]) : { line: 1, col: 1 };
    return pos;
  };
  const fail = (node: unknown, message: string): never => {
    const p = at(node);
    throw new ConfigError(file, p.line, p.col, message);
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const p = e.linePos?.[0] ?? { line: 1, col: 1 };
    throw new ConfigError(file, p.line, p.col, `YAML syntax error: ${e.message.split("\n")[0]}`);
  }
  const cfg = defaultProjectConfig();
  cfg.file = file;
  const root = doc.contents;
  if (root === null || root === undefined) return cfg;
  if (!isMap(root))
    return fail(
      root,
      "expected a mapping with keys rules, ignore, requireDigest, privateRegistries, allowedRegistries",
    );
  const stringList = (node: unknown, key: string): string[] => {
    if (!isSeq(node)) return fail(node, `${key}: expected a list of strings`);
    return node.items.map((item) => {
      if (!isScalar(item) || typeof item.value !== "string") return fail(item, `${key}: expected a string`);
      return item.value;
    });
  };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    const value = pair.value;
    switch (key) {
      case "rules": {
        if (!isMap(value))
          return fail(
            value ?? pair.key,
            "rules: expected a mapping of rule id to off|low|medium|high|critical",
          );
        for (const rp of value.items) {
          const id = isScalar(rp.key) ? String(rp.key.value) : fail(rp.key, "rules: expected a rule id");
          const v = isScalar(rp.value) ? String(rp.value.value) : "";
          if (v !== "off" && !isSeverity(v))
            return fail(
              rp.value ?? rp.key,
              `rules.${id}: expected off, low, medium, high or critical, got '${v}'`,
            );
          cfg.rules[id] = v as RuleSetting;
        }
        break;
      }
      case "ignore":
        cfg.ignore = stringList(value, key);
        break;
      case "requireDigest": {
        const v = isScalar(value) ? String(value.value) : "";
        if (v !== "off" && v !== "warn" && v !== "error")
          return fail(value ?? pair.key, `requireDigest: expected off, warn or error, got '${v}'`);
        cfg.requireDigest = v;
        break;
      }
      case "privateRegistries":
        cfg.privateRegistries = stringList(value, key);
        break;
      case "allowedRegistries":
        cfg.allowedRegistries = stringList(value, key);
        break;
      default:
        return fail(
          pair.key,
          `unknown key '${key}' (expected rules, ignore, requireDigest, privateRegistries, allowedRegistries)`,
        );
    }
  }
  return cfg;
}

/** The severity a rule runs at under this config, or "off". */
export function ruleSetting(cfg: ProjectConfig, ruleId: string, defaultSeverity: Severity): RuleSetting {
  if (cfg.ignore.includes(ruleId)) return "off";
  return cfg.rules[ruleId] ?? defaultSeverity;
}
