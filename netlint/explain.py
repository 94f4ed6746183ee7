"""Rule pages (`netlint explain`, docs/rules/*.md) and the rule table, from rule metadata."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from netlint.catalog import RuleMeta

if TYPE_CHECKING:
    from netlint.config import Config

# rule.yaml `tables:` -> (title, "module:function" rendering markdown lines for a config)
TABLES: dict[str, tuple[str, str]] = {
    "mtu-recommended": ("Best MTU per encapsulation", "netlint.checks.mtu.tables:recommended"),
    "mtu-overheads": ("Encapsulation overheads (bytes)", "netlint.checks.mtu.tables:overheads"),
    "mtu-providers": ("Provider presets", "netlint.checks.mtu.tables:providers"),
}


def _table(name: str, config: Config) -> list[str]:
    import importlib

    title, target = TABLES[name]
    module, _, func = target.partition(":")
    lines: list[str] = getattr(importlib.import_module(module), func)(config)
    return [f"### {title}", "", *lines, ""]


def find_rule(rules: Sequence[RuleMeta], key: str) -> RuleMeta | None:
    for rule in rules:
        if key.upper() == rule.id or key in (rule.name, *rule.aliases):
            return rule
    return None


def rules_table(rules: Sequence[RuleMeta], fmt: str) -> str:
    if fmt == "json":
        items = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity.value,
                "enabled": r.enabled,
                "summary": r.summary,
                "tags": list(r.tags),
            }
            for r in rules
        ]
        return json.dumps(items, indent=2) + "\n"
    if fmt == "markdown":
        lines = ["| ID | Name | Severity | Enabled | Summary |", "|---|---|---|---|---|"]
        for r in rules:
            lines.append(
                f"| [{r.id}](rules/{r.id}.md) | {r.name} | {r.severity.value} | "
                f"{'yes' if r.enabled else 'no'} | {r.summary} |"
            )
        return "\n".join(lines) + "\n"
    width = max((len(r.name) for r in rules), default=4)
    lines = [f"{'ID':<6} {'NAME':<{width}} {'SEVERITY':<8} {'ON':<3} SUMMARY"]
    for r in rules:
        lines.append(
            f"{r.id:<6} {r.name:<{width}} {r.severity.value:<8} "
            f"{'yes' if r.enabled else 'no':<3} {r.summary}"
        )
    return "\n".join(lines) + "\n"


def rule_page(rule: RuleMeta, config: Config | None = None) -> str:
    """Markdown page: What / Why / Example / Use instead / Fix / Parameters / Data /
    References. Data tables are computed for `config` (the defaults when None)."""
    out = [f"# {rule.id} {rule.name}", ""]
    out += [
        f"Severity: {rule.severity.value} · Enabled by default: {'yes' if rule.enabled else 'no'}"
        f" · Since: {rule.since}",
        "",
        "## What it finds",
        "",
        rule.summary,
        "",
        "## Why it matters",
        "",
        rule.why,
        "",
    ]
    fails = rule.fixtures("fail")
    if fails:
        out += ["## Example", "", "```yaml", _fixture_text(fails[0]), "```", ""]
    passes = rule.fixtures("pass")
    if passes:
        out += ["## Use instead", "", "```yaml", _fixture_text(passes[0]), "```", ""]
    out += ["## How to fix", "", rule.fix, ""]
    if rule.params:
        out += ["## Parameters", "", "| name | default |", "|---|---|"]
        for key, value in rule.params.items():
            out.append(f"| `{key}` | `{json.dumps(value)}` |")
        out.append("")
        out += [
            "Override in `.netlint.yaml`:",
            "",
            "```yaml",
            "rules:",
            f"  {rule.id}:",
            "    params:",
            *(f"      {k}: {json.dumps(v)}" for k, v in rule.params.items()),
            "```",
            "",
        ]
    if rule.tables:
        if config is None:
            from netlint.config import Config, ConfigModel

            config = Config(ConfigModel())
        out += ["## Data", ""]
        for name in rule.tables:
            out += _table(name, config)
    out += [
        "## Suppress",
        "",
        f'Annotation on the object: `ignore.netlint.io/{rule.id}: "<reason>"`, or a config '
        f"`exclude:` entry with `rule: {rule.id}` and a `reason`.",
        "",
    ]
    if rule.references:
        out += ["## References", "", *(f"- {ref}" for ref in rule.references), ""]
    return "\n".join(out)


def _fixture_text(path: object) -> str:
    from pathlib import Path

    assert isinstance(path, Path)
    lines = path.read_text("utf-8").rstrip("\n").splitlines()
    return "\n".join(_strip_expect(line) for line in lines)


def _strip_expect(line: str) -> str:
    idx = line.find("# expect:")
    return line[:idx].rstrip() if idx >= 0 else line
