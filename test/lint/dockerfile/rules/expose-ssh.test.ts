import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-expose-ssh", {
  fires: ["EXPOSE 22", "EXPOSE 80 22/tcp", "EXPOSE 20-30"],
  passes: ["EXPOSE 8080", "EXPOSE 2222", "EXPOSE 22/udp", "EXPOSE 220"],
});
