"""NL2xx: ingress controller Services that lose the client source IP.

`recognise.py` decides whether a Service fronts an ingress controller (catalog in
rules/data/ingress_controllers.yaml, selector -> workload image, user matchers from the config);
`preserve.py` finds other ways the client IP survives (PROXY protocol, provider annotations) or
load balancer modes that lose it regardless; `rules.py` turns both into findings.
"""
