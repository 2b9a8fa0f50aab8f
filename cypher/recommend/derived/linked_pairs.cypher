// The pairs linked at the end of $as_of of a network derived from participations between
// an organisation of the types $sources and one of the types $targets, as
// recommend/linked_pairs gives them for a stored cut. Who is present and each one's type
// are the cut's ($present, $types: by stored organisation row); which links count as in
// analysis/derived/degrees.
// $as_of (integer): last year included
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
// $types (list): per stored organisation row, its type at the cut (null when absent)
// $sources (list): organisation types of the side that asks
// $targets (list): organisation types of the candidates
CALL () {
  MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(target:Organization)
  WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
    AND $present[source._row] AND $present[target._row]
    AND $types[source._row] IN $sources AND $types[target._row] IN $targets
  RETURN source, target
  UNION
  MATCH (source:Organization)-[one:PARTICIPATED]->(:Project)<-[other:PARTICIPATED]-(target:Organization)
  WHERE one.year <= $as_of AND other.year <= $as_of AND source <> target
    AND $types[source._row] IN $sources AND $types[target._row] IN $targets
  RETURN source, target
}
RETURN source.id AS source, target.id AS target
