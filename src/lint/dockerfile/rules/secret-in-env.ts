/**
 * dockerfile-secret-in-env: secrets baked into the image through ENV or ARG. Fires on names
 * that say "secret" (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, …) and, at critical
 * severity, on values shaped like well-known credentials (AWS access key ids, GitHub, GitLab,
 * Slack, Stripe, npm and Google API tokens, PEM private keys), whatever the name. Values are
 * never echoed in the message. References to other variables and `*_FILE` paths are fine.
 */
import type { Instruction } from "../../../dockerfile/model.js";
import { parseKeyValues } from "../../../dockerfile/parser.js";
import { type DockerfileRule, hitAt, type RuleHit } from "../rule.js";

const SECRET_NAME =
  /(^|[_.-])(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH_?KEY|CLIENT_?SECRET)([_.-]|$)/i;
const NOT_SECRET_SUFFIX = /(_FILE|_PATH|_DIR|_LENGTH|_TTL|_EXPIRY|_URL|_HEADER|_NAME|_TYPE)$/i;

export const TOKEN_FORMATS: { kind: string; pattern: RegExp }[] = [
  { kind: "AWS access key id", pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: "GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { kind: "GitHub fine-grained token", pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/ },
  { kind: "GitLab token", pattern: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { kind: "Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: "Stripe secret key", pattern: /\b[sr]k_live_[A-Za-z0-9]{20,}/ },
  { kind: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: "npm token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: "private key", pattern: /-----BEGIN ([A-Z]+ )*PRIVATE KEY-----/ },
];

export function tokenKind(value: string): string | undefined {
  return TOKEN_FORMATS.find((t) => t.pattern.test(value))?.kind;
}

function isReference(value: string): boolean {
  return /^\$\{?[A-Za-z_][A-Za-z0-9_]*(:?[-=?+][^}]*)?\}?$/.test(value);
}

export const secretInEnv: DockerfileRule = {
  id: "dockerfile-secret-in-env",
  severity: "high",
  title: "Secret in ENV or ARG",
  docs: "ENV values are stored in the image config and ARG values in its history (`docker history`), readable by anyone who can pull the image. Pass secrets at build time with `RUN --mount=type=secret,id=…` and at runtime through the orchestrator.",
  check(ctx) {
    const out: RuleHit[] = [];
    const visit = (instr: Instruction, outer: Instruction) => {
      if (instr.keyword !== "ENV" && instr.keyword !== "ARG" && instr.keyword !== "LABEL") return;
      for (const kv of parseKeyValues(instr, instr.keyword !== "ARG")) {
        const value = kv.value ?? "";
        const kind = tokenKind(value);
        if (kind) {
          out.push(
            hitAt(outer, `${instr.keyword} ${kv.key} holds a value shaped like a ${kind}`, {
              at: kv.valueAt,
              severity: "critical",
              fix: "remove it, rotate the credential, and use RUN --mount=type=secret",
            }),
          );
          continue;
        }
        if (instr.keyword === "LABEL") continue;
        if (!SECRET_NAME.test(kv.key) || NOT_SECRET_SUFFIX.test(kv.key)) continue;
        if (instr.keyword === "ENV" && (value === "" || isReference(value))) continue;
        if (instr.keyword === "ARG" && value !== "" && isReference(value)) continue;
        out.push(
          hitAt(
            outer,
            instr.keyword === "ARG"
              ? `ARG ${kv.key} looks like a secret; build args are recorded in the image history`
              : `ENV ${kv.key} looks like a secret; ENV values are stored in the image`,
            { at: kv.span.start, fix: `RUN --mount=type=secret,id=${kv.key.toLowerCase()} …` },
          ),
        );
      }
    };
    for (const { instr, outer } of ctx.allInstructions()) visit(instr, outer);
    return out;
  },
};
