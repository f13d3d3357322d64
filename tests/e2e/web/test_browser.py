"""The web UI in a real browser (Debian's headless Chromium driven by Selenium through /usr/bin/chromedriver):
pages load with their content, links work (including one from a notify digest), filters and search work, the
unit page fits a phone, and every screenshot shows a rendered page."""
from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from services.web.urls import clause_anchor, document_url, unit_url
from tests.e2e.web.conftest import READ_TOKEN

pytestmark = pytest.mark.e2e

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")
PHONE = (390, 844)


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        reason = "chromium / chromium-driver are not installed (scripts/install-system-deps.sh installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true makes their absence a failure)")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="duban-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1200,900", "--lang=zh-CN"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture()
def signed_in(browser, web_system):
    """The browser holding the read token, as after following a link from an email."""
    browser.set_window_size(1200, 900)
    browser.get(f"{web_system.base_url}/?token={READ_TOKEN}")
    return browser


def _screenshot(driver, path: Path) -> Path:
    """Save a screenshot and check it shows something: a real PNG, and not a single flat colour."""
    from PIL import Image
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 5_000, f"{path} is suspiciously small"
    image = Image.open(io.BytesIO(path.read_bytes())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 10, f"{path} is (nearly) one colour"
    return path


def _text(driver, css: str) -> str:
    from selenium.webdriver.common.by import By
    return driver.find_element(By.CSS_SELECTOR, css).text


def _wait_for_url(driver, predicate, timeout: float = 15) -> None:
    """Clicks and submits navigate asynchronously: wait for the new page instead of racing it."""
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, timeout).until(lambda d: predicate(d.current_url))


def _all(driver, css: str) -> list:
    from selenium.webdriver.common.by import By
    return driver.find_elements(By.CSS_SELECTOR, css)


def test_without_a_token_the_browser_is_refused(browser, web_system) -> None:
    browser.delete_all_cookies()
    browser.get(web_system.base_url + "/")
    assert "需要授权" in browser.page_source


def test_overview_shows_city_statistics_and_links_to_units(signed_in, web_system, tmp_path) -> None:
    driver = signed_in
    assert _text(driver, "h1") == "督办总览"
    assert int(_text(driver, "#count-documents")) == 3
    assert int(_text(driver, "#count-tasks")) > 0
    rows = _all(driver, "#unit-stats tbody tr")
    assert len(rows) >= 10
    assert len(_all(driver, "#recent-changes tbody tr")) > 0
    _screenshot(driver, tmp_path / "overview.png")
    link = next(a for a in _all(driver, "#unit-stats a") if a.text == "衢州市数据局")
    link.click()
    _wait_for_url(driver, lambda url: "/units/" in url)
    assert _text(driver, "#unit-name") == "衢州市数据局"


def test_unit_page_counts_lights_timeline_and_filters(signed_in, web_system, tmp_path) -> None:
    from selenium.webdriver.support.ui import Select
    driver = signed_in
    driver.get(unit_url(web_system.base_url, "市数据局"))
    assert _text(driver, "#unit-name") == "衢州市数据局"
    # the examples give it two clauses of 衢政办发〔2026〕3号: one due 6月底前 (overdue on TODAY), one 年内
    assert (_text(driver, "#count-tasks"), _text(driver, "#count-overdue")) == ("2", "1")
    assert [e.text for e in _all(driver, ".task .light")] == ["已逾期", "正常"]
    dots = _all(driver, "svg.timeline circle.dot")
    assert len(dots) == 1, "only the deadline within the next 12 months is a dot"
    assert "逾期1" in _text(driver, "svg.timeline .overdue-badge")
    _screenshot(driver, tmp_path / "unit.png")

    Select(driver.find_element("name", "status")).select_by_value("overdue")
    driver.find_element("css selector", "form.filters button").click()
    _wait_for_url(driver, lambda url: "status=overdue" in url)
    assert len(_all(driver, ".task")) == 1
    assert _all(driver, ".task")[0].get_attribute("class") == "task overdue"


def test_unit_page_fits_a_phone(signed_in, web_system, tmp_path) -> None:
    driver = signed_in
    driver.set_window_size(*PHONE)
    driver.get(unit_url(web_system.base_url, "市经信局"))
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the phone screen"
    assert driver.find_element("css selector", "#timeline").size["width"] <= PHONE[0]  # the timeline scrolls inside
    _screenshot(driver, tmp_path / "unit-phone.png")


def test_a_webhook_digest_link_opens_the_clause_with_its_facts_highlighted(signed_in, web_system, tmp_path) -> None:
    """The notify service POSTs a digest for the subscribed unit; its links lead to the clause and the unit."""
    driver = signed_in
    digest = web_system.webhooks.get(timeout=30)["data"]
    assert digest["document"]["doc_number"] == "衢政办发〔2026〕3号"
    item = digest["responsibilities"][0]
    driver.get(item["url"])
    target = driver.execute_script("return document.querySelector(':target')")
    assert target is not None and target.get_attribute("id") == clause_anchor(item["clause_path"])
    assert target.find_elements("css selector", "mark.deadline")
    assert "市数据局" in [m.text for m in target.find_elements("css selector", "mark.unit")]
    _screenshot(driver, tmp_path / "document.png")

    driver.get(digest["unit_url"])
    assert _text(driver, "#unit-name") == "衢州市数据局"


def test_document_page_shows_relations(signed_in, web_system) -> None:
    driver = signed_in
    driver.get(document_url(web_system.base_url, "衢政发〔2026〕5号", "4.7"))
    assert "废止 衢政发〔2022〕9号" in _text(driver, "#relations")
    assert "衢州市人民政府" in _text(driver, "#doc-meta")
    assert driver.find_elements("css selector", "#clause-4\\.7 mark.deadline")


def test_search_box_finds_clauses_and_links_to_them(signed_in, web_system, tmp_path) -> None:
    driver = signed_in
    box = driver.find_element("css selector", "header input[name=q]")
    box.send_keys("5G基站")
    box.submit()
    _wait_for_url(driver, lambda url: "q=" in url)
    assert "1 条结果" in _text(driver, "#hit-count")
    assert [m.text for m in _all(driver, ".hit mark.match")] == ["5G基站"]
    _all(driver, ".hit a")[0].click()
    _wait_for_url(driver, lambda url: url.startswith(document_url(web_system.base_url, "衢政办发〔2026〕3号")))
    assert driver.execute_script("return document.querySelector(':target').id") == "clause-1.2"
    _screenshot(driver, tmp_path / "search-result.png")

