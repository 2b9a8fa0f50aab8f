// Creates or updates 'co_built_centre' links as (source)-[:CO_BUILT_CENTRE]->(target). A
// link is identified by its endpoints, its kind and _key (a hash of the whole
// row), so several links between one pair survive and pushing the same rows again
// changes nothing.
// $rows (list): maps {s: source id, t: target id, p: the link's properties, _key included}
// $push (text): id of this push
UNWIND $rows AS row
MATCH (source:Organization {id: row.s})
MATCH (target:Organization {id: row.t})
MERGE (source)-[link:CO_BUILT_CENTRE {_key: row.p._key}]->(target)
SET link = row.p, link._push = $push
