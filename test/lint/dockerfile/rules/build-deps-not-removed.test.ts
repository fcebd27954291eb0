import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-build-deps-not-removed", {
  fires: [
    "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && make",
    "FROM alpine:3.20\nRUN apk add --no-cache -t .deps gcc\nRUN apk del .deps",
    "RUN apt-get install -y gcc\nRUN make && apt-get purge -y gcc",
  ],
  passes: [
    "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc && make && apk del .build-deps",
    "RUN apt-get install -y gcc && make && apt-get purge -y --auto-remove gcc",
    "FROM alpine:3.20 AS build\nRUN apk add --virtual .d gcc\nFROM scratch",
  ],
});
