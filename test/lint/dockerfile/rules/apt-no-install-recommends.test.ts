import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-apt-no-install-recommends", {
  fires: ["RUN apt-get install -y curl=1", "RUN apt-get -y install python=3"],
  passes: [
    "RUN apt-get install -y --no-install-recommends curl=1",
    "RUN apt-get -o APT::Install-Recommends=false install x=1",
    "RUN apt-get update",
  ],
});
