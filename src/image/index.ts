/**
 * Reading container images: sources, config, the one-pass layer walk with whiteouts, OS detection.
 */
export { detectOs, type OsInfo, osReleaseRequest, parseOsReleaseText } from "./os-release.js";
export { formatPlatform, hostPlatform, parsePlatform } from "./platform.js";
export { type ReadImageOptions, readImage } from "./read-image.js";
export { parseSourceRef, type SourceRef } from "./source-ref.js";
export type { HistoryEntry, Image, ImageConfig, LayerDescriptor, Platform } from "./types.js";
export { ImageError } from "./types.js";
export {
  type EntryInfo,
  type FileRequest,
  type Found,
  type LayerProgress,
  type WalkOptions,
  type WalkResult,
  type WantedFile,
  walkImage,
} from "./walk.js";
