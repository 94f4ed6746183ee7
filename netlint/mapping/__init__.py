"""Map findings on rendered documents back to the files a reviewer edits.

Helm documents carry `# Source: chart/templates/x.yaml` (from netlint's own `helm template` or
from a piped stream); the template is found on disk (the rendered chart's root, else a chart of
that name under the working directory) and the finding's key path is followed through it
(`netlint.mapping.template`). A value that the template reads from `.Values` points at the
values file that sets it. kustomize documents carry the base file in the origin annotation
(read and removed by `netlint.render.kustomize`); the path is followed in the base or in the
patch that sets it.

The quality is recorded on the finding: `exact` (the line holding the offending key or value),
`object` (the start of the object in its source) or `none` (the rendered location stays).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path as FsPath
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from netlint.inputs import display_path
from netlint.load import LoadedFile, load_text, node_span
from netlint.mapping import template as tm
from netlint.mapping.values import MISSING, lookup, same
from netlint.model import (
    SORT_KEY,
    Document,
    Finding,
    Path,
    Rendering,
    ResolvedRelated,
    SourceFile,
    Span,
)
from netlint.positions import resolve, span_of
from netlint.render import HELM, KUSTOMIZE, Rendered, RenderSettings

EXACT, OBJECT, NONE = "exact", "object", "none"


@dataclass(frozen=True)
class Located:
    file: SourceFile
    span: Span
    quality: str
    note: ResolvedRelated | None = None  # e.g. the template line that reads the values key
    values_key: str | None = None  # the dotted values key the field comes from (helm)


@dataclass
class Mapper:
    cwd: FsPath
    renders: dict[str, Rendered]
    settings: RenderSettings
    _files: dict[FsPath, LoadedFile | None] = field(default_factory=dict)
    _segments: dict[FsPath, list[tm.Segment]] = field(default_factory=dict)
    _charts: dict[str, list[FsPath]] | None = None

    # ---- files ------------------------------------------------------------------------

    def load(self, path: FsPath) -> LoadedFile | None:
        if path not in self._files:
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                self._files[path] = None
            else:
                source = SourceFile(
                    display_path(path, self.cwd), str(path), tuple(text.splitlines())
                )
                self._files[path] = load_text(source, text)
        return self._files[path]

    def source(self, path: FsPath) -> SourceFile:
        loaded = self.load(path)
        if loaded is not None:
            return loaded.file
        return SourceFile(display_path(path, self.cwd), str(path))

    def template_segments(self, path: FsPath) -> list[tm.Segment]:
        if path not in self._segments:
            loaded = self.load(path)
            self._segments[path] = (
                [] if loaded is None else tm.segments("\n".join(loaded.file.lines))
            )
        return self._segments[path]

    def chart_roots(self, name: str) -> list[FsPath]:
        """Charts named `name` (Chart.yaml `name:`) at or under the working directory."""
        if self._charts is None:
            from netlint.render.helm import chart_name

            self._charts = {}
            for current, subdirs, names in os.walk(self.cwd):
                depth = len(FsPath(current).relative_to(self.cwd).parts)
                subdirs[:] = (
                    []
                    if depth >= 6
                    else sorted(d for d in subdirs if not d.startswith(".") and d != "node_modules")
                )
                if "Chart.yaml" in names:
                    found = chart_name(FsPath(current))
                    if found:
                        self._charts.setdefault(found, []).append(FsPath(current).resolve())
        return self._charts.get(name, [])

    # ---- helm -------------------------------------------------------------------------

    def template_file(self, source: str, render: Rendered | None) -> FsPath | None:
        chart, _, rest = source.partition("/")
        if not rest:
            return None
        if render is not None and render.target.tool == HELM:
            roots = [render.target.root]
        else:
            roots = self.chart_roots(chart)
        found = [r / rest for r in roots if (r / rest).is_file() and ".." not in rest.split("/")]
        return found[0] if len(found) == 1 else None

    def helm(
        self, loaded: LoadedFile, doc: Document, path: Path, span: Span, render: Rendered | None
    ) -> Located | None:
        assert doc.source_template is not None
        tpl = self.template_file(doc.source_template, render)
        if tpl is None:
            return None
        seg = self._segment(loaded, doc, self.template_segments(tpl))
        if seg is None:
            return None
        file = self.source(tpl)
        probe = _probe(doc.data)
        walked = tm.walk(seg, path, probe)
        _, node, depth = resolve(doc.node, path)
        head = seg.head()
        object_place = (
            Located(
                file, tm.key_span(head) if head.kind == "key" else _line(file, head.line), OBJECT
            )
            if head is not None
            else None
        )
        expected = probe(path) if depth == len(path) else MISSING
        if not path:
            return replace(object_place, quality=EXACT) if object_place else None
        if len(walked.reached) >= max(depth, 1) and walked.reached:
            entry = walked.reached[-1]
            at_value = (
                len(walked.reached) == len(path)
                and isinstance(node, ScalarNode)
                and depth == len(path)
                and span == node_span(node)
            )
            if entry.kind == "key" and len(walked.reached) == len(path) and depth == len(path):
                written = tm.literal(entry.value)
                if written is not None and not same(written, expected):
                    return None  # the template says otherwise: not the source of this render
            if entry.kind == "key":
                place = tm.value_span(entry) if at_value else tm.key_span(entry)
            else:
                place = _line(file, entry.line)
            here = Located(file, place, EXACT)
            if len(walked.reached) == len(path) and entry.kind == "key" and entry.values:
                return self._values(entry.values, expected, render, here) or here
            if walked.values is not None:
                return (
                    self._values(walked.values + _strs(walked.values_rest), expected, render, here)
                    or here
                )
            return here
        if walked.values is not None and walked.include is not None:  # toYaml .Values.x
            needed = len(walked.values) + max(0, depth - (len(path) - len(walked.values_rest)))
            full = walked.values + _strs(walked.values_rest)
            injected = Located(file, _line(file, walked.include.line), OBJECT)
            found = self._values(
                full[:needed], expected if needed == len(full) else MISSING, render, injected
            )
            if found is not None:
                return found
        if walked.include is not None:  # injected by `include "x.labels"` and the like
            return Located(file, _line(file, walked.include.line), OBJECT)
        return object_place

    def _values(
        self, ref: tuple[str, ...], expected: Any, render: Rendered | None, template: Located
    ) -> Located | None:
        candidates, sets = self._values_chain(ref, render, template.file)
        found = lookup(candidates, sets, expected, self.load)
        if found is None:
            return None
        path, span, _ = found
        dotted = ".Values." + ".".join(ref)
        note = ResolvedRelated(
            f"the template reads {dotted} here", template.file, template.span, None
        )
        return Located(self.source(path), span, EXACT, note, ".".join(ref))

    def _values_chain(
        self, ref: tuple[str, ...], render: Rendered | None, template: SourceFile
    ) -> tuple[list[tuple[FsPath, tuple[str, ...]]], Sequence[str]]:
        """Values files and the key path in each, lowest precedence first; and --set args."""
        tpl = FsPath(template.abspath or template.path)
        if render is not None and render.target.tool == HELM:
            top: FsPath | None = render.target.root
            files: Sequence[FsPath] = render.values_files
            sets: Sequence[str] = render.sets
        else:  # piped `helm template`: the chart's values.yaml and any --helm-values given
            top = _chart_of(tpl)
            while top is not None and top.parent.name == "charts":
                if not (top.parent.parent / "Chart.yaml").is_file():
                    break
                top = top.parent.parent
            files = [top / "values.yaml"] if top and (top / "values.yaml").is_file() else []
            files = [*files, *((self.cwd / v).resolve() for v in self.settings.helm_values)]
            sets = self.settings.helm_set
        names: list[str] = []
        levels = [top] if top is not None else []
        if top is not None and tpl.is_relative_to(top):
            parts = tpl.relative_to(top).parts
            while len(parts) > 2 and parts[0] == "charts":
                names.append(parts[1])
                levels.append(levels[-1] / "charts" / parts[1])
                parts = parts[2:]
        candidates = [
            (levels[i] / "values.yaml", (*names[i:], *ref))
            for i in range(len(levels) - 1, 0, -1)
            if (levels[i] / "values.yaml").is_file()
        ]
        candidates += [(f, (*names, *ref)) for f in files]
        return candidates, sets

    def _segment(
        self, loaded: LoadedFile, doc: Document, segs: list[tm.Segment]
    ) -> tm.Segment | None:
        data = doc.data if isinstance(doc.data, dict) else {}
        kind, name = data.get("kind"), _name(data)
        if len(segs) == 1:
            return segs[0] if segs[0].kind in (kind, None) else None
        same_kind = [s for s in segs if s.kind == kind]
        if len(same_kind) == 1:
            return same_kind[0]
        named = [s for s in segs if s.kind in (kind, None) and s.name == name and name]
        if len(named) == 1:
            return named[0]
        siblings = [
            d
            for d in loaded.documents
            if d.source_template == doc.source_template
            and isinstance(d.data, dict)
            and d.data.get("kind") == kind
        ]
        candidates = same_kind or [s for s in segs if s.kind is None]
        if len(candidates) == len(siblings):
            return candidates[next(i for i, d in enumerate(siblings) if d is doc)]
        return None

    # ---- kustomize --------------------------------------------------------------------

    def kustomize(self, doc: Document, path: Path, span: Span, render: Rendered) -> Located | None:
        if doc.index >= len(render.origins):
            return None
        origin = render.origins[doc.index]
        if origin is None:
            return None
        data = doc.data if isinstance(doc.data, dict) else {}
        kind, name = data.get("kind"), _name(data) or ""
        key, node, depth = resolve(doc.node, path)
        expected = scalar_of(node) if depth == len(path) else MISSING
        at_key = key is not None and _starts(node_span(key), span)
        if path and depth == len(path):
            for patch in render.patches:  # a patch that sets the value wins over the base
                found = self._in_file(patch, kind, name, path, depth, expected, at_key)
                if found is not None and found.quality == EXACT:
                    return found
        if origin.name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
            return self._generator(origin, name, path)
        return self._in_file(origin, kind, name, path, depth, expected, at_key)

    def _in_file(
        self,
        file: FsPath,
        kind: Any,
        name: str,
        path: Path,
        depth: int,
        expected: Any,
        at_key: bool,
    ) -> Located | None:
        loaded = self.load(file)
        if loaded is None:
            return None
        docs = [
            d for d in loaded.documents if isinstance(d.data, dict) and d.data.get("kind") == kind
        ]
        exact = [d for d in docs if _name(d.data) == name]
        fuzzy = [d for d in docs if (n := _name(d.data)) and n in name]
        pick = exact or fuzzy
        if len(pick) != 1:
            return None
        root = pick[0].node
        _, node, found = resolve(root, path)
        if found == depth and (
            expected is MISSING or (isinstance(node, ScalarNode) and scalar_of(node) == expected)
        ):
            return Located(loaded.file, span_of(root, path, at_key)[0], EXACT)
        return Located(loaded.file, span_of(root, ())[0], OBJECT)

    def _generator(self, kfile: FsPath, name: str, path: Path) -> Located | None:
        """A generated ConfigMap or Secret: its generator entry (`- name: x`) in the
        kustomization, or the `key=value` literal of `data.key` in it."""
        loaded = self.load(kfile)
        if loaded is None:
            return None
        lines = loaded.file.lines
        for number, line in enumerate(lines, start=1):
            text = line.strip().removeprefix("- ").strip()
            if not text.startswith("name:"):
                continue
            value = text[5:].strip().strip("\"'")
            if not value or not (name == value or name.startswith(value + "-")):
                continue
            col = line.index("name:") + 1
            entry = Located(loaded.file, Span(number, col, number, col + 4), OBJECT)
            if len(path) != 2 or path[0] not in ("data", "stringData"):
                return entry
            dash = len(line) - len(line.lstrip(" "))  # where `- name:` (or `name:`) starts
            for at in range(number, len(lines)):  # the rest of this generator entry
                body = lines[at]
                if body.strip() and len(body) - len(body.lstrip(" ")) <= dash:
                    break  # the next entry, or the end of the list
                literal = body.strip().removeprefix("- ").strip().strip("\"'")
                if literal.startswith(f"{path[1]}="):
                    start = body.index(literal) + len(str(path[1])) + 2
                    end = body.index(literal) + len(literal) + 1
                    return Located(loaded.file, Span(at + 1, start, at + 1, end), EXACT)
            return entry
        return None


def _starts(a: Span, b: Span) -> bool:
    return (a.line, a.column) == (b.line, b.column)


def scalar_of(node: Node) -> Any:
    from netlint.load import scalar_value

    return scalar_value(node) if isinstance(node, ScalarNode) else MISSING


def _strs(path: Path) -> tuple[str, ...]:
    return tuple(str(p) for p in path)


def _name(data: Any) -> str | None:
    meta = data.get("metadata") if isinstance(data, dict) else None
    value = meta.get("name") if isinstance(meta, dict) else None
    return str(value) if value is not None else None


def _chart_of(file: SourceFile | FsPath) -> FsPath | None:
    """The nearest chart root above a template or values file."""
    if isinstance(file, SourceFile):
        if file.abspath is None:
            return None
        file = FsPath(file.abspath)
    for folder in file.parents:
        if (folder / "Chart.yaml").is_file():
            return folder
    return None


def _line(file: SourceFile, line: int) -> Span:
    text = file.line_text(line)
    start = len(text) - len(text.lstrip())
    return Span(line, start + 1, line, max(len(text.rstrip()), start + 1) + 1)


def _probe(data: Any) -> tm.Probe:
    def probe(path: Path) -> Any:
        current = data
        for step in path:
            if isinstance(current, list):
                if not isinstance(step, int) or not 0 <= step < len(current):
                    return None
                current = current[step]
            elif isinstance(current, dict) and step in current:
                current = current[step]
            else:
                return None
        return current

    return probe


def path_at(root: Node, span: Span) -> Path | None:
    """The path of the key or value that starts at `span` (for related locations)."""
    target = (span.line - 1, span.column - 1)
    node: Node = root
    out: list[str | int] = []
    while True:
        if isinstance(node, MappingNode):
            items = [(k, v, k.value if isinstance(k, ScalarNode) else None) for k, v in node.value]
        elif isinstance(node, SequenceNode):
            items = [(None, v, i) for i, v in enumerate(node.value)]
        else:
            return None
        nxt = None
        for key, value, step in items:
            if step is None:
                continue
            for n in (key, value):
                if n is not None and (n.start_mark.line, n.start_mark.column) == target:
                    return (*out, step)
            vs = node_span(value)
            if (vs.line - 1, vs.column - 1) <= target <= (vs.end_line - 1, vs.end_column - 1):
                nxt = (value, step)
        if nxt is None:
            return None
        node = nxt[0]
        out.append(nxt[1])


# ---- the post-step -------------------------------------------------------------------------


def map_findings(
    findings: list[Finding],
    loaded: list[LoadedFile],
    renders: list[Rendered],
    settings: RenderSettings,
    cwd: FsPath,
) -> list[Finding]:
    """Findings on rendered documents, moved to their source where it can be found."""
    streams = {r.display: r for r in renders}
    by_file = {
        id(lf.file): lf
        for lf in loaded
        if lf.sources is not None or (lf.file.abspath is None and lf.file.path in streams)
    }
    if not by_file:
        return findings
    mapper = Mapper(cwd.resolve(), streams, settings)
    out = []
    for finding in findings:
        lf = by_file.get(id(finding.file))
        if lf is None:
            out.append(finding)
            continue
        render = streams.get(lf.file.path) if lf.file.abspath is None else None
        out.append(_map(mapper, lf, finding, render))
    out.sort(key=SORT_KEY)
    return out


def _map(mapper: Mapper, lf: LoadedFile, f: Finding, render: Rendered | None) -> Finding:
    doc = _document_at(lf, f.span.line)
    tool = render.target.tool if render else (HELM if doc and doc.source_template else None)
    if doc is None or (render is None and doc.source_template is None):
        if render is None:
            return f
        located = None
    else:
        located = _locate(mapper, lf, doc, f.path, f.span, render)
    origin = doc.source_template if doc is not None else None
    if render is not None and render.target.tool == KUSTOMIZE and doc is not None:
        src = render.origins[doc.index] if doc.index < len(render.origins) else None
        origin = display_path(src, mapper.cwd) if src is not None else None
    rendering = Rendering(
        file=f.file,
        span=f.span,
        mapping=located.quality if located else NONE,
        tool=tool,
        target=render.target.display if render else _chart_display(mapper, located),
        name=(render.name or None) if render else None,
        origin=origin,
    )
    related = tuple(_map_related(mapper, rel, lf, render) for rel in f.related)
    if located is not None and located.note is not None:
        related = (located.note, *related)
    if located is None:
        return replace(f, rendered=rendering, related=related, edit=None if render else f.edit)
    fix = f.fix
    if located.values_key is not None and fix is not None and not fix.delete:
        # the field is set in a values file: the fix is made there, under the values key
        fix = replace(
            fix,
            description=f"set {located.values_key} to {_shown(fix.value)} in {located.file.path}",
        )
    return replace(
        f,
        file=located.file,
        span=located.span,
        rendered=rendering,
        related=related,
        edit=None,
        fix=fix,
    )


def _shown(value: Any) -> str:
    """A fix value as it is written in YAML (booleans and null the YAML way)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _chart_display(mapper: Mapper, located: Located | None) -> str | None:
    if located is None:
        return None
    root = _chart_of(located.file)
    return display_path(root, mapper.cwd) if root is not None else None


def _locate(
    mapper: Mapper, lf: LoadedFile, doc: Document, path: Path, span: Span, render: Rendered | None
) -> Located | None:
    if render is not None and render.target.tool == KUSTOMIZE:
        return mapper.kustomize(doc, path, span, render)
    if doc.source_template is not None:
        return mapper.helm(lf, doc, path, span, render)
    return None


def _map_related(
    mapper: Mapper, rel: ResolvedRelated, lf: LoadedFile, render: Rendered | None
) -> ResolvedRelated:
    if rel.file is not lf.file:
        return rel
    doc = _document_at(lf, rel.span.line)
    if doc is None:
        return rel
    path = path_at(doc.node, rel.span)
    if path is None:
        return rel
    located = _locate(mapper, lf, doc, path, rel.span, render)
    if located is None:
        return rel
    return ResolvedRelated(rel.message, located.file, located.span, rel.object)


def _document_at(lf: LoadedFile, line: int) -> Document | None:
    for doc in lf.documents:
        s = node_span(doc.node)
        if s.line <= line <= s.end_line:
            return doc
    return None
