"""A run without a config file uses `default_config()`: a read-only view of ConfigModel's
defaults that needs no pydantic. It must answer every field exactly as ConfigModel() does,
whether it comes from netlint's cache or is built afresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from netlint import config as config_module
from netlint.api import lint
from netlint.config import Config, Defaults, default_config, default_model
from netlint.config_model import ConfigModel

ROOT = Path(__file__).resolve().parents[1]


def _fields(model: Any, view: Any, where: str = "config") -> list[str]:
    """Every field path whose value differs between the model and the view."""
    differ: list[str] = []
    for name in type(model).model_fields:
        want, got = getattr(model, name), getattr(view, name)
        if isinstance(want, BaseModel):
            assert isinstance(got, Defaults), f"{where}.{name}"
            differ += _fields(want, got, f"{where}.{name}")
        elif want != got or type(want) is not type(got):
            differ.append(f"{where}.{name}: {want!r} != {got!r}")
    return differ


@pytest.mark.parametrize("cache", ["off", "fresh"])
def test_the_view_answers_every_field_as_the_model(
    cache: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETLINT_CACHE_DIR", "off" if cache == "off" else str(tmp_path))
    default_model.cache_clear()
    try:
        built = default_model()
        assert _fields(ConfigModel(), built) == []
        if cache == "fresh":  # written by the first call, read by the second
            assert len(list(tmp_path.glob("config-defaults-*.marshal"))) == 1
            default_model.cache_clear()
            assert _fields(ConfigModel(), default_model()) == []
    finally:
        default_model.cache_clear()


def test_the_view_is_read_only_and_names_its_model() -> None:
    model = default_model()
    with pytest.raises(AttributeError, match="ConfigModel is read-only"):
        model.fail_on = "never"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="ClusterProfile has no field 'mtu'"):
        _ = model.cluster.mtu  # type: ignore[attr-defined]
    assert repr(model.limits) == "Defaults(LimitsModel)"
    assert default_config().is_default
    assert not Config(ConfigModel()).is_default


def _seen(report: Any) -> list[tuple[str, str, int, str]]:
    return [(f.rule, f.file.path, f.span.line, f.message) for f in report.findings]


def test_the_defaults_and_the_model_check_alike(corpus_dir: Path) -> None:
    paths = [str(ROOT / "examples"), str(corpus_dir)]
    with_view = lint(paths, default_config(), cwd=ROOT)
    with_model = lint(paths, Config(ConfigModel()), cwd=ROOT)
    assert _seen(with_view) == _seen(with_model)
    assert {f.rule for f in with_view.findings} == {
        "NL001", "NL002", "NL003", "NL004", "NL101", "NL201", "NL203", "NL301", "NL303", "NL401",
        "NL403",
    }  # fmt: skip


def test_params_not_overridden_reach_the_check_as_a_view() -> None:
    """NL103's params come validated from the catalog when the config leaves them alone, and
    are validated by pydantic when it overrides them: the same findings either way."""
    fail = [str(ROOT / "rules" / "NL103-mtu-wasted" / "fail")]
    jumbo = {"cluster": {"node_mtu": 9001}}
    plain = Config(ConfigModel.model_validate(jumbo))
    overridden = Config(
        ConfigModel.model_validate({**jumbo, "rules": {"NL103": {"params": {"min_waste": 100}}}})
    )
    viewed = lint(fail, plain, select=["NL103"], cwd=ROOT)
    validated = lint(fail, overridden, select=["NL103"], cwd=ROOT)
    assert _seen(viewed) == _seen(validated)
    assert [(rule, Path(file).name, line) for rule, file, line, _ in _seen(viewed)] == [
        ("NL103", "antrea-jumbo-default-mtu-1450.yaml", 16),
        ("NL103", "calico-operator-aws-jumbo.yaml", 14),
        ("NL103", "canal-jumbo-frames.yaml", 27),
        ("NL103", "cilium-mtu-1450-on-jumbo.yaml", 17),
    ]


def test_config_module_still_offers_the_models() -> None:
    """`netlint.config.ConfigModel` and friends: the models module, imported when asked for."""
    assert config_module.ConfigModel is ConfigModel
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = config_module.nothing  # type: ignore[attr-defined]
