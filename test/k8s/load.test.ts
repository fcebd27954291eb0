import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadManifests, parseManifests, STDIN_NAME } from "../../src/k8s/load.js";
import { locate } from "../../src/k8s/source.js";
import { objectsOf, workloadOf } from "../../src/k8s/workload.js";

const POD =
  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: nginx:1\n";

function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "portcullis-k8s-"));
  for (const [name, text] of Object.entries(files)) {
    const p = join(root, name);
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}

describe("loading manifests", () => {
  it("walks directories recursively: *.yaml, *.yml, *.json; skips hidden entries and other files", () => {
    const root = tempTree({
      "a.yaml": POD,
      "sub/b.yml": POD,
      "sub/deeper/c.json": JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "j" } }),
      "README.md": "# not a manifest",
      ".portcullis.yaml": "requireDigest: off\n",
      ".git/x.yaml": POD,
    });
    const set = loadManifests([root]);
    assert.deepEqual(
      set.sources.map((s) => s.file.slice(root.length + 1)),
      ["a.yaml", "sub/b.yml", "sub/deeper/c.json"],
    );
    assert.equal(set.files, 3);
    assert.deepEqual(set.errors, []);
  });
  it("reads - from standard input once", () => {
    let reads = 0;
    const set = loadManifests(["-", "-"], {
      readStdin: () => {
        reads++;
        return `${POD}---\n${POD}`;
      },
    });
    assert.equal(reads, 1);
    assert.equal(set.sources[0].file, STDIN_NAME);
    assert.equal(set.sources[0].documents.length, 2);
  });
  it("reports missing inputs and keeps going", () => {
    const root = tempTree({ "ok.yaml": POD });
    const set = loadManifests([join(root, "missing.yaml"), join(root, "ok.yaml")]);
    assert.deepEqual(set.errors, [
      { file: join(root, "missing.yaml"), message: "no such file or directory" },
    ]);
    assert.equal(set.sources.length, 1);
  });
  it("locates syntax errors and keeps the other documents", () => {
    const set = parseManifests([
      { file: "m.yaml", text: `${POD}---\nkind: ConfigMap\ndata:\n  a: b\n c: d\n---\n${POD}` },
    ]);
    assert.deepEqual(set.errors, [
      {
        file: "m.yaml",
        line: 13,
        column: 1,
        message: "YAML syntax error: All mapping items must start at the same column",
      },
    ]);
    assert.equal(set.sources[0].documents.length, 2);
    assert.deepEqual(
      set.sources[0].documents.map((d) => d.index),
      [0, 2],
    );
  });
  it("expands kind: List and *List, and locates fields inside items", () => {
    const text = [
      "apiVersion: v1",
      "kind: PodList",
      "items:",
      "- apiVersion: v1",
      "  kind: Pod",
      "  metadata: {name: a}",
      "  spec:",
      "    containers:",
      "    - {name: c, image: 'nginx:1'}",
      "",
    ].join("\n");
    const doc = parseManifests([{ file: "l.yaml", text }]).sources[0].documents[0];
    const [obj] = objectsOf(doc);
    assert.deepEqual(obj.path, ["items", 0]);
    const w = workloadOf(obj)!;
    assert.equal(w.containers[0].name, "c");
    assert.deepEqual(locate(doc, [...obj.path, ...w.containers[0].path, "image"]), {
      file: "l.yaml",
      line: 9,
      column: 24,
    });
  });
  it("locate: scalar values, collection keys, and the deepest existing field for missing paths", () => {
    const doc = parseManifests([{ file: "p.yaml", text: POD }]).sources[0].documents[0];
    assert.deepEqual(locate(doc, ["spec", "containers", 0, "image"]), {
      file: "p.yaml",
      line: 8,
      column: 14,
    });
    assert.deepEqual(locate(doc, ["spec", "containers"]), { file: "p.yaml", line: 6, column: 3 });
    assert.deepEqual(locate(doc, ["spec", "containers", 0]), { file: "p.yaml", line: 7, column: 7 });
    assert.deepEqual(locate(doc, ["spec", "containers", 0, "resources", "limits"]), {
      file: "p.yaml",
      line: 7,
      column: 7,
    });
  });
  it("reads YAML 1.1 booleans as Kubernetes does, and resolves anchors and merge keys", () => {
    const text =
      "kind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: yes\n  base: &b {x: 1}\n  merged:\n    <<: *b\n    z: 2\n";
    const doc = parseManifests([{ file: "y.yaml", text }]).sources[0].documents[0];
    const spec = (doc.value as { spec: Record<string, unknown> }).spec;
    assert.equal(spec.hostNetwork, true);
    assert.deepEqual(spec.merged, { x: 1, z: 2 });
  });
  it("refuses alias bombs with a located error instead of hanging", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    }
    const set = parseManifests([{ file: "bomb.yaml", text: `${lines.join("\n")}\n` }]);
    assert.equal(set.errors.length, 1);
    assert.match(set.errors[0].message, /more than 10000 alias expansions/);
    assert.equal(set.errors[0].file, "bomb.yaml");
  });
  it("reads JSON with tabs", () => {
    const set = parseManifests([
      { file: "p.json", text: '{\n\t"kind": "Pod",\n\t"spec": {\n\t\t"containers": []\n\t}\n}\n' },
    ]);
    assert.deepEqual(set.errors, []);
    assert.equal((set.sources[0].documents[0].value as { kind: string }).kind, "Pod");
  });
});
