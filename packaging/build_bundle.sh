#!/usr/bin/env bash
# Build Mosaic's self-contained folder bundle: dist/mosaic/ (start it with dist/mosaic/mosaic).
#
#   pip install ".[bundle]"          # Mosaic's dependencies and PyInstaller, once
#   bash packaging/build_bundle.sh   # about 4 minutes on 2 cores; build/ holds the work files
#
# Extra arguments go to PyInstaller (for example --distpath DIR --workpath DIR). The bundle
# runs on machines like the one that built it (same OS, CPU architecture, and a glibc at
# least as new on Linux): build on each platform you ship for.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python -c "import PyInstaller" 2>/dev/null; then
    echo "build_bundle.sh: PyInstaller is not installed in $(command -v python); run" \
         "pip install \".[bundle]\" first." >&2
    exit 1
fi
python -m PyInstaller --noconfirm --log-level WARN packaging/mosaic.spec "$@"
