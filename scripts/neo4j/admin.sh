#!/usr/bin/env bash
# neo4j-admin for the Neo4j that `make neo4j` runs: the same jars, with NEO4J_DATA as
# the DBMS home. Run it while that server is stopped.
#
#   scripts/neo4j/admin.sh database import full neo4j --nodes=... --relationships=...
#   collabnet neo4j import DATA --neo4j-admin scripts/neo4j/admin.sh
#
# Environment: NEO4J_DATA (.neo4j/data), NEO4J_LIB (.neo4j/lib), NEO4J_ADMIN_JAVA_OPTS
# (extra JVM options, e.g. -Xmx4g).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export NEO4J_LIB="${NEO4J_LIB:-$ROOT/.neo4j/lib}"
NEO4J_HOME="$(realpath -m "${NEO4J_DATA:-$ROOT/.neo4j/data}")"
export NEO4J_HOME

if ! command -v java >/dev/null 2>&1; then
  echo "admin.sh: java not found: install a JDK 17 or later (apt-get install openjdk-17-jdk-headless)" >&2
  exit 1
fi
bash "$ROOT/scripts/neo4j/resolve.sh" >&2
mkdir -p "$NEO4J_HOME"
# shellcheck disable=SC2086  # the options are words
exec java ${NEO4J_ADMIN_JAVA_OPTS:-} -cp "$NEO4J_LIB/*" org.neo4j.cli.AdminTool "$@"
