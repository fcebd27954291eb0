import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-npm-unpinned", {
  fires: ["RUN npm install -g typescript", "RUN npm install express sax@0.1.1", "RUN npm install @org/pkg"],
  passes: [
    "RUN npm install",
    "RUN npm ci",
    "RUN npm install express@4.21.1",
    "RUN npm install @org/pkg@1.0.0",
    "RUN npm install ./local",
    "RUN npm install git+https://github.com/a/b.git#v1",
  ],
});
