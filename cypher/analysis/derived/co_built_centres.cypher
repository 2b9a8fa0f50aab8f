// At the end of $as_of of a network derived from participations: the distinct
// enterprise–platform pairs joined by a co-built R&D centre, as
// analysis/co_built_centres counts a stored cut, with each organisation's type at the
// cut ($types, by stored organisation row; null when absent). Only links read from files
// are co-built centres. Read by collabnet.analysis.kpi.
// $as_of (integer): last year included
// $listed_links (integer): how many links came from files
// $types (list): per stored organisation row, its type at the cut (null when absent)
MATCH (enterprise:Organization)-[link:CO_BUILT_CENTRE]-(platform:Organization)
WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
  AND $types[enterprise._row] = 'enterprise' AND $types[platform._row] = 'platform'
RETURN count(DISTINCT [enterprise, platform]) AS pairs
