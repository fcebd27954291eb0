import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-user-root", {
  fires: [
    "FROM scratch\nUSER root",
    "FROM scratch\nUSER 0:0",
    "FROM debian:12 AS b\nUSER root\nFROM scratch\nUSER app",
    "USER app\nUSER root:root",
  ],
  passes: [
    "FROM scratch\nUSER app",
    "USER root\nRUN apt-get update\nUSER 1000",
    "FROM scratch",
    "USER rootless",
  ],
});
