/**
 * image-registry-not-allowed: the image comes from a registry outside the trusted list
 * (`--allowed-registry`, `allowedRegistries`). Only runs when a list is configured.
 */
import { matchesAny } from "../image-patterns.js";
import type { ImageRule } from "../rule.js";

export const imageRegistryNotAllowed: ImageRule = {
  id: "image-registry-not-allowed",
  severity: "high",
  appliesTo: "image",
  title: "Image registry is not in the allowed list",
  docs: "Only images from trusted registries should run. Patterns (`--allowed-registry`, repeatable, or `allowedRegistries` in .portcullis.yaml) are matched against the normalised name: `nginx` is `docker.io/library/nginx`. A pattern without `/` names hosts (`registry.example.com`, `*.corp.example`); with `/` it matches repositories, `*` within one path component, `**` across them (`ghcr.io/acme/**`).",
  check(ctx) {
    const allowed = ctx.settings.allowedRegistries;
    if (allowed.length === 0) return;
    const p = ctx.parsedImage();
    if (!p?.ok || matchesAny(allowed, p.ref)) return;
    return {
      message: `${ctx.site.subject} uses image ${p.image} (${p.ref.name}), which matches none of the allowed registries: ${allowed.map((a) => a.text).join(", ")}`,
      path: ctx.site.path,
      fix: "mirror the image into an allowed registry, or add its registry to allowedRegistries",
    };
  },
};
