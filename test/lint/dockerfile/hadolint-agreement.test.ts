/**
 * Edge cases where Portcullis disagreed with hadolint (issue 14 item 3), each named after the
 * behaviour, with the hadolint spec it follows (hadolint/hadolint test/Hadolint/Rule/*Spec.hs).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findingsOf } from "./rules/rule-table.js";

const fires = (rule: string, df: string) => findingsOf(rule, df).length > 0;

describe("hadolint agreement", () => {
  it("DL3025 fires on HEALTHCHECK CMD in shell form (DL3025Spec: warn on HEALTHCHECK CMD shell notation)", () => {
    assert.equal(fires("dockerfile-shell-form-cmd", "HEALTHCHECK CMD foobar"), true);
    const [f] = findingsOf(
      "dockerfile-shell-form-cmd",
      "HEALTHCHECK --retries=3 CMD curl -f http://x/ || exit 1",
    );
    assert.equal(f.hadolint, "DL3025");
    assert.equal(f.fix, 'HEALTHCHECK --retries=3 CMD ["/bin/sh","-c","curl -f http://x/ || exit 1"]');
  });

  it("DL3025 passes HEALTHCHECK CMD in exec form and HEALTHCHECK NONE (DL3025Spec: don't warn on HEALTHCHECK CMD json notation)", () => {
    assert.equal(fires("dockerfile-shell-form-cmd", 'HEALTHCHECK CMD [ "foobar" ]'), false);
    assert.equal(fires("dockerfile-shell-form-cmd", "HEALTHCHECK NONE"), false);
  });

  it("DL3042 does not fire when pip's cache directory is a cache or tmpfs mount target (DL3042Spec: cache mount)", () => {
    for (const mount of [
      "type=cache,target=/root/.cache/pip",
      "type=tmpfs,target=/root/.cache/pip",
      "type=cache,target=/root/.cache",
      "type=cache,dst=/root/.cache/pip/",
    ])
      assert.equal(
        fires("dockerfile-pip-no-cache-dir", `RUN --mount=${mount} pip install six==1.16.0`),
        false,
        mount,
      );
  });

  it("DL3042 still fires when the mount is not pip's cache directory (DL3042Spec: pip --no-cache-dir not used)", () => {
    for (const mount of [
      "type=cache,target=/root/.cache/pip-wheels",
      "type=cache,target=/root/.cache/pip/http",
      "type=bind,target=/root/.cache/pip",
    ])
      assert.equal(
        fires("dockerfile-pip-no-cache-dir", `RUN --mount=${mount} pip install six==1.16.0`),
        true,
        mount,
      );
  });

  it("DL3033/DL3041 expand a version given through a variable and judge the result (DL3033Spec/DL3041Spec with ENV/ARG)", () => {
    assert.equal(fires("dockerfile-yum-unpinned", "ARG VER=2.43.5\nRUN yum install -y git-${VER}"), false);
    assert.equal(fires("dockerfile-dnf-unpinned", "ENV VER=2.43.5\nRUN dnf install -y git-$VER"), false);
    // A variable whose value is not a version, or has no value in the Dockerfile, is not a pin.
    assert.equal(fires("dockerfile-yum-unpinned", "ARG VER=latest\nRUN yum install -y git-${VER}"), true);
    assert.equal(fires("dockerfile-dnf-unpinned", "ARG VER\nRUN dnf install -y git-${VER}"), true);
    const [f] = findingsOf("dockerfile-dnf-unpinned", "ARG VER\nRUN dnf install -y git-${VER}");
    assert.match(f.message, /git-\$\{VER\}/, "the message names the package as written");
  });

  it("DL3033/DL3041: a stage ARG without a default takes the global ARG's default (BuildKit ARG scoping)", () => {
    const df = "ARG VER=2.43.5\nFROM fedora:42\nARG VER\nRUN dnf install -y git-${VER}";
    assert.equal(fires("dockerfile-dnf-unpinned", df), false);
    const notRedeclared = "ARG VER=2.43.5\nFROM fedora:42\nRUN dnf install -y git-${VER}";
    assert.equal(
      fires("dockerfile-dnf-unpinned", notRedeclared),
      true,
      "a global ARG is not in scope until redeclared",
    );
  });

  it("DL3003 fires on cd in RUN and not on WORKDIR (DL3003Spec: not ok using cd / ok using WORKDIR)", () => {
    const [f] = findingsOf("dockerfile-cd-in-run", "RUN cd /opt");
    assert.equal(f.hadolint, "DL3003");
    assert.equal(f.fix, "WORKDIR /opt");
    assert.equal(fires("dockerfile-cd-in-run", "WORKDIR /opt"), false);
  });
});
