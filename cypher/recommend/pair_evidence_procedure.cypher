// The rows of recommend/pair_evidence, computed by collabnet's procedure
// (scripts/neo4j/PathSignals.java) instead of Cypher: the same shared partners and paths.
// $pairs (list): [source id, candidate id] lists
// $as_of (integer, optional): last year included
// $examples (boolean): whether to find a three-step path for each pair
CALL collabnet.pairEvidence($pairs, $as_of, $examples)
YIELD position, shared, example
RETURN position, shared, example
