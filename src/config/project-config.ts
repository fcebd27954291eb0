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
import { didYouMean } from "./did-you-mean.js";
import { aliasProblem, decodeConfigBytes, type YamlProblem } from "./safe-yaml.js";

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

/** Every problem of one config file (all of them, so one run shows them all), each with line:column. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly file: string,
    readonly problems: YamlProblem[],
  ) {
    // Line 0: the problem is with the file as a whole (e.g. it cannot be read).
    super(
      problems
        .map((p) => (p.line > 0 ? `${file}:${p.line}:${p.column}: ${p.message}` : `${file}: ${p.message}`))
        .join("\n"),
    );
  }
  get line(): number {
    return this.problems[0]?.line ?? 0;
  }
}

/** What the config may name: rule ids (and prefixes such as `pss-restricted`) that exist. */
export interface ConfigOptions {
  /** Known rule ids and prefixes; when given, unknown ids in `rules` and `ignore` are errors. */
  knownRules?: ReadonlySet<string>;
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
export function loadProjectConfig(
  opts: { configFile?: string; inputs?: string[] } & ConfigOptions,
): ProjectConfig {
  const file =
    opts.configFile ??
    (opts.inputs ?? [])
      .filter((i) => i !== "-")
      .map(findProjectConfig)
      .find((f) => f !== undefined);
  if (!file) return defaultProjectConfig();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "EISDIR"
        ? "is a directory; --config takes the file (.portcullis.yaml)"
        : code === "ENOENT"
          ? "no such file"
          : (err as Error).message;
    throw new ConfigError(file, [{ line: 0, column: 0, message: `cannot read config file: ${why}` }]);
  }
  const decoded = decodeConfigBytes(bytes, file);
  if (decoded.problem) throw new ConfigError(file, [decoded.problem]);
  return parseProjectConfig(decoded.text, file, opts);
}

const KEYS = "rules, ignore, requireDigest, privateRegistries, allowedRegistries";

/** Parse config text; throws one ConfigError listing every problem found. */
export function parseProjectConfig(text: string, file: string, opts: ConfigOptions = {}): ProjectConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const problems: YamlProblem[] = [];
  const report = (node: unknown, message: string): undefined => {
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    const pos = range ? lc.linePos(range[0]) : { line: 1, col: 1 };
    problems.push({ line: pos.line, column: pos.col, message });
    return undefined;
  };
  for (const e of doc.errors) {
    const p = e.linePos?.[0] ?? { line: 1, col: 1 };
    problems.push({ line: p.line, column: p.col, message: `YAML syntax error: ${e.message.split("\n")[0]}` });
  }
  const bomb = problems.length === 0 ? aliasProblem(doc, lc) : undefined;
  if (bomb) problems.push(bomb);
  if (problems.length > 0) throw new ConfigError(file, problems);

  const cfg = defaultProjectConfig();
  cfg.file = file;
  const root = doc.contents;
  if (root === null || root === undefined) return cfg;
  if (!isMap(root)) {
    report(root, `expected a mapping with keys ${KEYS}`);
    throw new ConfigError(file, problems);
  }
  const known = opts.knownRules;
  const checkRuleId = (node: unknown, id: string, where: string) => {
    if (!known || known.has(id) || id === "*" || id === "all") return;
    report(node, `${where}: unknown rule id '${id}'${didYouMean(id, known)}`);
  };
  const stringList = (node: unknown, key: string): string[] => {
    if (!isSeq(node)) return report(node, `${key}: expected a list of strings`) ?? [];
    const out: string[] = [];
    for (const item of node.items) {
      if (!isScalar(item) || typeof item.value !== "string") report(item, `${key}: expected a string`);
      else out.push(item.value);
    }
    return out;
  };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    const value = pair.value;
    switch (key) {
      case "rules": {
        if (!isMap(value)) {
          report(value ?? pair.key, "rules: expected a mapping of rule id to off|low|medium|high|critical");
          break;
        }
        for (const rp of value.items) {
          if (!isScalar(rp.key)) {
            report(rp.key, "rules: expected a rule id");
            continue;
          }
          const id = String(rp.key.value);
          checkRuleId(rp.key, id, "rules");
          const v = isScalar(rp.value) ? String(rp.value.value) : "";
          if (v !== "off" && !isSeverity(v)) {
            report(
              rp.value ?? rp.key,
              `rules.${id}: expected off, low, medium, high or critical, got '${v}'`,
            );
            continue;
          }
          cfg.rules[id] = v as RuleSetting;
        }
        break;
      }
      case "ignore": {
        cfg.ignore = stringList(value, key);
        if (isSeq(value)) {
          value.items.forEach((item, i) => {
            if (isScalar(item) && typeof item.value === "string")
              checkRuleId(item, item.value, `ignore[${i}]`);
          });
        }
        break;
      }
      case "requireDigest": {
        const v = isScalar(value) ? String(value.value) : "";
        if (v !== "off" && v !== "warn" && v !== "error")
          report(value ?? pair.key, `requireDigest: expected off, warn or error, got '${v}'`);
        else cfg.requireDigest = v;
        break;
      }
      case "privateRegistries":
        cfg.privateRegistries = stringList(value, key);
        break;
      case "allowedRegistries":
        cfg.allowedRegistries = stringList(value, key);
        break;
      default:
        report(pair.key, `unknown key '${key}'${didYouMean(key, KEYS.split(", "))} (expected ${KEYS})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  return cfg;
}

/** The severity a rule runs at under this config, or "off". */
export function ruleSetting(cfg: ProjectConfig, ruleId: string, defaultSeverity: Severity): RuleSetting {
  if (cfg.ignore.includes(ruleId)) return "off";
  return cfg.rules[ruleId] ?? defaultSeverity;
}
