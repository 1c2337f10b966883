#!/usr/bin/env bash
# Generates both clients from openapi/openapi.json into DEST (default: this folder), so that
# `make clients` writes the committed trees and `make clients-check` writes a scratch copy to compare.
#   DEST/python                     openapi-python-client project (package tasques_client)
#   DEST/typescript/src/generated   @hey-api/openapi-ts output
# Needs the venv's openapi-python-client (PYTHON, default .venv/bin/python) and `npm ci` in
# clients/typescript. Output is deterministic: no timestamps, pinned generator versions.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mkdir -p "${1:-$root/clients}" && cd "${1:-$root/clients}" && pwd)
python=${PYTHON:-$root/.venv/bin/python}
spec=$root/openapi/openapi.json

"$python" -m openapi_python_client generate \
  --path "$spec" \
  --config "$root/clients/python-generator.yaml" \
  --meta setup \
  --output-path "$dest/python" \
  --overwrite \
  --fail-on-warning >/dev/null

mkdir -p "$dest/typescript/src"
(
  cd "$root/clients/typescript"
  TASQUES_TS_CLIENT_OUTPUT="$dest/typescript/src/generated" ./node_modules/.bin/openapi-ts --silent
)
