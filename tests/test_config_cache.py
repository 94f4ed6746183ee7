"""A config file is validated once: later runs read the validated result from netlint's cache
(`config.Validated`, no pydantic). The view must answer every field and every method runs call
exactly as the model does, and anything the key does not cover must not be kept."""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from pydantic import BaseModel

from netlint.api import lint
from netlint.config import _FILE_SHAPING, CALLS, Config, Validated, load_config
from netlint.config_model import ConfigModel
from netlint.validation import FileError

FIXTURES = ROOT / "tests" / "fixtures" / "config"


def _differences(model: Any, view: Any, where: str = "config") -> list[str]:
    """Every field and kept call whose value differs between the model and the view."""
    differ: list[str] = []
    assert isinstance(view, Validated), where
    for name in type(model).model_fields:
        differ += _compare(getattr(model, name), getattr(view, name), f"{where}.{name}")
    for call in CALLS.get(type(model).__name__, ()):
        differ += _compare(getattr(model, call)(), getattr(view, call)(), f"{where}.{call}()")
    return differ


def _compare(want: Any, got: Any, where: str) -> list[str]:
    if isinstance(want, BaseModel):
        return _differences(want, got, where)
    if isinstance(want, list):
        if not isinstance(got, list) or len(want) != len(got):
            return [f"{where}: {want!r} != {got!r}"]
        return [
            d
            for i, (w, g) in enumerate(zip(want, got, strict=True))
            for d in _compare(w, g, f"{where}[{i}]")
        ]
    if isinstance(want, dict):
        if not isinstance(got, dict) or list(want) != list(got):
            return [f"{where}: {want!r} != {got!r}"]
        return [d for k in want for d in _compare(want[k], got[k], f"{where}[{k!r}]")]
    if want != got or type(want) is not type(got):
        return [f"{where}: {want!r} != {got!r}"]
    return []


def _load_twice(path: Path, display: str) -> tuple[Config, Config]:
    built = load_config(path, display)
    kept = load_config(path, display)
    return built, kept


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NETLINT_CACHE_DIR", str(folder))
    return folder


def _kept(folder: Path) -> list[str]:
    return sorted("-".join(p.name.split("-")[:2]) for p in folder.glob("config-file-*.marshal"))


@pytest.mark.parametrize(
    ("source", "name"),
    [
        (FIXTURES / "full.netlint.yaml", ".netlint.yaml"),
        (FIXTURES / "pyproject-full.toml", "pyproject.toml"),
        (ROOT / "examples" / ".netlint.yaml", ".netlint.yaml"),
        (
            ROOT / "tests" / "fixtures" / "custom_rules" / "catalogs" / ".netlint.yaml",
            ".netlint.yaml",
        ),
    ],
)
def test_the_kept_config_answers_every_field_and_call_as_the_model(
    source: Path, name: str, cache: Path, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(source.read_bytes())
    built, kept = _load_twice(path, name)
    assert isinstance(built.model, ConfigModel)  # the first run validates
    assert _kept(cache) == ["config-file"]
    assert _differences(built.model, kept.model) == []
    assert (kept.path, kept.base_dir, kept.exclude_lines, kept.abspath) == (
        built.path,
        built.base_dir,
        built.exclude_lines,
        built.abspath,
    )
    assert not kept.is_default
    with pytest.raises(AttributeError, match="ConfigModel is read-only"):
        kept.model.fail_on = "never"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="ClusterProfile has no field 'mtu'"):
        _ = kept.model.cluster.mtu  # type: ignore[attr-defined]


def test_the_full_example_keeps_its_dates_severities_and_lines(cache: Path, tmp_path: Path) -> None:
    import datetime as dt

    from netlint.model import Severity

    path = tmp_path / ".netlint.yaml"
    path.write_bytes((FIXTURES / "full.netlint.yaml").read_bytes())
    _, kept = _load_twice(path, "full.netlint.yaml")
    model = kept.model
    assert kept.exclude_lines == (23, 30)
    assert model.exclude[0].until == dt.date(2027, 3, 31)
    assert model.rules["NL002"].severity is Severity.WARNING
    assert model.exclude[1].rules() == ["NL004", "unrendered-template"]
    assert model.exclude[0].rules() is not model.exclude[0].rules()  # a fresh list, as the model's


def test_a_changed_byte_is_validated_again(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / ".netlint.yaml"
    path.write_text("cluster:\n  node_mtu: 1500\n", "utf-8")
    assert load_config(path).model.cluster.node_mtu == 1500
    assert load_config(path).model.cluster.node_mtu == 1500
    path.write_text("cluster:\n  node_mtu: 9001\n", "utf-8")
    assert load_config(path).model.cluster.node_mtu == 9001
    path.write_text("cluster:\n  node_mtu: many\n", "utf-8")
    with pytest.raises(FileError) as raised:
        load_config(path, ".netlint.yaml")
    assert raised.value.messages == [
        ".netlint.yaml:2: cluster.node_mtu: expected an integer, got 'many'"
    ]
    assert len(_kept(cache)) == 1  # the last valid text's: an entry replaces its slot's others


def test_the_same_file_under_another_name_is_kept_apart(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / ".netlint.yaml"
    path.write_text("exclude:\n- kind: Service\n  reason: vendor\n", "utf-8")
    assert load_config(path, "a.yaml").path == "a.yaml"
    assert load_config(path, "b.yaml").path == "b.yaml"
    assert load_config(path, "a.yaml").path == "a.yaml"
    assert len(_kept(cache)) == 2


PROJECT_RULES = ROOT / "tests" / "fixtures" / "custom_rules" / "project" / "rules"


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """A config with custom rules (a copy of the fixture project's), and its rules folder."""
    rules = tmp_path / "rules"
    shutil.copytree(PROJECT_RULES, rules)
    path = tmp_path / ".netlint.yaml"
    path.write_text("rules_dirs: [rules]\nrules:\n  ACME003: {severity: warning}\n", "utf-8")
    return path, rules


def test_a_config_with_custom_rules_is_kept_with_the_rules_it_was_judged_by(
    cache: Path, tmp_path: Path
) -> None:
    path, rules = _project(tmp_path)
    built, kept = _load_twice(path, ".netlint.yaml")
    assert isinstance(built.model, ConfigModel)
    assert _differences(built.model, kept.model) == []
    assert _kept(cache) == ["config-file"]
    # the custom rule the config names is renamed: the kept result no longer holds
    folder = rules / "ACME003-owner-annotation"
    rule = folder / "rule.yaml"
    rule.write_text(rule.read_text("utf-8").replace("ACME003", "ACME009"), "utf-8")
    folder.rename(rules / "ACME009-owner-annotation")
    with pytest.raises(FileError) as raised:
        load_config(path, ".netlint.yaml")
    assert raised.value.messages == [
        ".netlint.yaml:3: rules.ACME003: 'ACME003' is not a rule ID or name, did you mean ACME009?"
    ]


def test_custom_rules_are_kept_until_a_rule_file_changes(cache: Path, tmp_path: Path) -> None:
    from netlint.catalog import CatalogError, load_rules
    from netlint.custom import custom_rules
    from netlint.custom.rules import load_custom_rules

    _, rules = _project(tmp_path)
    builtin = load_rules()
    fresh = load_custom_rules([rules], builtin)
    first, second = custom_rules([rules], builtin), custom_rules([rules], builtin)
    assert [r.id for r in fresh] == ["ACME001", "ACME002", "ACME003", "ACME004"]
    for got in (first, second):
        assert got == fresh
        assert [r.directory for r in got] == [r.directory for r in fresh]
    assert len(list(cache.glob("custom-rules-*.marshal"))) == 1
    rule = rules / "ACME003-owner-annotation" / "rule.yaml"
    rule.write_text(rule.read_text("utf-8").replace("severity: note", "severity: error"), "utf-8")
    assert next(r for r in custom_rules([rules], builtin) if r.id == "ACME003").severity.value == (
        "error"
    )
    rule.write_text(rule.read_text("utf-8").replace("check: required-field", "check: no"), "utf-8")
    for _ in range(2):  # broken: never kept, so every run says what is wrong
        with pytest.raises(CatalogError):
            custom_rules([rules], builtin)
    # the edited rules' entry replaced the first: one entry for these folders
    assert len(list(cache.glob("custom-rules-*.marshal"))) == 1


@pytest.mark.parametrize("value", [{7: 8}, {"\0date": "2027-03-31"}, "datetime", b"raw", {1, 2}])
def test_values_a_view_cannot_hold_are_not_kept(value: Any) -> None:
    import datetime as dt

    from netlint.config import dump_tree

    if value == "datetime":
        value = dt.datetime(2027, 3, 31, 12, 0)  # a date the view would give back as a date
    with pytest.raises(ValueError):
        dump_tree({"params": value})


@pytest.mark.parametrize("custom", [False, True, "override"])
def test_a_run_with_a_kept_config_imports_no_pydantic(custom: Any, tmp_path: Path) -> None:
    """The examples' cluster profile; a config with the fixture project's custom rules, whose
    params the run reads as views (RuleMeta.checked); one that overrides NL103's params."""
    if custom == "override":
        config = tmp_path / ".netlint.yaml"
        config.write_text("rules:\n  NL103:\n    params: {min_waste: 100}\n", "utf-8")
        manifest = tmp_path / "app.yaml"
        fail = ROOT / "rules" / "NL103-mtu-wasted" / "fail"
        manifest.write_bytes(sorted(fail.iterdir())[0].read_bytes())
    elif custom:
        config, _ = _project(tmp_path)
        manifest = tmp_path / "app.yaml"
        fail = PROJECT_RULES / "ACME003-owner-annotation" / "fail" / "no-owner.yaml"
        manifest.write_bytes(fail.read_bytes())
    else:
        config = tmp_path / ".netlint.yaml"
        config.write_bytes((ROOT / "examples" / ".netlint.yaml").read_bytes())
        manifest = tmp_path / "app.yaml"
        manifest.write_bytes((ROOT / "examples" / "ingress-nginx.yaml").read_bytes())
    probe = textwrap.dedent(
        """
        import sys
        from netlint.cli import _run  # main() ends the process at once (cli._exit_now)
        try:
            _run(["check", sys.argv[1], "-q", "--fail-on", "never"])
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        print("pydantic" in sys.modules, file=sys.stderr)
        """
    )
    env = {**os.environ, "NETLINT_CACHE_DIR": str(tmp_path / "cache")}
    seen = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", probe, str(manifest)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        seen.append(done.stderr.strip().splitlines()[-1])
    assert seen == ["True", "False"]  # validated by the first run, read back by the second


def test_runs_with_the_model_and_with_the_view_find_the_same(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / ".netlint.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            cluster:
              node_mtu: 1450
              allowed_jurisdictions: [EEA, US]
            rules:
              NL201: {severity: error}
            exclude:
            - rule: NL301
              kind: StatefulSet
              reason: a lab cluster
              until: 2099-12-31
            """
        ),
        "utf-8",
    )
    built, kept = _load_twice(path, ".netlint.yaml")
    assert isinstance(built.model, ConfigModel)
    assert isinstance(kept.model, Validated)
    targets = [str(ROOT / "examples")]

    def seen(config: Config) -> list[tuple[Any, ...]]:
        report = lint(targets, config, cwd=ROOT)
        return [
            (f.rule, f.file.path, f.span, f.severity, f.message, f.suppression)
            for f in report.findings
        ]

    with_model = seen(built)
    assert with_model == seen(kept)
    # the config is in force in both, not the defaults: NL201 is an error, NL301 excluded, the
    # US allowed (no NL401), and the node MTU 1450
    assert {(rule, severity.value, s and s.kind) for rule, _, _, severity, _, s in with_model} == {
        ("NL101", "error", None),
        ("NL201", "error", None),
        ("NL301", "error", "external"),
    }
    assert "> the node MTU 1450" in next(m for r, _, _, _, m, _ in with_model if r == "NL101")


def test_every_method_runs_call_is_kept_and_every_params_model_is_in_the_key() -> None:
    """A model method missing from CALLS would fail on a view; a params model outside the
    modules in the key could change what is valid without changing the key."""
    from netlint.checks import REGISTRY
    from netlint.config import __file__ as config_file

    seen: set[type[BaseModel]] = set()
    stack: list[type[BaseModel]] = [ConfigModel]
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        own = {
            name
            for name, value in vars(model).items()
            if not name.startswith("_") and inspect.isfunction(value)
        }
        assert own <= set(CALLS.get(model.__name__, ())), model.__name__
        for field in model.model_fields.values():
            for arg in _types(field.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    stack.append(arg)
    assert {"ExcludeEntry", "CatalogOverrides"} <= {m.__name__ for m in seen}
    package = Path(config_file).resolve().parent
    for name, check in REGISTRY.items():
        if check.load_params is None:
            continue
        module = Path(inspect.getfile(check.load_params()))
        assert str(module.relative_to(package)) in _FILE_SHAPING, name


def _types(annotation: Any) -> list[Any]:
    from typing import get_args

    out = [annotation]
    for arg in get_args(annotation):
        out += _types(arg)
    return out


def test_custom_rules_find_the_same_from_their_kept_params_as_from_the_models(
    tmp_path: Path,
) -> None:
    """Every custom rule of the fixture project, over all its fixtures: once with the params'
    views (RuleMeta.checked, what a run reads) and once validated by pydantic (as a run that
    overrides them does), the same findings, every one of its rules among them."""
    import dataclasses

    from netlint.catalog import load_rules
    from netlint.custom import combine
    from netlint.custom.rules import load_custom_rules

    builtin = load_rules()
    custom = load_custom_rules([PROJECT_RULES], builtin)
    assert all(rule.checked is not None for rule in custom)
    unchecked = tuple(dataclasses.replace(rule, checked=None) for rule in custom)
    targets = [str(PROJECT_RULES)]

    def seen(rules: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        report = lint(targets, rules=combine(builtin, rules), select=["ACME"], cwd=ROOT)
        return [(f.rule, f.file.path, f.span, f.message, f.fingerprint) for f in report.findings]

    with_views = seen(custom)
    assert with_views == seen(unchecked)
    assert {rule for rule, *_ in with_views} == {"ACME001", "ACME002", "ACME003", "ACME004"}


def test_the_kept_params_answer_every_field_as_the_model() -> None:
    from netlint.catalog import load_rules
    from netlint.config import restore_tree
    from netlint.custom.params import JsonSchemaParams
    from netlint.custom.rules import TEMPLATE_PARAMS, load_custom_rules

    for rule in load_custom_rules([PROJECT_RULES], load_rules()):
        model = JsonSchemaParams if rule.check == "json-schema" else TEMPLATE_PARAMS[rule.check]
        assert _differences(model.model_validate(rule.params), restore_tree(rule.checked)) == []


def test_params_overrides_are_kept_validated_with_the_config(cache: Path, tmp_path: Path) -> None:
    """`rules.NL103.params` in the config: validated with the file and kept with it
    (Config.params), so the run reads their view; the findings are those of the model's."""
    jumbo = "cluster: {node_mtu: 9001}\n"  # what NL103's fail fixtures are written for
    path = tmp_path / ".netlint.yaml"
    path.write_text(jumbo + "rules:\n  mtu-wasted:\n    params: {min_waste: 8000}\n", "utf-8")
    built, kept = _load_twice(path, ".netlint.yaml")
    assert built.params == {}  # the first run validates them in engine.run, as before
    assert list(kept.params) == ["NL103"]
    targets = [str(ROOT / "rules" / "NL103-mtu-wasted" / "fail")]

    def seen(config: Config) -> list[tuple[Any, ...]]:
        report = lint(targets, config, select=["NL103"], cwd=ROOT)
        return [(f.rule, Path(f.file.path).name, f.span.line) for f in report.findings]

    plain = tmp_path / "plain.yaml"
    plain.write_text(jumbo, "utf-8")
    assert seen(load_config(plain)) == [  # the rule's own min_waste (100) finds these
        ("NL103", "antrea-jumbo-default-mtu-1450.yaml", 16),
        ("NL103", "calico-operator-aws-jumbo.yaml", 14),
        ("NL103", "canal-jumbo-frames.yaml", 27),
        ("NL103", "cilium-mtu-1450-on-jumbo.yaml", 17),
    ]
    assert seen(kept) == seen(built) == []  # 8000 bytes: none wastes that much


@pytest.mark.parametrize(
    "kept",
    [
        {},
        [1, 2, 3],
        ["model", None, None, [], None, {}, None],
        [{"\0model": "ConfigModel", "fields": {}, "calls": {}}, None, None, [], None, {}, "x"],
        [{"\0model": "ConfigModel", "fields": {}, "calls": {}}, None, None, [], None, [], None],
    ],
)
def test_a_kept_entry_of_the_wrong_shape_is_validated_again(
    kept: Any, cache: Path, tmp_path: Path
) -> None:
    """Plain data that is not what netlint wrote (another tool, a damaged disk): the config is
    validated again and kept anew, never a traceback."""
    import marshal

    path = tmp_path / ".netlint.yaml"
    path.write_text("rules_dirs: []\ncluster: {node_mtu: 1450}\n", "utf-8")
    load_config(path)
    (entry,) = cache.glob("config-file-*.marshal")
    entry.write_bytes(marshal.dumps(kept))
    again = load_config(path)
    assert isinstance(again.model, ConfigModel)
    assert again.model.cluster.node_mtu == 1450
    assert isinstance(load_config(path).model, Validated)  # and it is kept again
