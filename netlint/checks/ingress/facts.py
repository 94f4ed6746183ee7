"""The NL2xx facts of a run fed file by file (engine.Stream): which Services the ingress rules
read.

NL201 and NL203 judge a Service only when it is exposed (spec.type LoadBalancer or NodePort:
rules._exposed), and no ingress rule reads one Service for another (recognise.py and
preserve.py read the Service judged, its workloads and ConfigMaps); NL202 reads each Service
as its file is read. So the stream keeps whole only the exposed Services. The workloads are
joined to them by labels, which is known only when every Service has been read: they are kept
whole (`IngressFacts.KINDS`: model.JOINED), with the ConfigMaps and ContourConfigurations
read by name."""

from __future__ import annotations

from netlint.checks.ingress.model import EXPOSED, JOINED
from netlint.checks.k8s import get
from netlint.context import ReadWhole
from netlint.model import Resource


class IngressFacts(ReadWhole):
    """checks.FACTS["NL2"]: the exposed Services of the files read."""

    KINDS: tuple[str, ...] = JOINED
    READ: tuple[str, ...] = ("Service",)

    def reads(self, resource: Resource) -> bool:
        return get(resource.data, ("spec", "type")) in EXPOSED
