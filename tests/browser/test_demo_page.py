"""`practice-bot demo --html` in a real browser: headless Chromium (Debian's `chromium` and
`chromium-driver`) lays the page out at desktop and phone widths; nothing may overflow
horizontally on a phone. Screenshots go to build/screenshots/.

Off unless PRACTICE_TEST_BROWSER=1 (`.ci/run` sets it and installs Chromium when missing);
when on, a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.demo import run_demo

BROWSER_ON = os.environ.get("PRACTICE_TEST_BROWSER") == "1"
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DESKTOP = (1280, 900)
PHONE = (390, 844)
# The page's widths after layout, and the elements reaching past the device's width (a phone
# browser zooms out to fit wide content, so innerWidth alone would hide an overflow).
MEASURE = """
const w = arguments[0];
const wide = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > w + 0.5 ||
    (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
  .slice(0, 8)
  .map(e => e.tagName.toLowerCase() + '.' + e.className + ' right=' +
       Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').slice(0, 40));
return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth, wide: wide};
"""

pytestmark = pytest.mark.skipif(
    not BROWSER_ON, reason="browser tests are off (set PRACTICE_TEST_BROWSER=1)"
)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert run_demo(out / "files", stream=io.StringIO(), html=out / "demo.html") == 0
    return out / "demo.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver_path, (
        "headless Chromium is needed: apt-get install -y chromium chromium-driver (.ci/run does)"
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="practice-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def show(driver: Any, page: Path, size: tuple[int, int], *, mobile: bool) -> dict[str, Any]:
    """Load the page at a viewport of `size` (device emulation: windows have a minimum width)."""
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    driver.get(page.as_uri())
    driver.execute_script("return document.fonts.ready")
    return driver.execute_script(MEASURE, width)


def screenshot(driver: Any, name: str, size: tuple[int, int], top: float = 0) -> Path:
    """The page from `top` down, `size` big, as a PNG."""
    width, height = size
    clip = {"x": 0, "y": top, "width": width, "height": height, "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def test_demo_page_lays_out_block_kit_on_a_desktop(page: Path, browser: Any) -> None:
    measured = show(browser, page, DESKTOP, mobile=False)
    assert measured["wide"] == []
    assert measured["inner"] == DESKTOP[0] and measured["scroll"] <= DESKTOP[0], measured
    found = browser.execute_script(
        """return {
          modals: document.querySelectorAll('.modal:not(.home)').length,
          home: document.querySelectorAll('.modal.home').length,
          radios: document.querySelectorAll('.options .radio').length,
          buttons: document.querySelectorAll('.actions .button').length,
          code: document.querySelectorAll('pre').length,
          quotes: document.querySelectorAll('blockquote').length,
          chart: [...document.querySelectorAll('img')].filter(
            i => i.naturalWidth > 100 && i.alt.length > 20).length,
        }"""
    )
    assert found["modals"] >= 4 and found["home"] == 2, found
    assert found["radios"] >= 5 and found["buttons"] >= 4, found
    assert found["code"] >= 1 and found["quotes"] >= 2 and found["chart"] == 1, found
    assert screenshot(browser, "demo-desktop.png", (DESKTOP[0], 1600)).stat().st_size > 10_000
    # A reviewer's DM and the scoring modal, the part of the page the README shows.
    top = browser.execute_script(
        "return [...document.querySelectorAll('h2')].find(h => h.textContent.includes("
        "'skeptic reviewers')).getBoundingClientRect().top + window.scrollY - 8"
    )
    assert screenshot(browser, "demo-review.png", (DESKTOP[0], 1400), top).stat().st_size > 10_000


def test_demo_page_fits_a_phone_without_horizontal_scrolling(page: Path, browser: Any) -> None:
    measured = show(browser, page, PHONE, mobile=True)
    assert measured["wide"] == []
    assert measured["inner"] == PHONE[0] and measured["scroll"] <= PHONE[0], measured
    assert screenshot(browser, "demo-phone.png", PHONE).stat().st_size > 10_000
