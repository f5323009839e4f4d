#!/usr/bin/env bash
# Serve ui/ with the in-memory mock API for browser checks.
#   tests/ui-mock/serve.sh [PORT]      (default 8765; prints the temp dir, serves until killed)
# The copy gets the production CSP as a <meta> tag so CSP violations show in the console.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${1:-8765}"
dir="$(mktemp -d -t kiemtra-ui-XXXXXX)"
cp -R "$root/ui/." "$dir/"
cp "$here/mock-api.js" "$dir/api.js"
csp="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
python3 - "$dir/index.html" "$csp" <<'PY'
import sys
path, csp = sys.argv[1], sys.argv[2]
html = open(path, encoding="utf-8").read()
tag = '<meta http-equiv="Content-Security-Policy" content="%s">' % csp
html = html.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n  ' + tag, 1)
open(path, "w", encoding="utf-8").write(html)
PY
echo "serving $dir on http://127.0.0.1:$port/" >&2
cd "$dir"
exec python3 -m http.server "$port" --bind 127.0.0.1
