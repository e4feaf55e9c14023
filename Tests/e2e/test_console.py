"""The oversight console in a real headless Chromium (Debian's chromium + chromium-driver, driven by selenium):
sign in, browse every main page on simulated data, follow a person to a session and an event to its proof, export
CSV, find one's own page views as custos.read events, role checks, CSRF refusals, logout, and the sign-in redirect.
Screenshots of the main pages are written to the directory in CUSTOS_SCREENSHOTS (`CUSTOS_SCREENSHOTS=docs/screenshots`
refreshes the README's), or else to a temporary directory, so a test run leaves the checkout unchanged."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import requests

from conftest import Server, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
try:
    import selenium  # noqa: F401
    HAVE_SELENIUM = True
except ImportError:
    HAVE_SELENIUM = False

SHOTS = (
    Path(os.environ["CUSTOS_SCREENSHOTS"]).resolve()
    if os.environ.get("CUSTOS_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "custos-screenshots"
)
PASSWORD = "console e2e password"
PAGES = ["/", "/people", "/datasets", "/search", "/subjects", "/ledger", "/rules", "/admin/accounts",
         "/people/officer-0001", "/sessions/x", "/events/1", "/search.csv", "/subjects/report.json?subject=p",
         "/ledger/verify/status"]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    root = tmp_path_factory.mktemp("console")
    sim = root / "sim"
    data = root / "data"
    run_cli("simulate", "--officers", "12", "--days", "4", "--seed", "5", "--out", str(sim), check=True,
            timeout=300)
    run_cli("ingest", str(sim / "events.ndjson"), "--data", str(data), check=True, timeout=600)
    events = [json.loads(line) for line in (sim / "events.ndjson").read_text().splitlines()[:5000]]
    officers = {}
    for e in events:
        a = e["actor"]
        if a.get("org") and a["id"].startswith("officer-") and a.get("session"):
            officers.setdefault(a["org"], a["id"])
    units = sorted(officers)
    assert len(units) >= 2, units
    accounts = [("priv", "privacy-officer", "overseer-priv", []), ("aud", "auditor", "overseer-aud", []),
                ("adm", "admin", "overseer-adm", []), ("sup", "supervisor", "overseer-sup", [units[0]])]
    for name, role, actor, ous in accounts:
        args = ["users", "add", "--data", str(data), "--username", name, "--role", role, "--actor", actor]
        for ou in ous:
            args += ["--org-unit", ou]
        run_cli(*args, input=PASSWORD + "\n", check=True, timeout=60)
    p = run_cli("users", "list", "--data", str(data), check=True)
    assert "priv\tprivacy-officer\toverseer-priv" in p.stdout
    assert "$2" not in p.stdout
    server = Server(data).start()
    yield {"server": server, "own": officers[units[0]], "other": officers[units[1]], "data": data}
    server.stop()


def session_for(server: Server, username: str) -> requests.Session:
    s = requests.Session()
    r = s.post(server.url + "/login", data={"username": username, "password": PASSWORD, "next": "/"},
               allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text
    assert "HttpOnly" in r.headers["Set-Cookie"] and "SameSite=Strict" in r.headers["Set-Cookie"]
    return s


def test_every_page_without_a_session_redirects_to_sign_in(deployment):
    server = deployment["server"]
    for path in PAGES:
        r = requests.get(server.url + path, allow_redirects=False, timeout=30)
        assert r.status_code == 303, path
        assert r.headers["Location"].startswith("/login?next="), path
    assert requests.get(server.url + "/login", timeout=30).status_code == 200
    assert requests.get(server.url + "/health", timeout=30).status_code == 200
    assert requests.get(server.url + "/checkpoint", timeout=30).status_code == 200


def test_csrf_is_required_on_every_post(deployment):
    server = deployment["server"]
    s = session_for(server, "priv")
    assert s.post(server.url + "/ledger/verify", data={}, allow_redirects=False, timeout=30).status_code == 403
    r = s.post(server.url + "/ledger/verify", data={"csrf": "0" * 64}, allow_redirects=False, timeout=30)
    assert r.status_code == 403
    page = s.get(server.url + "/ledger", timeout=30).text
    token = page.split('name="csrf" value="')[1].split('"')[0]
    r = s.post(server.url + "/ledger/verify", data={"csrf": token}, headers={"Origin": "http://evil.example"},
               allow_redirects=False, timeout=30)
    assert r.status_code == 403
    assert s.post(server.url + "/logout", data={"csrf": "x"}, allow_redirects=False, timeout=30).status_code == 403
    r = s.post(server.url + "/ledger/verify", data={"csrf": token}, allow_redirects=False, timeout=30)
    assert r.status_code == 302


def test_role_checks(deployment):
    server = deployment["server"]
    sup = session_for(server, "sup")
    assert sup.get(server.url + "/people/" + deployment["own"], timeout=30).status_code == 200
    r = sup.get(server.url + "/people/" + deployment["other"], timeout=30)
    assert r.status_code == 403 and "not in an org unit you oversee" in r.text
    assert sup.get(server.url + "/search?actor=x", timeout=30).status_code == 403
    aud = session_for(server, "aud")
    assert aud.get(server.url + "/admin/accounts", timeout=30).status_code == 403
    assert aud.get(server.url + "/ledger", timeout=30).status_code == 200
    adm = session_for(server, "adm")
    r = adm.get(server.url + "/admin/accounts", timeout=30)
    assert r.status_code == 200 and "overseer-sup" in r.text


def test_wrong_password_is_refused(deployment):
    r = requests.post(deployment["server"].url + "/login", data={"username": "adm", "password": "nope"},
                      allow_redirects=False, timeout=30)
    assert r.status_code == 401
    assert "Set-Cookie" not in r.headers


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER and HAVE_SELENIUM):
        pytest.skip("headless Chromium tests need Debian's chromium and chromium-driver and Python's selenium "
                    "(.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--disable-gpu"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return Math.min(document.body.scrollHeight, 2400)")
    driver.set_window_size(1280, max(800, height + 160))  # the window includes the browser's own frame
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    driver.set_window_size(1280, 1000)


def heading(driver, predicate=lambda text: True, timeout: float = 20) -> str:
    """Waits until the page's h1 satisfies `predicate` (riding out the navigation that makes elements stale)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = driver.find_element(By.TAG_NAME, "h1").text
            if predicate(last):
                return last
        except (StaleElementReferenceException, NoSuchElementException):
            pass
        except WebDriverException as e:
            # Chromium's form of a stale element while the next page replaces the document.
            if "does not belong to the document" not in str(e):
                raise
        time.sleep(0.1)
    raise AssertionError(f"heading {last!r} never matched")


def wait(driver, seconds: float):
    """A WebDriverWait that rides out the navigation under way: an element gone stale (or, in Chromium's words, a
    node that "does not belong to the document") is looked up again until the time is up."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, ignored_exceptions=(WebDriverException,))


def sign_in(driver, server: Server, username: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(server.url + "/")
    assert "/login" in driver.current_url
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    heading(driver, lambda t: t == "Overview")


def test_browse_the_console(deployment, browser):
    from selenium.webdriver.common.by import By

    server = deployment["server"]
    d = browser
    d.get(server.url + "/")
    shot(d, "signin")
    sign_in(d, server, "priv")
    assert d.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar"), "the overview has no activity bars"
    assert "valid" in d.find_element(By.CSS_SELECTOR, ".facts").text
    shot(d, "overview")

    # A person, one of their sessions, an event of it and its inclusion proof.
    d.find_element(By.LINK_TEXT, "People").click()
    heading(d, lambda t: t == "People")
    shot(d, "people")
    d.get(server.url + "/people/" + deployment["own"])
    assert d.find_elements(By.CSS_SELECTOR, "ol.timeline li a")
    shot(d, "person")
    d.find_element(By.CSS_SELECTOR, "ol.timeline li a").click()
    heading(d, lambda t: t.startswith("Session "))
    rows = d.find_elements(By.CSS_SELECTOR, "table.events tbody tr")
    assert len(rows) >= 1
    shot(d, "session")
    d.find_element(By.CSS_SELECTOR, "table.events tbody tr td a").click()
    heading(d, lambda t: t.startswith("Event "))
    proof = wait(d, 20).until(lambda drv: drv.find_elements(By.ID, "proof-json") or
                                       (drv.refresh() or None))
    doc = json.loads(proof[0].text)
    assert doc["inclusion_proof"]["tree_size"] > 0 and doc["leaf_hash"]
    shot(d, "event-proof")

    # Datasets and drill-down to events.
    d.find_element(By.LINK_TEXT, "Datasets").click()
    heading(d, lambda t: t == "Datasets")
    shot(d, "datasets")
    d.find_element(By.CSS_SELECTOR, "table tbody tr td a").click()
    heading(d, lambda t: t.startswith("Dataset "))
    shot(d, "dataset")
    d.find_element(By.LINK_TEXT, "events").click()
    heading(d, lambda t: t == "Search")
    assert d.find_elements(By.CSS_SELECTOR, "table.events tbody tr td a")

    # Search, and its CSV export (fetched with the browser's session cookie).
    d.get(server.url + "/search")
    d.find_element(By.ID, "f-actor").send_keys(deployment["own"])
    d.find_element(By.ID, "f-limit").send_keys("20")
    d.find_element(By.CSS_SELECTOR, "form.grid button[type=submit]").click()
    wait(d, 20).until(lambda drv: "Export this page" in drv.find_element(By.TAG_NAME, "main").text)
    assert len(d.find_elements(By.CSS_SELECTOR, "table.events tbody tr")) == 20
    shot(d, "search")
    csv_link = d.find_element(By.PARTIAL_LINK_TEXT, "Export this page as CSV").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in d.get_cookies()}
    r = requests.get(csv_link, cookies=cookies, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    lines = r.text.strip().splitlines()
    assert lines[0].startswith("seq,time,actor") and len(lines) == 21
    assert all(f",{deployment['own']}," in line for line in lines[1:])

    # A subject report and its JSON bundle with proofs.
    subject = next(s for e in (json.loads(x) for x in open(Path(deployment["data"]).parent / "sim" / "events.ndjson"))
                   for s in e.get("subjects", []))
    d.get(server.url + "/subjects")
    d.find_element(By.ID, "subject").send_keys(subject)
    d.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    heading(d, lambda t: t == f"Access to the data of {subject}")
    assert d.find_elements(By.CSS_SELECTOR, "table tbody tr td a")
    shot(d, "subject-report")
    bundle = d.find_element(By.PARTIAL_LINK_TEXT, "JSON bundle").get_attribute("href")
    doc = requests.get(bundle, cookies=cookies, timeout=60).json()
    assert doc["subject"] == subject and doc["checkpoint"]["note"] and doc["verifier_key"]
    assert all(subject in e["subjects"] for e in doc["events"])

    # The ledger: verify now, with progress polled until it passes.
    d.find_element(By.LINK_TEXT, "Ledger").click()
    heading(d, lambda t: t == "Ledger")
    d.find_element(By.CSS_SELECTOR, "#verify-form button").click()
    wait(d, 60).until(lambda drv: "Passed" in drv.find_element(By.ID, "verify-status").text)
    shot(d, "ledger")

    d.find_element(By.LINK_TEXT, "Rules & policies").click()
    heading(d, lambda t: t == "Rules & policies")
    assert len(d.find_elements(By.CSS_SELECTOR, "table tbody tr")) >= 10
    shot(d, "rules")

    # Our own page views are in the ledger as custos.read events of our actor.
    d.get(server.url + "/search?actor=overseer-priv&action=custos.read&limit=100")
    views = [r.text for r in d.find_elements(By.CSS_SELECTOR, "table.events tbody tr")]
    assert len(views) >= 8, views
    assert all("custos.read" in v and "overseer-priv" in v for v in views)

    # Keyboard: the skip link is the first focusable element and leads to the main content.
    from selenium.webdriver.common.keys import Keys
    d.get(server.url + "/")
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert d.switch_to.active_element.text == "Skip to content"

    # Logout ends the session: every page redirects to sign-in again.
    d.find_element(By.CSS_SELECTOR, "form.signout button").click()
    heading(d, lambda t: t == "Sign in")
    assert "/login" in d.current_url
    d.get(server.url + "/ledger")
    assert "/login" in d.current_url


def test_roles_in_the_browser(deployment, browser):
    from selenium.webdriver.common.by import By

    server = deployment["server"]
    d = browser
    sign_in(d, server, "sup")
    nav = d.find_element(By.CSS_SELECTOR, "nav").text
    assert "People" in nav and "Search" not in nav and "Accounts" not in nav
    d.get(server.url + "/people/" + deployment["other"])
    assert "not in an org unit you oversee" in d.find_element(By.TAG_NAME, "main").text
    sign_in(d, server, "aud")
    d.get(server.url + "/admin/accounts")
    assert "may not open this page" in d.find_element(By.TAG_NAME, "main").text
    sign_in(d, server, "adm")
    d.get(server.url + "/admin/accounts")
    shot(d, "accounts")
