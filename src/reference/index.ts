/** Image references: grammar, parsing, normalisation and Kubernetes pull-policy defaults. */
export { InvalidReferenceError, type ReferenceErrorCode } from "./errors.js";
export { DEFAULT_DOMAIN, familiarName, splitDockerDomain } from "./normalize.js";
export { type ParseOptions, parseReference } from "./parse.js";
export { defaultPullPolicy, effectivePullPolicy, type PullPolicy } from "./pull-policy.js";
export { Reference } from "./reference.js";
