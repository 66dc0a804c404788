#!/usr/bin/env bash
# Type-checks the Block Kit kontaktbot sends (messages, modals, the home
# tab) against Slack's own TypeScript types (@slack/types) with tsc. The Go
# tests write the samples; npm fetches the pinned packages into a
# throw-away folder, so nothing of node is kept in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go test -count=1 -run '^TestWriteTypeScriptSamples$' ./bot/slack -args -ts-out="$dir"
cd "$dir"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent @slack/types@3.2.0 typescript@5.9.3
npx --no-install tsc --noEmit --strict --target es2020 --moduleResolution node samples.ts
echo "tsc: $(grep -c '^export const' samples.ts) Block Kit samples meet @slack/types"
