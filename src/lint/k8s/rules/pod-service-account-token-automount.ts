/**
 * pod-service-account-token-automount: the ServiceAccount token is mounted into the pod
 * (automountServiceAccountToken not false on the pod, nor on its ServiceAccount in the input).
 */
import type { PodRule } from "../rule.js";

export const podServiceAccountTokenAutomount: PodRule = {
  id: "pod-service-account-token-automount",
  severity: "low",
  appliesTo: "pod",
  title: "ServiceAccount token is mounted automatically",
  docs: "By default every pod gets a token for the Kubernetes API at /var/run/secrets/kubernetes.io/serviceaccount; an attacker in the container can use it. Set `automountServiceAccountToken: false` on the pod (it overrides the ServiceAccount) or on the ServiceAccount, unless the workload calls the API.",
  check(ctx) {
    const podValue = ctx.workload.podSpec.automountServiceAccountToken;
    if (podValue === false) return;
    const sa = ctx.serviceAccount();
    if (podValue === undefined && sa.account?.automountServiceAccountToken === false) return;
    const path =
      podValue === true
        ? [...ctx.workload.podSpecPath, "automountServiceAccountToken"]
        : ctx.workload.podSpecPath;
    return {
      message:
        podValue === true
          ? `pod sets automountServiceAccountToken: true: the ServiceAccount ${sa.name} token is mounted in every container`
          : `the ServiceAccount ${sa.name} token is mounted automatically (automountServiceAccountToken is not false on the pod${sa.account ? " or its ServiceAccount" : ""})`,
      path,
      fix: "set automountServiceAccountToken: false unless the workload calls the Kubernetes API",
    };
  },
};
