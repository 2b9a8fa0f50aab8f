// Creates the dataset node or updates some of its properties (column names and types,
// whether the last push finished, counts).
// $name (text): dataset name
// $properties (map): properties to set
MERGE (dataset:Dataset {name: $name})
SET dataset += $properties
