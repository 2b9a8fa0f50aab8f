// Creates participations as (organisation)-[:PARTICIPATED]->(project), one relationship
// per row with the row's year, role and other columns, stamped with $push: a push
// creates every participation afresh and then deletes those an earlier push wrote.
// Projects not in a projects table are created with their id only.
// $rows (list): maps {o: organisation node (element id), p: project id, r: the row's other columns}
// $push (text): id of this push
UNWIND $rows AS row
MATCH (organization:Organization) WHERE elementId(organization) = row.o
MERGE (project:Project {project: row.p})
SET project._push = $push
CREATE (organization)-[participated:PARTICIPATED]->(project)
SET participated = row.r, participated._push = $push
