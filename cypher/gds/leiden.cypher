// Leiden communities over a projection made by gds/project (LINK relationships, weighted
// by the pair's summed link weight), written into the projection as 'community'; the
// modularity of the partition found, at the same resolution.
// $graph_name (text): name of the projection
// $resolution (number): modularity resolution (gamma); above 1 favours smaller communities
// $seed (integer): seed of the algorithm's random choices
CALL gds.leiden.mutate($graph_name, {
  relationshipTypes: ['LINK'],
  relationshipWeightProperty: 'weight',
  gamma: $resolution,
  randomSeed: $seed,
  concurrency: 1,
  mutateProperty: 'community'
})
YIELD modularity, communityCount
RETURN modularity, communityCount AS communities
