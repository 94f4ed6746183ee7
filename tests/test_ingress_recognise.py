"""NL2xx: which Services front an ingress controller, why, and where the evidence is."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import pytest

from netlint.catalog import load_data
from netlint.checks.ingress.recognise import (
    CatalogShapeError,
    catalog,
    image_matches,
    image_names,
    parse_catalog,
    recognise,
    selected_workloads,
)
from netlint.config import Config, ConfigModel
from netlint.context import RunContext
from netlint.engine import context
from netlint.load import load_text
from netlint.model import Resource, SourceFile

DAY = dt.date(2026, 1, 1)
LABELS = ("metadata", "labels")
SELECTOR = ("spec", "selector")
NAME = ("metadata", "name")


def run(text: str, config: dict[str, Any] | None = None, path: str | None = None) -> RunContext:
    text = textwrap.dedent(text)
    loaded = [load_text(SourceFile("test.yaml", None, tuple(text.splitlines())), text)]
    model = ConfigModel.model_validate(config or {})
    return context(loaded, Config(model, path), today=DAY)


def svc(ctx: RunContext, name: str) -> Resource:
    found = [r for r in ctx.index.of_kind("Service") if r.name == name]
    assert len(found) == 1, name
    return found[0]


def judged(text: str, name: str | None = None, **kw: Any) -> tuple[Any, ...] | None:
    """(key, reason, place kind, place path) of the only (or the named) Service."""
    ctx = run(text, **kw)
    service = svc(ctx, name) if name else next(iter(ctx.index.of_kind("Service")))
    found = recognise(ctx, service)
    if found is None:
        return None
    place = found.place
    where = None if place is None else (place.resource.kind, place.resource.name, place.path)
    return found.key, found.reason, where


def service_yaml(
    name: str,
    namespace: str | None = None,
    labels: dict[str, str] | None = None,
    selector: dict[str, str] | None = None,
    kind: str = "LoadBalancer",
) -> str:
    lines = ["apiVersion: v1", "kind: Service", "metadata:", f"  name: {name}"]
    if namespace:
        lines.append(f"  namespace: {namespace}")
    if labels:
        lines.append("  labels:")
        lines += [f'    {k}: "{v}"' for k, v in labels.items()]
    lines += ["spec:", f"  type: {kind}"]
    if selector:
        lines.append("  selector:")
        lines += [f'    {k}: "{v}"' for k, v in selector.items()]
    lines += ["  ports:", "    - port: 80"]
    return "\n".join(lines) + "\n"


def workload_yaml(
    kind: str, name: str, namespace: str | None, labels: dict[str, str], image: str
) -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    pod_labels = "\n".join(f'        {k}: "{v}"' for k, v in labels.items())
    if kind == "Pod":
        flat = "\n".join(f'    {k}: "{v}"' for k, v in labels.items())
        return (
            f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}{ns}\n  labels:\n{flat}\n"
            f"spec:\n  containers:\n    - name: main\n      image: {image}\n"
        )
    return (
        f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}{ns}\nspec:\n"
        f"  template:\n    metadata:\n      labels:\n{pod_labels}\n    spec:\n"
        f"      containers:\n        - name: main\n          image: {image}\n"
    )


def docs(*parts: str) -> str:
    return "---\n".join(parts)


# ---------------------------------------------------------------------------------------------
# One Service per catalog entry, shaped as its vendor renders it


CATALOG_CASES = {
    "ingress-nginx (Helm labels)": (
        service_yaml(
            "ingress-nginx-controller",
            "ingress-nginx",
            {
                "app.kubernetes.io/name": "ingress-nginx",
                "app.kubernetes.io/component": "controller",
            },
            {"app.kubernetes.io/name": "ingress-nginx"},
        ),
        (
            "ingress-nginx",
            "label app.kubernetes.io/name: ingress-nginx",
            ("Service", "ingress-nginx-controller", (*LABELS, "app.kubernetes.io/name")),
        ),
    ),
    "ingress-nginx (stable/nginx-ingress selector)": (
        service_yaml(
            "web-nginx-ingress-controller",
            "ingress",
            None,
            {"app": "nginx-ingress", "component": "controller", "release": "web"},
        ),
        (
            "ingress-nginx",
            "selector app: nginx-ingress, component: controller",
            ("Service", "web-nginx-ingress-controller", (*SELECTOR, "app")),
        ),
    ),
    "nginx-ingress (F5 chart)": (
        service_yaml(
            "my-release-nginx-ingress-controller",
            "nginx-ingress",
            {"app.kubernetes.io/name": "nginx-ingress", "app.kubernetes.io/instance": "my-release"},
            {"app.kubernetes.io/name": "nginx-ingress", "app.kubernetes.io/instance": "my-release"},
        ),
        (
            "nginx-ingress",
            "label app.kubernetes.io/name: nginx-ingress",
            ("Service", "my-release-nginx-ingress-controller", (*LABELS, "app.kubernetes.io/name")),
        ),
    ),
    "nginx-ingress (F5 static manifest)": (
        service_yaml("nginx-ingress", "nginx-ingress", None, {"app": "nginx-ingress"}),
        (
            "nginx-ingress",
            "selector app: nginx-ingress",
            ("Service", "nginx-ingress", (*SELECTOR, "app")),
        ),
    ),
    "nginx-gateway-fabric": (
        service_yaml(
            "ngf-nginx-gateway-fabric",
            "nginx-gateway",
            {"app.kubernetes.io/name": "nginx-gateway-fabric"},
            {"app.kubernetes.io/name": "nginx-gateway-fabric", "app.kubernetes.io/instance": "ngf"},
        ),
        (
            "nginx-gateway-fabric",
            "label app.kubernetes.io/name: nginx-gateway-fabric",
            ("Service", "ngf-nginx-gateway-fabric", (*LABELS, "app.kubernetes.io/name")),
        ),
    ),
    "traefik (chart)": (
        service_yaml(
            "traefik",
            "traefik",
            {"app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-traefik"},
            {"app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-traefik"},
        ),
        (
            "traefik",
            "label app.kubernetes.io/name: traefik",
            ("Service", "traefik", (*LABELS, "app.kubernetes.io/name")),
        ),
    ),
    "traefik (1.x manifests)": (
        service_yaml(
            "traefik-ingress-service", "kube-system", None, {"k8s-app": "traefik-ingress-lb"}
        ),
        (
            "traefik",
            "selector k8s-app: traefik-ingress-lb",
            ("Service", "traefik-ingress-service", (*SELECTOR, "k8s-app")),
        ),
    ),
    "haproxytech (chart)": (
        service_yaml(
            "haproxy-kubernetes-ingress",
            "haproxy-controller",
            {
                "app.kubernetes.io/name": "kubernetes-ingress",
                "app.kubernetes.io/instance": "haproxy",
            },
            {
                "app.kubernetes.io/name": "kubernetes-ingress",
                "app.kubernetes.io/instance": "haproxy",
            },
        ),
        (
            "haproxy-ingress-haproxytech",
            "label app.kubernetes.io/name: kubernetes-ingress",
            ("Service", "haproxy-kubernetes-ingress", (*LABELS, "app.kubernetes.io/name")),
        ),
    ),
    "haproxy-ingress (jcmoraisjr chart)": (
        service_yaml(
            "haproxy-ingress",
            "ingress-controller",
            None,
            {"app.kubernetes.io/name": "haproxy-ingress", "app.kubernetes.io/instance": "haproxy"},
        ),
        (
            "haproxy-ingress",
            "selector app.kubernetes.io/name: haproxy-ingress",
            ("Service", "haproxy-ingress", (*SELECTOR, "app.kubernetes.io/name")),
        ),
    ),
    "contour (static example)": (
        service_yaml("envoy", "projectcontour", None, {"app": "envoy"}),
        (
            "contour",
            "Service name envoy in namespace projectcontour",
            ("Service", "envoy", NAME),
        ),
    ),
    "contour (Bitnami)": (
        service_yaml(
            "edge-contour-envoy",
            "ingress",
            {"app.kubernetes.io/name": "contour", "app.kubernetes.io/component": "envoy"},
            {"app.kubernetes.io/name": "contour", "app.kubernetes.io/component": "envoy"},
        ),
        (
            "contour",
            "labels app.kubernetes.io/name: contour, app.kubernetes.io/component: envoy",
            ("Service", "edge-contour-envoy", (*LABELS, "app.kubernetes.io/name")),
        ),
    ),
    "istio (classic ingressgateway)": (
        service_yaml(
            "istio-ingressgateway",
            "istio-system",
            {"app": "istio-ingressgateway", "istio": "ingressgateway"},
            {"app": "istio-ingressgateway", "istio": "ingressgateway"},
        ),
        (
            "istio",
            "label istio: ingressgateway",
            ("Service", "istio-ingressgateway", (*LABELS, "istio")),
        ),
    ),
    "istio (Gateway API deployment)": (
        service_yaml(
            "gateway-istio",
            "apps",
            {
                "gateway.istio.io/managed": "istio.io-gateway-controller",
                "gateway.networking.k8s.io/gateway-name": "gateway",
            },
            {"gateway.networking.k8s.io/gateway-name": "gateway"},
        ),
        (
            "istio",
            "label gateway.istio.io/managed: istio.io-gateway-controller",
            ("Service", "gateway-istio", (*LABELS, "gateway.istio.io/managed")),
        ),
    ),
    "kong (chart proxy)": (
        service_yaml(
            "kong-kong-proxy",
            "kong",
            {"app.kubernetes.io/name": "kong", "app.kubernetes.io/instance": "kong"},
            {"app.kubernetes.io/name": "kong", "app.kubernetes.io/component": "app"},
        ),
        (
            "kong",
            "label app.kubernetes.io/name: kong and Service name kong-kong-proxy",
            ("Service", "kong-kong-proxy", (*LABELS, "app.kubernetes.io/name")),
        ),
    ),
    "kong (KIC all-in-one)": (
        service_yaml("kong-proxy", "kong", None, {"app": "proxy-kong"}),
        ("kong", "selector app: proxy-kong", ("Service", "kong-proxy", (*SELECTOR, "app"))),
    ),
    "emissary (chart)": (
        service_yaml(
            "emissary-ingress",
            "emissary",
            {
                "app.kubernetes.io/name": "emissary-ingress",
                "app.kubernetes.io/component": "ambassador-service",
                "product": "aes",
            },
            {"app.kubernetes.io/name": "emissary-ingress", "profile": "main"},
        ),
        (
            "emissary",
            "label app.kubernetes.io/name: emissary-ingress",
            ("Service", "emissary-ingress", (*LABELS, "app.kubernetes.io/name")),
        ),
    ),
    "envoy-gateway": (
        service_yaml(
            "envoy-default-eg-e41e7b31",
            "envoy-gateway-system",
            {"gateway.envoyproxy.io/owning-gateway-name": "eg"},
            {"gateway.envoyproxy.io/owning-gateway-name": "eg"},
        ),
        (
            "envoy-gateway",
            "label gateway.envoyproxy.io/owning-gateway-name: eg",
            (
                "Service",
                "envoy-default-eg-e41e7b31",
                (*LABELS, "gateway.envoyproxy.io/owning-gateway-name"),
            ),
        ),
    ),
    "cilium (shared ingress)": (
        service_yaml("cilium-ingress", "kube-system", {"cilium.io/ingress": "true"}),
        (
            "cilium",
            "label cilium.io/ingress: true",
            ("Service", "cilium-ingress", (*LABELS, "cilium.io/ingress")),
        ),
    ),
    "cilium (gateway)": (
        service_yaml(
            "cilium-gateway-public", "web", {"io.cilium.gateway/owning-gateway": "public"}
        ),
        (
            "cilium",
            "label io.cilium.gateway/owning-gateway: public",
            ("Service", "cilium-gateway-public", (*LABELS, "io.cilium.gateway/owning-gateway")),
        ),
    ),
    "gateway-api (generic GEP-1762)": (
        service_yaml(
            "web-gw-nginx",
            "web",
            {"gateway.networking.k8s.io/gateway-name": "web-gw"},
            {"gateway.networking.k8s.io/gateway-name": "web-gw"},
        ),
        (
            "gateway-api",
            "label gateway.networking.k8s.io/gateway-name: web-gw",
            ("Service", "web-gw-nginx", (*LABELS, "gateway.networking.k8s.io/gateway-name")),
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CATALOG_CASES))
def test_catalog_entry(case):
    text, expected = CATALOG_CASES[case]
    assert judged(text) == expected


def test_every_catalog_entry_has_a_case():
    keys = {expected[0] for _, expected in CATALOG_CASES.values()}
    assert keys == {entry.key for entry in catalog()}


def test_catalog_shape():
    entries = catalog()
    assert [e.key for e in entries] == [
        "ingress-nginx",
        "nginx-ingress",
        "nginx-gateway-fabric",
        "traefik",
        "haproxy-ingress-haproxytech",
        "haproxy-ingress",
        "contour",
        "istio",
        "kong",
        "emissary",
        "envoy-gateway",
        "cilium",
        "gateway-api",
    ]
    for entry in entries:
        strong = [r for r in entry.labels if r.strong] + [r for r in entry.services if r.strong]
        assert strong, f"{entry.key}: no matcher is strong enough alone"
        assert "*-admission" in entry.not_names  # the top-level vetoes reach every entry


# ---------------------------------------------------------------------------------------------
# Evidence paths


def test_image_of_a_selected_daemonset():
    text = docs(
        service_yaml("edge", "web", None, {"app": "edge-lb"}, kind="NodePort"),
        workload_yaml(
            "DaemonSet",
            "edge-lb",
            "web",
            {"app": "edge-lb"},
            "registry.k8s.io/ingress-nginx/controller:v1.11.2",
        ),
    )
    path = ("spec", "template", "spec", "containers", 0, "image")
    assert judged(text) == (
        "ingress-nginx",
        "selects pods of DaemonSet edge-lb running image "
        "registry.k8s.io/ingress-nginx/controller:v1.11.2",
        ("DaemonSet", "edge-lb", path),
    )


def test_image_traefik_from_docker_hub():
    text = docs(
        service_yaml("front", "edge", None, {"app": "front"}),
        workload_yaml(
            "DaemonSet", "traefik", "edge", {"app": "front", "tier": "edge"}, "traefik:v3.1"
        ),
    )
    assert judged(text)[:2] == (
        "traefik",
        "selects pods of DaemonSet traefik running image traefik:v3.1",
    )


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "ReplicaSet", "Pod"])
def test_image_of_every_workload_kind(kind):
    text = docs(
        service_yaml("front", "edge", None, {"app": "front"}),
        workload_yaml(kind, "gw", "edge", {"app": "front"}, "docker.io/kong/kong-gateway:3.7"),
    )
    assert judged(text)[:2] == (
        "kong",
        f"selects pods of {kind} gw running image docker.io/kong/kong-gateway:3.7",
    )


def test_conventional_name_and_namespace():
    text = service_yaml("istio-ingressgateway", "istio-system", None, {"app": "gw"})
    assert judged(text) == (
        "istio",
        "Service name istio-ingressgateway in namespace istio-system",
        ("Service", "istio-ingressgateway", NAME),
    )
    text = service_yaml("ingress-nginx-controller", "ingress-nginx")
    assert judged(text) == (
        "ingress-nginx",
        "Service name ingress-nginx-controller in namespace ingress-nginx",
        ("Service", "ingress-nginx-controller", NAME),
    )


def test_conventional_name_in_another_namespace_is_not_enough():
    assert judged(service_yaml("istio-ingressgateway", "team-a", None, {"app": "gw"})) is None
    assert judged(service_yaml("envoy", "default", None, {"app": "front"})) is None
    assert judged(service_yaml("ingress-nginx-controller", None)) is None


def test_two_weak_matchers_of_one_controller():
    # a generic selector (`app: envoy`) in Contour's namespace
    text = service_yaml("contour-envoy-lb", "projectcontour", None, {"app": "envoy"})
    assert judged(text) == (
        "contour",
        "selector app: envoy and namespace projectcontour",
        ("Service", "contour-envoy-lb", (*SELECTOR, "app")),
    )
    # istio/gateway chart installed as `istio-public`: istio: public plus the injected image
    text = docs(
        service_yaml(
            "istio-public",
            "gateways",
            {"app": "istio-public", "istio": "public"},
            {"app": "istio-public", "istio": "public"},
        ),
        workload_yaml(
            "Deployment",
            "istio-public",
            "gateways",
            {"app": "istio-public", "istio": "public"},
            "auto",
        ),
    )
    assert judged(text) == (
        "istio",
        "label istio: public and selects pods of Deployment istio-public running image auto",
        ("Service", "istio-public", (*LABELS, "istio")),
    )


def test_one_weak_matcher_is_not_enough():
    # standalone Envoy (the GKE gRPC load balancing sample): generic label, generic image
    text = docs(
        service_yaml("envoy", None, None, {"app": "envoy"}),
        workload_yaml("Deployment", "envoy", None, {"app": "envoy"}, "envoyproxy/envoy:v1.31.0"),
    )
    assert judged(text) is None
    # an app that happens to carry an Istio sidecar image
    text = docs(
        service_yaml("web", "shop", None, {"app": "web"}),
        workload_yaml(
            "Deployment", "web", "shop", {"app": "web"}, "docker.io/istio/proxyv2:1.23.0"
        ),
    )
    assert judged(text) is None
    assert judged(service_yaml("mesh", "shop", {"istio": "mesh"}, {"app": "mesh"})) is None


def test_most_specific_label_set_wins():
    # `app: nginx-ingress` alone is the F5 static manifest; with component: controller it is
    # the community chart before the rename
    text = service_yaml("ingress", "web", None, {"app": "nginx-ingress", "component": "controller"})
    assert judged(text)[0] == "ingress-nginx"
    text = service_yaml("ingress", "web", None, {"app": "nginx-ingress"})
    assert judged(text)[0] == "nginx-ingress"
    # Istio's Gateway API Service carries the generic label too: catalog order breaks the tie
    text = service_yaml(
        "gw-istio",
        "web",
        {
            "gateway.networking.k8s.io/gateway-name": "gw",
            "gateway.istio.io/managed": "istio.io-gateway-controller",
        },
    )
    assert judged(text)[0] == "istio"


def test_labels_before_image_before_name():
    text = docs(
        service_yaml(
            "istio-ingressgateway",
            "istio-system",
            {"app.kubernetes.io/name": "traefik"},
            {"app": "x"},
        ),
        workload_yaml("Deployment", "x", "istio-system", {"app": "x"}, "kong:3.7"),
    )
    assert judged(text)[:2] == ("traefik", "label app.kubernetes.io/name: traefik")
    text = docs(
        service_yaml("istio-ingressgateway", "istio-system", None, {"app": "x"}),
        workload_yaml("Deployment", "x", "istio-system", {"app": "x"}, "kong:3.7"),
    )
    assert judged(text)[0] == "kong"


def test_labels_of_a_set_must_all_be_in_one_place():
    # name on the Service, component only in the selector: not the Bitnami contour set
    text = service_yaml(
        "edge",
        "web",
        {"app.kubernetes.io/name": "contour"},
        {"app.kubernetes.io/component": "envoy"},
    )
    assert judged(text) is None


def test_vetoes():
    labels = {
        "app.kubernetes.io/name": "ingress-nginx",
        "app.kubernetes.io/component": "default-backend",
    }
    assert (
        judged(
            service_yaml("ingress-nginx-defaultbackend", "ingress-nginx", labels, kind="NodePort")
        )
        is None
    )
    # the chart's admin API selects the proxy pods: not a client-facing Service
    text = docs(
        service_yaml(
            "kong-kong-admin",
            "kong",
            {"app.kubernetes.io/name": "kong"},
            {"app.kubernetes.io/name": "kong"},
            kind="NodePort",
        ),
        workload_yaml(
            "Deployment", "kong-kong", "kong", {"app.kubernetes.io/name": "kong"}, "kong:3.7"
        ),
    )
    assert judged(text) is None
    # Istio's east-west gateway is not an ingress
    text = service_yaml("istio-eastwestgateway", "istio-system", {"istio": "eastwestgateway"})
    assert judged(text) is None


def test_user_matcher_by_labels():
    config = {"ingress_controllers": [{"name": "edge-proxy", "labels": {"app": "edge-proxy"}}]}
    text = service_yaml("edge-proxy", "edge", {"app": "edge-proxy"}, {"app": "edge-proxy"})
    assert judged(text, config=config, path="/repo/.netlint.yaml") == (
        "edge-proxy",
        "matcher edge-proxy from .netlint.yaml",
        ("Service", "edge-proxy", (*LABELS, "app")),
    )
    assert judged(text, config=config)[1] == "matcher edge-proxy from the config"


def test_user_matcher_needs_every_field():
    config = {
        "ingress_controllers": [
            {
                "name": "corp-edge",
                "service_names": ["edge-*"],
                "namespaces": ["edge", "dmz-*"],
                "images": ["registry.corp/edge/*"],
            }
        ]
    }
    pod = workload_yaml(
        "Deployment", "edge", "dmz-1", {"app": "edge"}, "registry.corp/edge/proxy:2.3"
    )
    text = docs(service_yaml("edge-public", "dmz-1", None, {"app": "edge"}), pod)
    assert judged(text, config=config, path="pyproject.toml") == (
        "corp-edge",
        "matcher corp-edge from pyproject.toml",
        ("Service", "edge-public", NAME),
    )
    # wrong namespace, wrong name, or pods of another image: no match
    for service in (
        service_yaml("edge-public", "web", None, {"app": "edge"}),
        service_yaml("public", "dmz-1", None, {"app": "edge"}),
    ):
        assert judged(docs(service, pod), config=config) is None
    other = workload_yaml("Deployment", "edge", "dmz-1", {"app": "edge"}, "nginx:1.25")
    assert (
        judged(
            docs(service_yaml("edge-public", "dmz-1", None, {"app": "edge"}), other), config=config
        )
        is None
    )


def test_user_matcher_by_image_points_at_the_container():
    config = {"ingress_controllers": [{"name": "edge", "images": ["registry.corp/edge/*"]}]}
    pod = workload_yaml("DaemonSet", "edge", "web", {"app": "edge"}, "registry.corp/edge/proxy:2.3")
    text = docs(service_yaml("front", "web", None, {"app": "edge"}), pod)
    assert judged(text, config=config) == (
        "edge",
        "matcher edge from the config",
        ("DaemonSet", "edge", ("spec", "template", "spec", "containers", 0, "image")),
    )


def test_user_matcher_comes_first():
    config = {
        "ingress_controllers": [{"name": "our-nginx", "labels": {"app.kubernetes.io/name": "*"}}]
    }
    text = service_yaml(
        "ingress-nginx-controller", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}
    )
    assert judged(text, config=config)[0] == "our-nginx"


# ---------------------------------------------------------------------------------------------
# Not ingress controllers


def test_plain_application_services():
    # nginx serving an app is not ingress-nginx
    text = docs(
        service_yaml("web", "default", None, {"app": "web"}),
        workload_yaml("Deployment", "web", "default", {"app": "web"}, "nginx:1.25"),
    )
    assert judged(text) is None
    # a name is not enough
    assert judged(service_yaml("shop-ingress", "default", {"app": "shop"}, {"app": "shop"})) is None
    assert judged(service_yaml("ingress", "ingress", None, {"app": "ingress"})) is None
    # plain HAProxy or Envoy are proxies, not controllers
    for image in (
        "haproxy:2.9",
        "envoyproxy/envoy:v1.31.0",
        "bitnami/nginx:1.27",
        "traefik/whoami",
    ):
        text = docs(
            service_yaml("front", "default", None, {"app": "front"}),
            workload_yaml("Deployment", "front", "default", {"app": "front"}, image),
        )
        assert judged(text) is None, image


@pytest.mark.parametrize("kind", ["ClusterIP", "ExternalName", None])
def test_only_loadbalancer_and_nodeport_are_candidates(kind):
    text = textwrap.dedent(
        f"""\
        apiVersion: v1
        kind: Service
        metadata:
          name: ingress-nginx-controller
          namespace: ingress-nginx
          labels:
            app.kubernetes.io/name: ingress-nginx
        spec:
          {"type: " + kind if kind else "ports: []"}
        """
    )
    assert judged(text) is None


def test_admission_webhook_service_is_not_a_candidate():
    labels = {
        "app.kubernetes.io/name": "ingress-nginx",
        "app.kubernetes.io/component": "controller",
    }
    assert (
        judged(
            service_yaml(
                "ingress-nginx-controller-admission", "ingress-nginx", labels, labels, "ClusterIP"
            )
        )
        is None
    )
    # even on a NodePort, the webhook is not the client-facing Service
    assert (
        judged(
            service_yaml(
                "ingress-nginx-controller-admission", "ingress-nginx", labels, labels, "NodePort"
            )
        )
        is None
    )


def test_workload_in_another_namespace_is_not_selected():
    pod = workload_yaml(
        "DaemonSet",
        "edge-lb",
        "other",
        {"app": "edge-lb"},
        "registry.k8s.io/ingress-nginx/controller:v1.11.2",
    )
    ctx = run(docs(service_yaml("edge", "web", None, {"app": "edge-lb"}), pod))
    service = svc(ctx, "edge")
    assert selected_workloads(ctx, service) == ()
    assert recognise(ctx, service) is None


def test_namespaces_of_service_and_workloads():
    image = "registry.k8s.io/ingress-nginx/controller:v1.11.2"
    text = docs(
        service_yaml("edge", None, None, {"app": "lb"}),
        service_yaml("edge-ns", "web", None, {"app": "lb"}),
        workload_yaml("DaemonSet", "no-ns", None, {"app": "lb"}, image),
        workload_yaml("DaemonSet", "in-web", "web", {"app": "lb"}, image),
        workload_yaml("DaemonSet", "in-other", "other", {"app": "lb"}, image),
    )
    ctx = run(text)
    # no namespace: only workloads without one
    assert [w.name for w in selected_workloads(ctx, svc(ctx, "edge"))] == ["no-ns"]
    # a namespace: the same one, or none (applied with kubectl -n)
    assert [w.name for w in selected_workloads(ctx, svc(ctx, "edge-ns"))] == ["no-ns", "in-web"]


def test_workloads_are_listed_whatever_the_evidence():
    labels = {"app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "t"}
    text = docs(
        service_yaml("traefik", "traefik", labels, labels),
        workload_yaml(
            "Deployment", "traefik", "traefik", {**labels, "extra": "yes"}, "traefik:v3.1"
        ),
        workload_yaml("DaemonSet", "traefik-edge", "traefik", labels, "traefik:v3.1"),
        workload_yaml(
            "Deployment", "other", "traefik", {"app.kubernetes.io/name": "traefik"}, "traefik:v3.1"
        ),
    )
    ctx = run(text)
    found = recognise(ctx, svc(ctx, "traefik"))
    assert found is not None and found.reason == "label app.kubernetes.io/name: traefik"
    assert [(w.kind, w.name) for w in found.workloads] == [
        ("Deployment", "traefik"),
        ("DaemonSet", "traefik-edge"),
    ]


def test_no_selector_means_no_workloads():
    text = docs(
        service_yaml("cilium-ingress", "kube-system", {"cilium.io/ingress": "true"}),
        workload_yaml(
            "DaemonSet",
            "cilium",
            "kube-system",
            {"k8s-app": "cilium"},
            "quay.io/cilium/cilium:v1.16.0",
        ),
    )
    ctx = run(text)
    found = recognise(ctx, svc(ctx, "cilium-ingress"))
    assert found is not None and found.workloads == ()


ODD_SHAPES = [
    # labels a list, selector a string
    """\
    apiVersion: v1
    kind: Service
    metadata: {name: a, namespace: ingress-nginx, labels: [app.kubernetes.io/name, ingress-nginx]}
    spec: {type: LoadBalancer, selector: "app=x"}
    """,
    # spec a list
    """\
    apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec: [type, LoadBalancer]
    """,
    # selector values that are not strings; a nested mapping
    """\
    apiVersion: v1
    kind: Service
    metadata: {name: a, labels: {app.kubernetes.io/name: {x: 1}}}
    spec: {type: NodePort, selector: {app: [1, 2], tier: null}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: a}
    spec:
      template:
        metadata: {labels: {app: [1, 2]}}
        spec: {containers: [{image: 5}, "x", {image: null}]}
    """,
    # containers not a list, template labels not a mapping, metadata missing
    """\
    apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec: {type: LoadBalancer, selector: {app: a}}
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: a}
    spec: {template: {metadata: {labels: {app: a}}, spec: {containers: {image: traefik}}}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: b}
    spec: {template: {metadata: {labels: "app=a"}, spec: {containers: [{image: traefik}]}}}
    ---
    apiVersion: v1
    kind: Pod
    spec: {containers: [{image: traefik}]}
    """,
]


@pytest.mark.parametrize("text", ODD_SHAPES)
def test_odd_shapes_never_crash(text):
    ctx = run(text)
    for service in ctx.index.of_kind("Service"):
        assert recognise(ctx, service) is None


def test_boolean_and_number_label_values_compare_as_text():
    text = textwrap.dedent(
        """\
        apiVersion: v1
        kind: Service
        metadata:
          name: cilium-ingress-web
          namespace: web
          labels:
            cilium.io/ingress: true
        spec:
          type: LoadBalancer
        """
    )
    assert judged(text)[:2] == ("cilium", "label cilium.io/ingress: true")


# ---------------------------------------------------------------------------------------------
# Images and the catalog file


@pytest.mark.parametrize(
    ("image", "names"),
    [
        ("traefik:v3.1", ("traefik:v3.1", "traefik")),
        ("docker.io/library/traefik:v3.1", ("docker.io/library/traefik:v3.1", "traefik")),
        (
            "registry.k8s.io/ingress-nginx/controller:v1.11.2@sha256:abc",
            (
                "registry.k8s.io/ingress-nginx/controller:v1.11.2@sha256:abc",
                "registry.k8s.io/ingress-nginx/controller",
                "ingress-nginx/controller",
            ),
        ),
        (
            "localhost:5000/kong/kong-gateway:3.7",
            (
                "localhost:5000/kong/kong-gateway:3.7",
                "localhost:5000/kong/kong-gateway",
                "kong/kong-gateway",
            ),
        ),
        (
            "Quay.io/JCMoraisJR/haproxy-ingress",
            ("quay.io/jcmoraisjr/haproxy-ingress", "jcmoraisjr/haproxy-ingress"),
        ),
    ],
)
def test_image_names(image, names):
    assert image_names(image) == names


def test_image_globs():
    assert image_matches("k8s.gcr.io/ingress-nginx/controller:v1.2.0", ["ingress-nginx/controller"])
    assert image_matches(
        "mirror.corp/hub/ingress-nginx/controller:v1", ["*/ingress-nginx/controller"]
    )
    assert not image_matches(
        "nginx:1.25", ["ingress-nginx/controller", "*/nginx-ingress", "nginx/nginx-ingress"]
    )
    assert image_matches("registry.corp/edge/proxy:2.3", ["registry.corp/edge/*"])


def test_the_shipped_catalog_parses():
    assert parse_catalog(load_data("ingress_controllers")) == catalog()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "controllers"),
        ({"controllers": [{"key": "x"}]}, "key and display"),
        ({"controllers": [{"key": "x", "display": "X", "colour": 1}]}, "unknown keys"),
        (
            {"controllers": [{"key": "x", "display": "X", "labels": [{"match": {"a": "b"}}]}]},
            "strong",
        ),
        (
            {
                "controllers": [
                    {"key": "x", "display": "X", "labels": [{"match": {"a": 1}, "strong": True}]}
                ]
            },
            "strings",
        ),
        (
            {
                "controllers": [
                    {"key": "x", "display": "X", "services": [{"names": [], "strong": True}]}
                ]
            },
            "names",
        ),
        ({"controllers": [{"key": "x", "display": "X", "images": ["traefik"]}]}, "glob"),
        (
            {"controllers": [{"key": "x", "display": "X"}, {"key": "x", "display": "Y"}]},
            "duplicate",
        ),
        ({"controllers": [], "not_names": "x"}, "not_names"),
    ],
)
def test_catalog_errors(data, message):
    with pytest.raises(CatalogShapeError, match=message):
        parse_catalog(data)


def test_nl203_is_reported_once_for_a_dumped_deployment(tmp_path):
    """`kubectl get -o yaml` dumps hold the Deployment, its ReplicaSet and its Pods: only the
    owner is judged."""
    import datetime as dt

    from netlint.api import lint

    labels = (
        "app.kubernetes.io/name: ingress-nginx\n        app.kubernetes.io/component: controller"
    )
    service = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-nginx-controller\n"
        "  namespace: ingress-nginx\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n"
        "  selector:\n    app.kubernetes.io/name: ingress-nginx\n"
        "    app.kubernetes.io/component: controller\n  ports:\n  - port: 80\n"
    )
    template = (
        "  template:\n    metadata:\n      labels:\n        " + labels + "\n    spec:\n"
        "      containers:\n      - name: controller\n"
        "        image: registry.k8s.io/ingress-nginx/controller:v1.11.2\n"
    )
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingress-nginx-controller\n"
        "  namespace: ingress-nginx\nspec:\n  replicas: 1\n" + template
    )
    replicaset = (
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: ingress-nginx-controller-5d\n"
        "  namespace: ingress-nginx\n  ownerReferences:\n  - kind: Deployment\n"
        "    name: ingress-nginx-controller\nspec:\n  replicas: 1\n" + template
    )
    (tmp_path / "dump.yaml").write_text("---\n".join([service, deployment, replicaset]))
    report = lint(
        [str(tmp_path / "dump.yaml")], select=["NL2"], today=dt.date(2026, 1, 1), cwd=tmp_path
    )
    assert [(f.rule, f.span.line, f.related[0].object.kind) for f in report.findings] == [
        ("NL203", 8, "Deployment")
    ]
