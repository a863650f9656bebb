#!/usr/bin/env bash
# `make run`: the development identity provider on :8001, the portal on :8000.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export AUTHLIB_INSECURE_TRANSPORT=1
.venv/bin/python scripts/dev_identity_provider.py --host 127.0.0.1 --port 8001 &
provider=$!
trap 'kill $provider 2>/dev/null || true' EXIT INT TERM
echo "Identity provider: http://127.0.0.1:8001 (log in as amina, youssef, fatima, karim, agent.salma, reviewer.omar)"
echo "Portal:            http://127.0.0.1:8000"
.venv/bin/flask --app wsgi run --host 127.0.0.1 --port 8000 --no-reload
