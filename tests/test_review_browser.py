"""The review page of a scan in headless Chromium (issue 28 §3): a click on a value scrolls the
page image to its box and highlights it; the page asks for nothing but its own folder's files and
logs no error. Chromium is driven over the DevTools pipe by docs/review_screenshot.py's
`Browser` (the one that makes docs/review.png)."""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, load_script
from test_review import FLAGGED, make_record
from test_review_pages import placed, reviewed, scan

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")]

TALL = (400, 2400)  # a page taller than the window: its lower boxes are out of sight until scrolled to


@pytest.fixture(scope="module")
def browser_class():
    return load_script(ROOT / "docs" / "review_screenshot.py").Browser


IN_PANE = """(() => {{
  const element = document.getElementById({element!r}), pane = element.closest({pane!r});
  const box = element.getBoundingClientRect(), view = pane.getBoundingClientRect();
  return {{inside: box.top >= view.top && box.bottom <= view.bottom && box.left >= view.left && box.right <= view.right,
           scrolled: pane.scrollTop, current: element.classList.contains("current")}};
}})()"""


def test_a_click_on_a_value_scrolls_to_its_box_and_highlights_it(tmp_path, browser_class):
    record = placed(make_record(str(scan(tmp_path / "scan.png", size=TALL)), **FLAGGED), page_size=TALL)
    for item in record["evidence"]["company_name"]:  # the flagged value, low on the page
        item["bbox"] = [40.0, 2200.0, 300.0, 2240.0]
    review = reviewed(tmp_path, [record])
    [page] = (review / "licences").glob("*.html")
    with browser_class(size=(1000, 600)) as browser:
        browser.open(page.as_uri())
        box_id = browser.evaluate("document.querySelector('rect.box[data-field=\"company_name\"]').id")
        mark_id = box_id.removeprefix("box-")
        before = browser.evaluate(IN_PANE.format(element=box_id, pane=".pages"))
        assert not before["inside"] and not before["current"]
        browser.click(".flags a[data-jump]")  # the flagged value, first in the record
        after = browser.evaluate(IN_PANE.format(element=box_id, pane=".pages"))
        assert after["inside"] and after["current"] and after["scrolled"] > 0
        assert browser.evaluate(IN_PANE.format(element=mark_id, pane=".text"))["inside"]
        # a click on a box leads back to its value
        other = browser.evaluate("document.querySelector('rect.box:not(.flagged)').getAttribute('data-mark')")
        browser.click("rect.box:not(.flagged)")
        assert browser.evaluate("[...document.querySelectorAll('rect.box.current')].map(r => r.id)") == [f"box-{other}"]
        assert browser.evaluate(f"document.querySelector('.record a[data-jump=\"{other}\"]').classList.contains('flash')")
        assert not browser.evaluate(IN_PANE.format(element=box_id, pane=".pages"))["current"]
        requests, errors = browser.requests, browser.errors
    assert errors == []
    assert requests and all(url.startswith((review / "licences").as_uri() + "/") for url in requests), requests
    assert any(url.endswith(".jpg") for url in requests)
