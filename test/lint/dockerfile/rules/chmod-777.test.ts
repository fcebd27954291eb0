import assert from "node:assert/strict";
import { test } from "node:test";
import { worldWritable } from "../../../../src/lint/dockerfile/rules/chmod-777.js";
import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-chmod-777", {
  fires: [
    "RUN chmod 777 /app",
    "RUN chmod -R 777 /srv",
    "RUN mkdir /d && chmod 0777 /d",
    "RUN chmod a+rwx /x",
    "COPY --chmod=777 app /app",
    "RUN chmod o+w /x",
  ],
  passes: [
    "RUN chmod 755 /app",
    "RUN chmod -R 644 /srv",
    "RUN chmod +x /entry.sh",
    "COPY --chmod=755 app /app",
    "RUN echo chmod 777",
  ],
});

test("worldWritable reads octal and symbolic modes", () => {
  assert.equal(worldWritable("1777"), true);
  assert.equal(worldWritable("776"), true);
  assert.equal(worldWritable("775"), false);
  assert.equal(worldWritable("u+w"), false);
  assert.equal(worldWritable("go+w"), true);
});
