"""netlint/checks/patterns.py: lazily compiled patterns and compiled glob sets behave exactly like
re.compile and fnmatch.fnmatchcase."""

from __future__ import annotations

import fnmatch
import re

import pytest

from netlint.checks.patterns import any_glob, glob_match, lazy

GLOBS = [
    (),
    ("values.yaml",),
    ("values-*.yaml", "Chart.yaml"),
    ("*values.yaml", "docker-compose*.yml", "[abc]x", "?.json"),
    ("*/x/*", "a.b", "[!a]*"),
    ("kube-system", "ingress-*"),
]
NAMES = [
    "",
    "values.yaml",
    "values-prod.yaml",
    "my-values.yaml",
    "Chart.yaml",
    "chart.yaml",
    "docker-compose.override.yml",
    "ax",
    "dx",
    "a.json",
    "ab.json",
    "p/x/q",
    "a.b",
    "axb",
    "b",
    "ingress-nginx",
    "kube-system",
    "line\nbreak",
]


@pytest.mark.parametrize("globs", GLOBS)
def test_any_glob_is_any_fnmatchcase(globs: tuple[str, ...]) -> None:
    matches = any_glob(globs)
    for name in NAMES:
        assert matches(name) == any(fnmatch.fnmatchcase(name, g) for g in globs), (globs, name)
        for glob in globs:
            assert glob_match(name, glob) == fnmatch.fnmatchcase(name, glob), (glob, name)


def test_lazy_pattern_compiles_on_first_use_and_matches_like_re() -> None:
    pattern = lazy(r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE)
    assert "match" not in vars(pattern)  # nothing compiled yet
    compiled = re.compile(r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE)
    for text in ("abc-12", "ABC-12 x", "x abc-1", "", "-1"):
        found, want = pattern.match(text), compiled.match(text)
        assert (found and found.groups()) == (want and want.groups())
        assert bool(pattern.search(text)) == bool(compiled.search(text))
        assert bool(pattern.fullmatch(text)) == bool(compiled.fullmatch(text))
    assert "match" in vars(pattern)  # bound once, then called directly
    assert pattern.sub("_", "ab-1 cd-2") == compiled.sub("_", "ab-1 cd-2")
    assert pattern.split("a ab-1 b") == compiled.split("a ab-1 b")
    assert pattern.findall("ab-1 cd-2") == compiled.findall("ab-1 cd-2")
    assert dict(pattern.groupindex) == {"word": 1}
    assert pattern.groups == 2


def test_lazy_pattern_has_no_other_attributes() -> None:
    with pytest.raises(AttributeError):
        _ = lazy("x").nothing


PATHS = [
    "values.yaml",
    "chart/values.yaml",
    "chart/values-prod.yaml",
    "a/b/my-values.yml",
    "Chart.yaml",
    "x/Chart.yaml",
    "x/Chart.yaml.bak",
    "xChart.yaml",
    "/Chart.yaml",
    ".github/workflows/ci.yml",
    "repo/.github/workflows/sub/ci.yml",
    ".github/dependabot.yml",
    "deploy/app.yaml",
    "docker-compose.yml",
    "srv/docker-compose.prod.yaml",
    "kustomization.yaml",
    "base/kustomization.yaml",
    "schema/values.schema.json",
    "",
]


def test_non_manifest_files_as_with_fnmatch() -> None:
    from netlint.catalog import load_data
    from netlint.engine import is_non_manifest_file

    names = load_data("non_manifests")["filenames"]
    for path in PATHS:
        base = path.rsplit("/", 1)[-1]
        want = any(
            fnmatch.fnmatchcase(base, pat)
            or fnmatch.fnmatchcase(path, pat)
            or fnmatch.fnmatchcase(path, "*/" + pat)
            for pat in names
        )
        assert is_non_manifest_file(path) == want, path
