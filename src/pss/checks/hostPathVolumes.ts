/**
 * hostPathVolumes (baseline, v1.0+): hostPath volumes must be forbidden.
 *
 * Restricted fields: spec.volumes[*].hostPath
 * Allowed values: undefined/null
 *
 * At the restricted level, restrictedVolumes replaces this check.
 */
import { ALLOWED, asArray, asObject, forbidden, isSet, joinQuote, pluralize, str } from "../pod-model.js";
import type { FieldPath, PodSecurityCheck } from "../types.js";

export const hostPathVolumes: PodSecurityCheck = {
  id: "hostPathVolumes",
  level: "baseline",
  title: "hostPath volumes are forbidden",
  docs: "spec.volumes[*].hostPath must be unset.",
  versions: [
    {
      minVersion: "v1.0",
      evaluate(pod) {
        const bad: string[] = [];
        const fields: FieldPath[] = [];
        asArray(pod.spec.volumes).forEach((v, i) => {
          const volume = asObject(v);
          if (volume && isSet(volume.hostPath)) {
            bad.push(str(volume.name));
            fields.push([...pod.specPath, "volumes", i, "hostPath"]);
          }
        });
        return bad.length
          ? forbidden(
              "hostPath volumes",
              `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)}`,
              fields,
            )
          : ALLOWED;
      },
    },
  ],
};
