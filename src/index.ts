/**
 * The Portcullis library. The CLI is a thin layer over these exports.
 */
export * from "./reference/index.js";
export * from "./report/index.js";
export { VERSION } from "./version.js";
