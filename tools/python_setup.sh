#!/usr/bin/env bash
# Make `import blocsim` work in Debian's /usr/bin/python3 from a build folder,
# the way `pip install --user -e .` would: build the module if needed and put
# a one-line .pth file (the folder <build>/python) into the user site-packages.
#   tools/python_setup.sh [BUILD_DIR]        (default: build; tools/quickstart.sh runs it)
# Undo: rm "$(/usr/bin/python3 -m site --user-site)/blocsim-build.pth".
# A real installation instead: cmake --install BUILD_DIR --prefix /usr/local
# (the module goes to /usr/local/lib/python3.X/dist-packages, on Debian's sys.path).
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
PY=${BLOCSIM_PYTHON:-/usr/bin/python3}
if ! ls "$build"/python/blocsim/_core*.so >/dev/null 2>&1; then
  cmake --build "$build" -j"$(nproc)" --target blocsim_python
fi
ls "$build"/python/blocsim/_core*.so >/dev/null 2>&1 || {
  echo "python_setup: no Python module in $build (needs python3-dev and pybind11-dev: tools/deps.sh run)" >&2; exit 1; }
site=$("$PY" -m site --user-site)
mkdir -p "$site"
echo "$build/python" > "$site/blocsim-build.pth"
version=$(cd / && "$PY" -c "import blocsim; print(blocsim.__version__)")
echo "Python: blocsim $version importable in $PY (via $site/blocsim-build.pth → $build/python)"
