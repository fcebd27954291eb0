/**
 * restrictedVolumes (restricted, v1.0+): only volume types that do not reach outside the pod's
 * own resources are allowed.
 *
 * Restricted fields: spec.volumes[*]
 * Allowed values: every volume must be one of spec.volumes[*].configMap, .csi, .downwardAPI,
 * .emptyDir, .ephemeral, .image, .persistentVolumeClaim, .projected, .secret
 *
 * A volume that names no source is allowed: the API server defaults it to emptyDir. Upstream
 * added `image` to its v1.0 implementation (Kubernetes 1.33) rather than a new version, so it is
 * allowed at every policy version; so is it here. Replaces hostPathVolumes at the restricted level.
 */
import {
  ALLOWED,
  asArray,
  asObject,
  forbidden,
  isSet,
  joinQuote,
  pluralize,
  sortedSet,
  str,
} from "../pod-model.js";
import type { FieldPath, PodSecurityCheck } from "../types.js";

const ALLOWED_SOURCES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
] as const;

/** The other volume sources of the Kubernetes API, reported by name. */
const RESTRICTED_SOURCES = [
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "nfs",
  "iscsi",
  "glusterfs",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "fc",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "portworxVolume",
  "photonPersistentDisk",
  "scaleIO",
  "storageos",
  "hostPath",
] as const;

export const restrictedVolumes: PodSecurityCheck = {
  id: "restrictedVolumes",
  level: "restricted",
  title:
    "Only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes",
  docs:
    "spec.volumes[*] must use one of configMap, csi, downwardAPI, emptyDir, ephemeral, image, " +
    "persistentVolumeClaim, projected or secret (hostPath, nfs, gitRepo and the other sources are forbidden).",
  versions: [
    {
      minVersion: "v1.0",
      overrides: ["hostPathVolumes"],
      evaluate(pod) {
        const bad: string[] = [];
        const types: string[] = [];
        const fields: FieldPath[] = [];
        asArray(pod.spec.volumes).forEach((v, i) => {
          const volume = asObject(v);
          if (!volume || ALLOWED_SOURCES.some((k) => isSet(volume[k]))) return;
          const source = RESTRICTED_SOURCES.find((k) => isSet(volume[k]));
          if (!source) return; // no source: defaulted to emptyDir
          bad.push(str(volume.name));
          types.push(source);
          fields.push([...pod.specPath, "volumes", i, source]);
        });
        if (!bad.length) return ALLOWED;
        const distinct = sortedSet(types);
        return forbidden(
          "restricted volume types",
          `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ` +
            `restricted ${pluralize("volume type", "volume types", distinct.length)} ${joinQuote(distinct)}`,
          fields,
        );
      },
    },
  ],
};
