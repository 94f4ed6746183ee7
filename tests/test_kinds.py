"""`Check.kinds`: a run-scoped check reads objects of those kinds only, all of them through
`ctx.index`. A run keeps, past the file-scoped rules, only the documents that hold an object of
a kind some chosen run check reads (engine.Stream): what netlint/checks/__init__.py declares is
checked here on every corpus at hand, with the default config and with a cluster profile.

Each check runs on an index that holds only its kinds and refuses to be asked for any other
(and on a context that refuses `resources`, `files` and `non_objects`); its findings must be
the findings it has on the whole run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from test_scope import CORPORA, _configs, _loaded, _params, _paths, _rules

from netlint import engine
from netlint.catalog import RuleMeta
from netlint.checks import REGISTRY
from netlint.context import ResourceIndex, RunContext
from netlint.custom.catalogs import in_force
from netlint.model import Finding, Resource


class Refused(AssertionError):
    pass


class _Guarded(ResourceIndex):
    """The index of the objects of `kinds` only, which refuses to be asked for another kind."""

    def __init__(self, kinds: tuple[str, ...], full: ResourceIndex) -> None:
        super().__init__()
        self.kinds = frozenset(kinds)
        for resource in full.resources:
            if resource.ref.kind in self.kinds:
                self.add(resource)

    def _allowed(self, kind: str) -> None:
        if kind not in self.kinds:
            raise Refused(f"asked for {kind!r}, not one of its kinds")

    def of_kind(self, *kinds: str) -> Iterator[Resource]:
        for kind in kinds:
            self._allowed(kind)
        return super().of_kind(*kinds)

    def get(self, kind: str, name: str, namespace: str | None = None) -> Resource | None:
        self._allowed(kind)
        return super().get(kind, name, namespace)


class _Refusing(list):  # type: ignore[type-arg]
    def __iter__(self) -> NoReturn:
        raise Refused("read ctx.files or ctx.non_objects")

    def __len__(self) -> NoReturn:
        raise Refused("read ctx.files or ctx.non_objects")


class _GuardedContext(RunContext):
    @property
    def resources(self) -> NoReturn:
        raise Refused("read ctx.resources")


def _declared() -> list[RuleMeta]:
    return [
        rule
        for rule in _rules()
        if REGISTRY[rule.check].scope == "run" and REGISTRY[rule.check].kinds is not None
    ]


def _found(rule: RuleMeta, ctx: RunContext, place: RunContext) -> list[Finding]:
    ctx.cache.clear()
    hits = REGISTRY[rule.check].fn(ctx, _params(rule))
    return [engine._finding(rule, rule.severity, hit, place)[0] for hit in hits]


def test_which_checks_declare_their_kinds() -> None:
    """Every run-scoped built-in check but NL407 (its pins are read from every object)."""
    run = {rule.id for rule in _rules() if REGISTRY[rule.check].scope == "run"}
    assert run - {rule.id for rule in _declared()} == {"NL407"}
    assert {rule.id for rule in _declared()} == {
        "NL101", "NL102", "NL103", "NL104", "NL105", "NL106",
        "NL201", "NL203",
        "NL301", "NL302", "NL303", "NL304", "NL305",
    }  # fmt: skip


@pytest.mark.parametrize("corpus", CORPORA)
def test_run_checks_read_only_their_kinds(corpus: str, tmp_path: Path) -> None:
    files = _loaded(_paths(corpus, tmp_path))
    rules = _rules()
    differ: list[str] = []
    for name, config in _configs(tmp_path).items():
        with in_force(config):
            full = engine.context(files, config, rules)
            for rule in _declared():
                kinds = REGISTRY[rule.check].kinds
                assert kinds is not None
                guarded = _GuardedContext(
                    _Refusing(), _Guarded(kinds, full.index), config, full.rules, full.today
                )
                guarded.non_objects = _Refusing()
                try:
                    found = _found(rule, guarded, full)
                except Refused as exc:
                    differ.append(f"{rule.id} with the {name}: {exc}")
                    continue
                if found != _found(rule, full, full):
                    differ.append(f"{rule.id} with the {name}: other findings")
    assert differ == []


def test_every_declared_check_has_findings_to_compare(tmp_path: Path) -> None:
    files = _loaded([*_paths("rule fixtures", tmp_path), *_paths("tests/fixtures", tmp_path)])
    config = _configs(tmp_path)["defaults"]
    with in_force(config):
        full = engine.context(files, config, _rules())
        silent = [rule.id for rule in _declared() if not _found(rule, full, full)]
    assert silent == []


def test_the_guard_refuses(tmp_path: Path) -> None:
    """The guard can fail: NL201 declared without ConfigMap (it reads controllers' settings
    there) is refused on the rule fixtures."""
    files = _loaded(_paths("rule fixtures", tmp_path))
    config = _configs(tmp_path)["defaults"]
    rule = next(r for r in _rules() if r.id == "NL201")
    kinds: Any = tuple(k for k in REGISTRY[rule.check].kinds or () if k != "ConfigMap")
    with in_force(config):
        full = engine.context(files, config, _rules())
        guarded = _GuardedContext(
            _Refusing(), _Guarded(kinds, full.index), config, full.rules, full.today
        )
        with pytest.raises(Refused, match="asked for 'ConfigMap'"):
            _found(rule, guarded, full)
