// Every row of the projects table (projects known only from participations are left out).
MATCH (project:Project)
WHERE project._row IS NOT NULL
RETURN properties(project) AS properties
