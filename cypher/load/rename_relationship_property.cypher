// After an offline import: moves, on up to $limit relationships, the value of property
// $source (a stand-in name) to property $target (a name the importer could not read in a
// header).
// $source (text): the stand-in name
// $target (text): the property's own name
// $limit (integer): most relationships changed in one call
MATCH ()-[relationship]->()
WHERE relationship[$source] IS NOT NULL
WITH relationship LIMIT $limit
SET relationship[$target] = relationship[$source]
REMOVE relationship[$source]
RETURN count(*) AS changed
