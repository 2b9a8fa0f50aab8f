// The rows of analysis/ego_brokerage, computed by collabnet's procedure
// (scripts/neo4j/PathSignals.java) from each organisation's partners instead of Cypher:
// the same degree, constraint, effective size, groups and linked pairs per ego.
// $ids (list): ids of the egos
// $as_of (integer, optional): last year included
// $partition (text): the organisation property whose values are the groups
CALL collabnet.egoBrokerage($ids, $as_of, $partition)
YIELD id, degree, constraint, effective_size, groups, linked
RETURN id, degree, constraint, effective_size, groups, linked
