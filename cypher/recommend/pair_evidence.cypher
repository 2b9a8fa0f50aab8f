// For each pair [source id, candidate id] of $pairs, on the network at the end of
// $as_of (all when null): the partners the two share, and, when $examples is true, one
// three-step path source → x → y → candidate, chosen as the in-memory explanation
// chooses it: y among the candidate's partners with the most partners in common with
// the source (then the first listed), x the first listed of those (other than the
// candidate and y). "Listed" is the order of the organisations table (_row).
// $pairs (list): [source id, candidate id] lists
// $as_of (integer, optional): last year included
// $examples (boolean): whether to find a three-step path for each pair
UNWIND range(0, size($pairs) - 1) AS position
MATCH (source:Organization {id: $pairs[position][0]})
MATCH (candidate:Organization {id: $pairs[position][1]})
CALL (source, candidate) {
  OPTIONAL MATCH (source)-[first:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
    -[second:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(candidate)
  WHERE $as_of IS NULL
    OR ((first.year IS NULL OR first.year <= $as_of)
      AND (second.year IS NULL OR second.year <= $as_of)
      AND (partner.founded IS NULL OR partner.founded <= $as_of))
  WITH DISTINCT partner
  ORDER BY partner._row
  RETURN collect(partner.id) AS shared
}
OPTIONAL CALL (source, candidate) {
  MATCH (source)-[first:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(middle:Organization)
    -[second:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(next:Organization)
    -[third:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(candidate)
  WHERE $examples AND next <> source AND middle <> candidate
    AND ($as_of IS NULL
      OR ((first.year IS NULL OR first.year <= $as_of)
        AND (second.year IS NULL OR second.year <= $as_of)
        AND (third.year IS NULL OR third.year <= $as_of)
        AND (middle.founded IS NULL OR middle.founded <= $as_of)
        AND (next.founded IS NULL OR next.founded <= $as_of)))
  WITH DISTINCT next, middle
  ORDER BY middle._row
  WITH next, collect(middle) AS middles
  // The candidate is left out of the middles above (a pattern uses each link once, so
  // it would be found only through a second link): it counts among the partners in
  // common when it is linked with the source.
  WITH next, middles, size(middles) + CASE WHEN EXISTS {
      (source)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(candidate)
      WHERE $as_of IS NULL OR link.year IS NULL OR link.year <= $as_of
    } THEN 1 ELSE 0 END AS paths
  WITH next, paths, [m IN middles WHERE m <> next] AS through
  WHERE size(through) > 0
  RETURN [through[0].id, next.id] AS example
  ORDER BY paths DESC, next._row
  LIMIT 1
}
RETURN position, shared, example
