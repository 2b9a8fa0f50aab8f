// After an offline import: sets, on up to $limit relationships, the properties named in
// their `_empty` list to an empty list (which the importer cannot write), then removes
// `_empty`.
// $limit (integer): most relationships changed in one call
MATCH ()-[relationship]->()
WHERE relationship._empty IS NOT NULL
WITH relationship LIMIT $limit
FOREACH (key IN relationship._empty | SET relationship[key] = [])
REMOVE relationship._empty
RETURN count(*) AS changed
