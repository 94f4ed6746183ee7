"""What the NL2xx rules know about an ingress controller's Service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from netlint.model import Place as Place  # re-exported for the family's modules
from netlint.model import Resource

# the workload kinds whose pods a Service can select here (the selector is read on their pod
# template, a Pod's on its own labels); Jobs, CronJobs and ReplicationControllers are not read
WORKLOAD_KINDS = ("Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Pod")
# the Service types NL201 and NL203 judge (and the stream keeps: ingress/facts.py)
EXPOSED = ("LoadBalancer", "NodePort")
# what the ingress rules read besides the Services, every object of it kept to the end: the
# workloads their selectors join, the ConfigMaps and Contour's resource read by name
JOINED = (*WORKLOAD_KINDS, "ConfigMap", "ContourConfiguration")


@dataclass(frozen=True)
class Controller:
    """An ingress controller recognised behind a Service."""

    key: str  # catalog key: "ingress-nginx", "traefik", ... or a user matcher's name
    display: str  # "ingress-nginx"
    reason: str  # why we think so: "label app.kubernetes.io/name: ingress-nginx"
    place: Place | None = None  # the field that matched
    # workloads in the run whose pod template labels the Service selects (Deployments,
    # DaemonSets, StatefulSets), with the container image that identified them if any
    workloads: tuple[Resource, ...] = field(default=())


@dataclass(frozen=True)
class Preservation:
    """How the client source IP reaches the controller without externalTrafficPolicy: Local
    (kind "preserved"), or why a load balancer mode loses it anyway (kind "lost")."""

    kind: Literal["preserved", "lost"]
    how: str  # "PROXY protocol: ingress-nginx ConfigMap use-proxy-protocol: \"true\""
    place: Place | None = None
    # for "lost": what to change instead of externalTrafficPolicy (AWS NLB IP targets)
    fix_annotation: tuple[str, str] | None = None
