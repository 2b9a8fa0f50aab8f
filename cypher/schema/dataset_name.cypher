// One dataset node per name.
CREATE CONSTRAINT collabnet_dataset_name IF NOT EXISTS
FOR (d:Dataset) REQUIRE d.name IS UNIQUE
