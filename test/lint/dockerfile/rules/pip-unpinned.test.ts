import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-pip-unpinned", {
  fires: [
    "RUN pip install flask",
    "RUN pip3 install --no-cache-dir flask==3.0.3 gunicorn",
    "RUN python3 -m pip install requests",
    "RUN pipx install black",
  ],
  passes: [
    "RUN pip install flask==3.0.3",
    "RUN pip install -r requirements.txt",
    "RUN pip install .",
    "RUN pip install 'flask>=3'",
    "RUN pipenv install black",
    "RUN pip install -c constraints.txt flask",
  ],
});
