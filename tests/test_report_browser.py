"""The HTML report in a real browser (headless Chromium): it loads nothing but itself, logs
nothing, has its headings, marks and sections, fits a phone screen and is not blank.

One browser for the module, a few pages; skipped only when Chromium or Playwright is missing.
"""

from __future__ import annotations

import base64
import datetime as dt
import struct
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from browsing import require_browser

from policy_tracker import api
from policy_tracker.model import RenderOptions
from policy_tracker.render import render
from policy_tracker.report import build_report

SAMPLE = Path(__file__).resolve().parent / "data" / "sample"

require_browser()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample report in English and Chinese, written to files."""
    folder = tmp_path_factory.mktemp("report")
    policy = api.load_policy("example-residence", str(SAMPLE))
    report = build_report(policy, as_of=dt.date(2023, 6, 30))
    out = {}
    for lang in ("en", "zh"):
        path = folder / f"report.{lang}.html"
        path.write_text(render("report", "html", report, RenderOptions(lang=lang)), "utf-8")
        out[lang] = path
    return out


def open_page(browser: Any, path: Path, width: int,
              height: int = 900) -> tuple[Any, dict[str, list[str]]]:
    """A page at `width` with the report loaded, and what it logged and requested."""
    page = browser.new_page(viewport={"width": width, "height": height})
    seen: dict[str, list[str]] = {"requests": [], "failed": [], "console": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    return page, seen


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def colours(browser: Any, data: bytes) -> int:
    """How many colours a PNG has (up to 64), counted on a canvas in a blank page."""
    page = browser.new_page()
    try:
        return int(page.evaluate("""async (b64) => {
            const img = new Image();
            img.src = "data:image/png;base64," + b64;
            await img.decode();
            const canvas = document.createElement("canvas");
            canvas.width = img.width; canvas.height = img.height;
            const ctx = canvas.getContext("2d");
            ctx.drawImage(img, 0, 0);
            const px = ctx.getImageData(0, 0, img.width, img.height).data;
            const seen = new Set();
            for (let i = 0; i < px.length && seen.size < 64; i += 4) {
                seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
            }
            return seen.size;
        }""", base64.b64encode(data).decode("ascii")))
    finally:
        page.close()


def check_screenshot(browser: Any, page: Any, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    width, height = png_size(data)
    assert width == page.viewport_size["width"] and height > 1000
    assert len(data) > 20_000
    assert colours(browser, data) > 8, "the screenshot is (nearly) one colour"


def test_desktop_english(browser: Any, pages: dict[str, Path], tmp_path: Path) -> None:
    page, seen = open_page(browser, pages["en"], 1280)
    try:
        assert seen["requests"] == [pages["en"].as_uri()]
        assert seen["failed"] == seen["console"] == seen["errors"] == []
        assert page.locator("h1").inner_text() == "Example long-term residence"
        h2 = page.locator("main h2").all_inner_texts()
        assert h2 == ["At a glance", "Contents", "Effects register", "Overview", "Timeline",
                      "Instruments and their changes", "Numbers over time",
                      "Rules in force on 2023-06-30"]
        levels = page.evaluate(
            "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
        assert all(b - a <= 1 for a, b in pairwise(levels)), levels
        marks = page.locator(".wide-fig svg.timeline a.mark")
        sections = page.locator("article.instrument")
        assert marks.count() == sections.count() == 5
        for i in range(5):
            target = marks.nth(i).get_attribute("href")
            assert page.locator(f"article{target}").count() == 1
            assert marks.nth(i).locator("title").count() == 1
        draft = page.locator(".wide-fig svg.timeline a.mark.draft")
        assert draft.count() == 1 and draft.locator("text.tag").text_content() == "draft"
        assert page.locator("article.not-law .notlaw").inner_text() == \
            "proposed (draft, never law)"
        assert page.locator("svg.chart[role=img] title").count() == 5
        check_screenshot(browser, page, tmp_path / "desktop-en.png")
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_phone_width_has_no_horizontal_overflow(lang: str, browser: Any,
                                                pages: dict[str, Path], tmp_path: Path) -> None:
    page, seen = open_page(browser, pages[lang], 375, 740)
    try:
        assert seen["requests"] == [pages[lang].as_uri()]
        assert seen["failed"] == seen["console"] == seen["errors"] == []
        assert page.evaluate("document.documentElement.lang") == lang
        widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth,"
                               " document.documentElement.clientWidth]")
        assert widths[0] <= widths[2] and widths[1] <= widths[2], widths
        # Text blocks stay inside the screen; only the timeline figure scrolls, in its box.
        wide = page.evaluate("""[...document.querySelectorAll('p, li, td, dd, h1, h2, h3, h4')]
            .filter(e => !e.closest('.scroll'))
            .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
            .map(e => e.tagName + ': ' + e.textContent.slice(0, 40))""")
        assert wide == []
        check_screenshot(browser, page, tmp_path / f"phone-{lang}.png")
    finally:
        page.close()
