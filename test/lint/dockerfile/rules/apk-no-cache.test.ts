import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-apk-no-cache", {
  fires: [
    "RUN apk add curl=8.9.1-r1",
    "RUN apk update && apk add -U jq=1.7-r0",
    "RUN --mount=type=cache,target=/var/cache/apk/sub apk add curl=1",
  ],
  passes: [
    "RUN apk add --no-cache curl=8.9.1-r1",
    "RUN --mount=type=cache,target=/var/cache/apk apk add curl=1",
    "RUN apk del curl",
    "RUN --mount=type=tmpfs,target=/var/cache/apk/ apk add curl=1",
    "RUN --mount=type=cache,target=/var/cache apk add curl=1",
  ],
});
