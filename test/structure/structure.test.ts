/**
 * Structure facts anyone can check: no import cycle in src/ (madge), no CLI verb importing
 * another verb (the CLI is a thin layer over the library; shared flags live in src/cli/*.ts),
 * and no function over 150 lines in src/webhook and src/policy (issue 12), nor in the areas
 * added since (src/audit, src/monitor, src/scan).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { before, describe, it } from "node:test";
import madge from "madge";
import ts from "typescript";
import { repoRoot } from "../support/shared.js";

const SRC = join(repoRoot, "src");
const MAX_FUNCTION_LINES = 150;

let graph: Record<string, string[]>;
let cycles: string[][];

before(async () => {
  const result = await madge(SRC, {
    fileExtensions: ["ts"],
    tsConfig: join(repoRoot, "tsconfig.json"),
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
  graph = result.obj();
  cycles = result.circular();
});

describe("module structure of src/", () => {
  it("the import graph is read (the check below is real)", () => {
    assert.ok(Object.keys(graph).length > 100, `only ${Object.keys(graph).length} modules found`);
    assert.ok(graph["cli/verbs/sbom.ts"]?.includes("cli/registry-options.ts"));
  });

  it("has no import cycle", () => {
    assert.deepEqual(
      cycles.map((c) => c.join(" > ")),
      [],
      "import cycles (break them by moving the shared types or helpers to a lower module)",
    );
  });

  it("no src/cli/verbs/* module imports another verb", () => {
    const offenders: string[] = [];
    for (const [file, deps] of Object.entries(graph)) {
      if (!file.startsWith("cli/verbs/")) continue;
      for (const d of deps) if (d.startsWith("cli/verbs/")) offenders.push(`${file} imports ${d}`);
    }
    assert.deepEqual(offenders, [], "put what verbs share in src/cli/*.ts (options, errors, files)");
  });
});

/** Every function-like node of a file with its line count, named as a reader would find it. */
function longFunctions(file: string, max: number): string[] {
  const text = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const nameOf = (node: ts.Node): string => {
    const named = node as ts.Node & { name?: ts.Node };
    if (named.name && ts.isIdentifier(named.name)) return named.name.text;
    if (named.name && ts.isPropertyName(named.name)) return named.name.getText(sf);
    const parent = node.parent;
    if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
    if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
    if (ts.isConstructorDeclaration(node)) return "constructor";
    return "(anonymous)";
  };
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const lines = end - start + 1;
      if (lines > max) out.push(`${relative(repoRoot, file)}:${start} ${nameOf(node)} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

const LENGTH_CHECKED = ["webhook", "policy", "audit", "monitor", "scan"];

describe(`function length in src/${LENGTH_CHECKED.join(", src/")}`, () => {
  it("the measure finds a long function when there is one", () => {
    // With a 40-line limit something in src/ is always over it: proves the counter counts.
    const all = tsFiles(SRC).flatMap((f) => longFunctions(f, 40));
    assert.ok(all.length > 0, "no function over 40 lines anywhere: the counter is broken");
  });

  const offenders = LENGTH_CHECKED.flatMap((d) =>
    tsFiles(join(SRC, d)).flatMap((f) => longFunctions(f, MAX_FUNCTION_LINES)),
  );
  it(`no function is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    assert.deepEqual(offenders, []);
  });
});
