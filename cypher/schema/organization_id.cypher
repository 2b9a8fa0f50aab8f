// Organisation ids are unique; the constraint's index serves every MERGE and MATCH on id.
CREATE CONSTRAINT collabnet_organization_id IF NOT EXISTS
FOR (o:Organization) REQUIRE o.id IS UNIQUE
