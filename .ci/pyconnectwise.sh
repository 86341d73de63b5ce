#!/usr/bin/env bash
# Checks that pyconnectwise's models, generated from ConnectWise's OpenAPI schema, accept every
# sandbox response the wizard reads. Builds nothing: $1 is the path of a built cwm-sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."

sandbox=${1:?usage: .ci/pyconnectwise.sh PATH_TO_CWM_SANDBOX}
venv=$(bash .ci/pyconnectwise-venv.sh)
"$venv/bin/python" tests/pyconnectwise/check.py "$sandbox"
