#!/bin/sh
# Regenerates the producer PDFs from their sources (needs Debian's chromium and
# libreoffice-writer-nogui, and fonts-wqy-zenhei: its TrueType subsets keep each PDF under 60 KB).
# Each licence is printed by two producers: headless Chromium from the certificate page
# (NAME.html) and LibreOffice Writer from the same content as an office document (NAME.office.html).
set -e
cd "$(dirname "$0")"
for name in national provincial; do
  chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --print-to-pdf="$name.chromium.pdf" "file://$PWD/$name.html" 2>/dev/null
  work=$(mktemp -d)
  soffice --headless -env:UserInstallation="file://$work/profile" --infilter="HTML (StarWriter)" \
    --convert-to pdf:writer_pdf_Export --outdir "$work" "$name.office.html" >/dev/null
  mv "$work/$name.office.pdf" "$name.libreoffice.pdf"
  rm -rf "$work"
done
