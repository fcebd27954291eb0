import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-workdir-relative", {
  fires: ["WORKDIR app", "WORKDIR 'relative/dir'", "ONBUILD WORKDIR src"],
  passes: ["WORKDIR /app", "WORKDIR $HOME/app", "WORKDIR C:/app", 'WORKDIR "/usr/local"'],
});
