"""The report's layout on the bundled data, in headless Chromium: it fits a laptop (1366 px)
and a phone (390 px) without unannounced overflow, its timeline marks never overlap, dates
never break, sections fold, and it prints on A4 in fewer than 40 pages with everything shown.

One browser for the module; skipped only when Chromium or Playwright is missing. Screenshots
are written to the test's temporary folder (set POLICY_TRACKER_SCREENSHOTS to keep them).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from browsing import require_browser

from policy_tracker import api
from policy_tracker.model import RenderOptions
from policy_tracker.render import render
from policy_tracker.report import build_report

AS_OF = dt.date(2024, 1, 1)
WIDTHS = (1366, 390)

require_browser()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled data's report in English and Chinese, written to files."""
    folder = tmp_path_factory.mktemp("bundled-report")
    report = build_report(api.load_policy("cn-permanent-residence"), as_of=AS_OF)
    out = {}
    for lang in ("en", "zh"):
        path = folder / f"report.{lang}.html"
        path.write_text(render("report", "html", report, RenderOptions(lang=lang)), "utf-8")
        out[lang] = path
    return out


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go."""
    kept = os.environ.get("POLICY_TRACKER_SCREENSHOTS")
    folder = Path(kept) if kept else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser: Any, path: Path, width: int, fragment: str = "") -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(path.as_uri() + fragment, wait_until="load")
    return page


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const e of document.querySelectorAll('main *, header *, footer *')) {
    const box = e.getBoundingClientRect();
    if (!box.width || box.right <= width + 0.5) continue;
    const scroller = e.closest('.scroll');
    const announced = scroller && scroller.getAttribute('role') === 'region'
      && scroller.getAttribute('aria-label');
    if (!announced) out.push(e.tagName + ': ' + (e.textContent || '').slice(0, 40));
  }
  return out;
}"""

MARK_BOXES = """(figure) => [...document.querySelectorAll(figure + ' svg.timeline a')]
  .filter(a => a.getClientRects().length)
  .map(a => {
    const boxes = [...a.querySelectorAll('circle, text.tag')].map(e => e.getBoundingClientRect());
    return {n: a.querySelector('text.num').textContent, boxes: boxes.map(b =>
      [b.left, b.top, b.right, b.bottom])};
  })"""


def _touch(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", WIDTHS)
def test_fits_the_screen_and_marks_never_overlap(width: int, lang: str, browser: Any,
                                                 pages: dict[str, Path], shots: Path) -> None:
    page = _open(browser, pages[lang], width)
    try:
        sizes = page.evaluate("[document.documentElement.scrollWidth,"
                              " document.documentElement.clientWidth]")
        assert sizes[0] <= sizes[1], sizes
        assert page.evaluate(OVERFLOW) == []
        # the timeline figure shown at this width fits its box: nothing to scroll to
        fits = page.evaluate("""[...document.querySelectorAll('#timeline figure > div')]
            .filter(d => d.getClientRects().length)
            .map(d => [d.className, d.scrollWidth, d.clientWidth])""")
        assert len(fits) == 1 and fits[0][1] <= fits[0][2], fits
        shown = ".wide-fig" if width > 700 else ".narrow-fig"
        assert fits[0][0].split()[-1] == shown[1:]
        marks = page.evaluate(MARK_BOXES, shown)
        assert len(marks) == 15
        boxes = [(m["n"], box) for m in marks for box in m["boxes"]]
        clashes = [(n1, n2) for i, (n1, b1) in enumerate(boxes) for n2, b2 in boxes[i + 1:]
                   if n1 != n2 and _touch(b1, b2)]
        assert clashes == []
        # every mark lies inside the figure
        figure = page.evaluate(f"(() => {{ const b = document.querySelector('{shown} svg')"
                               ".getBoundingClientRect(); return [b.left, b.right]; })()")
        for m in marks:
            for box in m["boxes"]:
                assert figure[0] - 0.5 <= box[0] and box[2] <= figure[1] + 0.5, m
        page.screenshot(path=str(shots / f"report-{lang}-{width}.png"), full_page=False)
    finally:
        page.close()


def test_dates_never_break_on_a_phone(browser: Any, pages: dict[str, Path]) -> None:
    page = _open(browser, pages["en"], 390)
    try:
        # one line box each: a date broken at a hyphen would have two
        broken = page.evaluate("""[...document.querySelectorAll('.nowrap, td.date')]
            .filter(e => e.getClientRects().length)
            .filter(e => {
              const range = document.createRange();
              range.selectNodeContents(e);
              const tops = new Set([...range.getClientRects()].filter(r => r.width)
                                   .map(r => Math.round(r.top)));
              return tops.size > 1;
            })
            .map(e => e.textContent)""")
        assert broken == []
        dates = page.evaluate("document.querySelectorAll('.nowrap').length")
        assert dates > 30
    finally:
        page.close()


def test_the_first_screen_is_the_summary_and_sections_fold(browser: Any,
                                                           pages: dict[str, Path]) -> None:
    page = _open(browser, pages["en"], 1366)
    try:
        top = page.evaluate("document.querySelector('#summary').getBoundingClientRect().bottom")
        assert top <= 900, "the summary does not fit the first screen"
        assert page.locator("#summary a").count() >= 3
        # a slot for a section right after the summary: the contents follow it directly
        assert page.evaluate("document.querySelector('#summary').nextElementSibling.tagName") \
            == "NAV"
        folds = page.evaluate("""[...document.querySelectorAll('article.instrument > details')]
            .map(d => d.open)""")
        assert len(folds) == 15
        rules = page.evaluate("""[...document.querySelectorAll('#rules details')]
            .map(d => d.open)""")
        assert rules.count(False) > 10, "rules in force are not grouped in closed sections"
        # Opening a folded section by its heading shows what it holds.
        fold = page.locator("#rules details:not([open])").first.element_handle()
        inside = fold.query_selector("ul")
        assert not inside.is_visible()
        fold.query_selector("summary").click()
        assert inside.is_visible() and fold.get_attribute("open") is not None
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 40_000, height
    finally:
        page.close()


def test_a_link_to_a_folded_section_opens_it(browser: Any, pages: dict[str, Path]) -> None:
    page = _open(browser, pages["en"], 1366)
    try:
        anchor = page.evaluate("""(() => {
            const d = document.querySelector('#rules details:not([open]) li[id], '
              + '#rules details:not([open]) ol.refs li');
            return d ? d.id : ''; })()""")
        if not anchor:
            pytest.skip("no anchored item inside a folded section in this report")
        page.goto(pages["en"].as_uri() + "#" + anchor)
        assert page.locator(f"#{anchor}").is_visible()
    finally:
        page.close()


def _pdf_pages(data: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return [(float(w), float(h)) for w, h in boxes]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_prints_on_a4_in_fewer_than_40_pages(lang: str, browser: Any,
                                             pages: dict[str, Path], shots: Path) -> None:
    page = _open(browser, pages[lang], 1366)
    try:
        data = page.pdf(format="A4", display_header_footer=False)
        (shots / f"report-{lang}.pdf").write_bytes(data)
        sizes = _pdf_pages(data)
        assert 10 < len(sizes) < 40, len(sizes)
        assert all(abs(w - 595.9) < 1.5 and abs(h - 842.9) < 1.5 for w, h in sizes), sizes[:3]
        page.emulate_media(media="print")
        # contents printed; every folded section printed open; the key not clipped
        assert page.locator("nav.toc").is_visible()
        hidden = page.evaluate("""[...document.querySelectorAll('details')]
            .filter(d => !d.open)
            .flatMap(d => [...d.children].filter(c => c.tagName !== 'SUMMARY'))
            .filter(c => !c.getClientRects().length).length""")
        assert hidden == 0
        assert page.evaluate("document.querySelectorAll('details:not([open])').length") > 0
        key = page.evaluate("""[...document.querySelectorAll('ol.key li')].map(li => {
            const b = li.getBoundingClientRect(); return [b.width, b.right]; })""")
        width = page.evaluate("document.documentElement.clientWidth")
        assert len(key) == 15 and all(w > 0 and right <= width + 0.5 for w, right in key)
    finally:
        page.close()
