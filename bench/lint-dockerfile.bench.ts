/**
 * `lint dockerfile` throughput: Dockerfiles per second through parse + every rule, on a
 * generated corpus of realistic files (single- and multi-stage, apt/apk/pip/npm installs,
 * heredocs, continuations, ARG-substituted FROM). Prints figures; asserts nothing.
 */
import { lintDockerfileText } from "../src/lint/dockerfile/engine.js";

export function generateDockerfile(i: number): string {
  const distro = ["debian:12", "ubuntu:24.04", "alpine:3.20", "python:3.12", "node:22"][i % 5];
  const lines = ["# syntax=docker/dockerfile:1", `ARG BASE=${distro}`, `ARG VERSION=1.${i % 17}.0`];
  const multi = i % 3 !== 0;
  if (multi)
    lines.push("FROM golang:1.23 AS build", "WORKDIR /src", "COPY . .", "RUN go build -o /out/app ./cmd/app");
  lines.push("FROM ${BASE}", "ENV APP_HOME=/srv/app \\", "    LANG=C.UTF-8");
  for (let k = 0; k < 4 + (i % 6); k++) {
    if (distro.startsWith("alpine"))
      lines.push(`RUN apk add --no-cache curl=8.${k}.1-r0 jq \\`, "    && rm -rf /tmp/*");
    else
      lines.push(
        "RUN apt-get update \\",
        `    && apt-get install -y --no-install-recommends ca-certificates curl=7.${k} libpq5 \\`,
        "    && rm -rf /var/lib/apt/lists/*",
      );
    if (k % 2 === 0) lines.push(`RUN pip install --no-cache-dir flask==3.0.${k} gunicorn | tee /tmp/log`);
    if (k % 3 === 0)
      lines.push(
        "RUN <<EOF",
        "set -eux",
        `npm install -g pnpm@9.${k}.0`,
        "curl -fsSL https://example.com/x.sh | sh",
        "EOF",
      );
  }
  if (multi) lines.push("COPY --from=build /out/app /usr/local/bin/app");
  lines.push("WORKDIR /srv/app", "EXPOSE 8080", "USER 10001", 'CMD ["app"]');
  return `${lines.join("\n")}\n`;
}

export default async function (): Promise<void> {
  const corpus = Array.from({ length: 2000 }, (_, i) => generateDockerfile(i));
  const bytes = corpus.reduce((n, t) => n + Buffer.byteLength(t), 0);
  // warm-up
  for (const t of corpus.slice(0, 200)) lintDockerfileText(t, "Dockerfile");
  let files = 0;
  let findings = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 3) {
    for (const t of corpus) {
      findings += lintDockerfileText(t, "Dockerfile").findings.length;
      files++;
    }
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const rate = files / elapsed;
  const mb = ((bytes / corpus.length) * rate) / 1e6;
  console.log(
    `  corpus: ${corpus.length} generated Dockerfiles, avg ${Math.round(bytes / corpus.length)} bytes, ${Math.round(findings / files)} findings each`,
  );
  console.log(
    `  lint dockerfile: ${Math.round(rate)} Dockerfiles/s (${mb.toFixed(1)} MB/s) over ${files} files in ${elapsed.toFixed(2)} s`,
  );
}
