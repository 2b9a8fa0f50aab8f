#!/usr/bin/env bash
# Start the embedded Neo4j 5 + Graph Data Science in the foreground (`make neo4j`).
#
#   scripts/neo4j/run.sh
#
# Resolves the jars first when needed (scripts/neo4j/resolve.sh), compiles Launcher.java
# once into <lib>/.classes/ (keyed on its hash and the java binary) and collabnet's
# procedure (PathSignals.java) into a jar in <lib>/plugins/, then replaces itself
# with the JVM: the PID you started is the JVM's. stdout carries one line,
# `ready: bolt://127.0.0.1:PORT`; everything else goes to stderr or NEO4J_DATA/logs/.
#
# Environment: NEO4J_PORT (7687), NEO4J_PASSWORD (collabnet-test), NEO4J_DATA
# (.neo4j/data), NEO4J_PAGECACHE (64m), NEO4J_HEAP (1g, the JVM's -Xmx),
# NEO4J_JAVA_OPTS (extra JVM options), NEO4J_LIB (.neo4j/lib).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SRC="$ROOT/scripts/neo4j/Launcher.java"
export NEO4J_LIB="${NEO4J_LIB:-$ROOT/.neo4j/lib}"
export NEO4J_DATA="${NEO4J_DATA:-$ROOT/.neo4j/data}"

if ! command -v java >/dev/null 2>&1; then
  echo "run.sh: java not found: install a JDK 17 or later (apt-get install openjdk-17-jdk-headless)" >&2
  exit 1
fi
bash "$ROOT/scripts/neo4j/resolve.sh" >&2

# javac takes a few seconds on every start of a single-file source program: compile once.
# Written to a temporary folder and renamed, so concurrent starts never see half a class.
key="$( (cat "$SRC"; readlink -f "$(command -v java)") | sha256sum | cut -c1-16)"
classes="$NEO4J_LIB/.classes/$key"
if [[ ! -f "$classes/Launcher.class" ]]; then
  mkdir -p "$NEO4J_LIB/.classes"
  tmp="$(mktemp -d "$NEO4J_LIB/.classes/.tmp.XXXXXX")"
  javac -proc:none -nowarn -d "$tmp" -cp "$NEO4J_LIB/*" "$SRC"
  mv -T "$tmp" "$classes" 2>/dev/null || rm -rf "$tmp"
fi

# collabnet's procedures (PathSignals.java: collabnet.pairSignalsPacked, pairEvidence,
# egoBrokerage and egoBrokerageDerived) as a jar in the default plugin folder, built once
# per source and java binary; older builds are removed. A server started with another NEO4J_PLUGINS folder
# runs without them (the recommender and brokerage then send the same work as Cypher).
procedures="$ROOT/scripts/neo4j/PathSignals.java"
pkey="$( (cat "$procedures"; readlink -f "$(command -v java)") | sha256sum | cut -c1-16)"
pjar="$NEO4J_LIB/plugins/collabnet-procedures-$pkey.jar"
if [[ ! -f "$pjar" ]]; then
  mkdir -p "$NEO4J_LIB/.classes" "$NEO4J_LIB/plugins"
  tmp="$(mktemp -d "$NEO4J_LIB/.classes/.tmp.XXXXXX")"
  javac -proc:none -nowarn -Xlint:-removal -Xlint:-deprecation -d "$tmp/classes" -cp "$NEO4J_LIB/*" "$procedures"
  jar cf "$tmp/procedures.jar" -C "$tmp/classes" .
  mv "$tmp/procedures.jar" "$pjar"
  rm -rf "$tmp"
  find "$NEO4J_LIB/plugins" -name 'collabnet-procedures-*.jar' ! -name "$(basename "$pjar")" -delete
fi

heap="${NEO4J_HEAP:-1g}"
# The options Neo4j's own start script passes that matter here: reflective access for the
# page cache and Netty, a fixed heap floor, and no JMX for log4j.
opts=(
  "-Xms256m" "-Xmx$heap"
  -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Djdk.nio.maxCachedBufferSize=1024
  -Dlog4j2.disable.jmx=true
)
# shellcheck disable=SC2206 # NEO4J_JAVA_OPTS is a list of options, split on spaces.
extra=(${NEO4J_JAVA_OPTS:-})
exec java "${opts[@]}" "${extra[@]}" -cp "$classes:$NEO4J_LIB/*" Launcher
