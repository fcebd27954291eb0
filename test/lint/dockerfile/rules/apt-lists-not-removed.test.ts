import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-apt-lists-not-removed", {
  fires: [
    "RUN apt-get update && apt-get install -y curl",
    "FROM debian:12 AS base\nRUN apt-get update\nFROM base",
    "RUN apt update && apt install -y x",
    "RUN --mount=type=cache,target=/var/lib/apt apt-get update",
    "RUN --mount=type=cache,target=/var/lib/apt/lists/partial apt-get update",
  ],
  passes: [
    "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
    "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\nCOPY --from=build /x /x",
    "RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update",
    "RUN --mount=type=cache,target=/var/lib/apt --mount=type=cache,target=/var/cache/apt apt-get update",
    "RUN --mount=type=tmpfs,target=/var/lib/apt/lists/ apt-get update",
  ],
});
