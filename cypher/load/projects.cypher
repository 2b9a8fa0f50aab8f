// Creates or updates the projects table's rows as (:Project), replacing their
// properties (project, its theme or programme part, ...).
// $rows (list): one map of properties per project row
// $push (text): id of this push
UNWIND $rows AS row
MERGE (project:Project {project: row.project})
SET project = row, project._push = $push
