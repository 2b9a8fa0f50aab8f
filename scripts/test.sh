#!/usr/bin/env bash
# Run every check: ruff (lint + format), mypy, then pytest.
#
#   scripts/test.sh [PYTEST ARGS...]      e.g. scripts/test.sh -k cypher -x
#
# Expects scripts/setup.sh to have run. All steps run even when one fails; the exit
# status is non-zero if any failed, and the failed steps are listed at the end.
#
# pytest runs on every core (pytest-xdist, `-n auto`); the tests that need a Neo4j server
# share one worker (tests/conftest.py), so each server starts once. PYTEST_WORKERS=0 runs
# everything in this process.
#
# pytest runs inside a private network namespace that has only loopback, when the
# machine allows it (root): the test servers (Neo4j, bound to loopback) cannot be reached
# from outside, and no test can reach the network.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN=.venv/bin

if [[ ! -x "$BIN/python" ]]; then
  echo "test.sh: $BIN/python not found: run scripts/setup.sh (or make setup) first" >&2
  exit 2
fi

failed=()
step() {
  local name="$1"
  shift
  printf '\n==> %s\n' "$name"
  "$@"
  local rc=$?
  if ((rc != 0)); then
    failed+=("$name (exit $rc)")
  fi
  return 0
}

step "ruff check" "$BIN/ruff" check .
step "ruff format --check" "$BIN/ruff" format --check .
step "mypy" "$BIN/mypy"

set -- -n "${PYTEST_WORKERS:-auto}" "$@"

# Probe the namespace with the exact commands used below, so a half-working setup
# (unshare allowed but `ip` missing, say) falls back instead of failing.
if unshare -n -- sh -c 'ip link set lo up' >/dev/null 2>&1; then
  printf '\n(pytest runs in a private network namespace: loopback only)\n'
  step "pytest" unshare -n -- sh -c \
    'ip link set lo up && exec .venv/bin/python -m pytest "$@"' pytest "$@"
else
  printf '\ntest.sh: WARNING: cannot create a network namespace (needs root, unshare and ip);\n' >&2
  printf 'test.sh: WARNING: running pytest with the normal network.\n' >&2
  step "pytest" "$BIN/python" -m pytest "$@"
fi
# pytest exits 5 when it collected no tests: that is a failure here, as it is above.
if [[ " ${failed[*]} " == *"pytest (exit 5)"* ]]; then
  echo "test.sh: pytest collected no tests" >&2
fi

echo
if ((${#failed[@]})); then
  echo "FAILED steps: ${failed[*]}"
  exit 1
fi
echo "All steps passed."
