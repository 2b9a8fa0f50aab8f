// Creates or updates organisations of type 'platform' as (:Organization:Platform),
// replacing their properties, type label and industry and county memberships; every
// write is stamped with $push so that what a push no longer contains can be pruned
// afterwards.
// $rows (list): one map of properties per organisation (id, name, type, industries, ...)
// $push (text): id of this push
UNWIND $rows AS row
MERGE (o:Organization {id: row.id})
SET o = row, o._push = $push
REMOVE o:Enterprise:University:Institute:Other
SET o:Platform
FOREACH (code IN coalesce(row.industries, []) |
  MERGE (industry:Industry {code: code})
  MERGE (o)-[member:IN_INDUSTRY]->(industry)
  SET member._push = $push)
FOREACH (name IN CASE WHEN row.county IS NULL THEN [] ELSE [row.county] END |
  MERGE (county:County {name: name})
  MERGE (o)-[located:IN_COUNTY]->(county)
  SET located._push = $push, county._push = $push)
