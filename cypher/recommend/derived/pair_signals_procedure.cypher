// The values of recommend/pair_signals_procedure at the end of $as_of of a network
// derived from participations, computed by collabnet's procedure
// (scripts/neo4j/PathSignals.java): the links are those of analysis/derived/degrees, and
// who is present and each one's type are the cut's ($present, $types: by stored
// organisation row).
// $sources (list): ids of the organisations asking
// $targets (list): organisation types of the candidates
// $candidates (list): ids of the candidates, whose positions cols gives
// $as_of (integer): last year included
// $limit (integer): most candidates per source
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
// $types (list): per stored organisation row, its type at the cut (null when absent)
CALL collabnet.pairSignalsDerived($sources, $targets, $candidates, $as_of, $limit, $listed_links, $present, $types)
YIELD sources, counts, cols, common_partners, partner_degrees, products, paths3, walk3
RETURN sources, counts, cols, common_partners, partner_degrees, products, paths3, walk3
