// Creates the projects table's rows as (:ProjectRow)-[:ROW_OF]->(:Project), one node
// per row with the row's properties (project, its theme or programme part, ...), so that
// a project listed with several themes keeps every row; the project node is merged on
// its id. Stamped with $push: a push creates every row afresh and then deletes those an
// earlier push wrote.
// $rows (list): one map of properties per project row
// $push (text): id of this push
UNWIND $rows AS row
MERGE (project:Project {project: row.project})
SET project._push = $push
CREATE (part:ProjectRow)-[:ROW_OF {_push: $push}]->(project)
SET part = row, part._push = $push
