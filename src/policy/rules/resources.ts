/**
 * spec.rules.resources: each container (init containers too) must set the listed resource
 * requests and limits. cpu and memory run the `lint k8s` rules of the same ids
 * (container-cpu-request-missing, container-memory-limit-missing, …: a limit alone also sets
 * the request, as the API server defaults it); other names (ephemeral-storage, …) are checked
 * literally under `container-<name>-request-missing` / `container-<name>-limit-missing`.
 */

import { describeContainer, isObject } from "../../k8s/workload.js";
import type { ContainerRule } from "../../lint/k8s/rule.js";
import { containerCpuLimitMissing } from "../../lint/k8s/rules/container-cpu-limit-missing.js";
import { containerCpuRequestMissing } from "../../lint/k8s/rules/container-cpu-request-missing.js";
import { containerMemoryLimitMissing } from "../../lint/k8s/rules/container-memory-limit-missing.js";
import { containerMemoryRequestMissing } from "../../lint/k8s/rules/container-memory-request-missing.js";
import { lintContainerCheck } from "../lint-rule.js";
import type { PodRule, Violation } from "../rule.js";

const LINT_RULES: Record<string, ContainerRule> = {
  "requests.cpu": containerCpuRequestMissing,
  "requests.memory": containerMemoryRequestMissing,
  "limits.cpu": containerCpuLimitMissing,
  "limits.memory": containerMemoryLimitMissing,
};

const ruleId = (name: string, kind: "requests" | "limits") =>
  `container-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${kind === "requests" ? "request" : "limit"}-missing`;

export const resources: PodRule = {
  id: "container-<resource>-<request|limit>-missing",
  section: "resources",
  scope: "pod",
  reports: Object.values(LINT_RULES).map((r) => ({ id: r.id, title: r.title, docs: r.docs })),
  title: "Container without the required resource requests or limits",
  docs: "Containers must declare the requests and limits named in spec.rules.resources, so that the scheduler can place them and one pod cannot starve a node. cpu and memory are the lint rules container-cpu-request-missing, container-memory-request-missing, container-cpu-limit-missing and container-memory-limit-missing.",
  explain(policy) {
    const r = policy.spec.rules?.resources;
    const parts = [
      r?.requests?.length ? `requests for ${r.requests.join(", ")}` : "",
      r?.limits?.length ? `limits for ${r.limits.join(", ")}` : "",
    ].filter(Boolean);
    return [`every container must set ${parts.join(" and ") || "(nothing listed)"}`];
  },
  check({ policy, pod }) {
    const r = policy.spec.rules?.resources;
    if (!r) return [];
    const out: Violation[] = [];
    for (const kind of ["requests", "limits"] as const) {
      for (const name of r[kind] ?? []) {
        const lint = LINT_RULES[`${kind}.${name}`];
        if (lint) {
          out.push(...lintContainerCheck(lint, policy, pod));
          continue;
        }
        for (const c of pod.containers) {
          if (c.group === "ephemeralContainers") continue;
          const res = isObject(c.spec.resources) ? c.spec.resources[kind] : undefined;
          if (isObject(res) && res[name] !== undefined) continue;
          out.push({
            rule: ruleId(name, kind),
            message: `${describeContainer(c)} has no ${name} ${kind === "requests" ? "request" : "limit"}`,
            path: [...c.path, "resources", kind],
            fix: `set resources.${kind}.${name}`,
          });
        }
      }
    }
    return out;
  },
};
