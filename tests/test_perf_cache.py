"""The catalog cache (netlint/cache.py): same result as building, keyed by content, never stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netlint import catalog
from netlint.catalog import CatalogError, rules_root

load_rules = catalog.load_rules.__wrapped__  # type: ignore[attr-defined]
load_data = catalog.load_data.__wrapped__  # type: ignore[attr-defined]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NETLINT_CACHE_DIR", str(folder))
    return folder


def _fields(rules: tuple[catalog.RuleMeta, ...]) -> list[dict[str, object]]:
    return [dict(r.__dict__) for r in rules]  # directory included (it does not compare)


def test_a_cached_catalog_equals_the_built_one_field_by_field(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_rules()
    assert [p.name.split("-")[0] for p in cache.iterdir()] == ["rules"]
    second = load_rules()
    monkeypatch.setenv("NETLINT_CACHE_DIR", "off")
    built = load_rules()
    assert _fields(second) == _fields(first) == _fields(built)
    assert len(built) == len(list(rules_root().glob("*/rule.yaml")))


def test_a_changed_rule_file_is_a_new_key(cache: Path, tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(rules_root(), root)
    before = {r.id: r.summary for r in load_rules(root)}
    rule = next(root.glob("NL001-*/rule.yaml"))
    text = rule.read_text("utf-8")
    rule.write_text(text.replace("summary: ", "summary: CHANGED ", 1), "utf-8")
    after = {r.id: r.summary for r in load_rules(root)}
    assert after["NL001"] == "CHANGED " + before["NL001"]
    assert len(list(cache.glob("rules-*"))) == 2


def test_a_broken_rule_is_reported_on_every_run(cache: Path, tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(rules_root(), root)
    rule = next(root.glob("NL001-*/rule.yaml"))
    rule.write_text(rule.read_text("utf-8") + "colour: red\n", "utf-8")
    for _ in range(2):
        with pytest.raises(CatalogError) as caught:
            load_rules(root)
        assert any("colour" in m for m in caught.value.messages)
    assert list(cache.glob("rules-*")) == []


def test_a_corrupt_cache_file_is_rebuilt(cache: Path) -> None:
    built = load_rules()
    (target,) = cache.iterdir()
    target.write_bytes(b"\x00garbage")
    assert _fields(load_rules()) == _fields(built)
    assert target.read_bytes() != b"\x00garbage"


def test_data_catalogs_are_cached_as_they_are_read(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = sorted(p.stem for p in (rules_root() / "data").glob("*.yaml"))
    cached = {name: (load_data(name), load_data(name)) for name in names}
    monkeypatch.setenv("NETLINT_CACHE_DIR", "")
    for name in names:
        first, second = cached[name]
        assert first == second == load_data(name), name
    assert len(list(cache.glob("data-*"))) == len(names)


def test_no_cache_dir_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETLINT_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    load_rules()
    assert list(tmp_path.iterdir()) == []


def test_a_cache_file_holding_more_than_plain_data_is_rebuilt(tmp_path, monkeypatch):
    """marshal can carry code objects; netlint's cache holds plain data only, so a file with
    anything else is treated as not ours and the catalog is built again."""
    import marshal

    from netlint import cache

    monkeypatch.setenv("NETLINT_CACHE_DIR", str(tmp_path))
    built = []

    def build():
        built.append(1)
        return {"a": (1, "b")}

    assert cache.cached("probe", [], build, lambda v: v, lambda v: v) == {"a": (1, "b")}
    (target,) = tmp_path.iterdir()
    target.write_bytes(marshal.dumps({"a": compile("1", "x", "eval")}))
    assert cache.cached("probe", [], build, lambda v: v, lambda v: v) == {"a": (1, "b")}
    assert built == [1, 1]
    assert cache.cached("probe", [], build, lambda v: v, lambda v: v) == {"a": (1, "b")}
    assert built == [1, 1]  # the rebuilt file is plain again and is used
