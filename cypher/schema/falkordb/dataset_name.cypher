// Index on dataset name.
CREATE INDEX FOR (d:Dataset) ON (d.name)
