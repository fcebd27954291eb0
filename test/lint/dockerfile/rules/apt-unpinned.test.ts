import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-apt-unpinned", {
  fires: [
    "RUN apt-get update && apt-get install -y curl",
    "RUN apt-get install -y curl=7.88.1-10 wget",
    "ONBUILD RUN apt-get install python",
  ],
  passes: [
    "RUN apt-get install -y curl=7.88.1-10+deb12u5",
    "RUN apt-get install -y ./pkg.deb",
    "RUN apt-get install -y -t bookworm-backports foo=1.0",
    "RUN apt-get update",
  ],
});
