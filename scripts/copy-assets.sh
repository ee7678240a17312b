#!/usr/bin/env bash
# Copy the front-end files the pages use from node_modules/ (installed by `npm ci`
# from package-lock.json) into src/creative_hub/web/static/vendor/.
# That folder is gitignored: third-party code is installed, never committed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
modules="$root/node_modules"
vendor="$root/src/creative_hub/web/static/vendor"

# source (under node_modules/)            -> name under vendor/
assets=(
  "htmx.org/dist/htmx.min.js"              "htmx.min.js"
  "htmx-ext-sse/dist/sse.js"               "sse.js"
  "@picocss/pico/css/pico.min.css"         "pico.min.css"
  "@picocss/pico/css/pico.classless.min.css" "pico.classless.min.css"
)

mkdir -p "$vendor"
for ((i = 0; i < ${#assets[@]}; i += 2)); do
  source="$modules/${assets[i]}"
  if [[ ! -f "$source" ]]; then
    echo "copy-assets: missing $source; run 'npm ci' first (or 'make setup')" >&2
    exit 1
  fi
  install -m 0644 "$source" "$vendor/${assets[i + 1]}"
done
echo "copy-assets: $(( ${#assets[@]} / 2 )) files in ${vendor#"$root"/}/"
