# syntax=docker/dockerfile:1
# Build: a static binary (no cgo), reproducible paths.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/kontaktbot ./cmd/kontaktbot \
 && mkdir -p /out/data

# Run: distroless static, as the unprivileged "nonroot" user (65532); the
# database lives on a volume. Time zone data is linked into the binary.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kontaktbot /kontaktbot
COPY --from=build --chown=65532:65532 /out/data /data
ENV KONTAKTBOT_DB=/data/kontaktbot.db KONTAKTBOT_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
# With no subcommand the bot serves Slack and/or Teams when their
# credentials are in the environment (SLACK_SIGNING_SECRET or
# SLACK_APP_TOKEN; MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD), and is the
# console chat otherwise:
#   docker run -it -v kontaktbot-data:/data kontaktbot
#   docker run -p 8080:8080 -e SLACK_SIGNING_SECRET -e SLACK_BOT_TOKEN -v kontaktbot-data:/data kontaktbot
#   docker run -p 8080:8080 -e MICROSOFT_APP_ID -e MICROSOFT_APP_PASSWORD -v kontaktbot-data:/data kontaktbot
ENTRYPOINT ["/kontaktbot"]
