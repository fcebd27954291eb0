import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-apk-unpinned", {
  fires: ["RUN apk add --no-cache curl", "RUN apk add --no-cache curl=8.9.1-r1 jq"],
  passes: [
    "RUN apk add --no-cache curl=8.9.1-r1",
    'RUN apk add --no-cache "python3<3.13" git~2.45',
    "RUN apk add --no-cache --virtual .deps gcc=13.2.1-r0",
    "RUN apk add ./local.apk",
  ],
});
