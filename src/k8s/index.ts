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
  describeContainer,
  type ImageSite,
  isObject,
  isWorkloadKind,
  type K8sObject,
  KNOWN_CRD_KINDS,
  objectRefOf,
  objectsOf,
  type PodModel,
  podOf,
  valueAt,
  WORKLOAD_KINDS,
  type Workload,
  type WorkloadKindSource,
  workloadOf,
} from "./workload.js";
