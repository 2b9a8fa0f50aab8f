// Number of nodes per label.
MATCH (node)
UNWIND labels(node) AS label
RETURN label, count(*) AS nodes
ORDER BY label
