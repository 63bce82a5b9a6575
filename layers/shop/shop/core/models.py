from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator


Delivery = Literal["express", "pickup"]
ID = r"^[A-Za-z0-9_-]{1,64}$"  # ids in paths and bodies: addresses, orders, stores
MAX_QUANTITY = 999


# Free text a person types is refused when it holds a control (Cc) or format (Cf) code point:
# bidi overrides (U+202E) that reverse what a merchant reads, zero-width characters that make two
# names look alike, NULs and escapes that break logs and exports. Ordinary spaces are text; line
# breaks only in fields marked MULTILINE (remarks, reasons, notes, a pasted address). A zero-width
# joiner between two symbols (an emoji sequence such as 👨‍👩‍👧) is kept. Markup (``<tag``) is
# refused too: these strings end up in a web console and in exports.
MULTILINE = "multiline"
_LINE_BREAKS = {"\n", "\r"}
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]")
ZWJ = "\u200d"


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` is not acceptable free text, or None."""
    for i, ch in enumerate(value):
        category = unicodedata.category(ch)
        if category not in ("Cc", "Cf"):
            continue
        if multiline and ch in _LINE_BREAKS:
            continue
        if ch == ZWJ and 0 < i < len(value) - 1 and unicodedata.category(value[i - 1]) == "So" \
                and unicodedata.category(value[i + 1]) == "So":
            continue
        return f"must not contain the control or invisible character U+{ord(ch):04X}"
    if _MARKUP.search(value):
        return "must not contain markup (<...>)"
    return None


def _check_text(value: Any, multiline: bool) -> None:
    if isinstance(value, str):
        problem = text_problem(value, multiline=multiline)
        if problem:
            raise ValueError(problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, False)
            _check_text(item, multiline)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _check_text(item, multiline)


class TextChecked(BaseModel):
    """Every string field (and the strings in lists and dicts) of a model built from outside input
    is checked by ``text_problem``; a field whose metadata holds MULTILINE may hold line breaks."""

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, BaseModel) or value is None or isinstance(value, (int, float, bool)):
            return value
        field = cls.model_fields.get(info.field_name or "")
        multiline = field is not None and MULTILINE in field.metadata
        _check_text(value, multiline)
        return value


class RequestModel(TextChecked):
    """Base of every request body: unknown fields are refused, strings are stripped, free text is
    plain text (``text_problem``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
