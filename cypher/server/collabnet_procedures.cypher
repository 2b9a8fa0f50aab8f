// Whether collabnet's own procedure (scripts/neo4j/PathSignals.java) is installed.
// $name (text): the procedure's name
SHOW PROCEDURES YIELD name
WHERE name = $name
RETURN count(*) > 0 AS installed
