/** `portcullis policy init`: a commented starter policy that validates and explains itself. */

export const STARTER_POLICY = `# Portcullis ImagePolicy: one file for \`portcullis check\` (CI) and \`portcullis webhook\` (cluster).
# Validate it with:  portcullis policy validate --policy policy.yaml
# Read it back with: portcullis policy explain --policy policy.yaml
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
metadata:
  name: default
spec:
  # Mode of every rule that does not set its own:
  #   enforce: deny admission, and a high finding in CI (fails at the default --fail-on high)
  #   warn:    admit with a warning shown to kubectl users, a medium finding in CI
  #   audit:   admit and log, a low finding in CI
  defaultMode: enforce

  # Which namespaces the policy governs (a label selector, as in Kubernetes).
  # Every namespace carries kubernetes.io/metadata.name=<its name>.
  # namespaceSelector:
  #   matchExpressions:
  #     - { key: portcullis.dev/ignore, operator: DoesNotExist }

  # Let a namespace label portcullis.dev/mode=warn|audit soften the rules there (like the
  # pod-security.kubernetes.io/* labels). Off by default: whoever can label a namespace could use it.
  namespaceModeLabel: false

  rules:
    # Image names are matched after normalisation: "nginx" is docker.io/library/nginx.
    # "*" matches inside one path segment, "**" any number of segments, a bare host every repository on it.
    allowedRegistries:
      patterns:
        - docker.io/library/*
        - ghcr.io/my-org/**
        - registry.k8s.io

    # No :latest and no untagged images (a digest pins whatever the tag).
    forbidLatest: {}

    # Pin every image by digest. The webhook can do it for you (see mutation below).
    requireDigest:
      mode: warn

    # Pod Security Standards, as Pod Security Admission: baseline or restricted, latest or v1.N.
    podSecurity:
      level: restricted
      version: latest

    # Requests and limits each container must set.
    resources:
      mode: warn
      requests: [cpu, memory]
      limits: [memory]

    # Pods pulling from these registries must name imagePullSecrets.
    # pullSecrets:
    #   privateRegistries: [registry.corp.example]

    # Signatures (cosign-compatible), verified by digest, per image pattern; key from a file
    # (relative to this file) or a Secret (read from $PORTCULLIS_SECRETS_DIR/<ns>/<name>/cosign.pub).
    # signatures:
    #   keys:
    #     - images: [ghcr.io/my-org/**]
    #       key: { file: cosign.pub }

    # Attestations by predicate type.
    # attestations:
    #   require:
    #     - images: [ghcr.io/my-org/**]
    #       predicateTypes: [https://slsa.dev/provenance/v1]

    # Vulnerability limits (needs a database: portcullis db update, or PORTCULLIS_DB).
    # vulnerabilities:
    #   maxSeverity: high
    #   ignoreUnfixed: true
    #   ignore:
    #     - { id: CVE-2023-5678, reason: "not reachable; ticket SEC-42", expires: "2027-01-31" }
    #   evidence: scan             # or: attestation (a signed vuln attestation, fast at admission)
    #   # maxAge: 24h              # attestation evidence: how old the attested scan may be

    # Labels each image's config must carry (read from the registry: check --images, the webhook,
    # audit). value: the whole value must match; "*" is any run without "/", "**" any run.
    # requiredLabels:
    #   images: [ghcr.io/my-org/**]          # which images (default: every image)
    #   labels:
    #     - { key: org.opencontainers.image.source, value: "https://github.com/my-org/*" }
    #     - { key: org.opencontainers.image.revision }

    # Base images your images must be built on, as named by the image's
    # org.opencontainers.image.base.name manifest annotation (buildah writes it) or config label.
    # History never names a base: an image naming none is refused (image-base-unknown), unless
    # you set allowUnknown to true. An image matching the patterns itself (debian:12) passes.
    # allowedBaseImages:
    #   images: [ghcr.io/my-org/**]
    #   patterns: [docker.io/library/debian, gcr.io/distroless/**]
    #   allowUnknown: false

    # Annotations every pod must carry: a Pod's metadata, a workload's pod template metadata
    # (the workload object's own annotations do not reach its pods, so they do not count).
    # requiredAnnotations:
    #   annotations:
    #     - { key: my-org.example/owner, value: "team-*" }

  # What the webhook's /mutate endpoint changes.
  mutation:
    pinDigests: true            # tag -> tag@sha256:... resolved through the registry
    imagePullPolicy: IfNotPresent

  exemptions:
    namespaces: [kube-system]
    # images: [registry.k8s.io/pause]
    # serviceAccounts: [ci/image-builder]   # namespace/name of the pod's service account

  # Named checks waived for named workloads, with a reason and an expiry date. An expired
  # exception no longer applies, and findings say so.
  exceptions: []
  #  - workload: { kind: Deployment, namespace: legacy, name: billing }
  #    checks: [pss-restricted:runAsNonRoot, image-no-digest]
  #    reason: "vendor image runs as root; ticket OPS-123"
  #    expires: "2026-06-30"
`;
