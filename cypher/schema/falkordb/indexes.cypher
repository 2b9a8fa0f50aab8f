// The indexes that exist (FalkorDB has no IF NOT EXISTS: create only the missing ones).
CALL db.indexes() YIELD label, properties
RETURN label, properties
