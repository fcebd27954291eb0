import assert from "node:assert/strict";
import { test } from "node:test";
import { DockerfileSyntaxError, parseDockerfile, parseMount, runScript } from "../../src/dockerfile/index.js";

function syntaxError(text: string): DockerfileSyntaxError {
  try {
    parseDockerfile(text, { file: "bad/Dockerfile" });
  } catch (err) {
    assert.ok(err instanceof DockerfileSyntaxError, `unexpected ${String(err)}`);
    return err;
  }
  assert.fail("expected a syntax error");
}

test("instructions keep exact line and column; continuations are joined", () => {
  const df = parseDockerfile(
    "FROM alpine:3.20\n\n  RUN apk add \\\n      curl \\\n# a comment inside\n      jq\nUSER app\n",
  );
  assert.equal(df.instructions.length, 3);
  const run = df.instructions[1];
  assert.equal(run.keyword, "RUN");
  assert.deepEqual(run.span.start, { line: 3, column: 3 });
  assert.equal(run.span.end.line, 6);
  assert.equal(run.args.replace(/\s+/g, " "), "apk add curl jq");
  // offsets in the joined args map back to the physical line
  const jq = run.args.indexOf("jq");
  assert.deepEqual(run.positionOf(jq), { line: 6, column: 7 });
  assert.equal(df.comments.get(5), "a comment inside");
});

test("parser directives: syntax and a backtick escape", () => {
  const df = parseDockerfile(
    "# syntax=docker/dockerfile:1.7\n# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n  c:\\\nUSER ContainerUser\n",
  );
  assert.equal(df.directives.syntax, "docker/dockerfile:1.7");
  assert.equal(df.directives.escape, "`");
  assert.equal(df.instructions[1].args.replace(/\s+/g, " "), "dir c:\\");
  assert.equal(df.instructions.length, 3);
});

test("a directive after a comment is only a comment", () => {
  const df = parseDockerfile("# hello\n# escape=`\nFROM scratch\n");
  assert.equal(df.directives.escape, "\\");
});

test("heredocs: body, <<- tab stripping, multiple, and the RUN script", () => {
  const df = parseDockerfile(
    "FROM alpine:3.20\nRUN <<EOF\napk add --no-cache curl\necho done\nEOF\nCOPY <<-A /a <<'B' /b\n\tone\n\tA\ntwo $X\nB\nUSER app\n",
  );
  const [, run, copy, user] = df.instructions;
  assert.equal(run.heredocs[0].name, "EOF");
  assert.equal(run.heredocs[0].body, "apk add --no-cache curl\necho done");
  assert.equal(copy.heredocs.length, 2);
  assert.equal(copy.heredocs[0].body, "one");
  assert.equal(copy.heredocs[1].body, "two $X");
  assert.equal(copy.heredocs[1].quoted, true);
  assert.equal(user.span.start.line, 11);
  const script = runScript(run);
  assert.deepEqual(
    script.shell.commands.map((c) => c.name),
    ["apk", "echo"],
  );
  assert.deepEqual(script.positionOf(script.shell.commands[0].word0.start), { line: 3, column: 1 });
});

test("exec and shell forms", () => {
  const df = parseDockerfile(
    'FROM scratch\nCMD ["node", "server.js"]\nENTRYPOINT /bin/start\nRUN [not json\n',
  );
  assert.deepEqual(df.instructions[1].json, ["node", "server.js"]);
  assert.equal(df.instructions[2].json, undefined);
  assert.equal(df.instructions[3].json, undefined);
});

test("ARG substitution in FROM: defaults, --build-arg, ${X:-default}, unresolved", () => {
  const text =
    "ARG REG=ghcr.io\nARG BASE\nARG TAG=3.12\nFROM ${REG}/org/python:${TAG} AS build\nFROM ${BASE:-debian:12-slim}\nFROM $UNKNOWN\n";
  const df = parseDockerfile(text);
  assert.equal(df.stages[0].base.resolved, "ghcr.io/org/python:3.12");
  assert.equal(df.stages[0].base.registry, "ghcr.io");
  assert.equal(df.stages[0].base.tag, "3.12");
  assert.equal(df.stages[1].base.resolved, "debian:12-slim");
  assert.equal(df.stages[1].base.familiar, "debian");
  assert.equal(df.stages[2].base.unresolved, true);
  const over = parseDockerfile(text, { buildArgs: { TAG: "3.13", BASE: "alpine:3.20", NOTDECLARED: "x" } });
  assert.equal(over.stages[0].base.tag, "3.13");
  assert.equal(over.stages[1].base.resolved, "alpine:3.20");
  assert.equal(over.globalArgs.get("TAG"), "3.13");
});

test("multi-stage: names, stage references, --platform, COPY --from, RUN --mount", () => {
  const df = parseDockerfile(
    "FROM --platform=$BUILDPLATFORM golang:1.23 AS Build\nRUN --mount=type=cache,target=/root/.cache/go-build,id=gb go build\nFROM build AS test\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build --chown=1:1 /out /app\n",
  );
  assert.equal(df.stages.length, 3);
  assert.equal(df.stages[0].name, "Build");
  assert.equal(df.stages[0].platform, "$BUILDPLATFORM");
  assert.equal(df.stages[1].base.stageRef, 0);
  assert.equal(df.stages[2].base.registry, "gcr.io");
  const copy = df.instructions[4];
  assert.deepEqual(
    copy.flags.map((f) => [f.name, f.value]),
    [
      ["from", "build"],
      ["chown", "1:1"],
    ],
  );
  assert.equal(copy.args, "/out /app");
  assert.equal(copy.stage, 2);
  const mount = parseMount(df.instructions[1].flags[0].value!);
  assert.equal(mount.type, "cache");
  assert.equal(mount.target, "/root/.cache/go-build");
  assert.equal(mount.id, "gb");
});

test("ONBUILD has its trigger instruction", () => {
  const df = parseDockerfile("FROM scratch\nONBUILD RUN make\n");
  assert.equal(df.instructions[1].trigger?.keyword, "RUN");
  assert.equal(df.instructions[1].trigger?.args, "make");
});

test("errors name the line: unknown instruction, unterminated heredoc, no FROM, before FROM", () => {
  let e = syntaxError("FROM scratch\nRUNN make\n");
  assert.equal(e.line, 2);
  assert.match(e.message, /^bad\/Dockerfile:2:1: unknown instruction 'RUNN'/);
  e = syntaxError("FROM scratch\nRUN <<EOF\necho hi\n");
  assert.equal(e.line, 2);
  assert.match(e.reason, /unterminated heredoc.*EOF/);
  e = syntaxError("ARG A=1\n");
  assert.match(e.reason, /no FROM/);
  e = syntaxError("RUN echo\nFROM scratch\n");
  assert.equal(e.line, 1);
  assert.match(e.reason, /before the first FROM/);
  e = syntaxError("FROM a b c d\n");
  assert.match(e.reason, /FROM expects/);
  e = syntaxError("# escape=x\nFROM scratch\n");
  assert.equal(e.line, 1);
});
