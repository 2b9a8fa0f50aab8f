// The rows of analysis/derived/ego_brokerage, computed by collabnet's procedure
// (scripts/neo4j/PathSignals.java) from each organisation's partners at the cut instead
// of Cypher: the same degree, constraint, effective size, groups and linked pairs per ego.
// $ids (list): ids of the egos, present at the cut
// $as_of (integer): last year included
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
// $groups (list): per stored organisation row, its group at the cut
CALL collabnet.egoBrokerageDerived($ids, $as_of, $listed_links, $present, $groups)
YIELD id, degree, constraint, effective_size, groups, linked
RETURN id, degree, constraint, effective_size, groups, linked
