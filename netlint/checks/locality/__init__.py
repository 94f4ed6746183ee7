"""NL4xx: data locality outside the allowed jurisdictions (EEA by default).

`pins.py` finds every place the manifests pin workloads, volumes and data to (node selectors and
affinity, StorageClass topologies, PV affinity, region settings and endpoint hosts, Karpenter and
Cluster API objects); `regions.py` resolves a pin to provider, region and country from the
catalog in rules/data/regions.yaml; `rules.py` judges countries against
`cluster.allowed_jurisdictions`.
"""
