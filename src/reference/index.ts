/** Image references: grammar, parsing, normalisation, matching and Kubernetes pull-policy defaults. */
export { InvalidReferenceError, type ReferenceErrorCode } from "./errors.js";
export {
  anchoredDomain,
  anchoredIdentifier,
  anchoredName,
  anchoredReference,
} from "./grammar.js";
export {
  familiarMatch,
  firstMatchingPattern,
  globToRegExp,
  matchImageName,
  matchImagePattern,
  normalizeImagePattern,
  validateImagePattern,
} from "./match.js";
export { DEFAULT_DOMAIN, familiarName, splitDockerDomain } from "./normalize.js";
export {
  type ParseOptions,
  parseAnyReference,
  parseCanonicalReference,
  parseReference,
  parseRepositoryName,
} from "./parse.js";
export { defaultPullPolicy, effectivePullPolicy, type PullPolicy } from "./pull-policy.js";
export { Reference } from "./reference.js";
