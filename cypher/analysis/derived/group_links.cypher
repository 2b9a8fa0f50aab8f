// Per group (an industry, a county, or an industry and a county) and link year at the end
// of $as_of of a network derived from participations: the links touching an organisation
// of the group, each counted once per group (year null: undated links), as
// analysis/industry_links and analysis/county_links count a stored cut. The groups of
// each organisation are the cut's ($groups, by stored organisation row: its industries
// and county derived again from the participations up to then); which links count, and
// a derived link's year, as in analysis/derived/pair_table. Read by
// collabnet.analysis.coverage.
// $as_of (integer): last year included
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
// $groups (list): per stored organisation row, the groups it belongs to at the cut, each a list of key values
CALL () {
  MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
  WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
    AND $present[source._row] AND $present[target._row]
  RETURN source, target, link.year AS year
  UNION ALL
  MATCH (source:Organization)-[one:PARTICIPATED]->(project:Project)<-[other:PARTICIPATED]-(target:Organization)
  WHERE source.id < target.id AND one.year <= $as_of AND other.year <= $as_of
  // Years lie within 1900-2100: the smallest row * 10000 + year keeps the first row's year.
  WITH source, target, project, min(one._row * 10000 + one.year) % 10000 AS year
  WITH source, target, min(year) AS year
  RETURN source, target, year
}
WITH year, $groups[source._row] AS mine, $groups[target._row] AS theirs
UNWIND mine + [group IN theirs WHERE NOT group IN mine] AS group
RETURN group, year, count(*) AS links
