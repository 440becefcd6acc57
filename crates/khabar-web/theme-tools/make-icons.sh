#!/bin/sh
# Makes the default theme's icons (theme/assets/icons/) from one source:
# icon-mark.py draws the letter خ of Noto Naskh Arabic Bold (OFL, Debian's
# fonts-noto-core) as a path on a rounded square; Chromium rasterizes it.
# Needs python3 with fonttools, chromium. Run from crates/khabar-web.
set -eu
out=theme/assets/icons
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && python3 "$OLDPWD/theme-tools/icon-mark.py")
cp "$work/icon.svg" "$out/icon.svg"
# The square (unrounded) mark: iOS rounds touch icons itself, and a
# maskable icon must fill its square.
sed 's/rx="112" //' "$work/icon.svg" > "$work/icon-square.svg"
shot() { # source.svg size out.png [page size]
  page=${4:-$2,$2}
  printf '<!doctype html><body style="margin:0;background:%s;display:flex;align-items:center;justify-content:center;height:100vh"><img src="%s" width="%s" height="%s">' \
    "${5:-transparent}" "$1" "$2" "$2" > "$work/page.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --default-background-color=00000000 --window-size="$page" \
    --screenshot="$3" "file://$work/page.html" 2>/dev/null
}
shot icon.svg 32 "$work/icon-32.png"
shot icon.svg 192 "$out/icon-192.png"
shot icon.svg 512 "$out/icon-512.png"
shot icon-square.svg 180 "$out/apple-touch-icon.png"
shot icon-square.svg 512 "$out/icon-maskable-512.png"
shot icon.svg 300 "$out/share.png" 1200,630 '#fbfaf7'
# favicon.ico: one 32 px PNG inside an ICO header, as every browser reads.
python3 - "$work/icon-32.png" "$out/favicon.ico" <<'PY'
import struct, sys
png = open(sys.argv[1], 'rb').read()
ico = struct.pack('<HHH', 0, 1, 1) + struct.pack('<BBBBHHII', 32, 32, 0, 0, 1, 32, len(png), 22) + png
open(sys.argv[2], 'wb').write(ico)
PY
