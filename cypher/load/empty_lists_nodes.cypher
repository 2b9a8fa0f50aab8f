// After an offline import: sets, on up to $limit nodes, the properties named in their
// `_empty` list to an empty list (which the importer cannot write), then removes `_empty`.
// $limit (integer): most nodes changed in one call
MATCH (node)
WHERE node._empty IS NOT NULL
WITH node LIMIT $limit
FOREACH (key IN node._empty | SET node[key] = [])
REMOVE node._empty
RETURN count(*) AS changed
