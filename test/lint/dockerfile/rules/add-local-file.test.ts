import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-add-local-file", {
  fires: [
    "ADD requirements.txt /app/",
    'ADD "file.zip" /usr/src/app/',
    "ADD . /app",
    'ADD ["a.txt", "b.tgz", "/x/"]',
  ],
  passes: [
    "ADD rootfs.tar.xz /",
    "ADD https://example.com/a.txt /a",
    "COPY a.txt /a",
    "ADD file.gz /usr/src/app/",
  ],
});
