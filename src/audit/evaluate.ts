/**
 * One workload read from the cluster through the policy engine the admission webhook uses
 * (evaluatePolicy), with the namespace's labels when the namespace list could be read. As in
 * the webhook, a namespace whose labels are unknown is judged as selected by the policy's
 * namespaceSelector (fail closed); name exemptions still apply.
 */
import type { KubeObject } from "../cluster/client.js";
import { evaluatePolicy, type PolicyEvaluation } from "../policy/engine.js";
import type { ImageFacts } from "../policy/rule.js";
import type { ImagePolicy } from "../policy/types.js";

export interface EvaluateContext {
  namespaceLabels: Map<string, Record<string, string>>;
  facts?: Map<string, ImageFacts>;
  lookups: boolean;
  now?: Date;
}

export function evaluateWorkload(
  policy: ImagePolicy,
  obj: KubeObject,
  ctx: EvaluateContext,
): PolicyEvaluation {
  const namespace = String(obj.metadata?.namespace ?? "default");
  const labels = ctx.namespaceLabels.get(namespace);
  return evaluatePolicy(policy, obj, {
    namespace,
    namespaceLabels: labels,
    namespaceSelectorApplied: labels === undefined,
    facts: ctx.facts,
    lookups: ctx.lookups,
    now: ctx.now,
  });
}
