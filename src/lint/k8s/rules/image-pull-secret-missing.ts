/**
 * image-pull-secret-missing: an image from a registry configured as private, but neither the
 * pod nor its ServiceAccount (when that is in the input) has imagePullSecrets.
 */
import { matchesAny } from "../image-patterns.js";
import type { ImageRule } from "../rule.js";

export const imagePullSecretMissing: ImageRule = {
  id: "image-pull-secret-missing",
  severity: "high",
  appliesTo: "image",
  title: "Private registry image without imagePullSecrets",
  docs: "Images from a private registry (`privateRegistries` in .portcullis.yaml or `--private-registry`) need credentials: `spec.imagePullSecrets` on the pod, or on its ServiceAccount. When the ServiceAccount is part of the input its secrets count; when it is not, the finding says so (it may be configured in the cluster). Without them the pod stays in ImagePullBackOff.",
  check(ctx) {
    const priv = ctx.settings.privateRegistries;
    if (priv.length === 0) return;
    const p = ctx.parsedImage();
    if (!p?.ok) return;
    const match = matchesAny(priv, p.ref);
    if (!match) return;
    const secrets = ctx.workload.podSpec.imagePullSecrets;
    if (Array.isArray(secrets) && secrets.length > 0) return;
    const sa = ctx.serviceAccount();
    if (sa.account && sa.account.imagePullSecrets.length > 0) return;
    const why = sa.account
      ? `its ServiceAccount ${sa.name} has none either`
      : `its ServiceAccount ${sa.name} is not in the input`;
    return {
      message: `${ctx.site.subject} pulls ${p.image} from private registry ${p.ref.domain}${match.text === p.ref.domain ? "" : ` (${match.text})`}, but the pod has no imagePullSecrets and ${why}`,
      path: ctx.site.path,
      fix: `create a docker-registry Secret and list it in spec.imagePullSecrets or in ServiceAccount ${sa.name}`,
    };
  },
};
