import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-multi-stage-suggested", {
  fires: [
    "RUN apt-get install -y --no-install-recommends build-essential=12.9",
    "FROM alpine:3.20\nRUN apk add --no-cache gcc=13 musl-dev=1",
    "FROM golang:1.23 AS b\nRUN apt-get install -y make\nFROM b",
  ],
  passes: [
    "FROM golang:1.23 AS build\nRUN apt-get install -y make\nFROM scratch\nCOPY --from=build /a /a",
    "RUN apt-get install -y gcc && make && apt-get purge -y gcc",
    "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc && make && apk del .build-deps",
    "RUN apt-get install -y curl=1",
  ],
});
