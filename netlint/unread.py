"""Documents no rule reads past their metadata: CustomResourceDefinitions.

A CRD's `spec` (its OpenAPI schema) is most of the bytes of a real repository, and no rule reads
it; only `apiVersion`, `kind` and `metadata` matter (suppression annotations, invalid metadata).
Composing such a schema into nodes costs more than the rest of the run, so the loader composes a
*skimmed* copy of the document instead: the same lines, with every top-level block other than
`apiVersion`, `kind` and `metadata` blanked (newlines kept, so every position stays true).

Nothing the full parse would report is lost. A document is skimmed only when
- libyaml's C parser (`CParser.raw_parse`, no Python objects) accepts it, so a syntax error is
  still reported by the full parse at its exact line;
- a line scan proves that no mapping in it repeats a key (duplicate keys are NL002);
- it holds no anchor, alias, merge key, complex key, multi-line quoted or flow scalar, template
  text `{{`, tab indentation or directive: anything whose meaning the line scan cannot follow.
Any doubt keeps the document whole: the scan may refuse a clean document, never pass a bad one.
"""

from __future__ import annotations

import re

_DOC_START = re.compile(r"^---(?=[ \t]|$)", re.M)
# the same after a line break: a literal first character lets the regex engine skip ahead,
# several times faster than `^` in multi-line mode, which tries every position
_DOC_LINE = re.compile(r"\n---(?=[ \t]|$)", re.M)
_CRD_KIND = re.compile(r"^kind:[ \t]*[\"']?CustomResourceDefinition[\"']?[ \t]*(?:#.*)?$", re.M)
# document end markers and directives: beyond the line scan
_UNSURE = re.compile(r"^\.\.\.(?:[ \t]|$)|^%", re.M)
_ODD_BREAK = re.compile("\r|[\x85\u2028\u2029]")
_KEEP = ("apiVersion", "kind", "metadata")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w.\-/]*)[ \t]*:(?:[ \t]|$)")
_PLAIN_KEY = re.compile(r"[A-Za-z_$][\w.\-/$@]*")
_BLOCK_SCALAR = re.compile(r"[|>][0-9+-]*[ \t]*(?:#.*)?$")


def document_starts(text: str) -> list[int]:
    """Offsets of the `---` lines of `text` (`_DOC_START.finditer`, faster)."""
    starts = [m.start() + 1 for m in _DOC_LINE.finditer(text)]
    if _DOC_START.match(text) is not None:
        starts.insert(0, 0)
    return starts


def has_line_start(text: str, prefix: str) -> bool:
    """Whether a line of `text` starts with `prefix` (a substring search, not a regex)."""
    return text.startswith(prefix) or f"\n{prefix}" in text


def has_break(text: str, pattern: re.Pattern[str]) -> bool:
    """`pattern.search(text)` for a pattern of line breaks other than `\\n`, all of which are
    CR or non-ASCII: a text without CR that is ASCII has none (both tests run at memory speed,
    the regex at a fraction of that)."""
    if "\r" not in text and text.isascii():
        return False
    return pattern.search(text) is not None


def skim(text: str, max_nodes: int, max_depth: int) -> str:
    """`text` with the unread blocks of every CRD document that provably loses nothing blanked;
    `text` itself when there is none."""
    if "CustomResourceDefinition" not in text or "{{" in text or "\t" in text:
        return text
    if has_break(text, _ODD_BREAK):
        return text  # line breaks YAML counts but the line scan would not
    if has_line_start(text, "%"):
        return text  # a directive applies to the documents after it
    starts = document_starts(text)
    bounds = list(zip([0, *starts], [*starts, len(text)], strict=True))
    pieces: list[str] = []
    changed = False
    for begin, end in bounds:
        chunk = text[begin:end]
        skimmed = _skim_document(chunk, max_nodes, max_depth) if _CRD_KIND.search(chunk) else None
        if skimmed is not None:
            changed = True
            pieces.append(skimmed)
        else:
            pieces.append(chunk)
    return "".join(pieces) if changed else text


def _skim_document(chunk: str, max_nodes: int, max_depth: int) -> str | None:
    lines = chunk.split("\n")
    first = lines[0]
    if first.startswith("---") and first[3:].strip() and not first[3:].strip().startswith("#"):
        return None  # `--- !tag` or content on the marker line
    if 2 * len(chunk) > max_nodes or _unsure(chunk):
        return None
    if not _parses(chunk) or not _no_duplicate_keys(lines, max_depth):
        return None
    out: list[str] = []
    keep = True
    for i, line in enumerate(lines):
        if i == 0 and line.startswith("---"):
            out.append(line)
            continue
        if line[:1] not in ("", " ", "#", "-"):
            m = _TOP_KEY.match(line)
            if m is None:
                return None  # a top-level line the scan does not understand
            keep = m.group(1) in _KEEP
        out.append(line if keep else "")
    return "\n".join(out)


def _unsure(chunk: str) -> bool:
    """`_UNSURE.search(chunk)`, with substring tests first (most chunks have neither)."""
    if not has_line_start(chunk, "...") and not has_line_start(chunk, "%"):
        return False
    return _UNSURE.search(chunk) is not None


def _parses(chunk: str) -> bool:
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
    from ruamel.yaml.error import YAMLError

    parser = CParser(chunk)
    try:
        parser.raw_parse()
    except YAMLError:
        return False
    finally:
        parser.dispose()
    return True


def _close_quote(text: str, i: int, quote: str) -> int:
    """Index after the quote that closes a scalar whose body continues at `text[i]`, or -1 when
    it does not close on this line (YAML escapes: `\\x` in double, `''` in single quotes)."""
    n = len(text)
    while i < n:
        c = text[i]
        if quote == '"' and c == "\\":
            i += 2
            continue
        if c == quote:
            if quote == "'" and text.startswith("'", i + 1):
                i += 2
                continue
            return i + 1
        i += 1
    return -1


def _flow_end(text: str, start: int) -> int:
    """Index after a one-line flow collection without mappings inside, or -1."""
    depth = 0
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _close_quote(text, i + 1, c)
            if i < 0:
                return -1
            continue
        if c in "&*!":
            return -1  # an anchor, alias or tag inside the collection
        if c == "{":
            # `{}` is the only flow mapping the scan accepts
            close = i + 1
            while text[close : close + 1] == " ":
                close += 1
            if text[close : close + 1] != "}":
                return -1
            i = close + 1
            if depth == 0:
                return i
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == "?" or (c == ":" and text[i + 1 : i + 2] in (" ", ",", "]", "")):
            return -1  # a single-pair mapping inside a flow sequence
        i += 1
    return -1


_PLAIN, _BLOCK = "plain", "block"


def _value(rest: str) -> str | None:
    """How the value part of a line goes on: on this line only (_PLAIN), as a block scalar on
    the lines below (_BLOCK), as a quoted scalar closing on a later line ('"' or "'"), or
    None when the scan cannot follow it."""
    value = rest.strip(" ")
    if not value or value.startswith("#"):
        return _PLAIN
    head = value[0]
    if head in "\"'":
        end = _close_quote(value, 1, head)
        if end < 0:
            return head
        tail = value[end:].strip(" ")
        return _PLAIN if not tail or tail.startswith("#") else None
    if head in "[{":
        end = _flow_end(value, 0)
        if end < 0:
            return None
        tail = value[end:].strip(" ")
        return _PLAIN if not tail or tail.startswith("#") else None
    if head in "|>":
        return _BLOCK if _BLOCK_SCALAR.match(value) is not None else None
    if head in "?!&*%@`" or value.startswith("<<"):  # complex keys, tags, anchors, aliases
        return None
    return _PLAIN


def _no_duplicate_keys(lines: list[str], max_depth: int) -> bool:
    """True when every block mapping of the document provably has distinct keys and nests
    less than `max_depth` levels (block nesting takes at least a column per level, plus two)."""
    stack: list[tuple[int, set[str]]] = []  # open mappings: (key column, keys seen)
    block_above: int | None = None  # inside a block scalar whose owner is at this column
    quote: str | None = None  # inside a quoted scalar that opened on an earlier line
    expect: int | None = None  # the line above ended in `key:` or `-` owned at this column
    for line in lines[1:] if lines and lines[0].startswith("---") else lines:
        if quote is not None:
            end = _close_quote(line, 0, quote)
            if end < 0:
                continue
            quote = None
            tail = line[end:].strip(" ")
            if tail and not tail.startswith("#"):
                return False
            continue
        stripped = line.lstrip(" ")
        if not stripped:
            continue
        col = len(line) - len(stripped)
        if col + 2 >= max_depth:
            return False
        if block_above is not None:
            if col > block_above:
                continue
            block_above = None
        if stripped.startswith("#"):
            continue
        # sequence indicators `- ` (several on one line: `- - a`)
        dash_col = None
        while stripped.startswith("-") and stripped[1:2] in (" ", ""):
            dash_col = col
            rest = stripped[1:].lstrip(" ")
            col += len(stripped) - len(rest)
            stripped = rest
        if dash_col is not None:
            while stack and stack[-1][0] > dash_col:
                stack.pop()
        if not stripped or stripped.startswith("#"):
            expect = dash_col if dash_col is not None else expect
            continue
        key, after = _key_of(stripped)
        if after < 0:
            return False
        value_at, expect = expect, None
        if key is None:
            if dash_col is not None:
                owner = dash_col
            elif value_at is not None and col > value_at:
                owner = value_at  # the value of the key (or `-`) on the line above
            else:
                # a continuation line of a plain scalar: text, whatever it starts with (the
                # document parsed, so it is no node of its own)
                continue
        else:
            owner = col
            if dash_col is not None:
                while stack and stack[-1][0] >= col:
                    stack.pop()
                stack.append((col, {key}))
            else:
                while stack and stack[-1][0] > col:
                    stack.pop()
                if stack and stack[-1][0] == col:
                    if key in stack[-1][1]:
                        return False
                    stack[-1][1].add(key)
                else:
                    stack.append((col, {key}))
        rest = stripped[after:]
        how = _value(rest)
        if how is None:
            return False
        if how == _BLOCK:
            block_above = owner
        elif how != _PLAIN:
            quote = how
        elif not rest.strip(" ") or rest.lstrip(" ").startswith("#"):
            expect = owner  # the value starts on a later line
    return quote is None


def _key_of(text: str) -> tuple[str | None, int]:
    """(normalised key, index after its `:`) when `text` starts with a mapping key; (None, 0)
    when it is a plain value; (None, -1) when it may be a key the scan cannot read."""
    if text[0] in "\"'":
        end = _close_quote(text, 1, text[0])
        if end < 0:
            return None, 0  # a quoted value going on below (a key cannot span lines)
        rest = text[end:].lstrip(" ")
        if rest.startswith(":") and rest[1:2] in (" ", ""):
            key = text[1 : end - 1]
            if _PLAIN_KEY.fullmatch(key) is None:
                return None, -1
            return key.lower(), len(text) - len(rest) + 1
        return None, 0
    colon = _key_colon(text)
    if colon < 0:
        return None, 0
    key = text[:colon].rstrip(" ")
    if _PLAIN_KEY.fullmatch(key) is None:
        return None, -1
    return key.lower(), colon + 1


def _key_colon(text: str) -> int:
    """Index of the `:` that ends a plain key on this line (`: `, or `:` at the end), or -1."""
    i = text.find(":")
    while i >= 0:
        if text[i + 1 : i + 2] in (" ", ""):
            hash_at = text.find(" #")
            if 0 <= hash_at < i:
                return -1  # the colon is inside a comment
            return i
        i = text.find(":", i + 1)
    return -1
