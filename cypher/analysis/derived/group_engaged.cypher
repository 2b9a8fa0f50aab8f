// Per group (an industry, a county, or an industry and a county) at the end of $as_of of
// a network derived from participations: the distinct universities and institutes linked
// to a platform or an enterprise of the group, as
// analysis/industry_engaged and analysis/county_engaged count a stored cut. Types and
// groups are the cut's ($types, $groups: by stored organisation row); which links count
// as in analysis/derived/pair_table. Read by collabnet.analysis.coverage.
// $as_of (integer): last year included
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
// $types (list): per stored organisation row, its type at the cut (null when absent)
// $groups (list): per stored organisation row, the groups it belongs to at the cut, each a list of key values
CALL () {
  MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
  WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
    AND $present[source._row] AND $present[target._row]
  RETURN source, target
  UNION
  MATCH (source:Organization)-[one:PARTICIPATED]->(:Project)<-[other:PARTICIPATED]-(target:Organization)
  WHERE source.id < target.id AND one.year <= $as_of AND other.year <= $as_of
  RETURN source, target
}
UNWIND [[source, target], [target, source]] AS ends
WITH ends[0] AS academic, ends[1] AS partner
WHERE $types[academic._row] IN ['university', 'institute']
  AND $types[partner._row] IN ['platform', 'enterprise']
UNWIND $groups[partner._row] AS group
RETURN group, count(DISTINCT academic) AS engaged
