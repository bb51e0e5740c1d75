"""Text helpers shared by the diff and the renderers: editorial equality, redlines, values."""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any

from .i18n import catalogue, message

Redline = tuple[tuple[str, str], ...]
"""Segments of a text edit: ("=", kept), ("-", deleted), ("+", inserted)."""

_SPACE = re.compile(r"\s+")
_CJK = re.compile("[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]")
_WORDS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
LONG_TEXT = 40


def editorial_form(text: str) -> str:
    """What is left of a text once whitespace, Unicode width (NFKC) and case are ignored."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def is_text_value(value: Any) -> bool:
    """A bilingual text written as `{en: …, zh: …}`."""
    return isinstance(value, dict) and bool(value) and set(value) <= {"en", "zh"} \
        and all(isinstance(v, str) for v in value.values())


def is_editorial(old: Any, new: Any) -> bool:
    """Two different texts that differ only in whitespace, width or case (in every language)."""
    if is_text_value(old) and is_text_value(new):
        return old != new and old.keys() == new.keys() and all(
            editorial_form(old[k]) == editorial_form(new[k]) for k in old)
    return isinstance(old, str) and isinstance(new, str) and old != new \
        and editorial_form(old) == editorial_form(new)


def _tokens(text: str) -> list[str]:
    if _CJK.search(text):
        return list(text)
    return _WORDS.findall(text)


def redlines(old: Any, new: Any) -> tuple[Redline, Redline]:
    """The redline of a text edit, and of its Chinese side when the text is bilingual."""
    if is_text_value(old) and is_text_value(new):
        en = redline(old.get("en", ""), new.get("en", "")) if old.get("en") != new.get("en") \
            else ()
        zh = redline(old.get("zh", ""), new.get("zh", "")) if old.get("zh") != new.get("zh") \
            else ()
        return en, zh
    if isinstance(old, str) and isinstance(new, str):
        return redline(old, new), ()
    return (), ()


def redline(old: str, new: str) -> Redline:
    """A word-level (Latin scripts) or character-level (Chinese) redline of a text edit."""
    a, b = _tokens(old), _tokens(new)
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return tuple(out)


def wants_redline(old: Any, new: Any) -> bool:
    """Long texts get a redline; short ones read better as old → new (Chinese is denser)."""
    if is_text_value(old) and is_text_value(new):
        return any(wants_redline(old.get(k, ""), new.get(k, "")) for k in ("en", "zh"))
    if not (isinstance(old, str) and isinstance(new, str)):
        return False
    limit = LONG_TEXT // 2 if _CJK.search(old + new) else LONG_TEXT
    return max(len(old), len(new)) >= limit


def mostly_changed(line: Redline) -> bool:
    """A redline that keeps less than half of the text reads better as old → new."""
    kept = sum(len(text.strip()) for op, text in line if op == "=")
    total = max(sum(len(text.strip()) for op, text in line if op != "+"),
                sum(len(text.strip()) for op, text in line if op != "-"), 1)
    return kept * 2 < total


_UNIT_EN = {"percent": "%", "times": "×"}

def format_number(value: float | int) -> str:
    """1000000 → 1,000,000; 0.5 → 0.5."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,}"


def chinese_number(value: float | int) -> str:
    """An amount as Chinese writes it: 1000000 → 100万, 150000000 → 1.5亿, 1500 → 1500."""
    for size, name in ((100_000_000, "亿"), (10_000, "万")):
        if abs(value) >= size:
            scaled = round(value / size, 4)
            if scaled * size == value:
                text = f"{scaled:f}".rstrip("0").rstrip(".")
                return text + name
    return format_number(value).replace(",", "")


def _amount(value: float | int, unit: str, lang: str) -> str:
    if lang != "zh":
        return f"{unit} {format_number(value)}"
    template = catalogue("zh").get(f"currency.{unit}")
    if template is None:
        return f"{chinese_number(value)} {unit}"
    return template.format(amount=chinese_number(value))


def format_value(value: Any, unit: str = "", lang: str = "en") -> str:
    """A value as a reader expects it: units, thousands separators, the right language."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return message("value.yes" if value else "value.no", lang)
    if isinstance(value, (int, float)):
        number = format_number(value)
        if not unit:
            return number
        if re.fullmatch(r"[A-Z]{3}", unit):
            return _amount(value, unit, lang)
        if lang == "zh":
            return f"{number.replace(',', '')}{catalogue('zh').get(f'unit.{unit}', ' ' + unit)}"
        if unit in ("age", "years of age"):
            return f"{number} years of age"
        suffix = _UNIT_EN.get(unit, unit)
        if value == 1 and suffix.endswith("s") and suffix[:-1] in ("year", "month", "day"):
            suffix = suffix[:-1]
        return f"{number}{suffix}" if suffix in ("%", "×") else f"{number} {suffix}"
    if value in ("", [], {}):
        kind = "text" if value == "" else "list" if value == [] else "mapping"
        return message(f"value.empty_{kind}", lang)
    if isinstance(value, dict):
        if set(value) <= {"en", "zh"}:
            text = value.get(lang) or value.get("en") or value.get("zh") or ""
            return str(text)
        # An item is shown by its title: a bilingual one always, a plain one when the rest
        # of the item is only its identity (nothing else would be lost).
        title = value.get("title")
        if isinstance(title, dict) or isinstance(title, str) and title and \
                set(value) <= {"title", "id", "name", "key"}:
            return format_value(title, "", lang)
        sep = "；" if lang == "zh" else "; "
        colon = "：" if lang == "zh" else ": "
        return sep.join(f"{k}{colon}{format_value(v, '', lang)}" for k, v in value.items())
    if isinstance(value, list):
        sep = "、" if lang == "zh" else ", "
        return sep.join(format_value(v, unit, lang) for v in value)
    return str(value)


def short(text: str, limit: int = 120) -> str:
    """`text` cut to about `limit` characters at a word boundary, with one ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not _CJK.search(cut[-1:]):
        space = cut.rfind(" ")
        if space > limit // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:.，；：。") + "…"
