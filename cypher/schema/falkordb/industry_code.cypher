// Index on industry code.
CREATE INDEX FOR (i:Industry) ON (i.code)
