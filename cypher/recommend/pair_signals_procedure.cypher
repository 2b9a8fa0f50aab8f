// The rows of recommend/pair_signals, computed by collabnet's procedure
// (scripts/neo4j/PathSignals.java) instead of Cypher: the same signals, candidates and
// order, one row per source.
// $sources (list): ids of the organisations asking
// $targets (list): organisation types of the candidates
// $as_of (integer, optional): last year included
// $limit (integer): most candidates per source
CALL collabnet.pairSignals($sources, $targets, $as_of, $limit)
YIELD source, targets, common_partners, partner_degrees, products, paths3, walk3
RETURN source, targets, common_partners, partner_degrees, products, paths3, walk3
