// Per organisation of a network derived from participations, the activity the
// recommender counts: its projects with a participation up to $year (every project when
// $year is null) and, of those, the projects whose first such participation (in file
// order) is of $year. Read with recommend/organization_activity or its derived twin.
// $year (integer, optional): the year whose activity is counted
MATCH (o:Organization)
CALL (o) {
  OPTIONAL MATCH (o)-[taken:PARTICIPATED]->(project:Project)
  WHERE $year IS NULL OR taken.year <= $year
  // Years lie within 1900-2100: the smallest row * 10000 + year keeps the first row's year.
  WITH project, min(taken._row * 10000 + taken.year) % 10000 AS first
  RETURN count(project) AS activity, count(CASE WHEN first = $year THEN 1 END) AS recent
}
RETURN o.id AS id, activity, recent
