"""The report's fixed phrases: `report.<key>` in the message catalogue (`locales/<lang>.json`)."""

from __future__ import annotations

from ..i18n import catalogue, message


def say(key: str, lang: str, **values: str) -> str:
    """A fixed phrase of the report in `lang`, with `{name}` fields filled in.

    Words the other renderers share (status names, "track", …) are `word.<key>`."""
    name = f"report.{key}" if f"report.{key}" in catalogue("en") else f"word.{key}"
    return message(name, lang, **values)
