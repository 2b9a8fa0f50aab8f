// The titles of the links read from files at the end of $as_of of a network derived from
// participations (derived links have none), as recommend/link_titles gives them for a
// stored cut: their ends' ids and title, in the order of the links table (_row). Who is
// present is the cut's ($present, by stored organisation row).
// $as_of (integer): last year included
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
WHERE link.title IS NOT NULL AND link._row < $listed_links
  AND (link.year IS NULL OR link.year <= $as_of)
  AND $present[source._row] AND $present[target._row]
RETURN source.id AS source, target.id AS target, link.title AS title
ORDER BY link._row
