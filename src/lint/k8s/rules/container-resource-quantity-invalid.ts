/** container-resource-quantity-invalid: a request or limit that is not a Kubernetes quantity. */
import { containerResources } from "../resources.js";
import { type ContainerRule, describeContainer, RESOURCE_GROUPS } from "../rule.js";

export const containerResourceQuantityInvalid: ContainerRule = {
  id: "container-resource-quantity-invalid",
  severity: "high",
  appliesTo: "container",
  groups: RESOURCE_GROUPS,
  title: "Resource quantity cannot be parsed",
  docs: "Requests and limits are Kubernetes quantities: a number with an optional suffix, decimal (`m` = 1/1000, `k`, `M`, `G`, `T`, `P`, `E`), binary (`Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`) or an exponent (`1e3`). `512MB`, `1 Gi` or `0.5cores` are rejected by the API server.",
  check(ctx) {
    return containerResources(ctx.container)
      .all.filter((v) => v.error)
      .map((v) => ({
        message: `${describeContainer(ctx.container)}: resources.${v.path.slice(-2).join(".")} ${v.error!.message}`,
        path: v.path,
      }));
  },
};
