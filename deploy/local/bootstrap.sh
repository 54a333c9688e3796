#!/usr/bin/env bash
# Installs what `make run` / `make test` need on a Debian 12 machine, and nothing more.
# Idempotent and fast when everything is present (no apt-get update, no network).
#   - Debian packages: PostgreSQL 15 + PostGIS 3, Node.js + npm, make, curl, CA certificates
#   - uv, then the locked Python environment (.venv: all workspace packages + dev group)
#   - node_modules of the local OIDC provider (deploy/local/oidc), when its lock file changed
#   - the translation catalogues compiled (.po -> .mo, gitignored; docs/i18n.md)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OIDC_DIR="$REPO/deploy/local/oidc"
export DEBIAN_FRONTEND=noninteractive
export UV_PYTHON_DOWNLOADS=never   # use the machine's Python 3.11; never download one

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

debian_packages() {
    local wanted=(postgresql-15 postgresql-15-postgis-3 make curl ca-certificates)
    local missing=()
    for pkg in "${wanted[@]}"; do installed "$pkg" || missing+=("$pkg"); done
    # Node may come from another repository (its nodejs then bundles npm): test the commands.
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    if [ "${#missing[@]}" -eq 0 ]; then
        return
    fi
    # PostGIS may upgrade postgresql-15 itself: this runs before any cluster is started.
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_uv() {
    if command -v uv >/dev/null 2>&1; then
        return
    fi
    say "installing uv"
    python3 -m pip --version >/dev/null 2>&1 || as_root apt-get install -y -qq python3-pip >/dev/null
    python3 -m pip install --quiet uv 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages uv
    command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
    if ! command -v uv >/dev/null 2>&1; then
        local scripts
        scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
        [ -x "$scripts/uv" ] || scripts="$HOME/.local/bin"
        [ -x "$scripts/uv" ] || die "uv was installed but cannot be found"
        as_root ln -sf "$scripts/uv" /usr/local/bin/uv
    fi
}

python_env() {
    # --locked: fail if uv.lock does not match the pyproject files (CI must not re-resolve).
    # --compile-bytecode: later imports skip compiling (~5 s per process with SQLAlchemy).
    (cd "$REPO" && uv sync --locked --all-packages --compile-bytecode --quiet)
}

node_modules() {
    if [ ! -f "$OIDC_DIR/package.json" ]; then
        say "skipping npm: $OIDC_DIR/package.json does not exist (the OIDC provider is not in this checkout)"
        return
    fi
    local stamp="$OIDC_DIR/node_modules/.guichet-lock.sha256" want
    want="$(cat "$OIDC_DIR/package.json" "$OIDC_DIR/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    say "installing node_modules in deploy/local/oidc"
    if [ -f "$OIDC_DIR/package-lock.json" ]; then
        (cd "$OIDC_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    else
        (cd "$OIDC_DIR" && npm install --no-audit --no-fund --loglevel=error)
    fi
    echo "$want" > "$stamp"
}

catalogues() {
    (cd "$REPO" && uv run --no-sync python -m guichet_kit.i18n_catalogues compile)
}

check_node_version() {
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    [ "$major" -ge 20 ] || say "warning: Node.js $major found; the OIDC provider (oidc-provider 9) needs Node 20 or later"
}

debian_packages
check_node_version
ensure_uv
python_env
catalogues
node_modules
