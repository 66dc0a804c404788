#!/usr/bin/env bash
# Renders the Adaptive Cards kontaktbot sends to Teams with Microsoft's own
# renderer (the adaptivecards npm package, markdown by markdown-it, as Teams
# does) in headless Chromium, under Teams' light host config. A card fails
# when the renderer reports a parse or validation problem, when an element
# or action of the card is not drawn, or when its screenshot is blank or
# nearly so (.ci/pngcheck). The Go tests write the cards; npm fetches the
# pinned packages into a throw-away folder; apt installs chromium if absent.
# CARDS_KEEP=DIR keeps the screenshots there, to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
hostconfig=../shared/schemas/teams-hostconfig-light.json
if [ ! -f "$hostconfig" ]; then
  echo "skipped: $hostconfig is absent (a bare clone); CI renders cards under Teams' host config"
  exit 0
fi
if ! command -v chromium >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/cards" "$dir/shots"
go test -count=1 -run '^TestWriteCardSamples$' ./bot/teams -args -cards-out="$dir/cards"
cd "$dir"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent adaptivecards@3.0.6 markdown-it@14.1.0
{ printf 'window.HOST_CONFIG = '; cat "$root/$hostconfig"; printf ';\n'; } >hostconfig.js

# page NAME writes NAME.html, which renders cards/NAME.json and sets the
# title to "ok HEIGHT" (the card's height in pixels) or "error: WHY".
page() {
  { printf 'window.CARD = '; cat "cards/$1.json"; printf ';\n'; } >"$1.card.js"
  cat >"$1.html" <<EOF
<!doctype html>
<html><head><meta charset="utf-8"><title>pending</title>
<link rel="stylesheet" href="node_modules/adaptivecards/dist/adaptivecards.css">
<style>html, body { margin: 0; background: #ffffff; } #host { width: 500px; margin: 8px; }</style>
<script src="node_modules/markdown-it/dist/markdown-it.min.js"></script>
<script src="node_modules/adaptivecards/dist/adaptivecards.min.js"></script>
<script src="hostconfig.js"></script>
<script src="$1.card.js"></script>
</head><body><div id="host"></div>
<script src="render.js"></script>
</body></html>
EOF
}

cat >render.js <<'EOF'
// Renders window.CARD into #host and reports in document.title.
(function () {
  try {
    if (typeof AdaptiveCards === "undefined") throw new Error("adaptivecards.min.js did not load");
    if (typeof markdownit === "undefined") throw new Error("markdown-it did not load");
    const card = new AdaptiveCards.AdaptiveCard();
    card.hostConfig = new AdaptiveCards.HostConfig(window.HOST_CONFIG);
    const ctx = new AdaptiveCards.SerializationContext();
    card.parse(window.CARD, ctx);
    const problems = [];
    for (let i = 0; i < ctx.eventCount; i++) problems.push("parse: " + ctx.getEventAt(i).message);
    for (const e of card.validateProperties().validationEvents) problems.push("validate: " + e.message);
    if (problems.length > 0) throw new Error(problems.join("; "));
    const el = card.render();
    if (!el) throw new Error("render() returned no element");
    document.getElementById("host").appendChild(el);
    // Everything the card declares must have been drawn, and be visible.
    const body = (window.CARD.body || []).length, actions = (window.CARD.actions || []).length;
    if (card.getItemCount() !== body) throw new Error(`parsed ${card.getItemCount()} of ${body} elements`);
    if (card.getActionCount() !== actions) throw new Error(`parsed ${card.getActionCount()} of ${actions} actions`);
    const drawn = [];
    for (let i = 0; i < body; i++) drawn.push(["element " + i, card.getItemAt(i)]);
    for (let i = 0; i < actions; i++) drawn.push(["action " + i, card.getActionAt(i)]);
    for (const [what, obj] of drawn) {
      const r = obj.renderedElement && obj.renderedElement.getBoundingClientRect();
      if (!r || r.width < 1 || r.height < 1) throw new Error(`${what} (${obj.getJsonTypeName()}) was not drawn`);
    }
    const h = Math.ceil(el.getBoundingClientRect().height);
    if (h < 20) throw new Error(`the card is only ${h}px high`);
    document.title = "ok " + h;
  } catch (e) {
    document.title = "error: " + (e && e.message || e);
  }
})();
EOF

browse() {
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$dir/profile" --allow-file-access-from-files "$@" 2>>chromium.log
}

failed=0
shots=()
for f in cards/*.json; do
  name=$(basename "$f" .json)
  page "$name"
  url="file://$dir/$name.html"
  title=$(browse --window-size=516,4000 --dump-dom "$url" | sed -n 's:.*<title>\(.*\)</title>.*:\1:p')
  case "$title" in
    "ok "*) ;;
    *) echo "$name: the renderer says: ${title:-nothing (the page did not load)}"; failed=1; continue ;;
  esac
  height=$(( ${title#ok } + 16 ))
  browse --window-size=516,"$height" --screenshot="$dir/shots/$name.png" "$url" >/dev/null
  if [ ! -s "shots/$name.png" ]; then
    echo "$name: chromium wrote no screenshot"; failed=1; continue
  fi
  echo "$name: rendered, ${title#ok }px high"
  shots+=("$dir/shots/$name.png")
done
if [ "$failed" = 0 ] && [ "${#shots[@]}" = 0 ]; then
  echo "no cards: TestWriteCardSamples wrote nothing into cards/"; failed=1
fi
if [ "$failed" != 0 ]; then
  echo "chromium's log, without its D-Bus noise:"; grep -v -e dbus -e 'unexpected operator' chromium.log | tail -n 20; exit 1
fi
cd "$root"
go run ./.ci/pngcheck "${shots[@]}"
if [ -n "${CARDS_KEEP:-}" ]; then
  mkdir -p "$CARDS_KEEP" && cp "${shots[@]}" "$CARDS_KEEP"/ && echo "screenshots kept in $CARDS_KEEP"
fi
echo "adaptivecards: ${#shots[@]} cards rendered in headless Chromium and drawn"
