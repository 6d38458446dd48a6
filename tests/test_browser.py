"""End to end in a real headless Chromium (Debian `chromium` + `chromium-driver`, installed by
.ci/run; skipped where they are absent): the report from disk and the served app. Screenshots
go to test-artifacts/ for a person to look at."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from filrouge.config import Settings
from filrouge.store.repository import Store
from filrouge.story import load_story
from filrouge.views.report import write_report

from test_views import XSS_BODY, build_store, uncertain_story

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

webdriver = pytest.importorskip("selenium.webdriver")
if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1000",
              "--disable-gpu", "--no-first-run"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(DRIVER), options=opts)
    d.set_page_load_timeout(60)
    yield d
    d.quit()


@pytest.fixture(scope="module")
def e2e_db(tmp_path_factory, components):
    return build_store(tmp_path_factory.mktemp("e2e"), components, {"xss.txt": ("2024-03-13", XSS_BODY)})


def _ready(d):
    WebDriverWait(d, 30).until(lambda drv: drv.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")


def _errors(d):
    return [e for e in d.get_log("browser") if e["level"] == "SEVERE"]


def _shot(d, name):
    ARTEFACTS.mkdir(exist_ok=True)
    d.save_screenshot(str(ARTEFACTS / name))


def _check_story_page(d):
    events = d.find_elements(By.CSS_SELECTOR, ".event")
    assert events, "timeline rendered no event"
    assert "Claire Fontaine" in d.find_element(By.ID, "tab-timeline").text
    d.find_element(By.CSS_SELECTOR, ".event.t-dismissal").click()
    panel = d.find_element(By.ID, "panel")
    assert "licenciement de Claire Fontaine" in panel.text or "limogé Claire Fontaine" in panel.text
    assert panel.find_elements(By.TAG_NAME, "mark")
    d.find_element(By.CSS_SELECTOR, "button[data-tab=roles]").click()
    bars = d.find_elements(By.CSS_SELECTOR, "#tab-roles .bar")
    assert bars, "role chart rendered no bar"
    assert any("Claire Fontaine" in b.text for b in bars)
    bars[0].click()
    # the app sends bars without their sources and fetches them when a bar is opened
    WebDriverWait(d, 10).until(lambda drv: drv.find_element(By.ID, "panel").find_elements(By.CSS_SELECTOR, ".source"))


def _check_inert(d):
    assert d.execute_script("return window.__xss === undefined"), "injected script ran"
    d.find_element(By.CSS_SELECTOR, "button[data-tab=articles]").click()
    row = next(r for r in d.find_elements(By.CSS_SELECTOR, "#tab-articles tr.art") if "Alerte" in r.text)
    assert "<img" in row.text  # the title shows as text
    row.click()
    WebDriverWait(d, 10).until(lambda drv: "une page piégée" in drv.find_element(By.ID, "panel").text)
    panel = d.find_element(By.ID, "panel")
    assert "<script>" in panel.text and not panel.find_elements(By.TAG_NAME, "img")
    assert not panel.find_elements(By.CSS_SELECTOR, "a[href^='javascript']")
    assert d.execute_script("return window.__xss === undefined"), "injected script ran"


def test_report_in_browser(browser, e2e_db, tmp_path):
    out = tmp_path / "story.html"
    store = Store(e2e_db)
    write_report(store, load_story(store), out)
    browser.get(out.as_uri())
    _ready(browser)
    _shot(browser, "report-timeline.png")
    _check_story_page(browser)
    _shot(browser, "report-roles.png")
    _check_inert(browser)
    assert not _errors(browser)


def test_uncertain_dates_drawn_apart(browser, tmp_path):
    """A role held "by" a day (start unknown) fades in with a dashed edge; a stated start is solid.
    Estimated, month-only, year-only and undated events say so in the timeline."""
    out = tmp_path / "uncertain.html"
    write_report(Store(f"sqlite:///{tmp_path / 'empty.db'}"), uncertain_story(), out)
    browser.get(out.as_uri())
    _ready(browser)
    tl = browser.find_element(By.ID, "tab-timeline")
    assert tl.find_element(By.CSS_SELECTOR, ".event[data-date-precision=year]").text.count("1985")
    assert "May 2018 (month only)" in tl.text
    est = tl.find_element(By.CSS_SELECTOR, ".event.date-estimated")
    assert "Inès Garnier" in est.text and "≈ estimated date (publication)" in est.text
    undated = tl.find_element(By.CSS_SELECTOR, ".day.undated")
    assert "Hugo Blanc" in undated.text and "Undated (1)" in tl.text
    browser.find_element(By.CSS_SELECTOR, "button[data-tab=roles]").click()
    browser.find_element(By.XPATH, "//button[contains(., 'whole period')]").click()
    bars = {b.find_element(By.TAG_NAME, "title").get_attribute("textContent").split(":")[0]: b
            for b in browser.find_elements(By.CSS_SELECTOR, "#tab-roles .bar")}
    lea, marc = bars["Léa Roux"], bars["Marc Petit"]
    assert "start-uncertain" in lea.get_attribute("class") and lea.get_attribute("data-start") == "uncertain"
    assert "start-uncertain" not in marc.get_attribute("class") and marc.get_attribute("data-start") == "known"
    # drawn differently: the uncertain bar is masked by a gradient that starts faint, with a dashed edge
    rect = lea.find_element(By.CSS_SELECTOR, "rect")
    mask = rect.get_attribute("mask")
    assert mask and lea.find_elements(By.CSS_SELECTOR, "line.edge-uncertain")
    first_stop = browser.execute_script(
        "var m = document.querySelector(arguments[0].slice(4, -1));"
        "var g = document.getElementById(m.id + '-g'); return parseFloat(g.querySelector('stop').getAttribute('stop-opacity'));",
        mask)
    assert first_stop < 0.5
    assert not marc.find_element(By.CSS_SELECTOR, "rect").get_attribute("mask")
    assert not marc.find_elements(By.CSS_SELECTOR, "line.edge-uncertain")
    legend = browser.find_element(By.CSS_SELECTOR, "#tab-roles .legend").text
    assert "held by" in legend and "dashed" in legend
    _shot(browser, "report-uncertain-roles.png")
    assert not _errors(browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(e2e_db, components):
    import uvicorn

    from filrouge.views.web import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(Settings(db_url=e2e_db), components=components),
                                       host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(10)


def test_app_in_browser(browser, server):
    browser.get(server + "/")
    _ready(browser)
    _check_story_page(browser)
    browser.find_element(By.CSS_SELECTOR, "button[data-tab=search]").click()
    browser.find_element(By.ID, "search-q").send_keys("fronde")
    browser.find_element(By.CSS_SELECTOR, "#search-form button").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results .hit"))
    hit = browser.find_element(By.CSS_SELECTOR, "#search-results .hit")
    assert "fronde" in hit.text and hit.find_element(By.TAG_NAME, "mark").text.lower() == "fronde"
    _shot(browser, "app-search.png")
    browser.find_element(By.CSS_SELECTOR, "button[data-tab=timeline]").click()
    _check_inert(browser)
    assert not _errors(browser)
    _shot(browser, "app-article.png")
