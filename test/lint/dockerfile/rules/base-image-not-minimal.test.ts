import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-base-image-not-minimal", {
  fires: [
    "FROM ubuntu:24.04\nCOPY app /app",
    "FROM debian:12\nRUN echo",
    "FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.3",
    "FROM golang:1.23\nRUN go build -o /app .",
    "FROM node:22-alpine AS build\nFROM centos:7 AS rt\nFROM rt",
    "FROM eclipse-temurin:21-jdk\nCOPY app.jar /app.jar",
  ],
  passes: [
    "FROM debian:12-slim",
    "FROM python:3.12-slim",
    "FROM golang:1.23 AS build\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app",
    "FROM scratch",
    "FROM alpine:3.20",
    "FROM eclipse-temurin:21-jre-alpine",
  ],
});
