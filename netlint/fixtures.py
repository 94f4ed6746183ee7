"""Rule fixtures: `pass/` and `fail/` manifests of a rule, with `# expect: ID` marks on the lines
where findings are expected. Shared by the project's own fixture test and by
`netlint test-rules` (built-in or custom rules).

A fixture may carry its config in a comment line: `# netlint-config: {cluster: {node_mtu: 9001}}`
(flow YAML); its exclude entries are placed on that line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

from netlint.catalog import RuleMeta

if TYPE_CHECKING:
    from netlint.config import Config
    from netlint.validation import Loc

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
    display: str = ""  # the path as reports show it (relative to the working directory)
    found: tuple[tuple[str, int, str], ...] = ()  # (rule, line, message) of each finding

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    def describe(self) -> list[str]:
        """`fail/x.yaml:12: expected NL201, got nothing` per missing or unexpected finding."""
        shown = self.display or str(self.path)
        out = []
        for rule, line in sorted(self.expected - self.actual, key=lambda t: (t[1], t[0])):
            other = sorted(r for r, n in self.actual - self.expected if n == line)
            got = ", ".join(other) if other else "nothing"
            out.append(f"{shown}:{line}: expected {rule}, got {got}")
        for rule, line in sorted(self.actual - self.expected, key=lambda t: (t[1], t[0])):
            text = next((m for r, n, m in self.found if (r, n) == (rule, line)), "")
            out.append(f"{shown}:{line}: expected nothing, got {rule}: {text}")
        return out


def expectations(text: str) -> frozenset[tuple[str, int]]:
    found = set()
    for number, line in enumerate(text.splitlines(), 1):
        m = EXPECT.search(line)
        if m:
            for rule in m.group("ids").split(","):
                found.add((rule.strip(), number))
    return frozenset(found)


def fixture_config(path: FsPath, text: str, display: str) -> Config:
    """The config of a `# netlint-config:` comment; a broken one is FileError on its line."""
    from pydantic import ValidationError

    from netlint.config import Config, default_config
    from netlint.config_model import ConfigModel
    from netlint.validation import FileError, format_validation_error, load_yaml_text

    for number, line in enumerate(text.splitlines(), 1):
        m = CONFIG.match(line)
        if m:
            try:
                data, _ = load_yaml_text(m.group("yaml").encode(), display)
                model = ConfigModel.model_validate(data or {})
            except FileError as exc:
                raise FileError(
                    [
                        f"{display}:{number}: netlint-config: {msg.split(': ', 1)[-1]}"
                        for msg in exc.messages
                    ]
                ) from None
            except ValidationError as exc:
                messages = format_validation_error(
                    exc, None, display, line_of=_on_line(number), model=ConfigModel
                )
                raise FileError(
                    [
                        msg.replace(
                            f"{display}:{number}: ", f"{display}:{number}: netlint-config: ", 1
                        )
                        for msg in messages
                    ]
                ) from None
            return Config(model, display, str(path.parent), (number,) * len(model.exclude))
    return default_config()


def _on_line(number: int) -> Callable[[Loc], int]:
    """Every key of a `# netlint-config:` comment is on the comment's line."""
    return lambda _loc: number


def run_fixture(
    path: FsPath,
    kind: str,
    rules: Sequence[RuleMeta],
    cwd: FsPath,
    scope: frozenset[str] | None = None,
) -> FixtureResult:
    """Lint one fixture with every enabled rule and compare (rule, line) with its marks.

    `scope`: only findings of these rules (and of rules the fixture marks) count; the findings
    of others are not the fixture's business (custom rules are tested beside the built-ins)."""
    from netlint.api import lint
    from netlint.inputs import display_path

    text = path.read_text("utf-8")
    display = display_path(path, cwd)
    config = fixture_config(path, text, display)
    expected = expectations(text)
    report = lint([str(path)], config, today=FIXTURE_DAY, cwd=cwd, rules=tuple(rules))
    counted = [
        f
        for f in report.active
        if scope is None or f.rule in scope or any(f.rule == r for r, _ in expected)
    ]
    actual = frozenset((f.rule, f.span.line) for f in counted)
    messages = tuple(
        f"{f.file.path}:{f.span.line}:{f.span.column}: {f.rule} {f.message}" for f in counted
    )
    found = tuple((f.rule, f.span.line, f.message) for f in counted)
    return FixtureResult(path, kind, expected, actual, messages, display, found)


def rule_fixtures(rule: RuleMeta) -> list[tuple[str, FsPath]]:
    return [("fail", p) for p in rule.fixtures("fail")] + [
        ("pass", p) for p in rule.fixtures("pass")
    ]


def own_rule_problem(rule: RuleMeta, result: FixtureResult) -> str | None:
    """A fail fixture marks its own rule at least once; a pass fixture never does."""
    shown = result.display or str(result.path)
    marked = any(r == rule.id for r, _ in result.expected)
    if result.kind == "fail" and not marked:
        return f"{shown}:1: a fail/ fixture must mark a line `# expect: {rule.id}`"
    if result.kind == "pass" and marked:
        return f"{shown}:1: a pass/ fixture must not expect {rule.id}"
    return None


@dataclass(frozen=True)
class Verification:
    """`netlint test-rules`: every fixture of the tested rules, and what is wrong."""

    rules: int
    fixtures: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(
    tested: Sequence[RuleMeta],
    all_rules: Sequence[RuleMeta],
    cwd: FsPath,
    scope: frozenset[str] | None = None,
) -> Verification:
    """Run the pass/ and fail/ fixtures of `tested` against `all_rules`; a rule without both
    kinds of fixture is a problem too (an untested rule is not known to work)."""
    from netlint.inputs import display_path

    problems: list[str] = []
    count = 0
    for rule in tested:
        cases = rule_fixtures(rule)
        for missing in sorted({"fail", "pass"} - {kind for kind, _ in cases}):
            where = display_path(rule.directory / "rule.yaml", cwd)
            problems.append(f"{where}:1: {rule.id} has no {missing}/ fixtures")
        for kind, path in cases:
            count += 1
            result = run_fixture(path, kind, all_rules, cwd, scope)
            problems.extend(result.describe())
            own = own_rule_problem(rule, result)
            if own is not None:
                problems.append(own)
    return Verification(len(tested), count, tuple(problems))
