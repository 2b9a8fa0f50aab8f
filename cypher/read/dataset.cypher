// The dataset node's properties: column names and types, push id, whether it finished.
// $name (text): dataset name
MATCH (dataset:Dataset {name: $name})
RETURN properties(dataset) AS dataset
