/** The admission webhook: server, admission protocol, mutation, install manifests, TLS generation. */
export {
  BadReviewError,
  imageReview,
  mutateReview,
  parseAdmissionReview,
  validateReview,
} from "./admission.js";
export { installManifests } from "./install.js";
export { computePatch } from "./mutate.js";
export { startWebhook, type WebhookOptions, type WebhookServer } from "./server.js";
export { generateServingCert } from "./tls.js";
