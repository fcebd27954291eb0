import assert from "node:assert/strict";
import { test } from "node:test";
import { findingsOf, ruleTable } from "./rule-table.js";

ruleTable("dockerfile-secret-in-env", {
  fires: [
    "ENV DB_PASSWORD=hunter2",
    "ENV API_KEY abc123",
    "ARG GITHUB_TOKEN",
    "ARG NPM_TOKEN=",
    "ENV AWS_ID=AKIAIOSFODNN7EXAMPLE",
    "ENV X=ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    'LABEL k="xoxb-1234567890-abcdefghij"',
    'ENV KEY="-----BEGIN RSA PRIVATE KEY-----"',
    "ENV private_key=abc",
  ],
  passes: [
    "ENV PASSWORD_FILE=/run/secrets/db",
    "ENV DB_PASSWORD=$DB_PASSWORD",
    "ENV TOKEN=",
    "ARG TOKEN=${TOKEN}",
    "ENV PATH=/usr/local/bin:$PATH",
    "ENV TOKENIZERS_PARALLELISM=false",
    "ARG VERSION=1.2.3",
  ],
});

test("dockerfile-secret-in-env: known token formats are critical and the value is not echoed", () => {
  const [f] = findingsOf("dockerfile-secret-in-env", "ENV AWS_ID=AKIAIOSFODNN7EXAMPLE");
  assert.equal(f.severity, "critical");
  assert.ok(!f.message.includes("AKIAIOSFODNN7EXAMPLE"));
  assert.deepEqual([f.location?.line, f.location?.column], [2, 12]);
});
