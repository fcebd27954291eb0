/**
 * Reading a container's resources for the resource rules: requests and limits of cpu and
 * memory, parsed as quantities, with the request defaulted from the limit as the API server
 * does (a limit without a request means request = limit). Unparsable quantities are kept as
 * errors for the container-resource-quantity-invalid rule; other rules skip them.
 */

import { parseQuantity, type Quantity, QuantityError } from "../../k8s/quantity.js";
import type { FieldPath } from "../../k8s/source.js";
import { type ContainerInfo, isObject } from "../../k8s/workload.js";

export type ResourceName = "cpu" | "memory";

export interface ResourceValue {
  quantity?: Quantity;
  error?: QuantityError;
  path: FieldPath;
}

export interface ContainerResources {
  requests: Partial<Record<ResourceName, ResourceValue>>;
  limits: Partial<Record<ResourceName, ResourceValue>>;
  /** Every quantity in requests/limits (all resource names, not only cpu and memory). */
  all: ResourceValue[];
}

const cache = new WeakMap<ContainerInfo, ContainerResources>();

export function containerResources(c: ContainerInfo): ContainerResources {
  let r = cache.get(c);
  if (!r) {
    r = readResources(c);
    cache.set(c, r);
  }
  return r;
}

function readResources(c: ContainerInfo): ContainerResources {
  const out: ContainerResources = { requests: {}, limits: {}, all: [] };
  const res = c.spec.resources;
  if (!isObject(res)) return out;
  for (const kind of ["requests", "limits"] as const) {
    const m = res[kind];
    if (!isObject(m)) continue;
    for (const [name, raw] of Object.entries(m)) {
      const path = [...c.path, "resources", kind, name];
      let v: ResourceValue;
      try {
        const q = parseQuantity(raw);
        v =
          q.numerator < 0n
            ? { error: new QuantityError(q.text, "must not be negative"), path }
            : { quantity: q, path };
      } catch (err) {
        if (!(err instanceof QuantityError)) throw err;
        v = { error: err, path };
      }
      out.all.push(v);
      if (name === "cpu" || name === "memory") out[kind][name] = v;
    }
  }
  return out;
}

/** Path to point at when a resource field is missing: the deepest of resources.<kind>, resources, container. */
export function missingResourcePath(c: ContainerInfo, kind: "requests" | "limits"): FieldPath {
  return [...c.path, "resources", kind];
}
