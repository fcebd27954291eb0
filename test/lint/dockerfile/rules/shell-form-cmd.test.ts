import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-shell-form-cmd", {
  fires: [
    "CMD node server.js",
    "ENTRYPOINT /entrypoint.sh",
    "HEALTHCHECK CMD foobar",
    "HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost/ || exit 1",
  ],
  passes: [
    'CMD ["node", "server.js"]',
    'ENTRYPOINT ["/entrypoint.sh"]',
    'HEALTHCHECK CMD [ "foobar" ]',
    'HEALTHCHECK --interval=5s CMD ["curl", "-f", "http://localhost/"]',
    "HEALTHCHECK NONE",
    'CMD [ "/bin/sh", "-c", \\\n  "echo a" ]',
  ],
});
