#!/usr/bin/env bash
# Build the macOS app: dist/TokenTCO.app (PyInstaller BUNDLE), its self-test, then
# dist/TokenTCO-<version>-macos-<arch>.dmg (hdiutil, drag-to-Applications layout).
#   installers/macos/build.sh [--no-test]
# Signing and notarisation (optional; see installers/README.md):
#   CODESIGN_IDENTITY="Developer ID Application: Example Ltd (TEAMID)"  signs every binary
#   NOTARY_PROFILE=tokentco-notary  submits the dmg with notarytool and staples the ticket
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
RUN_TEST=1
[ "${1:-}" = "--no-test" ] && RUN_TEST=0

VERSION=$("$PYTHON" -c "import tokentco; print(tokentco.__version__)")
ARCH=$(uname -m)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installers/tokentco.spec
APP=dist/TokenTCO.app

if [ "$RUN_TEST" = 1 ]; then
  QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/TokenTCO" --self-test
fi
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --verify --deep --strict --verbose=2 "$APP"
fi

DMG=dist/TokenTCO-$VERSION-macos-$ARCH.dmg
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "TokenTCO $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --sign "$CODESIGN_IDENTITY" --timestamp "$DMG"
fi
if [ -n "${NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
  spctl --assess --type open --context context:primary-signature --verbose "$DMG"
fi
echo "packed $DMG ($(du -h "$DMG" | cut -f1))"
