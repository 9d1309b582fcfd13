"""How import cells may spell times, amounts, numbers and yes/no, as Japanese offices write them.

One place for every format (CSV, TSV, JSON, the HTTP API): the record types validate their
fields through these. Each reader tries the plain spelling first (ISO 8601, ASCII digits),
which costs nothing more than before, and only then the others:

- times: ISO 8601, `2026/11/02`, `2026/1/5`, `2026/11/02 10:15[:30]`, `2026年11月2日`,
  `2026年11月2日 10時15分[30秒]`; a date not starting with a four-digit year (`11/02/2026`)
  is ambiguous and refused;
- numbers: `29,800` (commas group by threes, nothing else), amounts also `¥29,800`,
  `￥29,800`, `\\29,800` (the yen sign as Shift_JIS files show it) and `29,800円`;
- full-width digits and signs (`１０００`, `２０２６／１１／０２`) wherever a number or a time
  is read;
- yes/no: pydantic's words (`true`/`false`, `1`/`0`, `yes`/`no`, any case) and `はい`/`いいえ`.
"""

# ruff: noqa: RUF001, RUF002 (full-width characters are what this module reads)
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from kpi_engine.problems import invalid
from storage.imports.problems import ProblemCode

# Full-width digits and the punctuation around numbers and dates, to their ASCII forms.
_HALF_WIDTH = str.maketrans(
    "０１２３４５６７８９，．－＋：／　￥",
    "0123456789,.-+:/ ¥",
)
_YEAR_FIRST = re.compile(
    r"(?P<year>\d{4})[/-](?P<month>\d{1,2})[/-](?P<day>\d{1,2})"
    r"(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)
_JAPANESE = re.compile(
    r"(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日"
    r"(?: *(?:(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"|(?P<jhour>\d{1,2})時(?:(?P<jminute>\d{1,2})分(?:(?P<jsecond>\d{1,2})秒)?)?))?"
)
# Day and month first, or a two-digit year: 11/02/2026 is November or February.
_AMBIGUOUS = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:\D.*)?|\d{2}[/.]\d{1,2}[/.]\d{1,2}.*")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_FRACTION = re.compile(r"\d+\.\d*[1-9]\d*")
_YEN_SIGNS = ("¥", "\\")
_YES_NO = {"はい": True, "いいえ": False}


def half_width(text: str) -> str:
    """The text with full-width digits, signs and spaces as their ASCII forms, stripped."""
    return text.translate(_HALF_WIDTH).strip()


def spelled_time(text: str) -> datetime:
    """A time as one of the accepted spellings writes it, without its zone when none is
    written; raises the problem (`bad_time`, `ambiguous_date`) through pydantic."""
    plain = half_width(text)
    try:
        return datetime.fromisoformat(plain)
    except ValueError:
        pass
    match = _YEAR_FIRST.fullmatch(plain) or _JAPANESE.fullmatch(plain)
    if match is None:
        code = ProblemCode.AMBIGUOUS_DATE if _AMBIGUOUS.fullmatch(plain) else ProblemCode.BAD_TIME
        raise invalid(code, value=text)
    parts = match.groupdict()
    hour = parts["hour"] or parts.get("jhour")
    minute = parts["minute"] or parts.get("jminute")
    second = parts["second"] or parts.get("jsecond")
    try:
        return datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
        )
    except ValueError:  # 2026/2/30, 25時
        raise invalid(ProblemCode.BAD_TIME, value=text) from None


def _number_text(text: str, value: Any, *, yen: bool) -> str:
    plain = half_width(text)
    if yen:
        plain = plain.removesuffix("円").rstrip()
        if plain.startswith(_YEN_SIGNS):
            plain = plain[1:].lstrip()
    if "," in plain:
        if not _GROUPED.fullmatch(plain):
            raise invalid(ProblemCode.BAD_GROUPING, value=value)
        plain = plain.replace(",", "")
    if yen and _FRACTION.fullmatch(plain):
        raise invalid(ProblemCode.NOT_WHOLE, value=value)  # yen have no fractions
    return plain


def spelled_number(value: Any) -> Any:
    """A number cell as pydantic reads numbers: `1,000` and `１０００` become `1000`;
    anything but text is left as it is."""
    if type(value) is not str or (value.isascii() and value.isdigit()):
        return value
    return _number_text(value, value, yen=False)


def spelled_amount(value: Any) -> Any:
    """An amount of yen as pydantic reads integers: `¥29,800`, `\\29,800` and `29,800円`
    become `29800`."""
    if type(value) is not str or (value.isascii() and value.isdigit()):
        return value
    return _number_text(value, value, yen=True)


def spelled_boolean(value: Any) -> Any:
    """A yes/no cell as pydantic reads booleans: `はい` and `いいえ` besides its own words."""
    if type(value) is not str or value.isascii():
        return value  # pydantic's own words, in any case
    plain = half_width(value)
    return _YES_NO.get(plain, plain)
