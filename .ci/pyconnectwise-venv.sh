#!/usr/bin/env bash
# Builds the virtual environment with the pinned pyconnectwise, or reuses it, and prints its
# folder. The CI check and the scenario benchmark's peer both run in it.
set -euo pipefail

venv=${PYCONNECTWISE_VENV:-${TMPDIR:-/tmp}/v360-pyconnectwise-venv}

python3 -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check pyconnectwise==0.6.1.2 >&2
echo "$venv"
