import assert from "node:assert/strict";
import { test } from "node:test";
import { argsNoFlags, parseShell } from "../../src/dockerfile/shell.js";

const names = (s: string) => parseShell(s).commands.map((c) => c.name);
const args = (s: string, i = 0) => parseShell(s).commands[i].args.map((a) => a.text);

test("commands across && || ; | and newlines, with quotes removed", () => {
  assert.deepEqual(names("apt-get update && apt-get install -y 'a b' || true; echo \"x\" | wc -l\nls"), [
    "apt-get",
    "apt-get",
    "true",
    "echo",
    "wc",
    "ls",
  ]);
  assert.deepEqual(args("apt-get install -y 'a b' \"c\"d e\\ f"), ["install", "-y", "a b", "cd", "e f"]);
});

test("expansions become ${VAR}; nested commands are found", () => {
  const p = parseShell('pip install "$(cat reqs)" x`which y` ${V:-1}');
  assert.deepEqual(
    p.commands.map((c) => c.name),
    ["pip", "cat", "which"],
  );
  assert.deepEqual(
    p.commands[0].args.map((a) => a.text),
    ["install", "${VAR}", "x${VAR}", "${VAR}"],
  );
  assert.equal(p.commands[0].args[1].literal, false);
});

test("assignments, redirections and heredoc bodies are not arguments", () => {
  const p = parseShell(
    "PIP_NO_CACHE_DIR=1 DEBIAN_FRONTEND=noninteractive pip install x > /log 2>&1\ncat <<EOF > /f\nrm -rf /\nEOF\necho ok",
  );
  assert.deepEqual(
    p.commands[0].assignments.map((a) => a.name),
    ["PIP_NO_CACHE_DIR", "DEBIAN_FRONTEND"],
  );
  assert.deepEqual(
    p.commands[0].args.map((a) => a.text),
    ["install", "x"],
  );
  assert.deepEqual(
    p.commands.map((c) => c.name),
    ["pip", "cat", "echo"],
  );
});

test("compound commands: if, for, while, case, subshells, braces, [[ ]]", () => {
  const s = `if [ -f x ]; then apk add a; else apk add b; fi
for f in a b; do rm $f; done
while read l; do echo $l; done < f
case "$(uname -m)" in x86_64) A=amd64 ;; aarch64) curl x ;; esac
(cd /x && make) ; { npm ci; }
[[ -n "$X" ]] && gem install y`;
  assert.deepEqual(names(s), [
    "[",
    "apk",
    "apk",
    "rm",
    "read",
    "echo",
    "uname",
    "curl",
    "cd",
    "make",
    "npm",
    "gem",
  ]);
});

test("pipelines and pipes", () => {
  const p = parseShell("curl -s x | tar xz && a || b");
  assert.equal(p.hasPipes, true);
  assert.deepEqual(
    p.pipelines.map((pl) => pl.map((c) => c.name)),
    [["curl", "tar"]],
  );
  assert.equal(parseShell("a || b && c").hasPipes, false);
});

test("flags and flag values like hadolint reads them", () => {
  const cmd = parseShell("apk add --virtual .deps -X https://r gcc=1 --repository=https://s make")
    .commands[0];
  assert.deepEqual(
    argsNoFlags(cmd, ["virtual", "X", "repository"]).map((w) => w.text),
    ["add", "gcc=1", "make"],
  );
});

test("word offsets point into the script", () => {
  const s = "echo a && pip install flask";
  const c = parseShell(s).commands[1];
  assert.equal(s.slice(c.word0.start, c.word0.end), "pip");
  assert.equal(s.slice(c.args[1].start, c.args[1].end), "flask");
});

test("busybox/command/exec name the effective command", () => {
  assert.deepEqual(names("busybox wget x; command -v foo; exec gosu app node"), ["wget", "command", "gosu"]);
});
