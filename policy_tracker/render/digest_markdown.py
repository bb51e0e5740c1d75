"""A digest as Markdown, for a weekly note."""

from __future__ import annotations

from ..impactmodel import Digest
from ..model import RenderOptions
from .digestwords import digest_lines


def render_digest(digest: Digest, options: RenderOptions) -> str:
    """Heading, then one section per instrument with its change sentences as a list."""
    return "\n".join(digest_lines(digest, options.lang, markdown=True)) + "\n"
