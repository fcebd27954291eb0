/**
 * Kubernetes image pull policy semantics. The API server defaults `imagePullPolicy` when it is
 * omitted: `Always` if the image has no digest and its tag is `latest` or absent, otherwise
 * `IfNotPresent`. (It is NOT simply "IfNotPresent by default", as many guides say.)
 */
import { parseReference } from "./parse.js";

export type PullPolicy = "Always" | "IfNotPresent" | "Never";

export function defaultPullPolicy(image: string): PullPolicy {
  let tag: string | undefined;
  let digest: string | undefined;
  try {
    const ref = parseReference(image);
    tag = ref.tag;
    digest = ref.digest;
  } catch {
    // The API server does the same textual split even for references it cannot parse fully.
    const at = image.indexOf("@");
    digest = at >= 0 ? image.slice(at + 1) : undefined;
    const rest = at >= 0 ? image.slice(0, at) : image;
    const colon = rest.lastIndexOf(":");
    tag = colon > rest.lastIndexOf("/") ? rest.slice(colon + 1) : undefined;
  }
  if (digest === undefined && (tag === undefined || tag === "latest")) return "Always";
  return "IfNotPresent";
}

/** The policy the kubelet will use: the explicit value when set, else the API server default. */
export function effectivePullPolicy(image: string, explicit?: string | null): PullPolicy {
  if (explicit === "Always" || explicit === "IfNotPresent" || explicit === "Never") return explicit;
  return defaultPullPolicy(image);
}
