import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-base-image-no-digest", {
  fires: [
    "FROM debian:12",
    "FROM golang:1.23@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb AS b\nFROM alpine:3.20",
  ],
  passes: [
    "FROM debian:12@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb",
    "FROM scratch",
    "FROM alpine:3.20@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb AS base\nFROM base",
  ],
});
