/** The Dockerfile parser and model (and the RUN shell parser) as a library. */
export {
  type FoundDockerfiles,
  findDockerfilesIn,
  isDockerfileInput,
  isDockerfileName,
  looksLikeDockerfile,
} from "./files.js";
export * from "./model.js";
export { type ParseOptions, parseDockerfile, parseKeyValues, parseMount, splitWords } from "./parser.js";
export { type RunScript, runScript } from "./run-script.js";
export { type ParsedShell, parseShell, type ShellCommand, type ShellWord } from "./shell.js";
export { substituteVariables } from "./substitute.js";
