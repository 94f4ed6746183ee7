"""kustomize: read kustomization files, render with `kustomize build` or `kubectl kustomize`.

The render goes through a temporary wrapper kustomization that lists the target as its only
resource and asks for `buildMetadata: [originAnnotations]`, so kustomize writes on every object
where it came from:

    metadata:
      annotations:
        config.kubernetes.io/origin: |
          path: ../../work/repo/base/service.yaml

(paths relative to the wrapper; generated objects carry `configuredIn:` instead). The
annotation is read and removed from the text before linting, so it never changes a finding.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from netlint.render import KUSTOMIZE, Rendered, RenderError, RenderSettings, Target, stream_name

FILENAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
ORIGIN_KEY = "config.kubernetes.io/origin"

INSTALL_HINT = (
    "install kubectl (https://kubernetes.io/docs/tasks/tools/) or kustomize "
    "(https://kubectl.docs.kubernetes.io/installation/kustomize/) so that it is on PATH, or "
    "render it yourself and pipe it: `kubectl kustomize {dir} | netlint check -`; "
    "--no-render skips kustomizations"
)

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)")


def kustomization_file(folder: FsPath) -> FsPath | None:
    for name in FILENAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True)
class Kustomization:
    """What a kustomization refers to, resolved to absolute paths."""

    dir: FsPath
    file: FsPath
    component: bool  # kind: Component (only ever rendered as part of another)
    dirs: tuple[FsPath, ...]  # kustomization directories it includes (resources, components)
    files: tuple[FsPath, ...]  # every local file it names (resources, patches, generators)
    patches: tuple[FsPath, ...]  # strategic-merge patch files among them
    remote: tuple[str, ...]  # remote resources (kustomize would fetch them)
    helm_charts: bool = False  # `helmCharts:` needs --enable-helm, which netlint never passes


def read(folder: FsPath) -> Kustomization | None:
    """Parse folder's kustomization file; None when there is none or it is not a mapping."""
    from netlint.load import load_text
    from netlint.model import SourceFile

    file = kustomization_file(folder)
    if file is None:
        return None
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    loaded = load_text(SourceFile(file.name, None), text)
    data: Any = loaded.documents[0].data if loaded.documents else None
    if not isinstance(data, dict):
        data = {}
    dirs: list[FsPath] = []
    files: list[FsPath] = []
    patches: list[FsPath] = []
    remote: list[str] = []

    def local(entry: object, *, patch: bool = False, may_be_dir: bool = False) -> None:
        if not isinstance(entry, str) or "\n" in entry or not entry.strip():
            return  # inline patches and generators
        if _REMOTE.match(entry):
            remote.append(entry)
            return
        path = (folder / entry.split("=", 1)[-1] if "=" in entry else folder / entry).resolve()
        if may_be_dir and path.is_dir():
            if kustomization_file(path) is not None:
                dirs.append(path)
            return
        files.append(path)
        if patch:
            patches.append(path)

    for key in ("resources", "bases", "components"):
        for entry in _list(data.get(key)):
            local(entry, may_be_dir=True)
    for entry in _list(data.get("patchesStrategicMerge")):
        local(entry, patch=True)
    for item in _list(data.get("patches")):
        if isinstance(item, dict):
            local(item.get("path"), patch=True)
    for key in ("patchesJson6902", "replacements"):
        for item in _list(data.get(key)):
            if isinstance(item, dict):
                local(item.get("path"))
    for key in ("configMapGenerator", "secretGenerator"):
        for item in _list(data.get(key)):
            if isinstance(item, dict):
                for entry in [*_list(item.get("files")), *_list(item.get("envs")), item.get("env")]:
                    local(entry)
    for key in ("crds", "generators", "transformers", "validators", "configurations"):
        for entry in _list(data.get(key)):
            local(entry, may_be_dir=True)
    openapi = data.get("openapi")
    if isinstance(openapi, dict):
        local(openapi.get("path"))
    return Kustomization(
        dir=folder.resolve(),
        file=file.resolve(),
        component=data.get("kind") == "Component",
        dirs=tuple(dirs),
        files=tuple(files),
        patches=tuple(patches),
        remote=tuple(remote),
        helm_charts=bool(data.get("helmCharts")),
    )


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def closure(root: Kustomization, cache: dict[FsPath, Kustomization | None]) -> list[Kustomization]:
    """root and every kustomization it includes, transitively (each once)."""
    out: list[Kustomization] = []
    seen: set[FsPath] = set()
    stack = [root]
    while stack:
        k = stack.pop()
        if k.dir in seen:
            continue
        seen.add(k.dir)
        out.append(k)
        for sub in k.dirs:
            if sub not in cache:
                cache[sub] = read(sub)
            found = cache[sub]
            if found is not None:
                stack.append(found)
    return out


def command() -> list[str] | None:
    """`kustomize build` when the kustomize binary is on PATH, else `kubectl kustomize`."""
    # here, not at the top: finding kustomizations (every run) needs no process tools
    from netlint.render.proc import which

    found = which("kustomize")
    if found is not None:
        return [found, "build"]
    found = which("kubectl")
    if found is not None:
        return [found, "kustomize"]
    return None


def render(
    target: Target, settings: RenderSettings, cwd: FsPath, tree: list[Kustomization]
) -> Rendered:
    base = command()
    if base is None:
        raise RenderError(
            f"{target.display}: is a kustomization; rendering it needs kustomize or kubectl, "
            "neither is on PATH: " + INSTALL_HINT.format(dir=target.display)
        )
    import tempfile

    patches = tuple(p for k in tree for p in k.patches)
    members = tuple(k.dir for k in tree) or (target.root,)
    with tempfile.TemporaryDirectory(prefix="netlint-kustomize-") as tmp:
        text, origins = _build(base, target, settings, cwd, FsPath(tmp))
    return Rendered(
        target,
        "",
        stream_name(target.display, KUSTOMIZE),
        text,
        origins=origins,
        patches=patches,
        members=members,
    )


def _build(
    base: list[str], target: Target, settings: RenderSettings, cwd: FsPath, wrapper: FsPath
) -> tuple[str, tuple[FsPath | None, ...]]:
    """The render without origin annotations, and the file each document came from. Through a
    wrapper kustomization in `wrapper` when possible; else the target itself (no origins)."""
    from netlint.render.proc import run_tool

    try:
        rel: str | None = os.path.relpath(target.root, wrapper)
    except ValueError:  # another drive (Windows): no wrapper, no origins
        rel = None
    if rel is not None:
        (wrapper / "kustomization.yaml").write_text(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            f"resources:\n- {_quote(rel.replace(os.sep, '/'))}\n"
            "buildMetadata: [originAnnotations]\n",
            "utf-8",
        )
        try:
            text = run_tool(
                [*base, str(wrapper)], cwd=cwd, timeout=settings.timeout, what=target.display
            )
        except RenderError:
            pass  # say what the target itself does, without the wrapper
        else:
            stripped, origins = strip_origins(text)
            return stripped, tuple(_origin_path(o, wrapper) for o in origins)
    text = run_tool(
        [*base, str(target.root)], cwd=cwd, timeout=settings.timeout, what=target.display
    )
    return strip_origins(text)[0], ()


def _quote(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _origin_path(origin: dict[str, str] | None, wrapper: FsPath) -> FsPath | None:
    """The local file an object came from (`path:`), or the kustomization that generated it
    (`configuredIn:`); None for remote origins (`repo:`) and objects without the annotation."""
    if origin is None or "repo" in origin:
        return None
    rel = origin.get("path") or origin.get("configuredIn")
    if not rel:
        return None
    return FsPath(os.path.normpath(wrapper / rel))


_DOC_SEP = re.compile(r"^---[ \t]*$", re.M)
_ORIGIN_LINE = re.compile(r"^( +)" + re.escape(ORIGIN_KEY) + r": \|-?\n", re.M)
_FIELD = re.compile(r"^\s*([A-Za-z]+): *(.*?)\s*$")


def strip_origins(text: str) -> tuple[str, list[dict[str, str] | None]]:
    """Remove the origin annotation kustomize added; return the text and, per document, the
    annotation's top-level fields (`path`, `configuredIn`, `repo`, `ref`) or None.

    kustomize writes normalised YAML (two-space indent, keys sorted, the annotation as a `|`
    block), so this is a text edit that leaves every other byte as kustomize wrote it: the
    stream is the same as a render without originAnnotations."""
    if ORIGIN_KEY not in text:
        return text, [None] * len(_documents(text))
    out_docs: list[str] = []
    origins: list[dict[str, str] | None] = []
    for doc in _documents(text):
        m = _ORIGIN_LINE.search(doc)
        if m is None:
            out_docs.append(doc)
            origins.append(None)
            continue
        indent = len(m.group(1))
        lines = doc[m.end() :].split("\n")
        body: list[str] = []
        while lines and (not lines[0].strip() or len(lines[0]) - len(lines[0].lstrip()) > indent):
            body.append(lines.pop(0))
        fields: dict[str, str] = {}
        block = min((len(b) - len(b.lstrip()) for b in body if b.strip()), default=0)
        for line in body:
            if line.strip() and len(line) - len(line.lstrip()) == block:
                fm = _FIELD.match(line)
                if fm and fm.group(2):  # scalar fields only (configuredBy is a mapping)
                    fields[fm.group(1)] = fm.group(2)
        before = doc[: m.start()]
        rest = "\n".join(lines)
        head = before.rstrip("\n").rsplit("\n", 1)
        parent = head[-1]
        # `annotations:` held only the origin: drop it too
        if parent.strip() == "annotations:" and not _child_follows(rest, indent):
            before = (head[0] + "\n") if len(head) > 1 else ""
        out_docs.append(before + rest)
        origins.append(fields)
    return "".join(out_docs), origins


def _child_follows(rest: str, indent: int) -> bool:
    first = next((line for line in rest.split("\n") if line.strip()), "")
    return len(first) - len(first.lstrip()) >= indent


def _documents(text: str) -> list[str]:
    """Split at `---` lines, each piece keeping its separator line (text == ''.join(pieces))."""
    starts = [m.start() for m in _DOC_SEP.finditer(text)]
    bounds = [0, *[s for s in starts if s > 0], len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if a < b]
