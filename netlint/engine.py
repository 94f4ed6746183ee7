"""Select rules, run checks, place hits, apply suppressions, sort."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from netlint.catalog import CatalogError, RuleMeta, load_data
from netlint.config import Config, Defaults, params_key, rule_settings
from netlint.context import Facts, Key, NonObject, ResourceIndex, RunContext, key_of
from netlint.custom.catalogs import in_force
from netlint.edits import make_edit
from netlint.load import LoadedFile, keep_regions
from netlint.model import (
    SORT_KEY,
    Document,
    Finding,
    Hit,
    ObjectRef,
    Path,
    ResolvedRelated,
    Resource,
    Severity,
    SourceFile,
    Suppression,
)
from netlint.positions import resource_extent, resource_span
from netlint.suppress import by_annotation, by_baseline, by_exclude, rule_matches


class SelectionError(Exception):
    pass


def select_rules(
    rules: Sequence[RuleMeta], select: Sequence[str], ignore: Sequence[str]
) -> list[RuleMeta]:
    """Rules enabled by default, or exactly those `select` names; minus `ignore`."""
    for token in (*select, *ignore):
        if not any(rule_matches(token, rule) for rule in rules):
            raise SelectionError(f"unknown rule selector {token!r}: not a rule ID, prefix or name")
    chosen = []
    for rule in rules:
        if select:
            if not any(rule_matches(t, rule) for t in select):
                continue
        elif not rule.enabled:
            continue
        if any(rule_matches(t, rule) for t in ignore):
            continue
        chosen.append(rule)
    return chosen


def _non_manifest_patterns() -> tuple[list[str], list[str]]:
    data = load_data("non_manifests")
    return list(data.get("filenames", [])), list(data.get("api_groups", []))


def _signatures() -> list[frozenset[str]]:
    return [frozenset(keys) for keys in load_data("non_manifests").get("signatures", [])]


def is_known_non_manifest(data: object) -> bool:
    """A document shaped like tool YAML (compose file, helm-unittest suite, workflow, ...)."""
    if not isinstance(data, dict):
        return False
    keys = {k for k in data if isinstance(k, str)}
    return any(sig <= keys for sig in _signatures())


def is_non_manifest_file(path: str) -> bool:
    names, _ = _non_manifest_patterns()
    by_name, by_path = _file_globs(tuple(names))
    return by_name(path.rsplit("/", 1)[-1]) or by_path(path)


@functools.lru_cache(maxsize=8)
def _file_globs(names: tuple[str, ...]) -> tuple[Callable[[str], bool], Callable[[str], bool]]:
    """The tests of is_non_manifest_file: the base name against each glob; the path against
    each glob and against `*/` + each glob."""
    from netlint.checks.patterns import any_glob, is_glob  # here: netlint.checks imports all

    # `*/name` for a plain name is a suffix test: only the real globs are compiled
    suffixes = tuple("/" + n for n in names if not is_glob(n))
    in_path = any_glob((*names, *("*/" + n for n in names if is_glob(n))))
    return any_glob(names), lambda path: path.endswith(suffixes) or in_path(path)


def build_index(files: Iterable[LoadedFile]) -> tuple[ResourceIndex, list[NonObject]]:
    index = ResourceIndex()
    non_objects: list[NonObject] = []
    from netlint.checks.patterns import any_glob

    _, skip_groups = _non_manifest_patterns()
    skipped = any_glob(tuple(skip_groups))
    skip_api: dict[str, bool] = {}  # a run holds few apiVersions
    for loaded in files:
        quiet = is_non_manifest_file(loaded.file.path)
        for doc in loaded.documents:
            data = doc.data
            if not _is_object(data):
                if not quiet and not is_known_non_manifest(data):
                    non_objects.append(NonObject(doc, doc.node, data, "document"))
                continue
            if quiet:
                continue
            api = data["apiVersion"]
            skip = skip_api.get(api)
            if skip is None:
                skip = skip_api[api] = skipped(api)
            if skip:
                continue
            items = data.get("items")
            if data["kind"].endswith("List") and isinstance(items, list):
                _add_items(doc, data["kind"], items, index, non_objects)
                continue
            index.add(_resource(doc, data, None, ()))  # its node: the document's, on demand
    return index, non_objects


def _add_items(
    doc: Document,
    kind: str,
    items: list[Any],
    index: ResourceIndex,
    non_objects: list[NonObject],
) -> None:
    """The items of a `kind: List` document: objects in the index, the rest as non-objects.
    An item's node is found in the positions its document recorded when there are (its cells'
    start: no tree composed), else in the document's tree."""
    from netlint.load import _Tree
    from netlint.marks import SEQUENCE, WIDTH
    from netlint.positions import resolve

    tree = doc.tree
    marks = tree.marks if type(tree) is _Tree else None
    child = -1  # the next item's cells, when the document recorded them
    if marks is not None:
        _, at, depth = marks.resolve(doc.data, ("items",))
        if depth == 1 and marks.kind(at) == SEQUENCE:
            child = at + WIDTH
    for i, item in enumerate(items):
        path = ("items", i)
        if marks is not None and child >= 0:
            at, child = child, child + marks.size(child) * WIDTH
            if _is_object(item):
                index.add(_resource(doc, item, None, path, at))
                continue
            _, node, _ = resolve(doc.node, path)  # composed: a non-object item is rare
        else:
            _, node, depth = resolve(doc.node, path)
            if depth != 2:
                continue
            if _is_object(item):
                index.add(_resource(doc, item, node, path))
                continue
        non_objects.append(NonObject(doc, node, item, f"{kind} item {i}"))


def _is_object(data: object) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("apiVersion"), str)
        and isinstance(data.get("kind"), str)
        and bool(data["apiVersion"])
        and bool(data["kind"])
    )


def _resource(doc: Document, data: dict, node: object, prefix: Path, at: int = 0) -> Resource:  # type: ignore[type-arg]
    meta = data.get("metadata")
    name = namespace = None
    if isinstance(meta, dict):
        # str() only for the rare values that are not strings already
        raw_name, raw_ns = meta.get("name"), meta.get("namespace")
        if raw_name is not None:
            name = raw_name if raw_name.__class__ is str else str(raw_name)
        if raw_ns is not None:
            namespace = raw_ns if raw_ns.__class__ is str else str(raw_ns)
    ref = ObjectRef(data["apiVersion"], data["kind"], namespace, name)
    return Resource(doc, ref, data, node, prefix, at)  # type: ignore[arg-type]


def context(
    files: list[LoadedFile],
    config: Config,
    rules: Sequence[RuleMeta] = (),
    today: dt.date | None = None,
) -> RunContext:
    """What checks receive: every object of the loaded files in one index, and the config."""
    index, non_objects = build_index(files)
    return RunContext(files, index, config, tuple(rules), today or dt.date.today(), non_objects)


@dataclass(frozen=True)
class EngineResult:
    findings: list[Finding]
    rules: list[RuleMeta]  # the rules that ran


@dataclass(frozen=True)
class _Prepared:
    rule: RuleMeta
    fn: Callable[[RunContext, Any], Iterable[Hit]]
    severity: Severity
    params: object
    scope: str
    kinds: tuple[str, ...] | None


def _choose(
    config: Config, all_rules: Sequence[RuleMeta], select: Sequence[str], ignore: Sequence[str]
) -> list[RuleMeta]:
    model = config.model
    return select_rules(all_rules, list(select) or model.select, [*model.ignore, *ignore])


def _prepared(config: Config, chosen: list[RuleMeta]) -> list[_Prepared]:
    """Each rule with its check, severity and validated params (the checks imported)."""
    from netlint.checks import REGISTRY

    model = config.model
    prepared = []
    for rule in chosen:
        check = REGISTRY[rule.check]
        settings = rule_settings(model.rules, rule)
        severity = settings.severity if settings and settings.severity else rule.severity
        overrides = settings.params if settings else {}
        merged: dict[str, Any] = {**rule.params, **overrides}
        params: object = merged
        if check.load_params is not None and rule.builtin and not overrides:
            # validated, defaults filled in, when the catalog was built (rulemeta.py): a
            # read-only view of those values, without importing pydantic
            params = Defaults(rule.check, dict(rule.params))
        elif check.load_params is not None and rule.checked is not None and not overrides:
            # a custom rule's, validated when it was loaded (custom/rules.py): their view
            from netlint.config import restore_tree

            params = restore_tree(rule.checked)
        elif (
            check.load_params is not None
            and rule.id in config.params
            and config.params[rule.id][0] == params_key(merged)
        ):
            # validated with the config file when it was kept in the cache (config.py)
            from netlint.config import restore_tree

            params = restore_tree(config.params[rule.id][1])
        elif check.load_params is not None:
            from pydantic import ValidationError

            params_model = check.load_params()
            try:
                params = params_model.model_validate(merged)
            except ValidationError as exc:
                raise CatalogError(
                    [
                        f"{config.path or 'config'}:1: rules.{rule.id}.params: {e['msg']}"
                        for e in exc.errors()
                    ]
                ) from None
        prepared.append(_Prepared(rule, check.fn, severity, params, check.scope, check.kinds))
    return prepared


@dataclass(frozen=True)
class _Split:
    early: list[_Prepared]  # the file-scoped rules
    late: list[_Prepared]  # the others
    kinds: frozenset[str] | None  # what the late rules read: None for every kind
    # the late families that take facts from each batch (checks.FACTS): a new store of them
    collectors: dict[str, Callable[[], Facts]]


class _Runner:
    """Places, deduplicates and suppresses the hits of prepared rules on a context."""

    def __init__(
        self, config: Config, all_rules: Sequence[RuleMeta], baseline: set[str] | None
    ) -> None:
        self.by_id = {rule.id: rule for rule in all_rules}
        self.baseline = baseline
        # nothing to suppress by config or baseline (most runs): only annotations are read
        self.external = bool(config.model.exclude) or bool(baseline)
        # the family whose facts ctx.cache holds in this process (each --jobs process has its
        # own)
        self.current = ""

    def findings(self, p: _Prepared, ctx: RunContext) -> list[Finding]:
        # one rule: its hits placed, deduplicated and suppressed (the dedupe key holds the rule,
        # so deduplicating per rule is deduplicating the run)
        rule = p.rule
        if self.current != rule.family:
            # A family's facts (ctx.cache) are read by that family's rules: drop them when
            # the next family starts, so that at most one family's facts are alive (on the
            # 10k synthetic objects tracemalloc counts 3.5 MB for NL2's, 2.9 MB for NL3's,
            # 4.8 MB for NL4's). The cache only memoises what a rule could compute from
            # ctx: a fact two families share is computed again, as each --jobs process
            # does anyway.
            ctx.cache.clear()
            self.current = rule.family
        placed = [_finding(rule, p.severity, hit, ctx) for hit in p.fn(ctx, p.params)]
        return [
            _suppress(f, self.by_id[f.rule], resource, ctx, self.baseline, self.external)
            for f, resource in _dedupe(placed)
        ]

    def all(self, prepared: list[_Prepared], ctx: RunContext, jobs: int) -> list[Finding]:
        """The findings of `prepared` on `ctx`, in rule order; with `jobs` > 1 in that many
        processes (netlint/parallel.py)."""
        if jobs > 1 and len(prepared) > 1:
            from netlint.parallel import run_groups

            per_rule = run_groups(
                len(prepared),
                lambda i: self.findings(prepared[i], ctx),
                [p.rule.family for p in prepared],
                jobs,
                [loaded.file for loaded in ctx.files],
                [resource.ref for resource in ctx.index.resources],
            )
        else:
            per_rule = [self.findings(p, ctx) for p in prepared]
        return [f for part in per_rule for f in part]


def run(
    files: list[LoadedFile],
    config: Config,
    all_rules: Sequence[RuleMeta],
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    baseline: set[str] | None = None,
    today: dt.date | None = None,
    jobs: int = 1,
) -> EngineResult:
    """Run the chosen rules on `files` together; with `jobs` > 1 in that many processes
    (netlint/parallel.py), with the same findings in the same order."""
    with in_force(config):  # the config's catalog overrides, for this run only
        chosen = _choose(config, all_rules, select, ignore)
        ctx = context(files, config, all_rules, today)
        findings = _Runner(config, all_rules, baseline).all(_prepared(config, chosen), ctx, jobs)
        findings.sort(key=SORT_KEY)
        return EngineResult(findings, chosen)


class Stream:
    """A run fed file by file, with the findings of `run` on all of them, in less memory.

    The file-scoped rules (Check.scope) run on each batch of files as it is fed (`add`: their
    hits on the run are their hits on each file alone). Then the batch's documents that hold no
    object of a kind the other chosen rules read (Check.kinds) are dropped from their files:
    CustomResourceDefinitions, RBAC, ... (two thirds of ../shared/corpus's data). `finish` runs
    the other rules on what is kept.

    `mapped(findings, files)`, when given, moves findings on rendered documents (helm template
    output) to their chart's templates (render/plan.py: Staged.finish): it reads the documents
    around a finding, so a batch's findings are mapped before its documents are dropped, and
    the later rules' at the end (the documents around those are of the kinds they read).

    Use it as a context manager: the config's catalog overrides are in force inside."""

    # The files of a batch are checked together, as one context: on 100 files of the synthetic
    # corpus (5,000 objects) the file-scoped rules took 0.090 s a file at a time, 0.075 s ten
    # at a time and 0.085 s all together (the data no longer in the CPU's caches). A batch's
    # documents take a few times its text in memory
    BATCH_BYTES = 1 << 20

    def __init__(
        self,
        config: Config,
        all_rules: Sequence[RuleMeta],
        *,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        baseline: set[str] | None = None,
        today: dt.date | None = None,
        mapped: Callable[[list[Finding], list[LoadedFile]], list[Finding]] | None = None,
    ) -> None:
        self.config = config
        self.mapped = mapped
        self.all_rules = all_rules
        self.today = today or dt.date.today()
        self._force = in_force(config)
        self._force.__enter__()
        try:
            self.chosen = _choose(config, all_rules, select, ignore)
        except BaseException:
            self._force.__exit__(None, None, None)
            raise
        # the rules prepared (their checks imported, their params validated) when first run:
        # with --jobs, in each process after the fork, while the others read their files
        self._split: _Split | None = None
        self.runner = _Runner(config, all_rules, baseline)
        self.files: list[LoadedFile] = []
        self.findings: list[Finding] = []
        # the objects of the kept documents, a batch or a file at a time, in run order
        self.kept: list[list[Resource]] = []
        self.pending: list[LoadedFile] = []
        self._checked: dict[int, list[Resource]] = {}
        # the facts of the families that take them (checks.FACTS): the run's, and those of
        # each file `check` was given, until `add_checked` takes them in
        self.facts: dict[str, Facts] = {}
        self._checked_facts: dict[int, dict[str, Facts]] = {}
        self.pending_bytes = 0

    def _parts(self) -> _Split:
        if self._split is None:
            from netlint.checks import FACTS

            prepared = _prepared(self.config, self.chosen)
            late = [p for p in prepared if p.scope != "file"]
            collectors = {
                p.rule.family: FACTS[p.rule.family] for p in late if p.rule.family in FACTS
            }
            # a family with facts reads whole, at the end, only the objects of its KINDS
            run = [
                FACTS[p.rule.family]().KINDS if p.rule.family in FACTS else p.kinds
                for p in late
                if p.scope == "run"
            ]
            kinds = None if None in run else frozenset(k for ks in run if ks for k in ks)
            self._split = _Split(
                [p for p in prepared if p.scope == "file"], late, kinds, collectors
            )
            self.facts = {family: new() for family, new in collectors.items()}
        return self._split

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._force.__exit__(None, None, None)

    def add(self, loaded: LoadedFile) -> None:
        self.files.append(loaded)
        self.pending.append(loaded)
        self.pending_bytes += loaded.file.held_size()
        if self.pending_bytes >= self.BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        """Run the file-scoped rules on the files fed since the last flush; drop what no other
        rule reads."""
        batch, self.pending, self.pending_bytes = self.pending, [], 0
        if batch:
            found, kept, facts = self._check(batch)
            self.findings.extend(found)
            self.kept.append(kept)
            self._extend(facts, kept)

    def check(self, loaded: LoadedFile) -> list[Finding]:
        """The file-scoped rules' findings on one file, which then keeps only the documents
        the other rules read, as `add` leaves it: what a --jobs process does with each file it
        loads (api._load_in_processes), before `add_checked` takes the two in here."""
        found, kept, facts = self._check([loaded])
        # for add_checked, when it was checked here; else the facts go with the file
        self._checked[id(loaded)] = kept
        self._checked_facts[id(loaded)] = facts
        return found

    def facts_of(self, loaded: LoadedFile) -> dict[str, Facts]:
        """The facts `check` took from `loaded`: a --jobs process sends them with the file
        (none of an empty store)."""
        facts = self._checked_facts.pop(id(loaded))
        return {family: store for family, store in facts.items() if store.held()}

    def received(self, loaded: LoadedFile, facts: dict[str, Facts] | None = None) -> None:
        """A file another process checked, as it arrives here with the facts taken from it:
        its objects indexed now, while the others still read files, rather than in `finish`."""
        facts = facts or {}
        wanted: set[Key] = set()
        for store in facts.values():
            wanted |= store.wanted()
        self._checked[id(loaded)] = self._kept(build_index([loaded])[0], wanted)
        self._checked_facts[id(loaded)] = facts

    def add_checked(self, loaded: LoadedFile, findings: list[Finding]) -> None:
        """A file `check` was given, here or in another process (then `received` first), with
        its findings."""
        self.flush()
        self.files.append(loaded)
        self.findings.extend(findings)
        kept = self._checked.pop(id(loaded))
        self.kept.append(kept)
        self._extend(self._checked_facts.pop(id(loaded)), kept)

    def _extend(self, facts: dict[str, Facts], kept: list[Resource]) -> None:
        """The run's facts extended with a batch's or a file's, once they have the objects it
        keeps whole (in this process: a --jobs process sends its facts unattached)."""
        for family, store in facts.items():
            store.attach(kept)
            self.facts[family].extend(store)

    def _check(
        self, batch: list[LoadedFile]
    ) -> tuple[list[Finding], list[Resource], dict[str, Facts]]:
        parts = self._parts()
        kinds = parts.kinds
        ctx = context(batch, self.config, self.all_rules, self.today)
        self.runner.current = ""  # a new context: its cache is empty
        found = [f for p in parts.early for f in self.runner.findings(p, ctx)]
        if self.mapped is not None:
            found = self.mapped(found, batch)
        facts = {family: new() for family, new in parts.collectors.items()}
        wanted: set[Key] = set()
        if facts:
            # an object of a file mapped to templates (helm, kustomize: Staged.finish) keeps its
            # document, which the mapping reads around its findings
            plain = {id(lf.file) for lf in batch if lf.sources is None and lf.file.abspath}

            def whole(kind: str) -> bool:
                return kinds is None or kind in kinds

            for store in facts.values():
                store.collect(ctx, whole, lambda resource: id(resource.file) in plain)
                wanted |= store.wanted()
        kept = self._kept(ctx.index, wanted)
        if kinds is not None:
            keep = {id(resource.doc) for resource in kept}
            for loaded in batch:
                before = list(loaded.documents)
                loaded.documents[:] = [d for d in before if id(d) in keep]
                if loaded.documents:
                    keep_regions(loaded, before)  # the text of the documents dropped goes too
                if not loaded.documents:
                    # No rule reads this file's text any more: the later rules' findings are
                    # on the objects kept, and the reports read no file's text. The
                    # SourceFile (findings hold it) keeps its name and lets go of its lines
                    # (frozen: its text is not part of its identity, `compare=False`).
                    object.__setattr__(loaded.file, "lines", ())
        return found, kept, facts

    def _kept(self, index: ResourceIndex, wanted: Collection[Key] = ()) -> list[Resource]:
        """The objects of the kinds the later rules read, and the `wanted` ones (Facts)."""
        kinds = self._parts().kinds
        if kinds is None:
            return index.resources
        if wanted:
            return [r for r in index.resources if r.ref.kind in kinds or key_of(r) in wanted]
        return [r for r in index.resources if r.ref.kind in kinds]

    def finish(self, jobs: int = 1) -> EngineResult:
        """The findings of every chosen rule, sorted as `run` sorts them."""
        self.flush()
        index = ResourceIndex()
        for resources in self.kept:
            for resource in resources:
                index.add(resource)
        ctx = RunContext(
            self.files, index, self.config, tuple(self.all_rules), self.today, facts=self.facts
        )
        self.runner.current = ""
        late = self.runner.all(self._parts().late, ctx, jobs)
        findings = self.findings + (late if self.mapped is None else self.mapped(late, self.files))
        findings.sort(key=SORT_KEY)
        return EngineResult(findings, self.chosen)


# the rules that annotations do not suppress: they report on the suppression annotations
_UNSUPPRESSED = ("NL005", "NL006")


def _finding(
    rule: RuleMeta, severity: Severity, hit: Hit, ctx: RunContext
) -> tuple[Finding, Resource | None]:
    """The finding, and the object it belongs to (for suppression by annotation)."""
    resource = hit.resource
    if resource is not None:
        span, _ = resource_span(resource, hit.path, hit.at_key)
        file = resource.file
        obj: ObjectRef | None = resource.ref
        source = resource.doc.source_template
        full_path = resource.prefix + hit.path
    else:
        assert hit.file is not None and hit.span is not None, "a hit needs a resource or a span"
        span, file, obj, source, full_path = hit.span, hit.file, None, None, ()
        loaded = _loaded(ctx, file)
        if loaded is not None:
            if loaded.sources is not None:
                source = loaded.sources.at(span.line - 1)
            resource = _object_at(ctx, loaded, span.line)
            if resource is not None:
                obj = resource.ref
    related = tuple(map(_related, hit.related)) if hit.related else ()
    finding = Finding(
        rule=rule.id,
        name=rule.name,
        severity=severity,
        message=hit.message,
        file=file,
        span=span,
        object=obj,
        source_template=source,
        fingerprint=fingerprint(rule.id, file.path, obj, full_path, hit.fingerprint_extra),
        path=full_path,
        related=related,
        fix=hit.fix,
        edit=make_edit(resource, hit.fix) if resource is not None and hit.fix else None,
    )
    return finding, resource


def _loaded(ctx: RunContext, file: SourceFile) -> LoadedFile | None:
    for loaded in ctx.files:
        if loaded.file is file:
            return loaded
    return None


def _object_at(ctx: RunContext, loaded: LoadedFile, line: int) -> Resource | None:
    """The object that holds `line` (the innermost: a List item over its List)."""

    best = None
    for doc in loaded.documents:
        for resource in ctx.index.of_document(doc):
            span = resource_extent(resource)
            if span.line <= line <= span.end_line and (
                best is None or len(resource.prefix) > len(best.prefix)
            ):
                best = resource
    return best


def _related(rel: object) -> ResolvedRelated:
    from netlint.model import Related

    assert isinstance(rel, Related)
    if rel.resource is not None:
        span, _ = resource_span(rel.resource, rel.path)
        return ResolvedRelated(rel.message, rel.resource.file, span, rel.resource.ref)
    assert rel.file is not None and rel.span is not None
    return ResolvedRelated(rel.message, rel.file, rel.span, None)


def fingerprint(rule: str, path: str, obj: ObjectRef | None, at: Path, extra: str) -> str:
    """Content-based: rule, file, object identity and field path; never the line number, so a
    finding keeps its fingerprint when the object moves within the file."""
    ident = "" if obj is None else f"{obj.api_version}|{obj.kind}|{obj.namespace}|{obj.name}"
    text = "\x1f".join((rule, path, ident, "/".join(map(str, at)), extra))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _dedupe(
    placed: list[tuple[Finding, Resource | None]],
) -> list[tuple[Finding, Resource | None]]:
    seen: set[tuple[str, str, tuple[int, int, int, int], str]] = set()
    out = []
    for f, resource in placed:
        span = f.span  # its fields: the same equality as the Span's, without its Python hash
        key = (
            f.rule,
            f.file.path,
            (span.line, span.column, span.end_line, span.end_column),
            f.message,
        )
        if key not in seen:
            seen.add(key)
            out.append((f, resource))
    return out


def _annotated(resource: Resource | None) -> bool:
    """Whether the object has annotations at all: by_annotation finds nothing without (most
    objects have none, and it builds the map of their suppressions for every finding)."""
    if resource is None:
        return False
    meta = resource.data.get("metadata")
    return isinstance(meta, dict) and bool(meta.get("annotations"))


def _suppress(
    finding: Finding,
    rule: RuleMeta,
    resource: Resource | None,
    ctx: RunContext,
    baseline: set[str] | None,
    external: bool = True,
) -> Finding:
    """The finding with its suppression, if any; `external`: whether the config has exclude
    entries or the run a baseline (else only annotations can suppress)."""
    suppression: Suppression | None = None
    if (rule.family != "NL0" or rule.id not in _UNSUPPRESSED) and _annotated(resource):
        suppression = by_annotation(resource, rule)
    if suppression is None and external:
        suppression = by_exclude(finding, rule, ctx.config, ctx.today)
        if suppression is None:
            suppression = by_baseline(finding, baseline)
    if suppression is None:
        return finding
    from dataclasses import replace

    return replace(finding, suppression=suppression)
