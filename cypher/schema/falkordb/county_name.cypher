// Index on county name.
CREATE INDEX FOR (c:County) ON (c.name)
