/** dockerfile-cd-in-run: hadolint DL3003Spec ("not ok using cd" / "ok using WORKDIR"), and more. */
import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-cd-in-run", {
  fires: [
    "RUN cd /opt",
    "RUN cd /src && make && make install",
    "RUN set -e; cd /tmp; tar xf a.tgz",
    "RUN (cd /src && make)",
    "RUN <<EOF\ncd /app\nnpm ci\nEOF",
  ],
  passes: [
    "WORKDIR /opt",
    "WORKDIR /src\nRUN make && make install",
    "RUN echo cd /opt",
    "RUN make -C /src",
    "ONBUILD RUN cd /opt",
  ],
});
