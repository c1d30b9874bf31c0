#!/usr/bin/env bash
# Set up, then ingest data/raw/ into data/parquet/ and show a few example queries.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/jixiao ingest data/raw -o data/parquet "$@"
echo
echo "Parquet datasets written under $(pwd)/data/parquet/ (documents, targets, indicators, findings)."
echo "Example queries:"
q() { echo "\$ jixiao query \"$1\""; .venv/bin/jixiao query "$1" data/parquet --limit 8; }
q "SELECT kind, count(*) AS indicators FROM indicators GROUP BY kind ORDER BY 2 DESC"
q "SELECT table_name, level3, value_raw FROM indicators WHERE kind = 'qualitative' LIMIT 8"
q "SELECT name, budget_yuan, n_indicators FROM targets ORDER BY budget_yuan DESC NULLS LAST"
q "SELECT code, count(*) AS n FROM findings GROUP BY code ORDER BY n DESC"
