import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-apt-get-upgrade", {
  fires: [
    "RUN apt-get update && apt-get upgrade -y",
    "RUN apt-get dist-upgrade -y",
    "RUN apt full-upgrade -y",
  ],
  passes: ["RUN apt-get update && apt-get install -y --only-upgrade openssl=3.0.15-1", "RUN echo upgrade"],
});
