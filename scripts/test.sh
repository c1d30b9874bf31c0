#!/usr/bin/env bash
# Set up (and the Debian packages the tests use), then lint (ruff check + format check) and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/test-packages.sh  # Chromium and CJK fonts for the tests: installed as root, and said so
.venv/bin/ruff check pipeline tests bench
.venv/bin/ruff format --check pipeline tests bench
.venv/bin/python -m pytest "$@"
