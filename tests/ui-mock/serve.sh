#!/usr/bin/env bash
# Serve ui/ with the in-memory mock API for looking at screens in a browser.
#   tests/ui-mock/serve.sh [PORT]      (default 8765; serves until killed)
# The page gets the production CSP (from src-tauri/tauri.conf.json) as a <meta> tag, so CSP
# violations show in the console. The server itself is server.mjs (Node 18 or newer).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec node "$here/server.mjs" "${1:-8765}"
