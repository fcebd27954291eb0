import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-base-image-latest", {
  fires: [
    "FROM debian:latest",
    "FROM node:latest AS build\nFROM node:22",
    "ARG TAG=latest\nFROM alpine:${TAG}",
  ],
  passes: [
    "FROM debian:12",
    "FROM debian",
    "FROM debian:latest@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb",
    "FROM scratch",
  ],
});
