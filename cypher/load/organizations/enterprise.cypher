// Creates or updates organisations of type 'enterprise' as (:Organization:Enterprise),
// replacing their properties and type label; their industry and county memberships
// are created afresh. Every write is stamped with $push, and what an earlier push wrote
// (the previous memberships among it) is pruned once this push is complete.
// $rows (list): one map of properties per organisation (id, name, type, industries, ...)
// $push (text): id of this push
UNWIND $rows AS row
MERGE (o:Organization {id: row.id})
SET o = row, o._push = $push
REMOVE o:Platform:University:Institute:Other
SET o:Enterprise
FOREACH (code IN coalesce(row.industries, []) |
  MERGE (industry:Industry {code: code})
  CREATE (o)-[:IN_INDUSTRY {_push: $push}]->(industry))
FOREACH (name IN CASE WHEN row.county IS NULL THEN [] ELSE [row.county] END |
  MERGE (county:County {name: name})
  CREATE (o)-[:IN_COUNTY {_push: $push}]->(county)
  SET county._push = $push)
