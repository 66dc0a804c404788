#!/usr/bin/env bash
# Validates the Teams app manifest that `kontaktbot teams-package` writes
# against the JSON schema Microsoft ships in @microsoft/app-manifest, with
# that package's own validator (AppManifestUtils): its runtime type check
# (TeamsManifestConverter.jsonToManifest) and validateAgainstSchema with the
# schema for the manifest's manifestVersion, read from the package's files
# (never fetched from the web). It also checks that the validator can fail:
# a spoiled copy of the manifest must be refused. npm fetches the pinned
# packages into a throw-away folder, so nothing of node is kept here.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go run ./cmd/kontaktbot teams-package --app-id 6f1c2a4e-8b3d-4c5e-9f7a-0b1c2d3e4f5a \
  --url https://kontaktbot.example.dk --out "$dir/kontaktbot.zip"
mkdir "$dir/pkg"
if command -v unzip >/dev/null; then
  unzip -q "$dir/kontaktbot.zip" -d "$dir/pkg"
elif command -v python3 >/dev/null; then
  python3 -m zipfile -e "$dir/kontaktbot.zip" "$dir/pkg"
else
  apt-get update -qq && apt-get install -y -qq unzip >/dev/null
  unzip -q "$dir/kontaktbot.zip" -d "$dir/pkg"
fi
cd "$dir"
npm init -y >/dev/null
# @microsoft/app-manifest 1.1.2 requires fs-extra without declaring it (it
# is only a devDependency there), so we install it beside; the validator's
# own ajv packages are pinned too, so that the result does not drift.
npm install --no-audit --no-fund --silent @microsoft/app-manifest@1.1.2 fs-extra@11.3.2 \
  ajv@8.20.0 ajv-formats@3.0.1 ajv-draft-04@1.0.0
cat >validate.js <<'EOF'
const fs = require("fs");
const path = require("path");
const { AppManifestUtils, TeamsManifestConverter } = require("@microsoft/app-manifest");

async function main() {
  const dir = process.argv[2];
  const text = fs.readFileSync(path.join(dir, "manifest.json"), "utf8");
  const json = JSON.parse(text);
  // The schema the manifest names, from the package; a $schema the package
  // does not ship would otherwise be fetched from the web.
  const suffix = AppManifestUtils.getLocalSchemaSuffix(json.$schema || "");
  const local = suffix && AppManifestUtils.getLocalSchemaCandidates(suffix).find((f) => fs.existsSync(f));
  if (!local) {
    const shipped = fs.readdirSync(path.join(require.resolve("@microsoft/app-manifest"), "..", "json-schemas", "teams"));
    throw new Error(`$schema ${json.$schema} (manifestVersion ${json.manifestVersion}) is not shipped in @microsoft/app-manifest; it has ${shipped.join(" ")}`);
  }
  // The same clean-up the package applies when it reads a schema itself.
  const schema = JSON.parse(fs.readFileSync(local, "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b"));
  const manifest = TeamsManifestConverter.jsonToManifest(text); // throws on a type error
  const failures = await AppManifestUtils.validateAgainstSchema(manifest, schema);
  if (failures.length > 0) {
    console.error(`manifest.json breaks ${path.relative(process.cwd(), local)}:`);
    for (const f of failures) console.error("  " + f);
    process.exit(1);
  }
  for (const icon of [json.icons.color, json.icons.outline]) {
    if (!fs.existsSync(path.join(dir, icon))) throw new Error(`the package lacks the icon ${icon} that manifest.json names`);
  }
  // A check that cannot fail proves nothing: a spoiled copy must be refused.
  const spoiled = { ...json, id: "not-a-guid", unknownField: true };
  const caught = await AppManifestUtils.validateAgainstSchema(spoiled, schema);
  if (caught.length < 2) throw new Error(`the validator let a spoiled manifest through: ${JSON.stringify(caught)}`);
  const commands = json.bots[0].commandLists[0].commands.length;
  console.log(`manifest.json (manifestVersion ${json.manifestVersion}, ${commands} commands) meets ${path.relative(process.cwd(), local)}`);
}

main().catch((e) => { console.error(e.message || e); process.exit(1); });
EOF
node validate.js "$dir/pkg"
