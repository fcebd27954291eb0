/**
 * A cluster running the registry test environment's real images (portcullis/app:1.0 and
 * portcullis/alpine:3.18 on the plain registry, by the digests env.json records), and
 * vulnerability databases built from the shared vectors: the whole set, or the distro feeds only
 * (so a later "update" to the whole set brings new findings for stored SBOMs).
 */
import { join } from "node:path";
import { importFeeds, openVulnStore } from "../../src/vulndb/index.js";
import { sharedFeeds } from "../scan/support.js";
import type { KubeObject } from "../support/kube-api-server.js";
import type { RegistryEnv } from "../support/registry-env.js";
import { deployment, namespace, pod } from "./cluster-fixture.js";

export function envDigest(env: RegistryEnv, name: string): string {
  const images = env.json.imagesOnPlain as { ref: string; digest: string }[];
  const found = images.find((i) => i.ref === `${env.plain}/portcullis/${name}`);
  if (!found) throw new Error(`env.json has no ${name}`);
  return found.digest;
}

/** shop/api (app:1.0, 2 pods), shop/edge (alpine:3.18), batch/report (app:1.0, a bare pod). */
export function scanCluster(env: RegistryEnv): KubeObject[] {
  const app = { image: `${env.plain}/portcullis/app:1.0`, digest: envDigest(env, "app:1.0") };
  const alpine = { image: `${env.plain}/portcullis/alpine:3.18`, digest: envDigest(env, "alpine:3.18") };
  const repo = (image: string) => image.replace(/:[^:/]+$/, "");
  return [
    namespace("shop"),
    namespace("batch"),
    ...deployment(
      "shop",
      "api",
      [{ name: "api", image: app.image, repository: repo(app.image), digest: app.digest }],
      2,
    ),
    ...deployment("shop", "edge", [
      { name: "proxy", image: alpine.image, repository: repo(alpine.image), digest: alpine.digest },
    ]),
    pod(
      "batch",
      "report",
      [{ name: "report", image: app.image, repository: repo(app.image), digest: app.digest }],
      {
        restartPolicy: "Never",
      },
    ),
  ];
}

export function scanPolicy(env: RegistryEnv): string {
  return `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
metadata:
  name: scan-test
spec:
  defaultMode: enforce
  rules:
    allowedRegistries:
      patterns:
        - ${env.plain}/portcullis/*
`;
}

/** Build a database at `<dir>/<name>` from the shared feeds (`distroOnly`: no OSV records). */
export async function buildDb(dir: string, name: string, distroOnly = false): Promise<string | undefined> {
  const feeds = sharedFeeds();
  if (!feeds) return undefined;
  const path = join(dir, name);
  const db = await openVulnStore(path, { write: true });
  try {
    await importFeeds(db, distroOnly ? feeds.slice(1) : feeds);
  } finally {
    await db.close();
  }
  return path;
}
