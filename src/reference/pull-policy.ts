/**
 * Kubernetes image pull policy semantics, as the API server's defaulting does it
 * (`SetDefaults_Container` in pkg/apis/core/v1/defaults.go): when `imagePullPolicy` is omitted, the
 * image is parsed with distribution's normalising parser (`parsers.ParseImageName`), whose tag is
 * `latest` when the image has neither tag nor digest. Tag `latest` → `Always`, anything else →
 * `IfNotPresent`. Consequences that guides often get wrong:
 * - `nginx:latest@sha256:…` keeps its tag `latest`, so it defaults to `Always`;
 * - `nginx@sha256:…` has no tag (and a digest), so `IfNotPresent`;
 * - an image that does not parse (e.g. `UPPER/app`) gets tag `""` (the parse error is ignored),
 *   so `IfNotPresent` — validation rejects it elsewhere.
 */
import { parseReference } from "./parse.js";

export type PullPolicy = "Always" | "IfNotPresent" | "Never";

/** The tag the API server's defaulting sees: the parsed tag, `latest` if neither tag nor digest, `""` if unparseable. */
export function defaultingTag(image: string): string {
  try {
    const ref = parseReference(image);
    if (ref.tag !== undefined) return ref.tag;
    return ref.digest === undefined ? "latest" : "";
  } catch {
    return "";
  }
}

export function defaultPullPolicy(image: string): PullPolicy {
  return defaultingTag(image) === "latest" ? "Always" : "IfNotPresent";
}

/** The policy the kubelet will use: the explicit value when set, else the API server default. */
export function effectivePullPolicy(image: string, explicit?: string | null): PullPolicy {
  if (explicit === "Always" || explicit === "IfNotPresent" || explicit === "Never") return explicit;
  return defaultPullPolicy(image);
}
