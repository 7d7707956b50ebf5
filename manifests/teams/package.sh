#!/usr/bin/env bash
# Builds the Teams app package for sideloading: artifacts/teams/SupportBot.zip holding
# manifest.json (with the bot's Microsoft App ID filled in), color.png and outline.png.
# Usage: manifests/teams/package.sh <microsoft-app-id>   (or set MICROSOFT_APP_ID)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT_DIR="${TEAMS_PACKAGE_OUT:-$ROOT/artifacts/teams}"
PLACEHOLDER="00000000-0000-0000-0000-000000000000"

APP_ID="${1:-${MICROSOFT_APP_ID:-}}"
if [ -z "$APP_ID" ]; then
  echo "error: the bot's Microsoft App ID is missing. Pass it as the first argument or set MICROSOFT_APP_ID." >&2
  echo "usage: $0 <microsoft-app-id>" >&2
  exit 2
fi
if ! [[ "$APP_ID" =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]]; then
  echo "error: '$APP_ID' is not a GUID; the Microsoft App ID looks like 1b2c3d4e-0000-0000-0000-123456789abc." >&2
  exit 2
fi
if [ "$APP_ID" = "$PLACEHOLDER" ]; then
  echo "error: $PLACEHOLDER is the manifest's placeholder, not a real Microsoft App ID." >&2
  exit 2
fi
grep -q "\"botId\": \"$PLACEHOLDER\"" "$HERE/manifest.json" \
  || { echo "error: manifest.json has no botId placeholder $PLACEHOLDER to replace." >&2; exit 1; }

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
sed "s/$PLACEHOLDER/$APP_ID/g" "$HERE/manifest.json" > "$STAGE/manifest.json"
cp "$HERE/color.png" "$HERE/outline.png" "$STAGE/"

mkdir -p "$OUT_DIR"
ZIP="$OUT_DIR/SupportBot.zip"
rm -f "$ZIP"
if command -v zip >/dev/null 2>&1; then
  (cd "$STAGE" && zip -q -X "$ZIP" manifest.json color.png outline.png)
elif command -v python3 >/dev/null 2>&1; then
  (cd "$STAGE" && python3 - "$ZIP" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name in ("manifest.json", "color.png", "outline.png"):
        z.write(name, name)
PY
  )
else
  echo "error: neither zip nor python3 is available to build the package." >&2
  exit 1
fi
echo "Teams app package: $ZIP (bot $APP_ID)"
