#!/usr/bin/env bash
# Resolve the jars of scripts/neo4j/pom.xml (Neo4j Community + Bolt + Graph Data Science)
# from Maven Central into a cache folder outside git:
#
#   scripts/neo4j/resolve.sh        -> .neo4j/lib/  (or $NEO4J_LIB)
#
# Every jar lands in the folder (the class path: '<lib>/*'); the GDS jars are also linked
# into <lib>/plugins/, the folder Neo4j's procedure loader scans. Jars are named
# groupId.artifactId-version.jar. Idempotent: a stamp (<lib>/.stamp) holds the pom's
# SHA-256, and nothing runs when it matches, so it works offline after the first time.
# The folder is replaced as a whole: it is never left half-filled.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
POM="$ROOT/scripts/neo4j/pom.xml"
LIB="${NEO4J_LIB:-$ROOT/.neo4j/lib}"

key="$(sha256sum "$POM" | cut -d' ' -f1)"
if [[ -f "$LIB/.stamp" && "$(cat "$LIB/.stamp")" == "$key" ]]; then
  echo "==> Neo4j jars up to date ($LIB)"
  exit 0
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "resolve.sh: mvn not found: install Maven (apt-get install maven)" >&2
  exit 1
fi

echo "==> Resolving Neo4j and GDS jars from Maven Central into $LIB"
mkdir -p "$(dirname "$LIB")"
tmp="$(mktemp -d "$(dirname "$LIB")/.lib.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
# -f with an absolute pom and copy-dependencies only: nothing is written next to the pom.
mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
  -DincludeScope=runtime -Dmdep.prependGroupId=true -DoutputDirectory="$tmp"
mkdir "$tmp/plugins"
(cd "$tmp/plugins" && for jar in ../org.neo4j.gds.*.jar; do ln -s "$jar" .; done)
printf '%s\n' "$key" >"$tmp/.stamp"
rm -rf "$LIB"
mv -T "$tmp" "$LIB"
trap - EXIT
echo "==> $(find "$LIB" -maxdepth 1 -name '*.jar' | wc -l) jars in $LIB"
