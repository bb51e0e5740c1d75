"""Reader-facing words: one message catalogue per language, looked up by key.

The catalogues are `locales/<lang>.json` (flat maps from a dotted key to a template with
`{name}` fields). A translator reviews one file per language; code picks a message by key and
fills it, never building sentences by concatenation.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

LANGUAGES = ("en", "zh")
"""Languages with a catalogue; English is the fallback for a key another one lacks."""


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The whole catalogue of one language (empty for a language without one)."""
    try:
        folder = resources.files(__package__).joinpath("locales")
        text = folder.joinpath(f"{lang}.json").read_text("utf-8")
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
