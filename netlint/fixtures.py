"""Rule fixtures: `pass/` and `fail/` manifests of a rule, with `# expect: ID` marks on the lines
where findings are expected. Shared by the project's own fixture test and (later) by
`netlint test-rules` for custom rules.

A fixture may carry its config in a comment line: `# netlint-config: {cluster: {node_mtu: 9001}}`
(flow YAML); its exclude entries are placed on that line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath

from netlint.catalog import RuleMeta

EXPECT = re.compile(r"#\s*expect:\s*(?P<ids>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)")
CONFIG = re.compile(r"^\s*#\s*netlint-config:\s*(?P<yaml>.+?)\s*(?:#\s*expect:.*)?$")
FIXTURE_DAY = dt.date(2026, 1, 1)  # fixtures never depend on the real date


@dataclass(frozen=True)
class FixtureResult:
    path: FsPath
    kind: str  # "pass" or "fail"
    expected: frozenset[tuple[str, int]]
    actual: frozenset[tuple[str, int]]
    messages: tuple[str, ...]  # the actual findings, as text, for failure reports

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    def describe(self) -> list[str]:
        out = []
        for rule, line in sorted(self.expected - self.actual, key=lambda t: (t[1], t[0])):
            out.append(f"{self.path}:{line}: expected {rule}, not reported")
        for rule, line in sorted(self.actual - self.expected, key=lambda t: (t[1], t[0])):
            out.append(f"{self.path}:{line}: unexpected {rule}")
        return out


def expectations(text: str) -> frozenset[tuple[str, int]]:
    found = set()
    for number, line in enumerate(text.splitlines(), 1):
        m = EXPECT.search(line)
        if m:
            for rule in m.group("ids").split(","):
                found.add((rule.strip(), number))
    return frozenset(found)


def fixture_config(path: FsPath, text: str, display: str):  # type: ignore[no-untyped-def]
    from netlint.config import Config, ConfigModel
    from netlint.validation import load_yaml_text

    for number, line in enumerate(text.splitlines(), 1):
        m = CONFIG.match(line)
        if m:
            data, _ = load_yaml_text(m.group("yaml").encode(), f"{display}:{number}")
            model = ConfigModel.model_validate(data or {})
            return Config(model, display, str(path.parent), (number,) * len(model.exclude))
    return Config(ConfigModel())


def run_fixture(path: FsPath, kind: str, rules: Sequence[RuleMeta], cwd: FsPath) -> FixtureResult:
    """Lint one fixture with every enabled rule and compare (rule, line) with its marks."""
    from netlint.api import lint
    from netlint.inputs import display_path

    text = path.read_text("utf-8")
    display = display_path(path, cwd)
    config = fixture_config(path, text, display)
    report = lint([str(path)], config, today=FIXTURE_DAY, cwd=cwd, rules=tuple(rules))
    actual = frozenset((f.rule, f.span.line) for f in report.active)
    messages = tuple(
        f"{f.file.path}:{f.span.line}:{f.span.column}: {f.rule} {f.message}" for f in report.active
    )
    return FixtureResult(path, kind, expectations(text), actual, messages)


def rule_fixtures(rule: RuleMeta) -> list[tuple[str, FsPath]]:
    return [("fail", p) for p in rule.fixtures("fail")] + [
        ("pass", p) for p in rule.fixtures("pass")
    ]
