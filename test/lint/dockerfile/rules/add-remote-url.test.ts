import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-add-remote-url", {
  fires: ["ADD https://example.com/app.tgz /opt/", 'ADD ["http://example.com/a", "/a"]'],
  passes: [
    "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a /a",
    "ADD https://github.com/moby/buildkit.git#v0.14.1 /src",
    "ADD app.tar.gz /opt/",
    "COPY https.txt /x",
  ],
});
