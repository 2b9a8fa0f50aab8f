// Index on organisation id (FalkorDB has no uniqueness constraints; MERGE keeps ids
// unique).
CREATE INDEX FOR (o:Organization) ON (o.id)
