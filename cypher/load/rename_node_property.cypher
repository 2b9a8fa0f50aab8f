// After an offline import: moves, on up to $limit nodes, the value of property $source
// (a stand-in name) to property $target (a name the importer could not read in a header).
// $source (text): the stand-in name
// $target (text): the property's own name
// $limit (integer): most nodes changed in one call
MATCH (node)
WHERE node[$source] IS NOT NULL
WITH node LIMIT $limit
SET node[$target] = node[$source]
REMOVE node[$source]
RETURN count(*) AS changed
