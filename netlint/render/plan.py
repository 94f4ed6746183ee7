"""Which inputs are rendered: charts and kustomizations among the discovered files.

Every file inside a chart (a directory with Chart.yaml, subcharts included) belongs to that
chart; every file a kustomization names belongs to it. Such files are never linted raw (a
template is not YAML; a patch may fix what a base shows): their chart or kustomization is
rendered once instead. That holds for directories and for single files, which is what
pre-commit passes (`chart/templates/svc.yaml chart/values.yaml` renders `chart` once).

Of the kustomizations found, those not included by another one in scope are rendered (the
overlays, not their bases). For a directory the scope is the directory; for single files it is
the repository they are in (the nearest directory upward with `.git`), else the working
directory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import TypeVar

from netlint.inputs import Discovery, InputFile, display_path
from netlint.load import LoadedFile
from netlint.model import Finding
from netlint.render import HELM, KUSTOMIZE, Rendered, RenderError, RenderSettings, Target
from netlint.render import kustomize as kz

T = TypeVar("T")

_SKIP_DIRS = frozenset({"node_modules", "__pycache__"})


@dataclass
class Plan:
    files: list[InputFile]  # linted as they are
    targets: list[Target] = field(default_factory=list)  # rendered
    trees: dict[FsPath, list[kz.Kustomization]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


class _Finder:
    """Climbs from a directory to its chart root and nearest kustomization (cached)."""

    def __init__(self) -> None:
        self.charts: dict[FsPath, FsPath | None] = {}
        self.kust: dict[FsPath, FsPath | None] = {}
        self.read_cache: dict[FsPath, kz.Kustomization | None] = {}

    def chart_root(self, folder: FsPath) -> FsPath | None:
        """The outermost chart folder is part of (a subchart in charts/ belongs to its parent)."""
        if folder in self.charts:
            return self.charts[folder]
        found: FsPath | None = None
        if (folder / "Chart.yaml").is_file():
            found = folder
        elif not (folder / ".git").exists() and folder.parent != folder:
            found = self.chart_root(folder.parent)
        while (
            found is not None
            and found.parent.name == "charts"
            and (found.parent.parent / "Chart.yaml").is_file()
        ):
            found = found.parent.parent
        self.charts[folder] = found
        return found

    def kustomization_dir(self, folder: FsPath) -> FsPath | None:
        if folder in self.kust:
            return self.kust[folder]
        found: FsPath | None = None
        if kz.kustomization_file(folder) is not None:
            found = folder
        elif not (folder / ".git").exists() and folder.parent != folder:
            found = self.kustomization_dir(folder.parent)
        self.kust[folder] = found
        return found

    def read(self, folder: FsPath) -> kz.Kustomization | None:
        if folder not in self.read_cache:
            self.read_cache[folder] = kz.read(folder)
        return self.read_cache[folder]


def plan(found: Discovery, paths: list[str], cwd: FsPath) -> Plan:
    finder = _Finder()
    out = Plan([])
    charts: dict[FsPath, None] = {}
    touched: dict[FsPath, None] = {}  # kustomization dirs whose files were given
    # where to look for overlays that include the kustomization of a file given alone
    scopes: dict[FsPath, None] = {}
    dirs = [FsPath(p).resolve() for p in paths if p != "-" and FsPath(p).is_dir()]
    for folder in dirs:
        root = finder.chart_root(folder)
        if root is not None:
            charts[root] = None
        elif finder.read(folder) is not None:
            touched[folder] = None
    claimed: set[FsPath] = set()
    folders: dict[FsPath, FsPath] = {}  # as given -> resolved (one realpath per directory)
    where: dict[int, FsPath] = {}
    for item in found.files:
        if item.path is None:
            out.files.append(item)
            continue
        if item.path.parent not in folders:
            folders[item.path.parent] = item.path.parent.resolve()
        folder = folders[item.path.parent]
        path = where[id(item)] = folder / item.path.name
        root = finder.chart_root(folder)
        if root is not None:
            charts[root] = None
            claimed.add(path)
            continue
        kdir = finder.kustomization_dir(folder)
        if kdir is not None:
            inside = any(folder.is_relative_to(d) for d in dirs)
            if any(kdir.is_relative_to(d) for d in dirs):
                touched[kdir] = None  # a kustomization inside a walked directory
            k = finder.read(kdir)
            if k is not None and (path == k.file or path in k.files):
                touched[kdir] = None
                if not inside:
                    scopes[_repository(folder) or cwd.resolve()] = None
        out.files.append(item)
    roots = _roots(list(touched), list(scopes), finder, out)
    for root in roots:
        k = finder.read(root)
        assert k is not None
        tree = kz.closure(k, finder.read_cache)
        out.trees[root] = tree
        for member in tree:
            claimed.add(member.file)
            claimed.update(member.files)
        out.targets.append(Target(KUSTOMIZE, root, display_path(root, cwd)))
    for root in charts:
        out.targets.append(Target(HELM, root, display_path(root, cwd)))
    if claimed:
        out.files = [f for f in out.files if f.path is None or where[id(f)] not in claimed]
    out.targets.sort(key=lambda t: (t.display, t.tool))
    return out


def _repository(folder: FsPath) -> FsPath | None:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _kustomization_dirs(top: FsPath) -> list[FsPath]:
    out = []
    for current, subdirs, names in os.walk(top):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in _SKIP_DIRS)
        if any(n in names for n in kz.FILENAMES):
            out.append(FsPath(current).resolve())
    return out


def _roots(touched: list[FsPath], scopes: list[FsPath], finder: _Finder, out: Plan) -> list[FsPath]:
    """The kustomizations to render: for each touched one, the kustomizations in scope that
    include it and that nothing in scope includes; itself when there are none."""
    if not touched:
        return []
    known: dict[FsPath, None] = dict.fromkeys(touched)
    for scope in scopes:
        known.update(dict.fromkeys(_kustomization_dirs(scope)))
    closures: dict[FsPath, set[FsPath]] = {}
    for kdir in known:
        k = finder.read(kdir)
        if k is not None:
            closures[kdir] = {m.dir for m in kz.closure(k, finder.read_cache)}
    included = {d for kdir, members in closures.items() for d in members if d != kdir}
    tops = [d for d in closures if d not in included and not _is_component(finder, d)]
    chosen: dict[FsPath, None] = {}
    for kdir in touched:
        covering = [t for t in tops if kdir in closures.get(t, set())]
        if covering:
            chosen.update(dict.fromkeys(covering))
        elif _is_component(finder, kdir):
            out.notices.append(
                f"{kdir}: a kustomize Component, rendered only through a kustomization that "
                "lists it under components:, and none in scope does; skipped"
            )
        else:
            chosen[kdir] = None
    return sorted(chosen)


def _is_component(finder: _Finder, folder: FsPath) -> bool:
    k = finder.read(folder)
    return k is not None and k.component


def render_targets(
    targets: list[Target],
    trees: dict[FsPath, list[kz.Kustomization]],
    settings: RenderSettings,
    cwd: FsPath,
) -> tuple[list[Rendered], list[str], list[str]]:
    """Render each target: (renders, errors, notices)."""
    renders: list[Rendered] = []
    errors: list[str] = []
    notices: list[str] = []
    for target in targets:
        what = "Helm chart" if target.tool == HELM else "kustomization"
        if not settings.enabled:
            notices.append(
                f"{target.display}: {what} not rendered (--no-render); its files are not linted raw"
            )
            continue
        try:
            if target.tool == HELM:
                from netlint.render import helm  # here: most runs render nothing

                renders.extend(helm.render_chart(target, settings, cwd))
            else:
                tree = trees.get(target.root, [])
                remote = sorted({r for k in tree for r in k.remote})
                if remote:
                    raise RenderError(
                        f"{target.display}: includes remote resources ({', '.join(remote)}), "
                        "which netlint does not fetch; render it yourself and pipe it: "
                        f"`kubectl kustomize {target.display} | netlint check -`"
                    )
                helm_charts = [k for k in tree if k.helm_charts]
                if helm_charts:
                    where = display_path(helm_charts[0].file, cwd)
                    raise RenderError(
                        f"{target.display}: {where} inflates Helm charts (helmCharts:), which "
                        "needs kustomize --enable-helm; netlint never enables it (it runs helm "
                        "and may fetch charts): render it yourself and pipe it: "
                        f"`kubectl kustomize --enable-helm {target.display} | netlint check -`"
                    )
                renders.append(kz.render(target, settings, cwd, tree))
        except RenderError as exc:
            errors.append(str(exc))
    return renders, errors, notices


@dataclass
class Staged:
    """The inputs of a run once charts and kustomizations are rendered (the pre-step of
    `api.lint`); `finish` is the post-step that maps findings back to their sources."""

    files: list[InputFile]
    renders: list[Rendered]
    errors: list[str]
    notices: list[str]
    settings: RenderSettings
    cwd: FsPath

    def worlds(self, loaded: list[LoadedFile]) -> list[tuple[list[LoadedFile], set[int] | None]]:
        """The engine runs of a lint: the files each sees, and whose findings it keeps (ids of
        `SourceFile`s; None: all).

        Renders that are alternatives of each other (two values variants of a chart, two
        overlays of one base) hold the same objects under the same names: checked together,
        a rule would pair the Service of one with the Deployment of the other. So each run
        sees the plain files and at most one of a set of alternatives; the plain files'
        findings come from the first run only."""
        streams = {r.display: r for r in self.renders}
        plain: list[LoadedFile] = []
        rendered: list[LoadedFile] = []
        for lf in loaded:
            is_render = lf.file.abspath is None and lf.file.path in streams
            (rendered if is_render else plain).append(lf)
        groups = _groups(rendered, lambda lf: streams[lf.file.path].members)
        if len(groups) <= 1:
            return [(loaded, None)]
        return [
            ([*plain, *group], None if i == 0 else {id(g.file) for g in group})
            for i, group in enumerate(groups)
        ]

    def one_world(self) -> bool:
        """Whether `worlds` is one run of every file: no two renders are alternatives."""
        return len(_groups(self.renders, lambda r: r.members)) <= 1

    def finish(self, findings: list[Finding], loaded: list[LoadedFile]) -> list[Finding]:
        if not self.renders and not any(lf.sources is not None for lf in loaded):
            return findings
        from netlint.mapping import map_findings

        return map_findings(findings, loaded, self.renders, self.settings, self.cwd)


def _groups(items: list[T], members: Callable[[T], tuple[FsPath, ...]]) -> list[list[T]]:
    """`items` (renders, or their loaded files) in runs of which no two share a member: each
    goes to the first group none of whose items shares one of its members."""
    groups: list[list[T]] = []
    for item in items:
        own = set(members(item))
        for group in groups:
            if not any(own & set(members(other)) for other in group):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def stage(found: Discovery, paths: list[str], cwd: FsPath, settings: RenderSettings) -> Staged:
    planned = plan(found, paths, cwd)
    renders, errors, notices = render_targets(planned.targets, planned.trees, settings, cwd)
    return Staged(planned.files, renders, errors, planned.notices + notices, settings, cwd)
