#!/usr/bin/env bash
# Create .venv (if needed) and install jixiao with its pinned dependencies.
# Idempotent; used by scripts/ingest.sh, scripts/test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
# Debian packages the tests use: Chromium (reports opened in a real browser) and a CJK
# fonts (Chinese text in screenshots and generated PDF fixtures: wqy, uming).  Installed only as root.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
[ -f /usr/share/fonts/truetype/arphic/uming.ttc ] || need+=(fonts-arphic-uming)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 ||
    echo "setup: could not install ${need[*]} (tests that need them will skip)" >&2
fi
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
