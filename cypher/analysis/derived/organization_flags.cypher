// Per organisation present at the end of $as_of of a network derived from participations,
// what industry coverage counts, as analysis/organization_flags does for a stored cut:
// distinct partners, whether any partner is a platform, and, for an enterprise, whether
// it has a co-built centre with a platform. Who is present and each one's type are the
// cut's ($present, $types: by stored organisation row), derived again from the
// participations up to then; which links count as in analysis/derived/degrees. Read by
// collabnet.analysis.coverage.
// $as_of (integer): last year included
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
// $types (list): per stored organisation row, its type at the cut (null when absent)
MATCH (o:Organization)
WHERE $present[o._row]
CALL (o) {
  CALL (o) {
    MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
    WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
      AND $present[partner._row]
    RETURN partner, type(link) AS kind
    UNION ALL
    MATCH (o)-[mine:PARTICIPATED]->(:Project)<-[theirs:PARTICIPATED]-(partner:Organization)
    WHERE mine.year <= $as_of AND theirs.year <= $as_of AND partner <> o
    RETURN DISTINCT partner, 'JOINT_PROJECT' AS kind
  }
  RETURN count(DISTINCT partner) AS partners,
    count(CASE WHEN $types[partner._row] = 'platform' THEN 1 END) > 0 AS platform_partner,
    count(CASE WHEN $types[o._row] = 'enterprise' AND $types[partner._row] = 'platform'
      AND kind = 'CO_BUILT_CENTRE' THEN 1 END) > 0 AS covered
}
RETURN o.id AS id, partners, platform_partner, covered
