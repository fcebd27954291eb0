import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-pip-no-cache-dir", {
  fires: [
    "RUN pip install flask==3.0.3",
    "ENV PIP_NO_CACHE_DIR=off\nRUN pip install x==1",
    "FROM python:3.12 AS a\nENV PIP_NO_CACHE_DIR=1\nFROM python:3.12\nRUN pip install x==1",
    "RUN --mount=type=cache,target=/root/.cache/pip-wheels pip install x==1",
    "RUN --mount=type=secret,id=pip,target=/root/.cache/pip pip install x==1",
    "ENV PIP_CACHE_DIR=/pipcache\nRUN --mount=type=cache,target=/root/.cache/pip pip install x==1",
  ],
  passes: [
    "RUN pip install --no-cache-dir flask==3.0.3",
    "ENV PIP_NO_CACHE_DIR=1\nRUN pip install x==1",
    "FROM python:3.12 AS a\nENV PIP_NO_CACHE_DIR=1\nFROM a\nRUN pip install x==1",
    "RUN PIP_NO_CACHE_DIR=true pip install x==1",
    "RUN --mount=type=cache,target=/root/.cache/pip pip install x==1",
    "RUN pipx install black",
    "RUN --mount=type=tmpfs,target=/root/.cache/pip pip install x==1",
    "RUN --mount=type=cache,target=/root/.cache pip install x==1",
    "RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install x==1",
    "ENV PIP_CACHE_DIR=/pipcache\nRUN --mount=type=cache,target=/pipcache pip install x==1",
    "RUN --mount=type=cache,target=/wheels pip install --cache-dir=/wheels x==1",
  ],
});
