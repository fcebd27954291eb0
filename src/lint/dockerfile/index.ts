/** `lint dockerfile` as a library: the engine, the rule registry and the rule type. */
export {
  type DockerfileLintOptions,
  type DockerfileLintResult,
  type LintDockerfilesOptions,
  lintDockerfiles,
  lintDockerfileText,
  ruleMeta,
} from "./engine.js";
export { DOCKERFILE_RULES, findDockerfileRule } from "./registry.js";
export type { DockerfileRule, LintContext, RuleHit } from "./rule.js";
