"""Rendering Helm charts and kustomize overlays before linting them.

A chart (a directory with Chart.yaml) is rendered with `helm template`, a kustomization (a
directory with kustomization.yaml, .yml or Kustomization) with `kustomize build` or
`kubectl kustomize`. Each render becomes one input stream named `<dir>[<render>]`; its findings
are mapped back onto the templates, values files and base files (`netlint.templatemap`).

Subprocesses get argument lists (never a shell) and a timeout. Nothing that runs code or reaches
the network is enabled: no kustomize plugins, exec functions or helm charts, no
`helm dependency update`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path as FsPath

HELM = "helm"
KUSTOMIZE = "kustomize"

DEFAULT_TIMEOUT = 120.0
DEFAULT_RELEASE = "release-name"  # what `helm template` itself calls an unnamed release


class RenderError(Exception):
    """A render that failed: the message says what, where and what to do (exit 2)."""


@dataclass(frozen=True)
class RenderSettings:
    """What the user asked for on the command line (`--helm-*`, `--no-render`)."""

    enabled: bool = True
    helm_values: tuple[str, ...] = ()  # layered in order, like `helm template -f A -f B`
    # one render per variant; each variant's files are layered after `helm_values`
    helm_variants: tuple[tuple[str, ...], ...] = ()
    helm_set: tuple[str, ...] = ()
    helm_release: str = DEFAULT_RELEASE
    helm_namespace: str | None = None
    timeout: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Target:
    """A directory to render: a chart root or a kustomization directory."""

    tool: str  # HELM or KUSTOMIZE
    root: FsPath  # absolute
    display: str  # as shown in reports ('/'-separated, relative to the working directory)


@dataclass(frozen=True)
class Rendered:
    """One render of a target: the manifest stream and what is needed to map findings back."""

    target: Target
    name: str  # the render's name: the values files of a helm variant; "" for kustomize
    display: str  # the stream's name in reports: `charts/web[values-prod.yaml]`
    text: str
    # helm: values files in precedence order (the chart's values.yaml first, the last wins)
    values_files: tuple[FsPath, ...] = ()
    sets: tuple[str, ...] = ()  # helm --set arguments
    # kustomize: the file each document (by index) came from, when the origin is known
    origins: tuple[FsPath | None, ...] = ()
    patches: tuple[FsPath, ...] = ()  # kustomize: patch files of the kustomization tree
    # the chart / kustomization directories it is made of: two renders that share one are
    # alternatives (variants of a chart, overlays of a base) and are checked apart
    members: tuple[FsPath, ...] = ()


def stream_name(display: str, name: str) -> str:
    """`charts/web[values-prod.yaml]`: a name that is clearly not a file on disk."""
    return f"{display}[{name}]"
