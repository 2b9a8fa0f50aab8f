// Which server this is: its name, versions and edition. Only Neo4j answers; a server
// that merely speaks Bolt fails, and collabnet then refuses it.
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions, edition
