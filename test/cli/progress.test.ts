/**
 * The layer sums behind the sbom and scan progress bars (src/cli/progress.ts): bytes read are
 * capped at a known layer size, an unknown size (-1) counts what was read, `minTotal` keeps a
 * total above zero for a percentage, and finished layers are counted.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { layerSums, mib } from "../../src/cli/progress.js";
import type { LayerProgress } from "../../src/image/walk.js";

const layer = (bytes: number, total: number, done = false): LayerProgress => ({
  layer: 0,
  layers: 3,
  bytes,
  total,
  done,
});

describe("layer progress sums", () => {
  it("caps bytes at a known size and counts an unknown size as what was read", () => {
    assert.deepEqual(layerSums([layer(150, 100, true), layer(40, -1)]), { bytes: 140, total: 190, done: 1 });
  });
  it("gives each layer at least minTotal, so an empty start is not a division by zero", () => {
    assert.deepEqual(layerSums([layer(0, 0), layer(0, -1)], 1), { bytes: 0, total: 2, done: 0 });
    assert.deepEqual(layerSums([layer(0, 0), layer(0, -1)]), { bytes: 0, total: 0, done: 0 });
  });
  it("shows MiB with one decimal", () => {
    assert.equal(mib(1.25 * 1024 * 1024), 1.3);
    assert.equal(mib(0), 0);
  });
});
