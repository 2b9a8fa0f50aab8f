// Which server this is. Neo4j answers; FalkorDB (which also calls itself Neo4j over
// Bolt) fails, and that failure is how the FalkorDB dialect is recognised.
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions, edition
