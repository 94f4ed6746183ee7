"""Escaping shared by the formatters: manifest text must never drive a terminal or a CI log.

Finding messages, file names, object names and suppression reasons all carry text from the
manifests being checked, so every formatter passes them through here before writing them.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# Characters that can move the cursor, change colours, end a line or reorder what is shown:
# C0 and C1 controls and DEL (ESC starts ANSI sequences, CSI U+009B is a one-byte ESC [),
# line and paragraph separators, bidirectional overrides and isolates ("Trojan Source"),
# and lone surrogates (they cannot even be encoded as UTF-8).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _visible_char(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character written out (`\\x1b`, `\\n`, `\\u202e`).

    Printable text, including non-ASCII letters, is left alone; the result is one line."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_visible_char, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def to_json(document: Any) -> str:
    """Pretty JSON (UTF-8 text, not \\u-escaped) that can always be written as UTF-8.

    JSON string escaping already neutralises control characters; lone surrogates (possible
    from YAML `"\\ud800"` escapes) are written as `\\udxxx` escapes instead of raw, because a
    raw one cannot be encoded and would crash the write."""
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    if _SURROGATE.search(text) is not None:
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text + "\n"


def plain(value: Any) -> Any:
    """A JSON-safe copy of a value from a manifest (dates, sets, NaN and the like as text)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value)
