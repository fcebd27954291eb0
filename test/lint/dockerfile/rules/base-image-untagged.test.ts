import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-base-image-untagged", {
  fires: [
    "FROM debian",
    "FROM node AS build\nFROM gcr.io/distroless/nodejs22:nonroot",
    "ARG BASE=ubuntu\nFROM ${BASE}",
    "FROM ghcr.io/org/app AS x",
  ],
  passes: [
    "FROM debian:12",
    "FROM scratch",
    "FROM golang:1.23 AS build\nFROM build AS test",
    "FROM golang:1.23 AS Build\nFROM build",
    "FROM ${UNDECLARED}",
    "FROM debian@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb",
  ],
});
