"""Rule pages (`netlint explain`, docs/rules/*.md, SARIF help) and the rule table.

One page model (`page_model`: sections of paragraphs, code, tables, lists) is built from a rule's
metadata and fixtures and rendered twice: `render_markdown` for docs/rules/<ID>.md and SARIF
`help.markdown`, `render_text` for the terminal (`netlint explain`)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from netlint.catalog import RuleMeta

if TYPE_CHECKING:
    from netlint.config import Config

# rule.yaml `tables:` -> (title, "module:function" rendering markdown lines for a config)
TABLES: dict[str, tuple[str, str]] = {
    "mtu-recommended": ("Best MTU per encapsulation", "netlint.checks.mtu.tables:recommended"),
    "mtu-overheads": ("Encapsulation overheads (bytes)", "netlint.checks.mtu.tables:overheads"),
    "mtu-providers": ("Provider presets", "netlint.checks.mtu.tables:providers"),
}

TEXT_WIDTH = 96  # `netlint explain` rewraps longer paragraphs to this width


# ---- the page model -------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    text: str  # may span lines; inline `code` is kept as is


@dataclass(frozen=True)
class Code:
    text: str
    lang: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Subheading:
    text: str


Block: TypeAlias = Para | Code | Table | Bullets | Subheading


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Page:
    title: str
    meta: str
    sections: tuple[Section, ...]


def find_rule(rules: Sequence[RuleMeta], key: str) -> RuleMeta | None:
    for rule in rules:
        if key.upper() == rule.id or key in (rule.name, *rule.aliases):
            return rule
    return None


def page_model(rule: RuleMeta, config: Config | None = None) -> Page:
    """What / Why / Example / Use instead / Fix / Parameters / Data / Suppress / References.
    Data tables are computed for `config` (the defaults when None)."""
    sections = [
        Section("What it finds", (Para(rule.summary),)),
        Section("Why it matters", (Para(rule.why.rstrip("\n")),)),
    ]
    fails = rule.fixtures("fail")
    if fails:
        sections.append(Section("Example", (Code(_fixture_text(fails[0]), "yaml"),)))
    passes = rule.fixtures("pass")
    if passes:
        sections.append(Section("Use instead", (Code(_fixture_text(passes[0]), "yaml"),)))
    sections.append(Section("How to fix", (Para(rule.fix.rstrip("\n")),)))
    if rule.params:
        rows = tuple((f"`{k}`", f"`{json.dumps(v)}`") for k, v in rule.params.items())
        override = "\n".join(
            [
                "rules:",
                f"  {rule.id}:",
                "    params:",
                *(f"      {k}: {json.dumps(v)}" for k, v in rule.params.items()),
            ]
        )
        sections.append(
            Section(
                "Parameters",
                (
                    Table(("name", "default"), rows),
                    Para("Override in `.netlint.yaml`:"),
                    Code(override, "yaml"),
                ),
            )
        )
    if rule.tables:
        if config is None:
            from netlint.config import default_config

            config = default_config()
        blocks: list[Block] = []
        for name in rule.tables:
            blocks += _table(name, config)
        sections.append(Section("Data", tuple(blocks)))
    sections.append(
        Section(
            "Suppress",
            (
                Para(
                    f'Annotation on the object: `ignore.netlint.io/{rule.id}: "<reason>"`, or a '
                    f"config `exclude:` entry with `rule: {rule.id}` and a `reason`."
                ),
            ),
        )
    )
    if rule.references:
        sections.append(Section("References", (Bullets(tuple(rule.references)),)))
    meta = (
        f"Severity: {rule.severity.value} · Enabled by default: {'yes' if rule.enabled else 'no'}"
        f" · Since: {rule.since} · Reads: {_reads(rule)}"
    )
    return Page(f"{rule.id} {rule.name}", meta, tuple(sections))


def _reads(rule: RuleMeta) -> str:
    """What the rule's check reads (`Check.scope`): whether the files that refer to each other
    must be checked in one run for it to see them together."""
    from netlint.checks import REGISTRY

    check = REGISTRY.get(rule.check)
    if check is not None and check.scope == "file":
        return "each file on its own"
    if check is not None and check.scope == "config":
        return "the config alone"
    if check is not None and check.kinds is not None:
        kinds = ", ".join(dict.fromkeys(check.kinds))
        return f"objects across the files of a run (check related files together): {kinds}"
    return "objects across the files of a run (check related files together)"


def _table(name: str, config: Config) -> list[Block]:
    import importlib

    title, target = TABLES[name]
    module, _, func = target.partition(":")
    lines: list[str] = getattr(importlib.import_module(module), func)(config)
    return [Subheading(title), *blocks_from_markdown(lines)]


def blocks_from_markdown(lines: Sequence[str]) -> list[Block]:
    """Paragraphs and pipe tables (the form the data-table functions return) as blocks."""
    blocks: list[Block] = []
    para: list[str] = []
    table: list[tuple[str, ...]] = []

    def flush() -> None:
        if para:
            blocks.append(Para("\n".join(para)))
            para.clear()
        if table:
            blocks.append(Table(table[0], tuple(table[1:])))
            table.clear()

    for line in lines:
        if line.startswith("|"):
            if para:
                flush()
            cells = tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
            if not all(set(cell) <= {"-", ":"} and cell for cell in cells):
                table.append(cells)
        elif not line.strip():
            flush()
        else:
            if table:
                flush()
            para.append(line)
    flush()
    return blocks


# ---- renderers ------------------------------------------------------------------------------


def render_markdown(page: Page) -> str:
    out = [f"# {page.title}", "", page.meta, ""]
    for section in page.sections:
        out += [f"## {section.title}", ""]
        for block in section.blocks:
            out += [*_markdown_block(block), ""]
    return "\n".join(out)


def _markdown_block(block: Block) -> list[str]:
    if isinstance(block, Para):
        return block.text.split("\n")
    if isinstance(block, Code):
        return [f"```{block.lang}", *block.text.split("\n"), "```"]
    if isinstance(block, Table):
        return [
            _md_row(block.header),
            "|" + "---|" * len(block.header),
            *(_md_row(row) for row in block.rows),
        ]
    if isinstance(block, Bullets):
        return [f"- {item}" for item in block.items]
    return [f"### {block.text}"]


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def render_text(page: Page) -> str:
    """For a terminal: underlined headings, indented code, aligned tables, no markup."""
    out = [page.title, "=" * len(page.title), page.meta, ""]
    for section in page.sections:
        out += [section.title, "-" * len(section.title), ""]
        for block in section.blocks:
            out += [*_text_block(block), ""]
    return "\n".join(out)


def _text_block(block: Block) -> list[str]:
    if isinstance(block, Para):
        lines = block.text.split("\n")
        if all(len(line) <= TEXT_WIDTH for line in lines):
            return lines
        return textwrap.wrap(
            " ".join(lines), TEXT_WIDTH, break_long_words=False, break_on_hyphens=False
        )
    if isinstance(block, Code):
        return [f"    {line}".rstrip() for line in block.text.split("\n")]
    if isinstance(block, Table):
        rows = [block.header, *block.rows]
        widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(rows[0]))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        return lines
    if isinstance(block, Bullets):
        return [f"- {item}" for item in block.items]
    return [f"{block.text}:"]


def rule_page(rule: RuleMeta, config: Config | None = None) -> str:
    """The rule's page as markdown (docs/rules/<ID>.md, SARIF help.markdown)."""
    return render_markdown(page_model(rule, config))


def rule_text(rule: RuleMeta, config: Config | None = None) -> str:
    """The rule's page for the terminal (`netlint explain`)."""
    return render_text(page_model(rule, config))


# ---- the rule table -------------------------------------------------------------------------


def rules_table(rules: Sequence[RuleMeta], fmt: str, link: str = "rules/{id}.md") -> str:
    """`netlint rules` in text, json or markdown; markdown links each ID to `link`."""
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
        table = Table(
            ("ID", "Name", "Severity", "Enabled", "Summary"),
            tuple(
                (
                    _linked(r, link),
                    r.name,
                    r.severity.value,
                    "yes" if r.enabled else "no",
                    r.summary,
                )
                for r in rules
            ),
        )
        return "\n".join(_markdown_block(table)) + "\n"
    width = max((len(r.name) for r in rules), default=4)
    idw = max([6, *(len(r.id) for r in rules)])  # custom IDs can be longer (ACME001)
    lines = [f"{'ID':<{idw}} {'NAME':<{width}} {'SEVERITY':<8} {'ON':<3} SUMMARY"]
    for r in rules:
        lines.append(
            f"{r.id:<{idw}} {r.name:<{width}} {r.severity.value:<8} "
            f"{'yes' if r.enabled else 'no':<3} {r.summary}"
        )
    return "\n".join(lines) + "\n"


def _linked(rule: RuleMeta, link: str) -> str:
    """A built-in rule's ID linked to its page; a custom rule's to its own help_uri, if any."""
    if rule.builtin:
        return f"[{rule.id}]({link.format(id=rule.id)})"
    return f"[{rule.id}]({rule.help_uri})" if rule.help_uri else rule.id


def _fixture_text(path: Path) -> str:
    lines = path.read_text("utf-8").rstrip("\n").splitlines()
    return "\n".join(_strip_expect(line) for line in lines)


def _strip_expect(line: str) -> str:
    idx = line.find("# expect:")
    return line[:idx].rstrip() if idx >= 0 else line
