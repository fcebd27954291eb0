import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-curl-pipe-shell", {
  fires: [
    "RUN curl -fsSL https://x.sh | sh",
    "RUN wget -qO- https://x.sh | bash -s -- --yes",
    "RUN curl https://x | sudo bash",
    'RUN sh -c "$(curl -fsSL https://x.sh)"',
    "RUN bash <(curl -s https://x.sh)",
    "RUN curl -sSL https://install.python-poetry.org | python3 -",
  ],
  passes: [
    "RUN curl -fsSLo /tmp/i.sh https://x.sh && echo 'abc  /tmp/i.sh' | sha256sum -c && sh /tmp/i.sh",
    "RUN curl -fsSL https://x.tgz | tar -xz -C /opt",
    "RUN echo curl | sh",
  ],
});
