import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-shell-form-cmd", {
  fires: ["CMD node server.js", "ENTRYPOINT /entrypoint.sh"],
  passes: [
    'CMD ["node", "server.js"]',
    'ENTRYPOINT ["/entrypoint.sh"]',
    "HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
    'CMD [ "/bin/sh", "-c", \\\n  "echo a" ]',
  ],
});
