"""A digest as plain text."""

from __future__ import annotations

from ..impactmodel import Digest
from ..model import RenderOptions
from .digestwords import digest_lines


def render_digest(digest: Digest, options: RenderOptions) -> str:
    """Heading, then one paragraph per instrument with its change sentences."""
    return "\n".join(digest_lines(digest, options.lang, markdown=False)) + "\n"
