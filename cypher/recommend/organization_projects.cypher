// The projects of each organisation of a network derived from participations that have
// a participation of it up to $year (every project when $year is null): one row per
// organisation and project. The recommender's thematic overlap joins them with the
// projects' themes.
// $year (integer, optional): last year included
MATCH (o:Organization)-[taken:PARTICIPATED]->(project:Project)
WHERE $year IS NULL OR taken.year <= $year
RETURN DISTINCT o.id AS id, project.project AS project
