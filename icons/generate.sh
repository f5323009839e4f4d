#!/usr/bin/env bash
# Regenerate every raster icon in this folder from icon.svg.
# Requires: rsvg-convert (Debian: librsvg2-bin), python3 + Pillow (pip install pillow / Debian: python3-pil).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

die() { echo "generate.sh: error: $*" >&2; exit 1; }

command -v rsvg-convert >/dev/null 2>&1 \
  || die "rsvg-convert not found; install it with: apt-get install librsvg2-bin"
command -v python3 >/dev/null 2>&1 \
  || die "python3 not found; install it with: apt-get install python3"
python3 -c 'import PIL' >/dev/null 2>&1 \
  || die "Python Pillow not found; install it with: pip install pillow (or apt-get install python3-pil)"
[ -f icon.svg ] || die "icon.svg not found in $(pwd)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Render every size we need straight from the SVG (crisper than downscaling).
for s in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert --width "$s" --height "$s" --format png --output "$tmp/$s.png" icon.svg
done

python3 - "$tmp" <<'PY'
import os, struct, sys
from PIL import Image

tmp = sys.argv[1]

def load(size):
    im = Image.open(os.path.join(tmp, f"{size}.png"))
    im.load()
    im = im.convert("RGBA")
    if im.size != (size, size):
        sys.exit(f"generate.sh: error: rendered {size}px image has size {im.size}")
    return im

# PNGs: always written as 8-bit RGBA (colour type 6); Tauri's generate_context! requires RGBA.
pngs = {
    "32x32.png": 32,
    "64x64.png": 64,
    "128x128.png": 128,
    "128x128@2x.png": 256,
    "icon.png": 512,
}
for name, size in pngs.items():
    load(size).save(name, format="PNG", optimize=True)

# Windows .ico
ico_sizes = [16, 24, 32, 48, 64, 128, 256]
ico_imgs = [load(s) for s in ico_sizes]
ico_imgs[-1].save("icon.ico", format="ICO",
                  sizes=[(s, s) for s in ico_sizes],
                  append_images=ico_imgs[:-1])

# macOS .icns (Pillow picks the exact-size renders from append_images)
icns_sizes = [16, 32, 64, 128, 256, 512, 1024]
icns_imgs = [load(s) for s in icns_sizes]
icns_imgs[-1].save("icon.icns", format="ICNS", append_images=icns_imgs[:-1])

# Verify PNG outputs: PNG signature, expected size, bit depth 8, colour type 6 (RGBA).
for name, size in pngs.items():
    with open(name, "rb") as f:
        head = f.read(29)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        sys.exit(f"generate.sh: error: {name} is not a valid PNG")
    w, h, depth, ctype = struct.unpack(">IIBB", head[16:26])
    if (w, h) != (size, size) or depth != 8 or ctype != 6:
        sys.exit(f"generate.sh: error: {name} is {w}x{h} depth={depth} colour_type={ctype}, "
                 f"expected {size}x{size} 8-bit RGBA (type 6)")
    print(f"ok  {name:16s} {w}x{h} 8-bit RGBA")

with Image.open("icon.ico") as ico:
    got = sorted(ico.info.get("sizes", []))
    want = sorted((s, s) for s in ico_sizes)
    if got != want:
        sys.exit(f"generate.sh: error: icon.ico sizes {got}, expected {want}")
    print(f"ok  icon.ico         sizes {', '.join(str(s) for s, _ in got)}")

with Image.open("icon.icns") as icns:
    print(f"ok  icon.icns        largest {icns.size[0]}x{icns.size[1]}")
PY
