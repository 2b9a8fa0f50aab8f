"""Network analyses: plain functions from tables (or a network) to DataFrames.

centrality
    Hubs: degree, PageRank, eigenvector, harmonic closeness, betweenness, k-core.
brokerage
    Brokers: Burt's constraint and effective size, Gould–Fernandez brokerage roles.
communities
    Louvain communities, their industries and platforms.
coverage
    Industry and county coverage, and the coverage gaps found in them.
kpi
    Indicators against the bureau's targets, and the network's evolution year by year.
structure
    The network's size, each organisation's partners and connected component.
"""
