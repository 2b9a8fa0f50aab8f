// The rows of recommend/pair_evidence_procedure at the end of $as_of of a network derived
// from participations, computed by collabnet's procedure
// (scripts/neo4j/PathSignals.java): the links are those of analysis/derived/degrees, and
// who is present is the cut's ($present, by stored organisation row).
// $pairs (list): [source id, candidate id] lists
// $as_of (integer): last year included
// $examples (boolean): whether to find a three-step path for each pair
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
CALL collabnet.pairEvidenceDerived($pairs, $as_of, $examples, $listed_links, $present)
YIELD position, shared, example
RETURN position, shared, example
