/** Kubernetes manifests: loading with positions, the workload model, quantities, securityContext inheritance. */
export {
  expandInputs,
  type LoadOptions,
  loadManifests,
  type ManifestSet,
  parseManifests,
  STDIN_NAME,
} from "./load.js";
export { compareQuantities, parseQuantity, type Quantity, QuantityError } from "./quantity.js";
export { containerField, type Effective, effectiveField } from "./security-context.js";
export {
  type FieldPath,
  locate,
  type ManifestDocument,
  type ManifestSource,
  offsetOf,
  parseManifestText,
} from "./source.js";
export {
  type ContainerGroup,
  type ContainerInfo,
  isObject,
  type K8sObject,
  objectsOf,
  valueAt,
  WORKLOAD_KINDS,
  type Workload,
  workloadOf,
} from "./workload.js";
