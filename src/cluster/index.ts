/** Kubernetes API access: connection from a kubeconfig, a JSON client, informers, resource paths. */
export { KubeClient, type KubeObject, type ListPage, type WatchEvent } from "./client.js";
export { type ClusterConnection, type ConnectionOptions, connect } from "./connection.js";
export { ClusterConfigError, KubeApiError } from "./errors.js";
export { Informer, type InformerHandler } from "./informer.js";
export * from "./resources.js";
