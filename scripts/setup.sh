#!/usr/bin/env bash
# Create .venv (if needed) and install jixiao with its pinned dependencies.
# Idempotent; used by scripts/ingest.sh and scripts/test.sh.  Installs no system package
# (the tests' Debian packages are scripts/test-packages.sh's, run by scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.jixiao-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  # one OpenCV only: drop any other cv2 wheel a dependency may have pulled in
  for other in opencv-python opencv-contrib-python opencv-contrib-python-headless; do
    if .venv/bin/python -m pip show -q "$other" >/dev/null 2>&1; then
      .venv/bin/python -m pip uninstall -q -y "$other"
      .venv/bin/python -m pip install -q --force-reinstall --no-deps "opencv-python-headless==5.0.0.93"
    fi
  done
  touch "$stamp"
fi
