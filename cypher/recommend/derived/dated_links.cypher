// The links dated $first to $last at the end of $as_of of a network derived from
// participations, between an organisation of the types $sources and one of the types
// $targets (either way round), as recommend/dated_links gives them for a stored cut: the
// links read from files, and one per pair sharing projects, of the pair's year (as in
// analysis/derived/pair_table). Who is present and each one's type are the cut's
// ($present, $types: by stored organisation row).
// $first (integer): first year
// $last (integer): last year
// $as_of (integer): last year included
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
// $types (list): per stored organisation row, its type at the cut (null when absent)
// $sources (list): organisation types of the side that asks
// $targets (list): organisation types of the candidates
CALL () {
  MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(target:Organization)
  WHERE link._row < $listed_links AND link.year >= $first AND link.year <= $last
    AND link.year <= $as_of AND $present[source._row] AND $present[target._row]
    AND $types[source._row] IN $sources AND $types[target._row] IN $targets
  RETURN source.id AS source, target.id AS target, link.year AS year
  UNION ALL
  MATCH (source:Organization)-[one:PARTICIPATED]->(project:Project)<-[other:PARTICIPATED]-(target:Organization)
  WHERE one.year <= $as_of AND other.year <= $as_of AND source <> target
    AND $types[source._row] IN $sources AND $types[target._row] IN $targets
  // Years lie within 1900-2100: the smallest row * 10000 + year keeps the first row's year.
  WITH source, target, project, min(one._row * 10000 + one.year) % 10000 AS one_year,
    min(other._row * 10000 + other.year) % 10000 AS other_year
  WITH source, target, min(CASE WHEN source.id < target.id THEN one_year ELSE other_year END) AS year
  WHERE year >= $first AND year <= $last
  RETURN source.id AS source, target.id AS target, year
}
RETURN source, target, year
