// Creates 'joint_project' links as (source)-[:JOINT_PROJECT]->(target), one relationship per
// row, stamped with $push: a push creates every link afresh and then deletes those an
// earlier push wrote, so pushing the same rows again leaves the same relationships.
// $rows (list): maps {s: source id, t: target id, p: the link's properties}
// $push (text): id of this push
UNWIND $rows AS row
MATCH (source:Organization {id: row.s})
MATCH (target:Organization {id: row.t})
CREATE (source)-[link:JOINT_PROJECT]->(target)
SET link = row.p, link._push = $push
