// Creates or updates organisations of type 'other' as (:Organization:Other), replacing
// their properties, type label and industry and county memberships; every write is
// stamped with $push so that what a push no longer contains can be pruned afterwards.
// $rows (list): one map of properties per organisation (id, name, type, industries, ...)
// $push (text): id of this push
UNWIND $rows AS row
MERGE (o:Organization {id: row.id})
SET o = row, o._push = $push
REMOVE o:Platform:Enterprise:University:Institute
SET o:Other
FOREACH (code IN coalesce(row.industries, []) |
  MERGE (industry:Industry {code: code})
  CREATE (o)-[:IN_INDUSTRY {_push: $push}]->(industry))
FOREACH (name IN CASE WHEN row.county IS NULL THEN [] ELSE [row.county] END |
  MERGE (county:County {name: name})
  CREATE (o)-[:IN_COUNTY {_push: $push}]->(county)
  SET county._push = $push)
