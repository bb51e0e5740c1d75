"""What the browser tests share: Debian's headless Chromium through Playwright (the `browser`
fixture is in conftest.py), and a module-level skip with its reason when either is missing."""

from __future__ import annotations

import importlib.util
import os
import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_browser() -> None:
    """Skip the calling test module, saying why, when Chromium or Playwright is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM}", allow_module_level=True)
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("browser tests need the playwright package (pip install playwright)",
                    allow_module_level=True)
