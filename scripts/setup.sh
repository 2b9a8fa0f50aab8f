#!/usr/bin/env bash
# Install everything the project needs to run and test, from its own files only.
#
#   scripts/setup.sh            venv + Debian packages + Cypher linter (npm) + Neo4j jars (Maven)
#   scripts/setup.sh --minimal  Python venv and the page's JavaScript (enough for `collabnet demo`)
#                               (same as COLLABNET_SETUP_MINIMAL=1)
#
# Idempotent and fast on a second run: each step is skipped when a stamp file in
# .venv/.stamps/ matches a hash of its inputs (pyproject.toml, package*.json), and
# Debian packages are only installed when `dpkg-query` says they are missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MINIMAL="${COLLABNET_SETUP_MINIMAL:-0}"
for arg in "$@"; do
  case "$arg" in
    --minimal) MINIMAL=1 ;;
    -h | --help)
      sed -n '2,10p' "$0"
      exit 0
      ;;
    *)
      echo "setup.sh: unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

VENV="$ROOT/.venv"
STAMPS="$VENV/.stamps"
LINT_DIR="$ROOT/scripts/cypher-lint"

log() { printf '==> [%3ds] %s\n' "$SECONDS" "$*"; }
warn() { printf 'setup.sh: WARNING: %s\n' "$*" >&2; }

# Hash of the given files' contents (plus their names), used as a stamp key.
inputs_hash() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

stamp_ok() { [[ -f "$STAMPS/$1" && "$(cat "$STAMPS/$1")" == "$2" ]]; }
stamp_write() { mkdir -p "$STAMPS" && printf '%s\n' "$2" >"$STAMPS/$1"; }

# Debian packages.

# Runs a command as root: directly when root, through sudo when it is there and needs
# no password (CI has no stdin); returns 1 when neither is possible.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 1
  fi
}

missing_debs() {
  local pkg
  for pkg in "$@"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

APT_UPDATED=0
install_debs() {
  local missing
  mapfile -t missing < <(missing_debs "$@")
  ((${#missing[@]})) || return 0
  log "Installing Debian packages: ${missing[*]}"
  if ! as_root true; then
    warn "not root and no password-less sudo: cannot install ${missing[*]}."
    warn "Install them by hand (apt-get install ${missing[*]}). Until then: without"
    warn "chromium/fonts-noto-cjk the tests marked 'browser' skip; without iproute2/util-linux"
    warn "scripts/test.sh runs pytest outside a private network namespace."
    return 0
  fi
  if ((!APT_UPDATED)); then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  # dpkg's progress is long and unhelpful: keep it in a file, show it on failure.
  local aptlog
  aptlog="$(mktemp)"
  if ! as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" >"$aptlog" 2>&1; then
    cat "$aptlog" >&2
    rm -f "$aptlog"
    echo "setup.sh: apt-get install ${missing[*]} failed" >&2
    return 1
  fi
  rm -f "$aptlog"
}

# `python3 -m venv` needs ensurepip, which Debian ships separately.
if [[ ! -x "$VENV/bin/python" ]] && ! python3 -c 'import ensurepip' 2>/dev/null; then
  install_debs python3-venv
fi

if ((!MINIMAL)); then
  # chromium + a CJK font: browser tests and screenshots with Chinese text.
  # iproute2 + util-linux: `ip` and `unshare` for the loopback-only test namespace.
  debs=(chromium fonts-noto-cjk iproute2 util-linux)
  command -v npm >/dev/null 2>&1 || debs+=(nodejs npm)
  install_debs "${debs[@]}"
fi

# The network page's JavaScript (npm).

# sigma.js and graphology, pinned by scripts/page-js/package-lock.json: the page inlines
# their browser bundles, and the wheel build copies them into collabnet/outputs/vendor.
# The demo writes the page, so even the minimal set-up installs them, and before the
# Python install: the package build includes these files (pyproject.toml, force-include).
PAGE_JS="$ROOT/scripts/page-js"
if ! command -v npm >/dev/null 2>&1; then
  if ((!MINIMAL)); then install_debs nodejs npm; fi
fi
if ! command -v npm >/dev/null 2>&1; then
  warn "npm not found: \`collabnet viz\` and the demo's page need scripts/page-js/node_modules."
else
  page_key="$(inputs_hash "$PAGE_JS/package.json" "$PAGE_JS/package-lock.json")"
  if stamp_ok page-js "$page_key" && [[ -f "$PAGE_JS/node_modules/sigma/dist/sigma.min.js" ]]; then
    log "Page JavaScript up to date"
  else
    log "Installing the page's JavaScript (sigma.js, graphology) in scripts/page-js"
    (cd "$PAGE_JS" && npm ci --no-audit --no-fund --loglevel=error)
    stamp_write page-js "$page_key"
  fi
fi

# Python virtual environment.

if [[ ! -x "$VENV/bin/python" ]]; then
  log "Creating $VENV"
  python3 -m venv "$VENV"
fi

py_key="$(inputs_hash pyproject.toml)"
# Reinstall when pyproject.toml changed, or when an earlier install did not finish.
if stamp_ok python "$py_key" && [[ -x "$VENV/bin/collabnet" ]]; then
  log "Python environment up to date"
else
  log "Installing the project (editable, with the dev extra) into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e '.[dev]'
  stamp_write python "$py_key"
fi

# Cypher linter (Node.js).

if ((!MINIMAL)); then
  if ! command -v npm >/dev/null 2>&1; then
    warn "npm not found: the Cypher lint test will skip."
  else
    lock_inputs=("$LINT_DIR/package.json")
    [[ -f "$LINT_DIR/package-lock.json" ]] && lock_inputs+=("$LINT_DIR/package-lock.json")
    npm_key="$(inputs_hash "${lock_inputs[@]}")"
    if stamp_ok npm "$npm_key" && [[ -d "$LINT_DIR/node_modules/@neo4j-cypher/language-support" ]]; then
      log "Cypher linter up to date"
    else
      log "Installing the Cypher linter in scripts/cypher-lint"
      if [[ -f "$LINT_DIR/package-lock.json" ]]; then
        (cd "$LINT_DIR" && npm ci --no-audit --no-fund --loglevel=error)
      else
        (cd "$LINT_DIR" && npm install --no-audit --no-fund --loglevel=error)
        # npm install may have just written the lockfile: key on it from now on.
        npm_key="$(inputs_hash "$LINT_DIR/package.json" "$LINT_DIR/package-lock.json")"
      fi
      stamp_write npm "$npm_key"
    fi
  fi
fi

# Neo4j + Graph Data Science jars (Maven Central).

# Jars for `make neo4j` and the tests that start a real Neo4j: scripts/neo4j/resolve.sh
# copies them into .neo4j/lib (or $NEO4J_LIB), keyed on a hash of scripts/neo4j/pom.xml.
if ((!MINIMAL)); then
  neo4j_lib="${NEO4J_LIB:-$ROOT/.neo4j/lib}"
  neo4j_key="$(sha256sum scripts/neo4j/pom.xml | cut -d' ' -f1)"
  if [[ -f "$neo4j_lib/.stamp" && "$(cat "$neo4j_lib/.stamp")" == "$neo4j_key" ]]; then
    log "Neo4j jars up to date"
  else
    if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
      install_debs openjdk-17-jdk-headless maven
    fi
    if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
      warn "java or mvn not found: the tests that start Neo4j will skip."
    else
      log "Resolving the Neo4j and GDS jars (Maven Central) into $neo4j_lib"
      bash scripts/neo4j/resolve.sh
    fi
  fi
fi

if ((MINIMAL)); then log "Setup done (minimal: Python and the page's JavaScript)"; else log "Setup done"; fi
