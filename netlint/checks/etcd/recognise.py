"""Finding etcd members and the volumes under their data and WAL directories.

A member is an etcd *server*:

* a container of a StatefulSet, Deployment, DaemonSet, ReplicaSet, ReplicationController or Pod
  (static pod manifests are Pods) whose image is an etcd image (registry.k8s.io/etcd,
  k8s.gcr.io/etcd(-<arch>), quay.io/coreos/etcd, gcr.io/etcd-development/etcd, bitnami/etcd,
  bitnamilegacy/etcd, bitnamisecure/etcd, any registry or mirror prefix, any tag or digest), or
  whose command runs `etcd` (also inside `sh -c "... exec etcd ..."`), or that sets an etcd
  server variable (ETCD_DATA_DIR, ETCD_INITIAL_CLUSTER, ETCD_LISTEN_PEER_URLS, ...); but not a
  container whose program is something else (etcdctl / etcdutl backups, `sleep`, a shell script
  that never starts etcd) nor `etcd gateway` / `etcd grpc-proxy`;
* an `EtcdCluster` of etcd-io/etcd-operator (operator.etcd.io) or of the archived CoreOS
  etcd-operator (etcd.database.coreos.com).

Objects whose owner (ownerReferences) is in the run are left to the owner (a `kubectl get -o
yaml` dump holds the StatefulSet and its Pods).

The data directory comes from, in etcd's order: `--config-file` (not read: unknown), the flag
`--data-dir`, the variable ETCD_DATA_DIR (literal, from a ConfigMap in the run, or through
envFrom), the image's default (bitnami: /bitnami/etcd/data) and etcd's own default
`<name>.etcd` in the working directory (/var/lib/etcd in etcd's release images, / in the
Kubernetes images). `$(VAR)` in arguments is expanded from literal variables as the kubelet does.
When the directory stays unknown, the volume mounted at a path naming etcd (not certs, pki or
config) is taken by convention; with no writable volume at all the data is in the container
either way. `--wal-dir` / ETCD_WAL_DIR gives a second volume (purpose "wal") when it lies on
another volume than the data.
"""

from __future__ import annotations

import functools
import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from netlint.checks.etcd.model import (
    MEMBER_KINDS,
    OWNER_KINDS,
    EtcdMember,
    EtcdVolume,
    Place,
)
from netlint.checks.k8s import config_map_value, get, pod_spec
from netlint.checks.patterns import lazy
from netlint.context import RunContext
from netlint.model import Path, Resource

_IMAGE_BASE = lazy(
    r"(?:coreos-|mirrored-coreos-|hardened-)?etcd(?:-(?:amd64|arm64|arm|ppc64le|s390x|386))?"
)
_BITNAMI = ("bitnami", "bitnamilegacy", "bitnamisecure")
_KUBERNETES = ("registry.k8s.io", "k8s.gcr.io", "google_containers", "google-containers")
_UPSTREAM = ("coreos", "etcd-development")
# working directory of the images (WORKDIR in their Dockerfiles): etcd's release images
# (Dockerfile-release: WORKDIR /var/lib/etcd/), Kubernetes' etcd image (WORKDIR /)
_WORKDIR = {"upstream": "/var/lib/etcd", "kubernetes": "/"}
BITNAMI_DATA_DIR = "/bitnami/etcd/data"  # bitnami etcd-env.sh: ETCD_VOLUME_DIR/data
OPERATOR_DATA_DIR = "/var/lib/etcd"  # etcd-io/etcd-operator: ETCD_DATA_DIR in <name>-state
COREOS_OPERATOR_DATA_DIR = "/var/etcd/data"  # CoreOS etcd-operator: dataDir, volume at /var/etcd

_SHELLS = ("sh", "bash", "ash", "dash", "zsh", "ksh", "busybox")
_WRAPPERS = ("env", "tini", "tini-static", "dumb-init", "catatonit", "nice", "ionice", "nohup")
_SERVER_ENV = (
    "ETCD_DATA_DIR",
    "ETCD_WAL_DIR",
    "ETCD_INITIAL_CLUSTER",
    "ETCD_INITIAL_CLUSTER_STATE",
    "ETCD_INITIAL_ADVERTISE_PEER_URLS",
    "ETCD_LISTEN_PEER_URLS",
)
_NOT_SERVING = ("gateway", "grpc-proxy")  # `etcd gateway start`, `etcd grpc-proxy start`
_VALUE_FLAGS = ("data-dir", "wal-dir", "name", "config-file")
_TRUE = ("1", "t", "true")  # Go strconv.ParseBool, lower-cased
_NETWORK_FILE = ("nfs", "cephfs", "azureFile", "glusterfs", "quobyte")
_CONFIG_VOLUMES = ("configMap", "secret", "downwardAPI", "projected")
_NOT_DATA = {"cert", "certs", "pki", "tls", "ssl", "config", "conf", "secret", "secrets"}
_DYNAMIC = lazy(
    r"\$(?:\(([A-Za-z_][A-Za-z0-9_]*)\)|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))"
)
_ASSIGNMENT = lazy(r"[A-Za-z_][A-Za-z0-9_]*=")
_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
Purpose = Literal["data", "wal"]


# ---------------------------------------------------------------------------------------------
# Images


def image_repository(image: str) -> tuple[str, ...]:
    """The repository path of an image reference, registry included, lower case, without tag
    and digest: "registry.k8s.io/etcd:3.5.15-0" -> ("registry.k8s.io", "etcd")."""
    ref = image.strip().lower().split("@", 1)[0]
    if ref.rfind(":") > ref.rfind("/"):
        ref = ref[: ref.rfind(":")]
    return tuple(part for part in ref.split("/") if part)


@functools.lru_cache(maxsize=4096)
def etcd_image_family(image: str) -> str | None:
    """The family of an etcd image: bitnami, kubernetes, upstream (etcd's release images) or
    other; None when the image is not etcd."""
    # cached: a run holds many containers of few images
    parts = image_repository(image)
    if not parts or not _IMAGE_BASE.fullmatch(parts[-1]):
        return None
    owners = parts[:-1]
    if owners and owners[-1] in _BITNAMI and parts[-1] == "etcd":
        return "bitnami"
    if any(o in _KUBERNETES for o in owners):
        return "kubernetes"
    if any(o in _UPSTREAM for o in owners):
        return "upstream"
    return "other"


# ---------------------------------------------------------------------------------------------
# What a container runs


@dataclass(frozen=True)
class Token:
    text: str
    path: Path  # the command/args item it comes from


@dataclass
class Launch:
    """The program a container starts, and etcd's arguments when it is etcd."""

    runs: str  # "etcd", "other", "unknown" (a program we cannot read), "default" (the image's)
    program: Token | None = None
    flags: list[Token] = field(default_factory=list)
    shell: bool = False  # etcd found inside a shell script


def _tokens(container_path: Path, container: Mapping[str, Any], key: str) -> list[Token]:
    items = container.get(key)
    if not isinstance(items, list):
        return []
    out = []
    for i, item in enumerate(items):
        if isinstance(item, bool) or item is None or isinstance(item, (dict, list)):
            continue
        out.append(Token(str(item), (*container_path, key, i)))
    return out


def _base(word: str) -> str:
    return word.strip().rpartition("/")[2]  # posixpath.basename, without its generality


def _is_bitnami_script(word: str) -> bool:
    return "/bitnami/scripts/etcd/" in word or word.startswith("/opt/bitnami/scripts/etcd")


def _shell_words(script: str) -> list[str]:
    """Words of a shell script, with ";" between its lines (a rough reading: enough to find
    which command a script runs and its literal arguments)."""
    words: list[str] = []
    for line in script.replace("\\\r\n", " ").replace("\\\n", " ").splitlines():
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
            lexer.whitespace_split = True
            found = list(lexer)
        except ValueError:
            found = re.findall(r"[^\s;&|()]+|[;&|()]+", line)
        words.extend(found)
        words.append(";")
    return words


_SEPARATORS = {";", ";;", "&&", "||", "|", "&", "(", ")", "|&"}
_PREFIXES = {
    "exec",
    "nohup",
    "time",
    "command",
    "then",
    "do",
    "else",
    "elif",
    "if",
    "while",
    "until",
    "!",
    "{",
    "}",
    *_WRAPPERS,
}


def _script_runs_etcd(script: str) -> tuple[bool, list[str]]:
    """Whether a shell script starts etcd (or bitnami's etcd scripts) as a command, and the
    words after it up to the end of that command."""
    words = _shell_words(script)
    at_command = True
    for i, word in enumerate(words):
        if word in _SEPARATORS:
            at_command = True
            continue
        if not at_command:
            continue
        if word in _PREFIXES or _ASSIGNMENT.match(word) or word.startswith("-"):
            continue
        if _base(word) == "etcd" or _is_bitnami_script(word):
            rest = []
            for later in words[i + 1 :]:
                if later in _SEPARATORS:
                    break
                rest.append(later)
            return True, rest
        at_command = False
    return False, []


def launch(container_path: Path, container: Mapping[str, Any]) -> Launch:
    command = _tokens(container_path, container, "command")
    args = _tokens(container_path, container, "args")
    if command:
        argv = command + args
    elif args and not args[0].text.startswith("-"):
        argv = args  # images without an ENTRYPOINT run args as the command (etcd's images)
    else:
        return Launch("default", None, args)  # the image's own program, with these arguments
    # skip wrappers: env VAR=x, tini --, dumb-init, ...
    start = 0
    while start < len(argv) and _base(argv[start].text) in _WRAPPERS:
        start += 1
        while start < len(argv) and (
            argv[start].text.startswith("-") or _ASSIGNMENT.match(argv[start].text)
        ):
            start += 1
    if start >= len(argv):
        return Launch("unknown", argv[0] if argv else None)
    program, rest = argv[start], argv[start + 1 :]
    base = _base(program.text)
    if base == "etcd" or _is_bitnami_script(program.text):
        return Launch("etcd", program, rest)
    if base in _SHELLS:
        options = rest
        if base == "busybox" and options and options[0].text in _SHELLS:
            options = options[1:]
        has_c, i = False, 0
        while i < len(options) and options[i].text.startswith("-"):
            opt = options[i].text
            if not opt.startswith("--") and "c" in opt[1:]:
                has_c = True
            i += 1
        if not has_c or i >= len(options):
            return Launch("unknown", program)
        script = options[i]
        if "etcd" not in script.text:  # cheap: most scripts of a big repo are not about etcd
            return Launch("other", program)
        runs, words = _script_runs_etcd(script.text)
        if not runs:
            return Launch("other", program)
        return Launch("etcd", script, [Token(w, script.path) for w in words], shell=True)
    if base in ("etcdctl", "etcdutl", "sleep", "tail", "true", "pause", "cat", "benchmark"):
        return Launch("other", program)
    return Launch("unknown", program)


# ---------------------------------------------------------------------------------------------
# etcd's settings: flags and environment


@dataclass(frozen=True)
class Setting:
    value: str | None  # None: set, but not to a value netlint can read (a Secret, a fieldRef)
    source: str  # "--data-dir=/var/lib/etcd", "env ETCD_DATA_DIR=/bitnami/etcd/data"
    path: Path


def parse_flags(tokens: list[Token]) -> dict[str, Setting]:
    """etcd's flags among arguments (Go flag syntax: -x or --x, =value or the next word); the
    last occurrence wins. Only the flags NL3 reads."""
    found: dict[str, Setting] = {}
    i = 0
    while i < len(tokens):
        text = tokens[i].text.strip()
        if text == "--":
            break
        if text.startswith("-") and len(text) > 1:
            key, eq, value = text.lstrip("-").partition("=")
            if key == "unsafe-no-fsync":
                if not eq or value.strip().lower() in _TRUE:
                    found[key] = Setting("true", text, tokens[i].path)
                else:
                    found.pop(key, None)
            elif key in _VALUE_FLAGS:
                if not eq and i + 1 < len(tokens):
                    i += 1
                    value = tokens[i].text
                    text = f"{text} {value}"
                found[key] = Setting(value.strip(), f"--{key}={value.strip()}", tokens[i].path)
        i += 1
    return found


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def environment(
    ctx: RunContext, resource: Resource, container_path: Path, container: Mapping[str, Any]
) -> dict[str, Setting]:
    """The container's variables as the kubelet sets them: envFrom ConfigMaps (in the run),
    then env entries; values netlint cannot read are None."""
    env: dict[str, Setting] = {}
    sources = container.get("envFrom")
    if isinstance(sources, list):
        for i, source in enumerate(sources):
            if not isinstance(source, dict):
                continue
            prefix = _text(source.get("prefix")) or ""
            ref = source.get("configMapRef")
            if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
                continue
            cm = ctx.index.get("ConfigMap", ref["name"], resource.namespace)
            data = cm.data.get("data") if cm is not None else None
            if not isinstance(data, dict):
                continue
            for key, value in data.items():
                if isinstance(key, str):
                    env[prefix + key] = Setting(
                        _text(value),
                        f"env {prefix + key}={value} (from ConfigMap {ref['name']})",
                        (*container_path, "envFrom", i),
                    )
    items = container.get("env")
    if isinstance(items, list):
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            name, base = item["name"], (*container_path, "env", i)
            ref = get(item, ("valueFrom", "configMapKeyRef"))
            if "value" in item:
                value = _text(item["value"])
                env[name] = Setting(value, f"env {name}={value}", (*base, "value"))
            elif isinstance(ref, dict) and isinstance(ref.get("name"), str):
                found = config_map_value(
                    ctx.index, ref["name"], str(ref.get("key", "")), resource.namespace, resource
                )
                value = _text(found[1]) if found is not None else None
                env[name] = Setting(
                    value, f"env {name}={value} (from ConfigMap {ref['name']})", base
                )
            else:
                env[name] = Setting(None, f"env {name} (from a reference)", base)
    return env


def expand(text: str, env: Mapping[str, Setting], shell: bool = False) -> str:
    """$(VAR) (the kubelet's expansion of command, args and env values) and, in a shell script,
    $VAR / ${VAR}, from literal variables; the others stay as written."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1) or (match.group(2) or match.group(3) if shell else None)
        setting = env.get(name) if name else None
        if setting is None or setting.value is None or "$" in setting.value:
            return match.group(0)
        return setting.value

    return _DYNAMIC.sub(one, text)


# ---------------------------------------------------------------------------------------------
# Volumes


@dataclass(frozen=True)
class Mount:
    name: str
    mount_path: str
    path: Path  # of the volumeMount
    read_only: bool


def _mounts(container_path: Path, container: Mapping[str, Any]) -> list[Mount]:
    items = container.get("volumeMounts")
    out = []
    if isinstance(items, list):
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            name, mount_path = item.get("name"), item.get("mountPath")
            if isinstance(name, str) and isinstance(mount_path, str) and mount_path.strip():
                out.append(
                    Mount(
                        name,
                        posixpath.normpath(mount_path.strip()),
                        (*container_path, "volumeMounts", i),
                        item.get("readOnly") is True,
                    )
                )
    return out


def _covers(mount_path: str, directory: str) -> bool:
    return (
        directory == mount_path
        or mount_path == "/"
        or directory.startswith(mount_path.rstrip("/") + "/")
    )


def _literal_prefix(directory: str) -> tuple[str, bool]:
    """The directory up to its first component holding an unexpanded variable, and whether it
    had one."""
    if "$" not in directory:
        return directory, False
    kept = []
    for part in directory.split("/"):
        if "$" in part:
            break
        kept.append(part)
    return "/".join(kept) or "/", True


def covering_mount(mounts: list[Mount], directory: str) -> tuple[Mount | None, bool]:
    """The volumeMount holding `directory` (longest mountPath that is a path prefix), and
    whether the answer is certain (False when a variable in the path leaves it open)."""
    literal, dynamic = _literal_prefix(posixpath.normpath(directory))
    best: Mount | None = None
    for mount in mounts:
        if _covers(mount.mount_path, literal) and (
            best is None or len(mount.mount_path) > len(best.mount_path)
        ):
            best = mount
    return best, best is not None or not dynamic


@dataclass(frozen=True)
class PodVolumes:
    resource: Resource
    spec_path: Path
    volumes: dict[str, tuple[Path, dict[str, Any]]]  # name -> (path, volume)
    templates: dict[str, tuple[Path, dict[str, Any]]]  # StatefulSet volumeClaimTemplates


def _pod_volumes(resource: Resource, spec_path: Path, spec: Mapping[str, Any]) -> PodVolumes:
    volumes: dict[str, tuple[Path, dict[str, Any]]] = {}
    items = spec.get("volumes")
    if isinstance(items, list):
        for j, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                volumes.setdefault(item["name"], ((*spec_path, "volumes", j), item))
    templates: dict[str, tuple[Path, dict[str, Any]]] = {}
    if resource.kind == "StatefulSet":
        items = get(resource.data, ("spec", "volumeClaimTemplates"))
        if isinstance(items, list):
            for j, item in enumerate(items):
                name = get(item, ("metadata", "name"))
                if isinstance(item, dict) and isinstance(name, str):
                    templates.setdefault(name, (("spec", "volumeClaimTemplates", j), item))
    return PodVolumes(resource, spec_path, volumes, templates)


def _claim_class(claim: Mapping[str, Any], base: Path) -> tuple[str | None, bool, Path | None]:
    """(storageClassName, set?, path of the field) of a claim or claim template; the beta
    annotation volume.beta.kubernetes.io/storage-class wins over the field, as in Kubernetes."""
    annotations = get(claim, ("metadata", "annotations"))
    if isinstance(annotations, dict) and isinstance(annotations.get(_CLASS_ANNOTATION), str):
        return (
            annotations[_CLASS_ANNOTATION],
            True,
            (*base, "metadata", "annotations", _CLASS_ANNOTATION),
        )
    spec = claim.get("spec")
    if isinstance(spec, dict) and "storageClassName" in spec:
        value = spec["storageClassName"]
        name = "" if value is None else str(value)
        return name, True, (*base, "spec", "storageClassName")
    return None, False, None


def _volume_entry(
    ctx: RunContext,
    pod: PodVolumes,
    mount: Mount,
    purpose: Purpose,
    directory: str,
    source: str,
) -> EtcdVolume | None:
    res = pod.resource
    common: dict[str, Any] = {
        "purpose": purpose,
        "directory": directory,
        "directory_source": source,
        "volume_name": mount.name,
    }
    template = pod.templates.get(mount.name)
    if template is not None:
        path, item = template
        name, is_set, field_path = _claim_class(item, path)
        return EtcdVolume(
            kind="claim-template",
            place=Place(res, field_path or path),
            class_name=name,
            class_set=is_set,
            **common,
        )
    found = pod.volumes.get(mount.name)
    if found is None:
        return None  # a mount of a volume the pod does not have: not ours to judge
    path, volume = found
    pvc = volume.get("persistentVolumeClaim")
    if isinstance(pvc, dict):
        claim_name = pvc.get("claimName")
        claim = (
            ctx.index.get("PersistentVolumeClaim", str(claim_name), res.namespace)
            if isinstance(claim_name, (str, int)) and not isinstance(claim_name, bool)
            else None
        )
        if claim is None:
            return EtcdVolume(
                kind="claim",
                place=Place(res, (*path, "persistentVolumeClaim", "claimName")),
                **common,
            )
        name, is_set, field_path = _claim_class(claim.data, ())
        return EtcdVolume(
            kind="claim",
            place=Place(claim, field_path or ("spec",)),
            class_name=name,
            class_set=is_set,
            claim=claim,
            **common,
        )
    ephemeral = get(volume, ("ephemeral", "volumeClaimTemplate"))
    if isinstance(ephemeral, dict):
        base = (*path, "ephemeral", "volumeClaimTemplate")
        name, is_set, field_path = _claim_class(ephemeral, base)
        return EtcdVolume(
            kind="ephemeral-claim",
            place=Place(res, field_path or base),
            class_name=name,
            class_set=is_set,
            **common,
        )
    if "hostPath" in volume:
        return EtcdVolume(kind="host-path", place=Place(res, (*path, "hostPath")), **common)
    if "emptyDir" in volume:
        medium = get(volume, ("emptyDir", "medium"))
        return EtcdVolume(
            kind="empty-dir",
            place=Place(res, (*path, "emptyDir")),
            medium_memory=isinstance(medium, str) and medium.lower() == "memory",
            **common,
        )
    for key in _NETWORK_FILE:
        if key in volume:
            return EtcdVolume(
                kind="other",
                place=Place(res, (*path, key)),
                media_hint="network-file",
                **common,
            )
    return EtcdVolume(kind="other", place=Place(res, path), **common)


def _writable(pod: PodVolumes, mount: Mount) -> bool:
    if mount.read_only:
        return False
    if mount.name in pod.templates:
        return True
    found = pod.volumes.get(mount.name)
    return found is None or not any(k in found[1] for k in _CONFIG_VOLUMES)


def _conventional(pod: PodVolumes, mounts: list[Mount]) -> Mount | None:
    """The mount that holds etcd's data by convention: a writable volume mounted at a path
    naming etcd, not certificates or configuration."""
    candidates = []
    for mount in mounts:
        parts = [p.lower() for p in mount.mount_path.split("/") if p]
        if not any("etcd" in p for p in parts) or _NOT_DATA & set(parts):
            continue
        if not _writable(pod, mount):
            continue
        candidates.append(mount)
    if not candidates:
        return None
    with_data = [m for m in candidates if "data" in m.mount_path.lower() or "data" in m.name]
    return (with_data or candidates)[0]


# ---------------------------------------------------------------------------------------------
# Workloads


@dataclass(frozen=True)
class Server:
    """An etcd server container and what identified it."""

    path: Path
    container: dict[str, Any]
    reason: str
    place: Path
    family: str | None  # etcd image family, None when the image is not etcd
    launch: Launch


def _server(container_path: Path, container: dict[str, Any]) -> Server | None:
    image = container.get("image")
    # every etcd image has "etcd" in its name (_IMAGE_BASE): most images are told apart
    # without parsing the reference (they are many and mostly distinct: a cache misses)
    family = (
        etcd_image_family(image) if isinstance(image, str) and "etcd" in image.lower() else None
    )
    # the image's own program, not an etcd image: only an etcd server variable can make it a
    # member (most containers of a run end here, without reading how they start)
    if (
        family is None
        and "command" not in container
        and "args" not in container
        and not _has_server_env(container)
    ):
        return None
    started = launch(container_path, container)
    if started.runs == "other":
        return None
    if started.runs == "etcd" and started.flags[:1] and started.flags[0].text in _NOT_SERVING:
        return None
    if family is not None:
        return Server(
            container_path,
            container,
            f"image {image}",
            (*container_path, "image"),
            family,
            started,
        )
    if started.runs == "etcd" and started.program is not None:
        what = "shell command runs etcd" if started.shell else f"command {started.program.text}"
        return Server(container_path, container, what, started.program.path, None, started)
    env_names = _env_names(container)  # only now: most containers are told apart before
    signals = [n for n in _SERVER_ENV if n in env_names]
    if signals:
        env_path: Path = (*container_path, "env")
        items = container.get("env")
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and item.get("name") == signals[0]:
                    env_path = (*container_path, "env", i)
                    break
        return Server(
            container_path,
            container,
            f"env {signals[0]} (an etcd server setting)",
            env_path,
            None,
            started,
        )
    return None


def _has_server_env(container: Mapping[str, Any]) -> bool:
    """Whether `_env_names(container)` holds one of _SERVER_ENV, told without the set."""
    items = container.get("env")
    if not isinstance(items, list):
        return False
    for item in items:
        if isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, str) and name in _SERVER_ENV:
                return True
    return False


def _env_names(container: Mapping[str, Any]) -> set[str]:
    items = container.get("env")
    if not isinstance(items, list):
        return set()
    return {i["name"] for i in items if isinstance(i, dict) and isinstance(i.get("name"), str)}


def _server_containers(path: Path, spec: dict[str, Any]) -> Iterator[Server]:
    """The etcd servers among the containers of the pod spec `spec` at `path`."""
    items = spec.get("containers")
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                server = _server((*path, "containers", i), item)
                if server is not None:
                    yield server
    items = spec.get("initContainers")  # sidecars (restartPolicy: Always) keep running
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict) and item.get("restartPolicy") == "Always":
                server = _server((*path, "initContainers", i), item)
                if server is not None:
                    yield server


def _title(resource: Resource, container: str | None = None) -> str:
    title = f"{resource.kind} {resource.name or '<unnamed>'}"
    if resource.namespace:
        title += f" ({resource.namespace})"
    if container:
        title += f" container {container}"
    return title


@dataclass(frozen=True)
class Directory:
    value: str | None  # absolute, maybe with unexpanded variables; None: unknown
    source: str
    relative: str | None = None  # a relative directory whose base netlint does not know


def _directory(
    setting: Setting | None, env: Mapping[str, Setting], workdir: str | None, what: str
) -> Directory | None:
    if setting is None or (setting.value is not None and not setting.value.strip()):
        return None
    if setting.value is None:
        return Directory(None, f"{setting.source}: {what} unknown")
    value = expand(setting.value.strip(), env)
    if "$" in value.split("/", 1)[0]:
        return Directory(None, f"{setting.source}: {what} from a variable netlint cannot read")
    if value.startswith("/"):
        return Directory(posixpath.normpath(value), setting.source)
    if workdir is not None:
        return Directory(posixpath.normpath(posixpath.join(workdir, value)), setting.source)
    return Directory(None, f"{setting.source} (relative to an unknown working directory)", value)


def _workdir(server: Server) -> str | None:
    """The container's working directory: its workingDir, else the image's when known."""
    workdir = server.container.get("workingDir")
    if isinstance(workdir, str) and workdir.startswith("/"):
        return workdir
    return _WORKDIR.get(server.family or "")


def _data_directory(
    server: Server, flags: Mapping[str, Setting], env: Mapping[str, Setting]
) -> Directory:
    container = server.container
    workdir = _workdir(server)
    config = flags.get("config-file") or env.get("ETCD_CONFIG_FILE")
    if config is not None:
        return Directory(None, f"{config.source}: etcd reads its data dir from that file")
    found = _directory(flags.get("data-dir"), env, workdir, "data dir")
    if found is None:
        found = _directory(env.get("ETCD_DATA_DIR"), env, workdir, "data dir")
    if found is not None:
        return found
    if server.family == "bitnami" and (
        server.launch.runs == "default"
        or (server.launch.program is not None and _is_bitnami_script(server.launch.program.text))
    ):
        return Directory(
            BITNAMI_DATA_DIR, f"image default of bitnami/etcd (ETCD_DATA_DIR={BITNAMI_DATA_DIR})"
        )
    name_setting = flags.get("name") or env.get("ETCD_NAME")
    name = "default"
    if name_setting is not None and name_setting.value:
        name = expand(name_setting.value.strip(), env)
    relative = f"{name}.etcd"
    if workdir is not None:
        where = "the container's workingDir" if container.get("workingDir") else "the image's"
        return Directory(
            posixpath.normpath(posixpath.join(workdir, relative)),
            f"etcd's default <name>.etcd in {where} working directory {workdir}",
        )
    return Directory(
        None, "no --data-dir: etcd's default <name>.etcd in an unknown working directory", relative
    )


def _volume_at(
    ctx: RunContext,
    pod: PodVolumes,
    server: Server,
    mounts: list[Mount],
    purpose: Purpose,
    directory: Directory,
    convention: bool,
) -> EtcdVolume | None:
    if directory.value is not None:
        mount, certain = covering_mount(mounts, directory.value)
        if mount is not None:
            return _volume_entry(ctx, pod, mount, purpose, directory.value, directory.source)
        if certain:
            return EtcdVolume(
                purpose,
                directory.value,
                directory.source,
                "none",
                Place(pod.resource, server.path),
            )
    if not convention:
        return None
    mount = _conventional(pod, mounts)
    shown = directory.value or directory.relative or "unknown"
    if mount is not None:
        return _volume_entry(
            ctx,
            pod,
            mount,
            purpose,
            mount.mount_path,
            f"{directory.source}; assumed the volume mounted at {mount.mount_path} "
            "(its path names etcd)",
        )
    if not any(_writable(pod, m) for m in mounts):
        return EtcdVolume(
            purpose,
            shown,
            f"{directory.source}; the container mounts no writable volume",
            "none",
            Place(pod.resource, server.path),
        )
    return None


def _same_volume(a: EtcdVolume, b: EtcdVolume) -> bool:
    return (
        a.kind == b.kind
        and a.volume_name == b.volume_name
        and a.place.resource is b.place.resource
        and a.place.path == b.place.path
    )


def _unsafe(
    resource: Resource, flags: Mapping[str, Setting], env: Mapping[str, Setting]
) -> Place | None:
    flag = flags.get("unsafe-no-fsync")
    if flag is not None:
        return Place(resource, flag.path)
    var = env.get("ETCD_UNSAFE_NO_FSYNC")
    if var is not None and var.value is not None and var.value.strip().lower() in _TRUE:
        return Place(resource, var.path)
    return None


def _workload_members(ctx: RunContext, resource: Resource) -> list[EtcdMember]:
    found = pod_spec(resource)
    if found is None:
        return []
    spec_path, spec = found
    servers = list(_server_containers(spec_path, spec))
    if not servers:
        return []  # not etcd: no need to read its volumes
    pod = _pod_volumes(resource, spec_path, spec)
    out = []
    for server in servers:
        name = server.container.get("name")
        title = _title(resource, str(name) if len(servers) > 1 and name else None)
        env = environment(ctx, resource, server.path, server.container)
        flags = parse_flags(
            [Token(expand(t.text, env, server.launch.shell), t.path) for t in server.launch.flags]
        )
        config = flags.get("config-file") or env.get("ETCD_CONFIG_FILE")
        if config is not None:  # etcd ignores the other flags and variables then
            flags = {"config-file": config} if "config-file" in flags else {}
        mounts = _mounts(server.path, server.container)
        member = EtcdMember(
            resource,
            title,
            server.reason,
            Place(resource, server.place),
            unsafe_no_fsync=None if config is not None else _unsafe(resource, flags, env),
        )
        data_dir = _data_directory(server, flags, env)
        data = _volume_at(ctx, pod, server, mounts, "data", data_dir, True)
        if data is not None:
            member.volumes.append(data)
        if config is None:
            wal_dir = _directory(
                flags.get("wal-dir") or env.get("ETCD_WAL_DIR"), env, _workdir(server), "WAL dir"
            )
            if wal_dir is not None:
                wal = _volume_at(ctx, pod, server, mounts, "wal", wal_dir, False)
                if wal is not None and (data is None or not _same_volume(wal, data)):
                    member.volumes.append(wal)
        out.append(member)
    return out


# ---------------------------------------------------------------------------------------------
# EtcdCluster


def _option_tokens(resource: Resource, path: Path) -> list[Token]:
    items = get(resource.data, path)
    if not isinstance(items, list):
        return []
    return [
        Token(str(item), (*path, i))
        for i, item in enumerate(items)
        if isinstance(item, (str, int, float)) and not isinstance(item, bool)
    ]


def _storage_volume(
    ctx: RunContext,
    resource: Resource,
    storage: dict[str, Any],
    purpose: Purpose,
    directory: str,
    source: str,
) -> EtcdVolume:
    base: Path = ("spec", "storageSpec")
    if storage.get("accessModes") == "ReadWriteMany":  # one shared claim, spec.storageSpec.pvcName
        claim_name = storage.get("pvcName")
        claim = (
            ctx.index.get("PersistentVolumeClaim", claim_name, resource.namespace)
            if isinstance(claim_name, str)
            else None
        )
        if claim is not None:
            name, is_set, field_path = _claim_class(claim.data, ())
            return EtcdVolume(
                purpose,
                directory,
                source,
                "claim",
                Place(claim, field_path or ("spec",)),
                "etcd-data",
                name,
                is_set,
                claim,
            )
        where = (*base, "pvcName") if "pvcName" in storage else base
        return EtcdVolume(
            purpose,
            directory,
            source,
            "claim",
            Place(resource, where),
            "etcd-data",
        )
    class_name = storage.get("storageClassName")
    is_set = isinstance(class_name, str) and class_name != ""
    return EtcdVolume(
        purpose,
        directory,
        source,
        "operator",
        Place(resource, (*base, "storageClassName") if is_set else base),
        "etcd-data",
        str(class_name) if is_set else None,
        is_set,
    )


def _operator_cluster(ctx: RunContext, resource: Resource) -> EtcdMember:
    """etcd-io/etcd-operator: a StatefulSet running gcr.io/etcd-development/etcd with
    ETCD_DATA_DIR=/var/lib/etcd; spec.storageSpec gives each member a claim mounted there
    (storageClassName, empty for the default class), or with accessModes ReadWriteMany one shared
    claim `pvcName`; without storageSpec the data stays in the container. spec.etcdOptions are
    etcd's own flags (--data-dir, --wal-dir, --unsafe-no-fsync)."""
    member = EtcdMember(
        resource,
        _title(resource),
        f"EtcdCluster of etcd-io/etcd-operator ({resource.api_version})",
        Place(resource, ("kind",)),
    )
    flags = parse_flags(_option_tokens(resource, ("spec", "etcdOptions")))
    member.unsafe_no_fsync = _unsafe(resource, flags, {})
    storage = get(resource.data, ("spec", "storageSpec"))
    spec_path: Path = ("spec",) if isinstance(resource.data.get("spec"), dict) else ()
    workdir = _WORKDIR["upstream"]  # the operator runs gcr.io/etcd-development/etcd
    data_dir = _directory(flags.get("data-dir"), {}, workdir, "data dir") or Directory(
        OPERATOR_DATA_DIR, f"etcd-operator sets ETCD_DATA_DIR={OPERATOR_DATA_DIR}"
    )
    wal_dir = _directory(flags.get("wal-dir"), {}, workdir, "WAL dir")
    data: EtcdVolume | None = None
    wanted: tuple[tuple[Purpose, Directory | None], ...] = (("data", data_dir), ("wal", wal_dir))
    for purpose, directory in wanted:
        if directory is None or directory.value is None:
            continue
        if isinstance(storage, dict) and _covers(OPERATOR_DATA_DIR, directory.value):
            volume = _storage_volume(
                ctx, resource, storage, purpose, directory.value, directory.source
            )
        else:
            source = directory.source
            if not isinstance(storage, dict):
                source += "; without spec.storageSpec no volume is mounted"
            volume = EtcdVolume(
                purpose,
                directory.value,
                source,
                "none",
                Place(resource, spec_path),
            )
        if purpose == "data":
            data = volume
        elif data is not None and _same_volume(volume, data):
            continue
        member.volumes.append(volume)
    return member


def _coreos_cluster(resource: Resource) -> EtcdMember:
    """The archived CoreOS etcd-operator: members mount volume etcd-data at /var/etcd (data dir
    /var/etcd/data), a claim from spec.pod.persistentVolumeClaimSpec or else an emptyDir."""
    member = EtcdMember(
        resource,
        _title(resource),
        f"EtcdCluster of the CoreOS etcd-operator ({resource.api_version})",
        Place(resource, ("kind",)),
    )
    source = f"CoreOS etcd-operator data dir {COREOS_OPERATOR_DATA_DIR}"
    claim = get(resource.data, ("spec", "pod", "persistentVolumeClaimSpec"))
    if isinstance(claim, dict):
        base: Path = ("spec", "pod", "persistentVolumeClaimSpec")
        is_set = "storageClassName" in claim
        value = claim.get("storageClassName")
        member.volumes.append(
            EtcdVolume(
                "data",
                COREOS_OPERATOR_DATA_DIR,
                source,
                "operator",
                Place(resource, (*base, "storageClassName") if is_set else base),
                "etcd-data",
                ("" if value is None else str(value)) if is_set else None,
                is_set,
            )
        )
    else:
        where: Path = (
            ("spec", "pod")
            if isinstance(get(resource.data, ("spec", "pod")), dict)
            else (("spec",) if isinstance(resource.data.get("spec"), dict) else ())
        )
        member.volumes.append(
            EtcdVolume(
                "data",
                COREOS_OPERATOR_DATA_DIR,
                f"{source}; no spec.pod.persistentVolumeClaimSpec, so the operator mounts an "
                "emptyDir",
                "empty-dir",
                Place(resource, where),
                "etcd-data",
            )
        )
    items = get(resource.data, ("spec", "pod", "etcdEnv"))
    if isinstance(items, list):
        for i, item in enumerate(items):
            if (
                isinstance(item, dict)
                and item.get("name") == "ETCD_UNSAFE_NO_FSYNC"
                and str(_text(item.get("value")) or "").strip().lower() in _TRUE
            ):
                member.unsafe_no_fsync = Place(resource, ("spec", "pod", "etcdEnv", i, "value"))
    return member


# ---------------------------------------------------------------------------------------------


def owners(resource: Resource) -> list[tuple[str, str]]:
    """(kind, name) of each `ownerReferences` entry that names an object of an owner kind: a
    member owned by an object of the run is that object's (its Pods, its ReplicaSets)."""
    refs = get(resource.data, ("metadata", "ownerReferences"))
    if not isinstance(refs, list):
        return []
    out = []
    for ref in refs:
        if not isinstance(ref, dict):
            continue
        kind, name = ref.get("kind"), ref.get("name")
        if kind in OWNER_KINDS and isinstance(name, str):
            out.append((kind, name))
    return out


def _owned_in_run(ctx: RunContext, resource: Resource) -> bool:
    return any(
        ctx.index.get(kind, name, resource.namespace) is not None for kind, name in owners(resource)
    )


def members_of(ctx: RunContext, resource: Resource) -> list[EtcdMember]:
    """The etcd members of one object of a MEMBER_KINDS kind, owned or not."""
    if resource.kind == "EtcdCluster":
        group = resource.api_version.split("/", 1)[0]
        if group == "operator.etcd.io":
            return [_operator_cluster(ctx, resource)]
        if group == "etcd.database.coreos.com":
            return [_coreos_cluster(resource)]
        return []
    return _workload_members(ctx, resource)


def members(ctx: RunContext) -> list[EtcdMember]:
    out: list[EtcdMember] = []
    for resource in ctx.index.of_kind(*MEMBER_KINDS):
        if not _owned_in_run(ctx, resource):
            out.extend(members_of(ctx, resource))
    return out
