import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-dnf-unpinned", {
  fires: [
    "RUN dnf install -y rpm-sign",
    "RUN microdnf install -y tomcat && microdnf clean all",
    "RUN dnf module install -y tomcat",
    "ARG STREAM\nRUN dnf module install -y nodejs:${STREAM}x",
    "RUN microdnf install -y git-core-${VERSION}",
  ],
  passes: [
    "RUN dnf install -y gcc-c++-11.4.1",
    "ARG version=2.51.0-2.fc42\nRUN dnf -y install git-core-$version",
    'RUN dnf -y group install "Development Tools"',
    "RUN dnf module install -y tomcat:9",
    "RUN notdnf install tomcat",
    "ARG VERSION=2.51.0\nFROM fedora:42\nARG VERSION\nRUN microdnf install -y git-core-${VERSION}",
    "ARG STREAM=20\nRUN dnf module install -y nodejs:${STREAM}",
  ],
});
