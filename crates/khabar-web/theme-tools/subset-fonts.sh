#!/bin/sh
# Subsets the theme's web fonts (theme/assets/fonts/) from Debian's
# fonts-noto-core: Noto Naskh Arabic for Arabic (the Arabic block, the
# punctuation and digits Arabic text uses) and Noto Serif for Latin (Basic
# Latin, Latin-1, Latin Extended-A and Additional for transliterated
# names, general punctuation), regular and bold, as woff2.
# Needs python3 with fonttools and brotli. Run from crates/khabar-web.
set -eu
noto=/usr/share/fonts/truetype/noto
out=theme/assets/fonts
arabic="U+0000-0040,U+005B-0060,U+007B-007E,U+00A0,U+00AB,U+00BB,U+0600-06FF,U+200C-200F,U+2010-2027,U+2030-203A,U+FD3E-FD3F,U+FDF2,U+FDFC,U+25CC"
latin="U+0000-00FF,U+0100-017F,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+1E00-1EFF,U+2000-206F,U+2074,U+20AC,U+2122,U+2190-2193,U+2212,U+2215,U+FEFF,U+FFFD"
for weight in Regular Bold; do
  name=$(echo "$weight" | tr 'A-Z' 'a-z')
  # Arabic needs every shaping feature (init, medi, fina, rlig, mark…).
  python3 -m fontTools.subset "$noto/NotoNaskhArabic-$weight.ttf" --unicodes="$arabic" \
    --layout-features='*' --flavor=woff2 --output-file="$out/noto-naskh-arabic-$name.woff2"
  python3 -m fontTools.subset "$noto/NotoSerif-$weight.ttf" --unicodes="$latin" \
    --layout-features='kern,liga,calt,ccmp,locl,mark,mkmk,onum,lnum,tnum,pnum,frac,sups' \
    --flavor=woff2 --output-file="$out/noto-serif-$name.woff2"
done
