import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-sudo", {
  fires: [
    "RUN sudo apt-get update",
    "RUN apt-get update && sudo apt-get install -y x",
    "ONBUILD RUN sudo make install",
  ],
  passes: ["RUN apt-get update", "RUN echo sudo", "RUN apt-get install -y sudo-ldap"],
});
