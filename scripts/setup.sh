#!/usr/bin/env bash
# Install everything Creative Hub needs on a Debian machine, and nothing twice.
#
#   bash scripts/setup.sh        (or: make setup)
#
# Safe to run again and again: each step checks first and skips what is done.
# Reaches only the package registries (Debian, PyPI, npm).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Debian packages the project needs. Node.js and npm are added below when absent.
#   fluidsynth + timgm6mb-soundfont: the music engine renders MIDI with them
#     (without them it falls back to numpy synthesis, and says so);
#   espeak-ng: speech for languages without a Piper voice (Chinese);
#   fonts-wqy-microhei, fonts-dejavu-core: CJK and Latin glyphs for the storyboard
#     renderer and burned-in subtitles (and Chinese pages in browser screenshots);
#   chromium: the browser the page tests drive through Playwright (never
#     `playwright install`: only the registries are reachable).
# FFmpeg itself comes from the imageio-ffmpeg wheel (PyPI), so no Debian ffmpeg.
DEBIAN_PACKAGES=(fluidsynth timgm6mb-soundfont espeak-ng fonts-wqy-microhei fonts-dejavu-core chromium)

step() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

# --- Debian packages ---------------------------------------------------------
wanted=("${DEBIAN_PACKAGES[@]}")
command -v node >/dev/null 2>&1 || wanted+=(nodejs)
command -v npm >/dev/null 2>&1 || wanted+=(npm)
command -v python3 >/dev/null 2>&1 || wanted+=(python3)
if ! command -v uv >/dev/null 2>&1 && ! python3 -m uv --version >/dev/null 2>&1 \
  && ! python3 -m pip --version >/dev/null 2>&1; then
  wanted+=(python3-pip)
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

step "Debian packages"
if ((${#missing[@]} == 0)); then
  note "nothing to install"
else
  note "installing: ${missing[*]}"
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install: ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- Python (uv) -------------------------------------------------------------
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "Python 3.11 or newer is needed as python3 (found $(python3 --version 2>&1))"

step "uv"
if command -v uv >/dev/null 2>&1; then
  uv=(uv)
elif python3 -m uv --version >/dev/null 2>&1; then
  uv=(python3 -m uv)
else
  note "installing uv with pip"
  # Debian's own python3 refuses plain pip installs (PEP 668); as root on a
  # fresh machine, installing this one tool into /usr/local is what we want.
  python3 -m pip install --quiet --disable-pip-version-check uv \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages uv
  command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
  if command -v uv >/dev/null 2>&1; then uv=(uv); else uv=(python3 -m uv); fi
fi
note "$("${uv[@]}" --version)"

step "Python packages (uv sync --frozen, dev group included)"
# Use the machine's Python: no interpreter downloads (only registries are reachable).
export UV_PYTHON_DOWNLOADS="${UV_PYTHON_DOWNLOADS:-never}"
# uv trusts only its built-in roots unless told otherwise: give it the system's CA
# bundle, which is where a TLS-inspecting proxy's certificate is installed.
if [[ -z "${SSL_CERT_FILE:-}" && -f /etc/ssl/certs/ca-certificates.crt ]]; then
  export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
fi
# Compile bytecode once at install: otherwise every start compiles every module
# (measured: cold start 4.6-8 s without, 1.3-2.4 s with).
export UV_COMPILE_BYTECODE=1
"${uv[@]}" sync --frozen

# --- Front-end assets (npm) --------------------------------------------------
step "Front-end packages (npm ci)"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.creative-hub-lock.sha256"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" ]]; then
  note "node_modules matches package-lock.json"
else
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >"$stamp"
fi

step "Static assets"
bash scripts/copy-assets.sh | sed 's/^/    /'

step "Setup complete"
