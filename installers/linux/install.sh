#!/bin/sh
# Install (or with --uninstall remove) TokenTCO for the current user -- no root needed.
# Run it from the unpacked tarball:  ./TokenTCO/install.sh
#   app      ->  ~/.local/opt/TokenTCO            (PREFIX=~/.local to change)
#   command  ->  ~/.local/bin/tokentco
#   menu     ->  ~/.local/share/applications/tokentco.desktop
#   icons    ->  ~/.local/share/icons/hicolor/*/apps/tokentco.png (+ .tokentco file icon)
#   MIME     ->  ~/.local/share/mime/packages/tokentco.xml (*.tokentco opens in TokenTCO)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-$HOME/.local}
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
DEST=$PREFIX/opt/TokenTCO
SIZES="16 24 32 48 64 128 256 512"

refresh() {
  command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$DATA/mime" || true
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$DEST"
  rm -f "$PREFIX/bin/tokentco" "$DATA/applications/tokentco.desktop" "$DATA/mime/packages/tokentco.xml"
  for size in $SIZES; do
    rm -f "$DATA/icons/hicolor/${size}x${size}/apps/tokentco.png" \
          "$DATA/icons/hicolor/${size}x${size}/mimetypes/application-x-tokentco.png"
  done
  rm -f "$DATA/icons/hicolor/scalable/apps/tokentco.svg"
  refresh
  echo "TokenTCO removed."
  exit 0
fi

if [ ! -x "$HERE/TokenTCO" ]; then
  echo "install.sh: run me from the unpacked TokenTCO folder (no TokenTCO executable in $HERE)" >&2
  exit 2
fi
if [ "$HERE" != "$DEST" ]; then
  rm -rf "$DEST.new"
  mkdir -p "$PREFIX/opt"
  cp -a "$HERE" "$DEST.new"
  rm -rf "$DEST"
  mv "$DEST.new" "$DEST"
fi
mkdir -p "$PREFIX/bin" "$DATA/applications" "$DATA/mime/packages" "$DATA/icons/hicolor/scalable/apps"
ln -sf "$DEST/TokenTCO" "$PREFIX/bin/tokentco"
for size in $SIZES; do
  for kind in apps mimetypes; do mkdir -p "$DATA/icons/hicolor/${size}x${size}/$kind"; done
  cp "$DEST/icons/tokentco-$size.png" "$DATA/icons/hicolor/${size}x${size}/apps/tokentco.png"
  cp "$DEST/icons/tokentco-$size.png" "$DATA/icons/hicolor/${size}x${size}/mimetypes/application-x-tokentco.png"
done
cp "$DEST/icons/tokentco.svg" "$DATA/icons/hicolor/scalable/apps/tokentco.svg"
sed "s|@EXEC@|\"$DEST/TokenTCO\"|" "$DEST/tokentco.desktop" > "$DATA/applications/tokentco.desktop"
cp "$DEST/tokentco-mime.xml" "$DATA/mime/packages/tokentco.xml"
refresh
command -v xdg-mime >/dev/null 2>&1 && xdg-mime default tokentco.desktop application/x-tokentco 2>/dev/null || true
echo "TokenTCO installed in $DEST; start it from the applications menu or with: $PREFIX/bin/tokentco"
