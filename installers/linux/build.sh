#!/usr/bin/env bash
# Build the Linux bundle: dist/TokenTCO/ (one folder, runs in place) and
# dist/TokenTCO-<version>-linux-<arch>.tar.gz (that folder + install.sh + .desktop + MIME).
#   installers/linux/build.sh            build, self-test the bundle headless, pack
#   installers/linux/build.sh --no-test  skip the self-test (not for releases)
# Needs: pip install -e ".[installers]" and binutils (objdump) for PyInstaller.
# No AppImage: appimagetool is a download from GitHub that this build does not make;
# the tarball's install.sh gives the same per-user menu entry, icon and file type.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python}
RUN_TEST=1
[ "${1:-}" = "--no-test" ] && RUN_TEST=0

VERSION=$("$PYTHON" -c "import tokentco; print(tokentco.__version__)")
ARCH=$(uname -m)
start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installers/tokentco.spec

APP=dist/TokenTCO
mkdir -p "$APP/icons"
cp installers/linux/tokentco.desktop installers/linux/tokentco-mime.xml installers/linux/install.sh "$APP/"
cp resources/icons/tokentco-*.png resources/icons/tokentco.svg "$APP/icons/"
cp CHANGELOG.md "$APP/"
echo "built $APP ($(du -sh "$APP" | cut -f1)) in $(( $(date +%s) - start )) s"

if [ "$RUN_TEST" = 1 ]; then
  QT_QPA_PLATFORM=offscreen "$APP/TokenTCO" --self-test
fi

TARBALL=dist/TokenTCO-$VERSION-linux-$ARCH.tar.gz
tar -C dist -czf "$TARBALL" TokenTCO
echo "packed $TARBALL ($(du -h "$TARBALL" | cut -f1)) -- unpack and run TokenTCO/install.sh"
