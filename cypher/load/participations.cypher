// Creates or updates participations as (organisation)-[:PARTICIPATED]->(project), with
// the row's year, role and other columns. A participation is identified by its
// organisation, its project and _key (a hash of the whole row), so identical rows
// survive and pushing the same rows again changes nothing. Projects not in a projects
// table are created with their id only.
// $rows (list): maps {o: organisation id, p: project id, r: the row's other columns, _key included}
// $push (text): id of this push
UNWIND $rows AS row
MATCH (organization:Organization {id: row.o})
MERGE (project:Project {project: row.p})
SET project._push = $push
MERGE (organization)-[participated:PARTICIPATED {_key: row.r._key}]->(project)
SET participated = row.r, participated._push = $push
