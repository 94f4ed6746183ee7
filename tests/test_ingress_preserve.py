"""NL201 helpers: other ways the client IP survives (PROXY protocol on both sides, X-Forwarded-For
from an HTTP load balancer) or is lost whatever externalTrafficPolicy says (AWS NLB IP targets).

Facts (rules/data/client_ip.yaml): provider cloud controller managers' annotation constants and
parsers (AWS Load Balancer Controller docs, digitalocean/scaleway/hcloud/openstack/linode CCMs,
OVHcloud migration guide), ingress-nginx configmap.md, nginx/kubernetes-ingress configmaps.go,
haproxytech annotations.md, Traefik entrypoint options, kong.conf proxy_listen, Contour serve
flags, Cilium operator flags."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from netlint.checks.ingress.model import Controller, Preservation
from netlint.checks.ingress.preserve import go_bool, preservation
from netlint.config import Config, ConfigModel
from netlint.context import RunContext
from netlint.engine import context
from netlint.load import load_text
from netlint.model import Resource, SourceFile

NS = "ingress-nginx"
SVC = "ingress-nginx-controller"
TGA = "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"
TARGET_TYPE = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"
LB_TYPE = "service.beta.kubernetes.io/aws-load-balancer-type"
DO = "service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol"
NOT_IN_RUN = (
    "; the ingress-nginx configuration is not in this run, so netlint assumes ingress-nginx "
    "accepts it (without that every connection would fail)"
)


# --- building runs ----------------------------------------------------------------------------


def q(value: Any) -> str:
    """A YAML scalar for `value` (JSON strings are YAML double-quoted scalars)."""
    return json.dumps(value)


def service(
    annotations: dict[str, Any] | None = None,
    *,
    kind: str = "LoadBalancer",
    name: str = SVC,
    namespace: str = NS,
    ports: tuple[tuple[int, str], ...] = ((80, "http"), (443, "https")),
    protocol: str = "TCP",
    extra: str = "",
) -> str:
    lines = ["apiVersion: v1", "kind: Service", "metadata:", f"  name: {name}"]
    lines.append(f"  namespace: {namespace}")
    if annotations:
        lines.append("  annotations:")
        lines += [f"    {k}: {q(v)}" for k, v in annotations.items()]
    lines += ["spec:", f"  type: {kind}", "  ports:"]
    for port, target in ports:
        lines += [f"  - port: {port}", f"    targetPort: {target}", f"    protocol: {protocol}"]
    lines += ["  selector:", "    app.kubernetes.io/name: ingress-nginx"]
    return "\n".join(lines) + "\n" + extra


def config_map(data: dict[str, Any], *, name: str = SVC, namespace: str = NS) -> str:
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", f"  name: {name}"]
    lines += [f"  namespace: {namespace}", "data:"]
    lines += [f"  {k}: {q(v)}" for k, v in data.items()] or ["  {}"]
    if not data:
        lines[-2:] = ["data: {}"]
    return "\n".join(lines) + "\n"


def deployment(
    args: list[str] | None = None,
    *,
    name: str = SVC,
    namespace: str = NS,
    image: str = "registry.k8s.io/ingress-nginx/controller:v1.15.1",
    env: list[dict[str, Any]] | None = None,
    kind: str = "Deployment",
) -> str:
    container: dict[str, Any] = {"name": "controller", "image": image}
    if args is not None:
        container["args"] = args
    container["env"] = env or [
        {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}
    ]
    body = {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "selector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "ingress-nginx"}},
                "spec": {"containers": [container]},
            },
        },
    }
    return json.dumps(body) + "\n"


def run(*texts: str) -> RunContext:
    """One file per text, as `netlint check dir/` would read them."""
    loaded = []
    for i, text in enumerate(texts):
        loaded.append(load_text(SourceFile(f"f{i}.yaml", None, tuple(text.splitlines())), text))
    return context(loaded, Config(ConfigModel()), today=dt.date(2026, 1, 1))


def judge(
    *texts: str,
    key: str = "ingress-nginx",
    display: str | None = None,
    name: str = SVC,
    workloads: bool = True,
) -> Preservation | None:
    ctx = run(*texts)
    svc = next(r for r in ctx.index.of_kind("Service") if r.name == name)
    found: tuple[Resource, ...] = (
        tuple(ctx.index.of_kind("Deployment", "DaemonSet")) if workloads else ()
    )
    controller = Controller(key, display or key, "test", None, found)
    return preservation(ctx, svc, controller)


def where(p: Preservation | None) -> tuple[str, str | None, tuple[Any, ...]] | None:
    if p is None or p.place is None:
        return None
    r = p.place.resource
    return (r.kind, r.name, p.place.path)


def ann(key: str) -> tuple[str, str, tuple[Any, ...]]:
    return ("Service", SVC, ("metadata", "annotations", key))


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[("true", True), ("True", True), ("TRUE", True), ("1", True), ("t", True), ("T", True)],
        *[("false", False), ("0", False), ("F", False), ("yes", None), ("on", None)],
        *[(" true", None), (True, True), (False, False), (None, None), (1, True)],
    ],
)
def test_go_bool_is_strconv_parse_bool(text, expected):
    assert go_bool(text) is expected


# --- load balancer annotations, controller configuration not in the run ----------------------

SCW1 = "service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v1"
SCW2 = "service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2"
SCW_OLD = "service.beta.kubernetes.io/scw-loadbalancer-send-proxy-v2"
HETZNER = "load-balancer.hetzner.cloud/uses-proxyprotocol"
OPENSTACK = "loadbalancer.openstack.org/proxy-protocol"
LINODE = "service.beta.kubernetes.io/linode-loadbalancer-default-proxy-protocol"
LINODE_OLD = "service.beta.kubernetes.io/linode-loadbalancer-proxy-protocol"
LINODE_PORT = "service.beta.kubernetes.io/linode-loadbalancer-port-"
OVH = "service.beta.kubernetes.io/ovh-loadbalancer-proxy-protocol"
AWS_PROXY = "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol"

ON = [
    ("AWS", AWS_PROXY, "*"),
    ("DigitalOcean", DO, "true"),
    ("DigitalOcean", DO, "True"),
    ("DigitalOcean", DO, "1"),
    ("Scaleway", SCW2, "true"),
    ("Scaleway", SCW2, "*"),
    ("Scaleway", SCW2, "80,443"),
    ("Scaleway", SCW2, "443, 80"),
    ("Scaleway", SCW1, "true"),
    ("Scaleway", SCW_OLD, "true"),
    ("Hetzner Cloud", HETZNER, "true"),
    ("Hetzner Cloud", HETZNER, "t"),
    ("OpenStack Octavia", OPENSTACK, "true"),
    ("OpenStack Octavia", OPENSTACK, "v1"),
    ("OpenStack Octavia", OPENSTACK, "v2"),
    ("Linode NodeBalancer", LINODE, "v1"),
    ("Linode NodeBalancer", LINODE, "v2"),
    ("Linode NodeBalancer", LINODE, "V2"),
    ("Linode NodeBalancer", LINODE_OLD, "v2"),
    ("OVHcloud (legacy Load Balancer for MKS)", OVH, "v1"),
    ("OVHcloud (legacy Load Balancer for MKS)", OVH, "v2"),
    ("OVHcloud (legacy Load Balancer for MKS)", OVH, "v2-ssl"),
    ("OVHcloud (legacy Load Balancer for MKS)", OVH, "v2-ssl-cn"),
]


@pytest.mark.parametrize(("provider", "key", "value"), ON, ids=lambda v: str(v))
def test_provider_annotation_turns_proxy_on(provider, key, value):
    got = judge(service({key: value}))
    assert got == Preservation(
        "preserved",
        f'PROXY protocol: the {provider} load balancer sends it ({key}: "{value}"){NOT_IN_RUN}',
        got.place if got else None,
    )
    assert where(got) == ann(key)
    assert got is not None and got.fix_annotation is None


OFF = [
    (AWS_PROXY, "true"),  # "*" is the only value the AWS controllers accept
    (AWS_PROXY, ""),
    (DO, "false"),
    (DO, "yes"),  # not a Go boolean: the DO CCM rejects it
    (SCW2, "false"),
    (SCW2, "8080"),  # PROXY only on a port this Service does not have
    (SCW2, "1"),  # "1" is a port number for Scaleway, not true
    (SCW2, "eighty"),
    (SCW2, ""),
    (HETZNER, "false"),
    (HETZNER, "enabled"),
    (OPENSTACK, "false"),
    (OPENSTACK, "True"),  # the OpenStack CCM compares exactly
    (OPENSTACK, "v3"),
    (LINODE, "none"),
    (LINODE, "v3"),
    (LINODE_OLD, "none"),
    (OVH, "true"),
    (OVH, "none"),
]


@pytest.mark.parametrize(("key", "value"), OFF, ids=lambda v: str(v))
def test_provider_annotation_off_values(key, value):
    assert judge(service({key: value})) is None


def test_scaleway_port_list_names_the_ports_it_covers():
    got = judge(service({SCW2: "443"}))
    assert got is not None and got.kind == "preserved"
    assert got.how.startswith(
        f'PROXY protocol: the Scaleway load balancer sends it on port 443 ({SCW2}: "443")'
    )


def test_scaleway_v1_off_then_send_proxy_v2_on():
    # getProxyProtocol: neither v1 nor v2 covers the port, so the deprecated key decides
    got = judge(service({SCW1: "false", SCW_OLD: "true"}))
    assert where(got) == ann(SCW_OLD)


def test_linode_default_takes_precedence_over_the_deprecated_key():
    assert judge(service({LINODE: "none", LINODE_OLD: "v2"})) is None
    assert where(judge(service({LINODE: "v2", LINODE_OLD: "none"}))) == ann(LINODE)


def test_linode_per_port_json_overrides_the_default():
    port_443 = f"{LINODE_PORT}443"
    got = judge(service({port_443: '{"proxy-protocol": "v2", "protocol": "tcp"}'}))
    assert got is not None and got.kind == "preserved"
    assert got.how.startswith(
        f"PROXY protocol: the Linode NodeBalancer load balancer sends it on port 443 "
        f'({port_443}: {{"proxy-protocol": "v2", "protocol": "tcp"}})'
    )
    assert where(got) == ann(port_443)
    # the default is on, port 80 switches it off: still on for 443
    got = judge(service({LINODE: "v2", f"{LINODE_PORT}80": '{"proxy-protocol": "none"}'}))
    assert got is not None and " sends it on port 443 (" in got.how
    # a port JSON without proxy-protocol keeps the default
    got = judge(service({LINODE: "v1", f"{LINODE_PORT}80": '{"protocol": "http"}'}))
    assert got is not None and f'sends it ({LINODE}: "v1")' in got.how
    # every port switched off
    off = '{"proxy-protocol": "none"}'
    assert judge(service({LINODE: "v2", f"{LINODE_PORT}80": off, f"{LINODE_PORT}443": off})) is None


def test_annotations_mean_nothing_on_a_nodeport_service():
    assert judge(service({DO: "true"}, kind="NodePort")) is None


def test_unquoted_yaml_boolean_reads_as_its_string():
    text = service().replace("metadata:\n", f"metadata:\n  annotations:\n    {HETZNER}: true\n", 1)
    got = judge(text)
    assert got is not None and got.kind == "preserved"


# --- controller side --------------------------------------------------------------------------

NGINX_ARGS = [
    "/nginx-ingress-controller",
    "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
    "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
]


def test_both_sides_with_the_configmap_in_another_file():
    got = judge(
        service({DO: "true"}),
        config_map({"use-proxy-protocol": "true"}),
        deployment(NGINX_ARGS),
    )
    assert got == Preservation(
        "preserved",
        f'PROXY protocol on both sides: the DigitalOcean load balancer sends it ({DO}: "true") '
        "and ingress-nginx accepts it (ConfigMap ingress-nginx/ingress-nginx-controller "
        'use-proxy-protocol: "true")',
        got.place if got else None,
    )
    assert where(got) == ann(DO)


def test_load_balancer_on_controller_off_is_not_preservation():
    # one-sided PROXY breaks traffic; NL201 falls back to externalTrafficPolicy
    assert (
        judge(
            service({DO: "true"}),
            config_map({"use-proxy-protocol": "false"}),
            deployment(NGINX_ARGS),
        )
        is None
    )
    assert judge(service({DO: "true"}), config_map({}), deployment(NGINX_ARGS)) is None


def test_controller_without_configmap_argument_runs_on_defaults():
    assert judge(service({DO: "true"}), deployment(["/nginx-ingress-controller"])) is None


def test_controller_on_and_no_known_load_balancer_counts():
    got = judge(service(), config_map({"use-proxy-protocol": "true"}), deployment(NGINX_ARGS))
    assert got == Preservation(
        "preserved",
        "PROXY protocol: ingress-nginx accepts it (ConfigMap "
        'ingress-nginx/ingress-nginx-controller use-proxy-protocol: "true"); no load balancer '
        "annotation netlint knows sends it on this "
        "Service, so the proxy or load balancer in front must (without that every connection "
        "would fail)",
        got.place if got else None,
    )
    assert where(got) == ("ConfigMap", SVC, ("data", "use-proxy-protocol"))


def test_controller_on_but_the_known_load_balancer_does_not_send_it():
    lb = service({"service.beta.kubernetes.io/do-loadbalancer-name": "edge"})
    assert judge(lb, config_map({"use-proxy-protocol": "true"}), deployment(NGINX_ARGS)) is None


def test_another_controllers_configmap_does_not_count():
    other = config_map({"use-proxy-protocol": "true"}, name="internal-ingress-nginx-controller")
    # the Deployment names its own ConfigMap, which does not enable PROXY
    assert judge(service(), other, config_map({}), deployment(NGINX_ARGS)) is None
    # without workloads, only the conventional names of this Service count
    assert judge(service(), other, workloads=False) is None
    # the same name in another namespace is another controller's
    elsewhere = config_map({"use-proxy-protocol": "true"}, namespace="internal")
    assert judge(service(), elsewhere, workloads=False) is None
    assert judge(service(), elsewhere, deployment(NGINX_ARGS)) is None


def test_conventional_configmap_name_without_workloads():
    got = judge(service(), config_map({"use-proxy-protocol": "true"}), workloads=False)
    assert where(got) == ("ConfigMap", SVC, ("data", "use-proxy-protocol"))
    helm = "edge-ingress-nginx-controller"
    got = judge(
        service(name=helm),
        config_map({"use-proxy-protocol": "true"}, name=helm),
        name=helm,
        workloads=False,
    )
    assert where(got) == ("ConfigMap", helm, ("data", "use-proxy-protocol"))


def test_configmap_argument_with_literal_namespace_and_separate_value():
    args = ["--configmap", "edge/custom"]
    got = judge(
        service(),
        config_map({"use-proxy-protocol": "True"}, name="custom", namespace="edge"),
        deployment(args),
    )
    assert where(got) == ("ConfigMap", "custom", ("data", "use-proxy-protocol"))


def test_pod_namespace_of_a_manifest_without_namespace():
    strip = "  namespace: ingress-nginx\n"
    svc = service({DO: "true"}).replace(strip, "")
    cm = config_map({"use-proxy-protocol": "false"}).replace(strip, "")
    dep = deployment(NGINX_ARGS).replace(', "namespace": "ingress-nginx"', "")
    assert judge(svc, cm, dep) is None  # the ConfigMap was found and says off


def test_unresolvable_configmap_reference_is_unknown():
    got = judge(
        service({DO: "true"}),
        config_map({"use-proxy-protocol": "false"}),
        deployment(["--configmap=$(CM_NAMESPACE)/ingress-nginx-controller"]),
    )
    assert got is not None and got.how.endswith(NOT_IN_RUN)


def test_nginx_inc_proxy_protocol_key():
    got = judge(
        service({HETZNER: "true"}, name="nginx-ingress-controller", namespace="nginx-ingress"),
        config_map({"proxy-protocol": "True"}, name="nginx-config", namespace="nginx-ingress"),
        deployment(
            ["-nginx-configmaps=$(POD_NAMESPACE)/nginx-config"],
            namespace="nginx-ingress",
            image="nginx/nginx-ingress:5.0.0",
        ),
        key="nginx-ingress",
        display="NGINX Ingress Controller",
        name="nginx-ingress-controller",
    )
    assert got is not None
    assert got.how == (
        "PROXY protocol on both sides: the Hetzner Cloud load balancer sends it "
        f'({HETZNER}: "true") and NGINX Ingress Controller accepts it '
        '(ConfigMap nginx-ingress/nginx-config proxy-protocol: "True")'
    )


def test_haproxy_proxy_protocol_cidrs():
    texts = (
        service({DO: "true"}, name="haproxy-kubernetes-ingress", namespace="haproxy-controller"),
        deployment(
            ["--configmap=haproxy-controller/haproxy-kubernetes-ingress"],
            namespace="haproxy-controller",
            image="haproxytech/kubernetes-ingress",
        ),
    )
    on = config_map(
        {"proxy-protocol": "10.0.0.0/8, 192.168.0.0/16"},
        name="haproxy-kubernetes-ingress",
        namespace="haproxy-controller",
    )
    got = judge(*texts, on, key="haproxy", name="haproxy-kubernetes-ingress")
    alias = judge(*texts, on, key="haproxy-ingress-haproxytech", name="haproxy-kubernetes-ingress")
    assert alias is not None and alias.kind == "preserved"
    assert got is not None and got.how.endswith(
        "haproxy accepts it (ConfigMap haproxy-controller/haproxy-kubernetes-ingress "
        'proxy-protocol: "10.0.0.0/8, 192.168.0.0/16")'
    )
    empty = config_map(
        {"proxy-protocol": ""}, name="haproxy-kubernetes-ingress", namespace="haproxy-controller"
    )
    assert judge(*texts, empty, key="haproxy", name="haproxy-kubernetes-ingress") is None


TRAEFIK_ARGS = [
    "--entryPoints.web.address=:8000/tcp",
    "--entryPoints.websecure.address=:8443/tcp",
    "--entryPoints.metrics.address=:9100/tcp",
]


def traefik(args: list[str], env: list[dict[str, Any]] | None = None) -> tuple[str, str]:
    svc = service(
        {HETZNER: "true"},
        name="traefik",
        namespace="traefik",
        ports=((80, "web"), (443, "websecure")),
    )
    dep = deployment(
        args, name="traefik", namespace="traefik", image="docker.io/traefik:v3.4", env=env
    )
    return svc, dep


def test_traefik_entrypoint_trusted_ips():
    arg = "--entryPoints.web.proxyProtocol.trustedIPs=10.0.0.0/8"
    got = judge(*traefik([*TRAEFIK_ARGS, arg]), key="traefik", display="Traefik", name="traefik")
    assert got is not None
    assert got.how == (
        "PROXY protocol on both sides: the Hetzner Cloud load balancer sends it "
        f'({HETZNER}: "true") and Traefik entrypoint web accepts it ({arg})'
    )


def test_traefik_keys_are_case_insensitive_and_insecure_is_a_bare_flag():
    args = [
        *TRAEFIK_ARGS,
        "--entrypoints.web.proxyprotocol.insecure",
        "--entrypoints.websecure.proxyprotocol.insecure=true",
    ]
    got = judge(*traefik(args), key="traefik", display="Traefik", name="traefik")
    assert got is not None and "Traefik entrypoints web, websecure accept it (" in got.how


def test_traefik_environment_variables():
    env = [
        {"name": "TRAEFIK_ENTRYPOINTS_WEBSECURE_PROXYPROTOCOL_TRUSTEDIPS", "value": "10.0.0.0/8"}
    ]
    got = judge(*traefik(TRAEFIK_ARGS, env), key="traefik", display="Traefik", name="traefik")
    assert got is not None and got.how.endswith(
        "Traefik entrypoint websecure accepts it "
        "(TRAEFIK_ENTRYPOINTS_WEBSECURE_PROXYPROTOCOL_TRUSTEDIPS=10.0.0.0/8)"
    )


def test_traefik_proxy_on_an_entrypoint_this_service_does_not_use():
    args = [*TRAEFIK_ARGS, "--entryPoints.metrics.proxyProtocol.insecure=true"]
    assert judge(*traefik(args), key="traefik", display="Traefik", name="traefik") is None
    # insecure=false and empty trustedIPs are off
    args = [*TRAEFIK_ARGS, "--entryPoints.web.proxyProtocol.insecure=false"]
    assert judge(*traefik(args), key="traefik", display="Traefik", name="traefik") is None


def test_traefik_configuration_file_is_not_visible():
    got = judge(
        *traefik(["--configFile=/etc/traefik/traefik.yml"]),
        key="traefik",
        display="Traefik",
        name="traefik",
    )
    assert got is not None and "the Traefik configuration is not in this run" in got.how


def test_kong_proxy_listen():
    listen = "0.0.0.0:8000 proxy_protocol, 0.0.0.0:8443 http2 ssl proxy_protocol"
    texts = (
        service({DO: "true"}, name="kong-kong-proxy", namespace="kong"),
        deployment(
            name="kong-kong",
            namespace="kong",
            image="kong:3.9",
            env=[{"name": "KONG_PROXY_LISTEN", "value": listen}],
        ),
    )
    got = judge(*texts, key="kong", display="Kong", name="kong-kong-proxy")
    assert got is not None and got.how.endswith(
        f"and Kong accepts it (KONG_PROXY_LISTEN: {listen!r} has proxy_protocol)"
    )
    assert where(got) == ("Service", "kong-kong-proxy", ("metadata", "annotations", DO))
    plain = deployment(
        name="kong-kong",
        namespace="kong",
        image="kong:3.9",
        env=[{"name": "KONG_PROXY_LISTEN", "value": "0.0.0.0:8000, 0.0.0.0:8443 http2 ssl"}],
    )
    assert judge(texts[0], plain, key="kong", display="Kong", name="kong-kong-proxy") is None


def test_contour_flag_on_the_contour_deployment():
    envoy = service({DO: "true"}, name="envoy", namespace="projectcontour")
    contour = json.dumps(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "contour", "namespace": "projectcontour"},
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "contour",
                                "image": "ghcr.io/projectcontour/contour:v1.30",
                                "command": ["contour"],
                                "args": ["serve", "--incluster", "--use-proxy-protocol"],
                            }
                        ]
                    }
                }
            },
        }
    )
    got = judge(envoy, contour, key="contour", display="Contour", name="envoy", workloads=False)
    assert got is not None and got.how.endswith("and Contour accepts it (--use-proxy-protocol)")
    without = contour.replace(', "--use-proxy-protocol"', "")
    assert judge(envoy, without, key="contour", display="Contour", name="envoy") is None


def test_cilium_config():
    svc = service({DO: "true"}, name="cilium-ingress", namespace="kube-system")
    on = config_map(
        {"enable-ingress-proxy-protocol": "true"}, name="cilium-config", namespace="kube-system"
    )
    got = judge(svc, on, key="cilium", display="Cilium", name="cilium-ingress")
    assert got is not None and got.how.endswith(
        "Cilium accepts it (ConfigMap kube-system/cilium-config "
        'enable-ingress-proxy-protocol: "true")'
    )
    off = config_map(
        {"enable-ingress-proxy-protocol": "false"}, name="cilium-config", namespace="kube-system"
    )
    assert judge(svc, off, key="cilium", display="Cilium", name="cilium-ingress") is None


def test_unsupported_controller_is_unknown():
    got = judge(service({DO: "true"}), key="istio", display="Istio ingress gateway")
    assert got is not None
    assert "the Istio ingress gateway configuration is not in this run" in got.how


# --- X-Forwarded-For --------------------------------------------------------------------------

XFF = "loadbalancer.openstack.org/x-forwarded-for"


def test_openstack_x_forwarded_for_with_trusted_headers():
    got = judge(
        service({XFF: "true"}),
        config_map({"use-forwarded-headers": "true"}),
        deployment(NGINX_ARGS),
    )
    assert got is not None
    assert got.how == (
        f"X-Forwarded-For on both sides: the OpenStack Octavia load balancer inserts it ({XFF}: "
        '"true") and ingress-nginx trusts it (ConfigMap ingress-nginx/ingress-nginx-controller '
        'use-forwarded-headers: "true")'
    )
    assert where(got) == ann(XFF)


def test_x_forwarded_for_needs_the_controller_to_trust_it():
    assert judge(service({XFF: "true"}), config_map({}), deployment(NGINX_ARGS)) is None
    # trusting the header proves nothing when nothing in front is known to set it
    assert (
        judge(service(), config_map({"use-forwarded-headers": "true"}), deployment(NGINX_ARGS))
        is None
    )


# --- AWS NLB ----------------------------------------------------------------------------------

LOST_HOW = (
    "an AWS NLB with IP targets sends traffic straight to the pod IPs, and IP-type TCP target "
    "groups do not preserve the client IP by default (target-group attribute "
    "preserve_client_ip.enabled=false), so ingress-nginx sees the NLB's private addresses"
)
NLB_IP = {
    LB_TYPE: "external",
    TARGET_TYPE: "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
}


def test_nlb_ip_targets_lose_the_client_ip():
    got = judge(service(NLB_IP), config_map({}), deployment(NGINX_ARGS))
    assert got == Preservation(
        "lost", LOST_HOW, got.place if got else None, (TGA, "preserve_client_ip.enabled=true")
    )
    assert where(got) == ann(TARGET_TYPE)


def test_nlb_ip_targets_whatever_the_traffic_policy():
    local = service(NLB_IP, extra="  externalTrafficPolicy: Local\n")
    got = judge(local)
    assert got is not None and got.kind == "lost"


def test_nlb_fix_keeps_other_attributes():
    got = judge(
        service({**NLB_IP, TGA: "deregistration_delay.timeout_seconds=30, stickiness.enabled=true"})
    )
    assert got is not None and got.fix_annotation == (
        TGA,
        "deregistration_delay.timeout_seconds=30, stickiness.enabled=true,"
        "preserve_client_ip.enabled=true",
    )


def test_nlb_explicit_false_is_replaced_in_place():
    got = judge(
        service(
            {
                **NLB_IP,
                TGA: "preserve_client_ip.enabled=false,deregistration_delay.timeout_seconds=30",
            }
        )
    )
    assert got is not None and got.kind == "lost"
    assert got.how.startswith(
        "an AWS NLB with IP targets sends traffic straight to the pod IPs, and the target-group "
        "attribute preserve_client_ip.enabled=false disables client IP preservation"
    )
    assert got.fix_annotation == (
        TGA,
        "preserve_client_ip.enabled=true,deregistration_delay.timeout_seconds=30",
    )


def test_nlb_ip_targets_with_preservation():
    got = judge(service({**NLB_IP, TGA: "preserve_client_ip.enabled=true"}))
    assert got == Preservation(
        "preserved",
        "an AWS NLB with IP targets sends traffic straight to the pod IPs and its target group "
        f"keeps the client address ({TGA}: preserve_client_ip.enabled=true)",
        got.place if got else None,
    )
    assert where(got) == ann(TGA)


def test_nlb_ip_targets_with_proxy_protocol():
    got = judge(
        service({**NLB_IP, AWS_PROXY: "*"}),
        config_map({"use-proxy-protocol": "true"}),
        deployment(NGINX_ARGS),
    )
    assert got is not None and got.kind == "preserved"
    assert got.how.startswith("PROXY protocol on both sides: the AWS load balancer sends it")
    # PROXY v2 through the target-group attribute
    got = judge(service({**NLB_IP, TGA: "proxy_protocol_v2.enabled=true"}))
    assert got is not None and got.kind == "preserved"
    assert got.how.startswith(
        f"PROXY protocol: the AWS NLB target group sends it ({TGA}: proxy_protocol_v2.enabled=true)"
    )
    # the proxy-protocol annotation takes precedence over the attribute
    wrong = {**NLB_IP, AWS_PROXY: "true", TGA: "proxy_protocol_v2.enabled=true"}
    got = judge(service(wrong))
    assert got is not None and got.kind == "lost"


def test_nlb_proxy_without_the_controller_parsing_it_is_still_lost():
    got = judge(
        service({**NLB_IP, AWS_PROXY: "*"}),
        config_map({"use-proxy-protocol": "false"}),
        deployment(NGINX_ARGS),
    )
    assert got is not None and got.kind == "lost"


def test_deprecated_nlb_ip_type():
    got = judge(service({LB_TYPE: "nlb-ip"}))
    assert got is not None and got.kind == "lost" and where(got) == ann(LB_TYPE)


def test_load_balancer_class_and_target_type_without_type_annotation():
    got = judge(service({TARGET_TYPE: "ip"}))
    assert got is not None and got.kind == "lost"
    cls = service({TARGET_TYPE: "ip"}, extra="  loadBalancerClass: service.k8s.aws/nlb\n")
    assert judge(cls) is not None


def test_in_tree_nlb_ignores_target_type():
    assert judge(service({LB_TYPE: "nlb", TARGET_TYPE: "ip"})) is None
    assert judge(service({LB_TYPE: "nlb"})) is None


def test_instance_targets_with_preservation_disabled():
    got = judge(
        service(
            {LB_TYPE: "external", TARGET_TYPE: "instance", TGA: "preserve_client_ip.enabled=false"}
        )
    )
    assert got == Preservation(
        "lost",
        "the AWS NLB target-group attribute preserve_client_ip.enabled=false makes the NLB "
        "replace the client address with its own private IP before traffic reaches the nodes",
        got.place if got else None,
        (TGA, "preserve_client_ip.enabled=true"),
    )
    assert where(got) == ann(TGA)
    # instance targets preserve by default: externalTrafficPolicy decides (rules.py)
    assert judge(service({LB_TYPE: "external", TARGET_TYPE: "instance"})) is None


def test_udp_only_target_groups_always_preserve():
    assert judge(service(NLB_IP, protocol="UDP")) is None


# --- odd shapes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  annotations: [1, 2]\nspec: 3\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  annotations:\n"
        f"    {DO}: {{a: 1}}\n    {TGA}: [1]\n    {TARGET_TYPE}: 7\nspec:\n  type: LoadBalancer\n"
        "  ports: [1, {port: true}, {port: 80, protocol: [x]}]\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  annotations:\n"
        f"    {LINODE_PORT}80: '[1]'\n    {LINODE_PORT}443: 'not json'\n    {SCW2}: '0x1bb'\n"
        "spec:\n  type: LoadBalancer\n  ports: {}\n",
    ],
)
def test_odd_service_shapes_never_crash(text):
    for key in ("ingress-nginx", "traefik", "kong", "contour", "cilium", "haproxy", "x"):
        judge(text, name="x", key=key)


def test_odd_workload_and_configmap_shapes_never_crash():
    odd_dep = json.dumps(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "d", "namespace": NS},
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {"args": [1, None, "--configmap", "-", "--"], "env": [1, {"name": 2}]},
                            {"args": "--configmap=x/y", "command": [["x"]], "env": {"a": 1}},
                            {
                                "args": [
                                    "serve",
                                    "--envoy-service-name",
                                    "--config-path=/c/x.yaml",
                                ],
                                "command": ["contour"],
                                "volumeMounts": [{"mountPath": "/c", "name": "v"}, 3],
                                "env": [
                                    {
                                        "name": "KONG_PROXY_LISTEN",
                                        "valueFrom": {"configMapKeyRef": {"name": "k", "key": 1}},
                                    }
                                ],
                            },
                        ],
                        "volumes": [{"name": "v", "configMap": {"name": "c"}}, None],
                    }
                }
            },
        }
    )
    odd_cm = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ingress-nginx\n"
        "data:\n  x.yaml: '{{'\n"
    )
    list_cm = config_map({}).replace("data: {}", "data: [1, 2]")
    for key in (
        "ingress-nginx",
        "traefik",
        "kong",
        "contour",
        "cilium",
        "haproxy",
        "nginx-ingress",
    ):
        judge(service({DO: "true"}), odd_dep, odd_cm, list_cm, key=key)
