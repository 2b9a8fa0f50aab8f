// Creates or updates 'co_founding' links as (source)-[:CO_FOUNDING]->(target). A link is
// identified by its endpoints, its kind and _key (a hash of the whole row), so
// several links between one pair survive and pushing the same rows again changes
// nothing.
// $rows (list): maps {s: source id, t: target id, p: the link's properties}
// $push (text): id of this push
UNWIND $rows AS row
MATCH (source:Organization {id: row.s})
MATCH (target:Organization {id: row.t})
CREATE (source)-[link:CO_FOUNDING]->(target)
SET link = row.p, link._push = $push
