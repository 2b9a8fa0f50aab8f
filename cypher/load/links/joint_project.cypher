// Creates 'joint_project' links as (source)-[:JOINT_PROJECT]->(target), one
// relationship per row, stamped with $push: a push creates every link afresh and then
// deletes those an earlier push wrote, so pushing the same rows again leaves the same
// relationships.
// $rows (list): maps {s: source node, t: target node (element ids), p: the link's properties}
// $push (text): id of this push
UNWIND $rows AS row
MATCH (source:Organization) WHERE elementId(source) = row.s
MATCH (target:Organization) WHERE elementId(target) = row.t
CREATE (source)-[link:JOINT_PROJECT]->(target)
SET link = row.p, link._push = $push
