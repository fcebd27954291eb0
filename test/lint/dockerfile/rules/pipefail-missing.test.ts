import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-pipefail-missing", {
  fires: [
    "RUN wget -O- https://x | tar x",
    'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\nFROM scratch\nRUN a | b',
  ],
  passes: [
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -O- https://x | tar x',
    "RUN set -o pipefail && wget -O- https://x | tar x",
    "RUN set -eux -o pipefail; a | b",
    'SHELL ["pwsh", "-c"]\nRUN Get-Thing | Select-Object x',
    "RUN a || b",
  ],
});
