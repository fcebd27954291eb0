import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-final-stage-root", {
  fires: [
    "FROM alpine:3.20\nRUN echo",
    "FROM alpine:3.20 AS build\nUSER app\nFROM alpine:3.20",
    "FROM alpine:3.20 AS base\nUSER root\nFROM base",
    "FROM scratch\nCOPY app /app",
  ],
  passes: [
    "FROM alpine:3.20\nUSER 10001",
    "FROM alpine:3.20 AS base\nUSER app\nFROM base\nRUN true",
    "FROM gcr.io/distroless/static-debian12:nonroot",
    "FROM alpine:3.20\nUSER root",
  ],
});
