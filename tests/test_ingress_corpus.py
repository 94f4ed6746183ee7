"""NL2xx on the real ingress controller manifests of ../shared/corpus, one file per run: the exact
(rule, line) set of each file, what the recogniser made of each LoadBalancer / NodePort Service
(so that "no finding" is for the right reason), and no NL2 finding anywhere else in the corpus.

PROXY protocol and provider annotations (netlint/checks/ingress/preserve.py) change none of the
expectations below: every recognised Service that keeps the client IP through PROXY protocol
(ingress-nginx's DO and Scaleway manifests) also sets externalTrafficPolicy: Local, and the
Services that lose it (Kong's e2e manifests, the in-tree AWS `nlb` type with instance targets)
have no PROXY protocol anywhere. Should preserve.py ever call the in-tree `nlb` type (instance
targets) "lost", the Kong lines move to the annotation; they should not (instance targets keep
the client IP with Local).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import corpus_manifests

from netlint.api import lint
from netlint.checks.ingress.recognise import recognise
from netlint.checks.k8s import get
from netlint.config import Config, ConfigModel
from netlint.engine import context
from netlint.load import load_text
from netlint.model import SourceFile

DAY = dt.date(2026, 1, 1)
REPOS = (
    "kubernetes__ingress-nginx",
    "projectcontour__contour",
    "traefik__traefik",
    "traefik__traefik-helm-chart",
    "haproxytech__kubernetes-ingress",
    "Kong__kubernetes-ingress-controller",
    "istio__istio",
)

# file -> exact NL2 (rule, line) set, with the reason.
EXPECTED: dict[str, set[tuple[str, int]]] = {
    # ingress-nginx static cloud manifests: the controller Service sets externalTrafficPolicy:
    # Local (no NL201; aws uses the in-tree NLB type with instance targets, which keeps the
    # client IP with Local). The controller is one Deployment replica, so every node but one
    # fails the load balancer health check: NL203 on the policy line.
    "kubernetes__ingress-nginx/deploy__static__provider__aws__deploy.yaml": {("NL203", 351)},
    # DO: Local AND PROXY protocol on both sides (do-loadbalancer-enable-proxy-protocol +
    # use-proxy-protocol: "true"): the client IP is kept twice over; still one replica: NL203.
    "kubernetes__ingress-nginx/deploy__static__provider__do__deploy.yaml": {("NL203", 350)},
    # Exoscale: Local, and the controller is a DaemonSet: one pod per node, nothing to say.
    "kubernetes__ingress-nginx/deploy__static__provider__exoscale__deploy.yaml": set(),
    # Oracle: Local, one Deployment replica: NL203.
    "kubernetes__ingress-nginx/deploy__static__provider__oracle__deploy.yaml": {("NL203", 351)},
    # Scaleway: Local and PROXY protocol v2 (scw-loadbalancer-proxy-protocol-v2 +
    # use-proxy-protocol), one replica: NL203.
    "kubernetes__ingress-nginx/deploy__static__provider__scw__deploy.yaml": {("NL203", 350)},
    # the static-IP example's LoadBalancer Service (ingress-nginx labels, Local): kept; the
    # controller Deployment lives in the next file, so this run sees no workload (no NL203).
    "kubernetes__ingress-nginx/docs__examples__static-ip__static-ip-svc.yaml": set(),
    # ... and that Deployment alone, without a Service: nothing to judge.
    "kubernetes__ingress-nginx/docs__examples__static-ip__nginx-ingress-controller.yaml": set(),
    # docs examples: ClusterIP application Services (oauth2-proxy, default backend, http-svc,
    # multi-tls) and an OPA template: no candidate.
    "kubernetes__ingress-nginx/docs__examples__auth__oauth-external-auth__oauth2-proxy.yaml": set(),
    "kubernetes__ingress-nginx/docs__examples__customization__custom-errors__custom-default-backend.yaml": set(),  # noqa: E501
    "kubernetes__ingress-nginx/docs__examples__http-svc.yaml": set(),
    "kubernetes__ingress-nginx/docs__examples__multi-tls__multi-tls.yaml": set(),
    "kubernetes__ingress-nginx/docs__examples__openpolicyagent__template.yaml": set(),
    # a kind Cluster config, not Kubernetes objects.
    "kubernetes__ingress-nginx/test__e2e__kind.yaml": set(),
    # Contour's rendered quickstart: envoy in projectcontour, externalTrafficPolicy: Local, the
    # Envoy DaemonSet on every node (recognised through contour's own image in its pods).
    "projectcontour__contour/examples__render__contour.yaml": set(),
    # the other Contour examples: the xDS Service (ClusterIP), config, certgen Job, Envoy
    # DaemonSet / Deployment without their Service, sample workloads (ClusterIP), the Gateway
    # provisioner (creates its Services at run time), kind port mappings, the rate-limit Service.
    "projectcontour__contour/examples__contour__01-contour-config.yaml": set(),
    "projectcontour__contour/examples__contour__02-job-certgen.yaml": set(),
    "projectcontour__contour/examples__contour__02-service-contour.yaml": set(),
    "projectcontour__contour/examples__contour__03-contour.yaml": set(),
    "projectcontour__contour/examples__contour__03-envoy.yaml": set(),
    "projectcontour__contour/examples__deployment__03-envoy-deployment.yaml": set(),
    "projectcontour__contour/examples__example-workload__httpproxy__00-common__01-services.yaml": set(),  # noqa: E501
    "projectcontour__contour/examples__gateway-provisioner__03-gateway-provisioner.yaml": set(),
    "projectcontour__contour/examples__gateway__02-gateway.yaml": set(),
    "projectcontour__contour/examples__kind__kind-expose-port.yaml": set(),
    "projectcontour__contour/examples__ratelimit__02-ratelimit.yaml": set(),
    "projectcontour__contour/examples__render__contour-gateway-provisioner.yaml": set(),
    # Traefik's Knative integration fixture: a LoadBalancer Service `traefik` selecting a
    # Deployment that runs traefik/traefik, no externalTrafficPolicy: the client IP is lost.
    # No `spec.externalTrafficPolicy`, so the finding points at `spec:` (line 72).
    "traefik__traefik/integration__fixtures__knative__02-traefik.yml": {("NL201", 72)},
    # Traefik docs and provider fixtures: CRDs, RBAC, routes, ClusterIP whoami Services.
    "traefik__traefik/docs__content__reference__dynamic-configuration__kubernetes-crd-definition-v1.yml": set(),  # noqa: E501
    "traefik__traefik/docs__content__reference__dynamic-configuration__kubernetes-crd-rbac.yml": set(),  # noqa: E501
    "traefik__traefik/docs__content__reference__dynamic-configuration__kubernetes-crd-resource.yml": set(),  # noqa: E501
    "traefik__traefik/docs__content__reference__dynamic-configuration__kubernetes-gateway-resource.yml": set(),  # noqa: E501
    "traefik__traefik/docs__content__reference__dynamic-configuration__kubernetes-whoami-svc.yml": set(),  # noqa: E501
    "traefik__traefik/integration__fixtures__k8s__02-services.yml": set(),
    "traefik__traefik/pkg__provider__kubernetes__crd__fixtures__with_services_lb0.yml": set(),
    "traefik__traefik/pkg__provider__kubernetes__ingress__fixtures__Ingress-with-annotations.yml": set(),  # noqa: E501
    # the Traefik chart holds no rendered Service here: templates/service.yaml is raw Go
    # template text (NL004's business, nothing NL2 can read), tests/service-config_test.yaml a
    # helm-unittest suite, hack/metallb-config.yaml MetalLB pools.
    "traefik__traefik-helm-chart/traefik__templates__service.yaml": set(),
    "traefik__traefik-helm-chart/traefik__tests__service-config_test.yaml": set(),
    "traefik__traefik-helm-chart/hack__metallb-config.yaml": set(),
    # HAProxy Technologies' DaemonSet manifest: NodePort Service haproxy-kubernetes-ingress
    # (selector run: haproxy-ingress, the DaemonSet runs haproxytech/kubernetes-ingress) without
    # externalTrafficPolicy: kube-proxy SNATs NodePort traffic. `spec:` is line 205. (With a
    # DaemonSet and Local this would be the textbook setup.) No proxy-protocol in the ConfigMap.
    "haproxytech__kubernetes-ingress/deploy__haproxy-ingress-daemonset.yaml": {("NL201", 205)},
    # the e2e controller: the same NodePort Service in front of a Deployment: NL201 at `spec:`.
    "haproxytech__kubernetes-ingress/deploy__tests__config__3.ingress-controller.yaml": {
        ("NL201", 102)
    },
    # CRD, RBAC, the controller ConfigMap (no Service), an echo app (ClusterIP), a CR.
    "haproxytech__kubernetes-ingress/crs__definition__ingress.v3.haproxy.org_backends.yaml": set(),
    "haproxytech__kubernetes-ingress/deploy__tests__config__1.rbac.yaml": set(),
    "haproxytech__kubernetes-ingress/deploy__tests__config__2.configmap.yaml": set(),
    "haproxytech__kubernetes-ingress/deploy__tests__config__echo-app.yaml": set(),
    "haproxytech__kubernetes-ingress/deploy__tests__e2e__crd__config__crd-v3__global-full.yaml": set(),  # noqa: E501
    # Kong's e2e all-in-one manifests: LoadBalancer kong-proxy in kong (selector app: proxy-kong
    # / app: ingress-kong, pods running kong), in-tree AWS NLB (instance targets), no
    # externalTrafficPolicy and no PROXY protocol (KONG_PROXY_LISTEN without proxy_protocol):
    # the client IP is lost. NL201 at `spec:`.
    "Kong__kubernetes-ingress-controller/test__e2e__manifests__all-in-one-dbless.yaml": {
        ("NL201", 3885)
    },
    "Kong__kubernetes-ingress-controller/test__e2e__manifests__all-in-one-postgres.yaml": {
        ("NL201", 3870)
    },
    # a kustomize base (a Deployment), Postgres (ClusterIP), a drain example (ClusterIP), and
    # deploy/single's all-in-one, a deprecation stub pointing at Helm.
    "Kong__kubernetes-ingress-controller/config__variants__multi-gw__base__gateway_deployment.yaml": set(),  # noqa: E501
    "Kong__kubernetes-ingress-controller/config__variants__postgres__postgres.yaml": set(),
    "Kong__kubernetes-ingress-controller/deploy__single__all-in-one-dbless.yaml": set(),
    "Kong__kubernetes-ingress-controller/examples__drain_support.yaml": set(),
    # istioctl's all_on golden output: istio-ingressgateway (istio: ingressgateway) is a
    # LoadBalancer without externalTrafficPolicy: the gateway sees node addresses. `spec:` is
    # line 22476. (Its egress gateway is ClusterIP.)
    "istio__istio/operator__cmd__mesh__testdata__manifest-generate__output__all_on.golden-show-in-gh-pull-request.yaml": {  # noqa: E501
        ("NL201", 22476)
    },
    # sample applications on NodePorts (productpage, httpbin, the SPIRE server) are apps, not
    # gateways: no finding. The rest: istiod only, an empty golden file, addons (ClusterIP), a
    # Calico copy, a Gateway + VirtualService, and an IstioOperator whose gateway
    # `service.type: LoadBalancer` is an operator value, not a Service.
    "istio__istio/samples__bookinfo__platform__kube__productpage-nodeport.yaml": set(),
    "istio__istio/samples__httpbin__httpbin-nodeport.yaml": set(),
    "istio__istio/samples__security__spire__spire-quickstart.yaml": set(),
    "istio__istio/operator__cmd__mesh__testdata__manifest-generate__output__gateways.golden.yaml": set(),  # noqa: E501
    "istio__istio/operator__cmd__mesh__testdata__manifest-generate__output__pilot_default.golden.yaml": set(),  # noqa: E501
    "istio__istio/prow__config__calico.yaml": set(),
    "istio__istio/samples__addons__grafana.yaml": set(),
    "istio__istio/samples__addons__jaeger.yaml": set(),
    "istio__istio/samples__addons__kiali.yaml": set(),
    "istio__istio/samples__addons__prometheus.yaml": set(),
    "istio__istio/samples__bookinfo__platform__kube__bookinfo.yaml": set(),
    "istio__istio/samples__multicluster__expose-istiod.yaml": set(),
    "istio__istio/tests__integration__iop-externalistiod-primary-integration-test-defaults.yaml": set(),  # noqa: E501
}

# What the recogniser makes of every LoadBalancer / NodePort Service of these files:
# "namespace/name" -> (controller key, reason, selected workloads) or None (not a controller).
READ: dict[str, dict[str, tuple[str, str, list[str]] | None]] = {
    "kubernetes__ingress-nginx/deploy__static__provider__aws__deploy.yaml": {
        "ingress-nginx/ingress-nginx-controller": (
            "ingress-nginx",
            "label app.kubernetes.io/name: ingress-nginx",
            ["Deployment ingress-nginx-controller"],
        )
    },
    "kubernetes__ingress-nginx/deploy__static__provider__exoscale__deploy.yaml": {
        "ingress-nginx/ingress-nginx-controller": (
            "ingress-nginx",
            "label app.kubernetes.io/name: ingress-nginx",
            ["DaemonSet ingress-nginx-controller"],
        )
    },
    "kubernetes__ingress-nginx/docs__examples__static-ip__static-ip-svc.yaml": {
        "None/ingress-nginx-lb": (
            "ingress-nginx",
            "label app.kubernetes.io/name: ingress-nginx",
            [],
        )
    },
    "projectcontour__contour/examples__render__contour.yaml": {
        "projectcontour/envoy": (
            "contour",
            "selects pods of DaemonSet envoy running image ghcr.io/projectcontour/contour:main",
            ["DaemonSet envoy"],
        )
    },
    "traefik__traefik/integration__fixtures__knative__02-traefik.yml": {
        "traefik/traefik": (
            "traefik",
            "selects pods of Deployment traefik running image traefik/traefik:latest",
            ["Deployment traefik"],
        )
    },
    "haproxytech__kubernetes-ingress/deploy__haproxy-ingress-daemonset.yaml": {
        "haproxy-controller/haproxy-kubernetes-ingress": (
            "haproxy-ingress-haproxytech",
            "selects pods of DaemonSet haproxy-kubernetes-ingress running image "
            "haproxytech/kubernetes-ingress",
            ["DaemonSet haproxy-kubernetes-ingress"],
        )
    },
    "haproxytech__kubernetes-ingress/deploy__tests__config__3.ingress-controller.yaml": {
        "haproxy-controller/haproxy-kubernetes-ingress": (
            "haproxy-ingress-haproxytech",
            "selects pods of Deployment haproxy-kubernetes-ingress running image "
            "haproxytech/kubernetes-ingress:latest",
            ["Deployment haproxy-kubernetes-ingress"],
        )
    },
    "Kong__kubernetes-ingress-controller/test__e2e__manifests__all-in-one-dbless.yaml": {
        "kong/kong-proxy": ("kong", "selector app: proxy-kong", ["Deployment proxy-kong"])
    },
    "Kong__kubernetes-ingress-controller/test__e2e__manifests__all-in-one-postgres.yaml": {
        "kong/kong-proxy": ("kong", "selector app: ingress-kong", ["Deployment ingress-kong"])
    },
    "istio__istio/operator__cmd__mesh__testdata__manifest-generate__output__all_on.golden-show-in-gh-pull-request.yaml": {  # noqa: E501
        "istio-system/istio-ingressgateway": (
            "istio",
            "label istio: ingressgateway",
            ["Deployment istio-ingressgateway"],
        )
    },
    # sample apps on NodePorts: not gateways
    "istio__istio/samples__bookinfo__platform__kube__productpage-nodeport.yaml": {
        "None/productpage": None
    },
    "istio__istio/samples__httpbin__httpbin-nodeport.yaml": {"None/httpbin": None},
    "istio__istio/samples__security__spire__spire-quickstart.yaml": {
        "spire/spire-server": None,
        "spire/spire-server-bundle-endpoint": None,
    },
    # elsewhere in the corpus: a standalone Envoy as gRPC load balancer (GKE sample: generic
    # `app: envoy` and envoyproxy/envoy, both weak), Argo CD's server, app frontends.
    "GoogleCloudPlatform__kubernetes-engine-samples/networking__grpc-gke-nlb-tutorial__envoy__k8s__envoy-service.yaml": {  # noqa: E501
        "None/envoy": None
    },
    "argoproj__argo-cd/gitops-engine__pkg__health__testdata__svc-loadbalancer.yaml": {
        "argocd/argocd-server": None
    },
    "kubernetes__examples/web__guestbook__all-in-one__guestbook-all-in-one.yaml": {
        "None/frontend": None
    },
    "longhorn__longhorn/examples__statefulset.yaml": {"None/nginx": None},
}


def _nl2(corpus: Path, name: str) -> set[tuple[str, int]]:
    report = lint(
        [str(corpus / name)], Config(ConfigModel()), select=["NL2"], today=DAY, cwd=corpus
    )
    return {(f.rule, f.span.line) for f in report.active}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_nl2_findings_per_file(corpus_dir, name):
    corpus = corpus_dir
    report = lint(
        [str(corpus / name)], Config(ConfigModel()), select=["NL2"], today=DAY, cwd=corpus
    )
    got = {(f.rule, f.span.line) for f in report.active}
    assert got == EXPECTED[name], [f"{f.rule}:{f.span.line} {f.message}" for f in report.active]


@pytest.mark.parametrize("name", sorted(READ))
def test_what_the_recogniser_reads(corpus_dir, name):
    corpus = corpus_dir
    text = (corpus / name).read_text("utf-8")
    loaded = [load_text(SourceFile(name, None, tuple(text.splitlines())), text)]
    ctx = context(loaded, Config(ConfigModel()), today=DAY)
    got: dict[str, tuple[str, str, list[str]] | None] = {}
    for service in ctx.index.of_kind("Service"):
        if get(service.data, ("spec", "type")) not in ("LoadBalancer", "NodePort"):
            continue
        found = recognise(ctx, service)
        got[f"{service.namespace}/{service.name}"] = (
            None
            if found is None
            else (found.key, found.reason, [f"{w.kind} {w.name}" for w in found.workloads])
        )
    assert got == READ[name]


def test_every_file_of_the_ingress_repositories_is_judged(corpus_dir):
    corpus = corpus_dir
    found = {name for name in corpus_manifests(corpus) if name.split("/", 1)[0] in REPOS}
    assert found == set(EXPECTED)


def test_no_nl2_finding_anywhere_else(corpus_dir):
    # the other 300-odd files: application LoadBalancers and NodePorts (Argo CD, GKE samples,
    # guestbook, kube-score / kubeconform fixtures, a standalone Envoy) are not ingress
    # controllers; one file per run, as a user checks them
    corpus = corpus_dir
    others = [name for name in corpus_manifests(corpus) if name.split("/", 1)[0] not in REPOS]
    assert len(others) > 250
    noisy = {name: got for name in others if (got := _nl2(corpus, name))}
    assert noisy == {}
