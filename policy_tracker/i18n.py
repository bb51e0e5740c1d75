"""Reader-facing words: one message catalogue per language, looked up by key.

The catalogues are `locales/<lang>.json` (flat maps from a dotted key to a template with
`{name}` fields). A translator reviews one file per language; code picks a message by key and
fills it, never building sentences by concatenation.
"""

from __future__ import annotations

import json
from functools import cache

from .packagedata import read_package_text

LANGUAGES = ("en", "zh", "fr")
"""Languages with a catalogue; English is the fallback for a key another one lacks."""
PARTIAL = {"fr": ("openfisca.",)}
"""Languages that translate only some features (key prefixes); English fills in the rest."""


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The whole catalogue of one language (empty for a language without one)."""
    try:
        text = read_package_text("locales", f"{lang}.json")
    except FileNotFoundError:
        return {}
    data = json.loads(text)
    return {key: value for key, value in data.items() if not key.startswith("//")}


def message(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` (English when that language lacks it), filled with values."""
    template = catalogue(lang).get(key)
    if template is None:
        template = catalogue("en")[key]
    return template.format(**values) if values else template


def plural(key: str, count: int, lang: str, **values: object) -> str:
    """`key.one` for one, `key.other` otherwise (Chinese has no plural; its `.one` may say 1)."""
    form = "one" if count == 1 and f"{key}.one" in catalogue("en") else "other"
    return message(f"{key}.{form}", lang, count=count, **values)
