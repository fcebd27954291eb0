/** `portcullis check` as a library: manifests and Dockerfiles against an ImagePolicy. */
export { type BaseImage, baseImagesOf, findDockerfiles } from "./dockerfiles.js";
export { type CheckedObject, type CheckOptions, type CheckResult, runCheck } from "./run.js";
