import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-yum-unpinned", {
  fires: [
    "RUN yum install -y httpd && yum clean all",
    "RUN yum module install -y nodejs",
    "FROM rockylinux:9 AS a\nENV v=1.2\nFROM rockylinux:9\nRUN yum install -y git-${v}",
    "ARG VER\nRUN yum install -y git-${VER}",
    "ARG VER=latest\nRUN yum install -y git-${VER}",
    'ARG PKGS="git-2.43.5 httpd"\nRUN yum install -y $PKGS',
  ],
  passes: [
    "RUN yum install -y httpd-2.4.57",
    "RUN yum module install -y nodejs:20",
    "ENV v=2.43.5-1.el9\nRUN yum install -y git-${v}",
    "RUN yum install -y ./local.rpm",
    "ARG VER=2.43.5-1.el9\nFROM rockylinux:9\nARG VER\nRUN yum install -y git-${VER}",
    'ARG PKGS="git-2.43.5 httpd-2.4.57"\nRUN yum install -y $PKGS',
    'ENV VER=2.43.5\nRUN yum install -y "git-${VER}"',
    "RUN yum groupinstall -y 'Development Tools'",
  ],
});
