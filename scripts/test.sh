#!/usr/bin/env bash
# Set up, then lint (ruff check + format check) and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check pipeline tests bench
.venv/bin/ruff format --check pipeline tests bench
.venv/bin/python -m pytest "$@"
