// The values of recommend/pair_signals, computed by collabnet's procedure
// (scripts/neo4j/PathSignals.java) instead of Cypher: the same signals, candidates and
// order, in one row whose numbers are packed as little-endian arrays (int32 counts,
// cols, common_partners and partner_degrees; float64 products, paths3 and walk3), one
// value after another in the order of the sources.
// $sources (list): ids of the organisations asking
// $targets (list): organisation types of the candidates
// $candidates (list): ids of the candidates, whose positions cols gives
// $as_of (integer, optional): last year included
// $limit (integer): most candidates per source
CALL collabnet.pairSignalsPacked($sources, $targets, $candidates, $as_of, $limit)
YIELD sources, counts, cols, common_partners, partner_degrees, products, paths3, walk3
RETURN sources, counts, cols, common_partners, partner_degrees, products, paths3, walk3
