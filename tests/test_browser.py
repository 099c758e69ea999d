"""Real headless Chromium against `python build.py serve` and the built documentation site."""
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import ROOT

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
pytestmark = pytest.mark.browser


def running(command, env=None):
    """Start a server command with {port} filled in; yield its URL once it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([part.format(port=port) for part in command], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(built):
    env = {"CERTDATA_ROOT": str(built), "PATH": f"{sys.prefix}/bin:/usr/bin:/bin"}
    yield from running([sys.executable, str(ROOT / "build.py"), "serve", "--port", "{port}"], env)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    assert shutil.which("chromium"), "Debian's chromium is required: `make test` installs it"
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True,
                                                       args=FLAGS, ignore_default_args=["--headless=new"])
        yield context
        context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    page.close()


def test_search_officer_agency_path_with_the_mouse(page, server):
    page.goto(server + "/")
    page.fill("#q", "Zyzzyva, Quentin")
    page.click("button[type=submit]")
    page.click("a.officer-link:has-text('Zyzzyva, Quentin')")
    assert "Licence status" in page.content()
    assert "What is not published here, and why" in page.content()
    page.click("a.agency-link")
    assert page.locator("table.status-counts").is_visible()
    assert "Quillfeather County Sheriff" in page.title()



def test_back_to_a_search_shows_the_state_it_was_made_with(page, server):
    """A new user's walk (phone): search, choose a state, search, press Back: the results of every state showed
    under "Massachusetts" in the state menu, and the next search typed there looked in Massachusetts alone."""
    page.goto(server + "/search?q=zyzzyva")
    assert page.input_value("select[name=state]") == ""
    state = page.eval_on_selector("select[name=state] option:nth-child(2)", "o => o.value")
    page.select_option("select[name=state]", state)
    page.fill("#q", "changed")
    page.click("button[type=submit]")
    page.wait_for_url(f"**state={state}**")
    page.go_back()
    page.wait_for_load_state("load")
    assert page.input_value("select[name=state]") == "" and page.input_value("#q") == "zyzzyva"
    page.go_forward()
    page.wait_for_load_state("load")
    assert page.input_value("select[name=state]") == state and page.input_value("#q") == "changed"
    # a page restored whole from the browser's page cache (phones do it; this browser does not here) is told so
    # by a pageshow event that is "persisted": its forms go back to what the page was made with
    page.select_option("select[name=state]", "")
    page.evaluate("dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    assert page.input_value("select[name=state]") == state

def press_tab_until(page, selector, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"keyboard focus never reached {selector}")


def test_the_same_path_works_with_the_keyboard_alone(page, server):
    page.goto(server + "/")
    press_tab_until(page, "input#q")  # the search box is not autofocused: focus would skip the skip link
    page.keyboard.type("smith-jones alexandra")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?**")
    page.wait_for_load_state("load")  # tabs pressed while the page is still loading are lost
    press_tab_until(page, "a.officer-link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/officer/mo/**")
    assert "permanent" in page.content()


def test_revoked_officer_page_says_decertification_is_permanent(page, server):
    page.goto(server + "/search?q=st+john+theodore")
    page.click("a.officer-link")
    page.click("section.not-published summary")  # the list of what is not published is collapsed
    text = page.inner_text("body")
    assert "Surrendered" in text and "decertified" in text and "permanent" in text
    assert "RSMo 590.180" in text


def test_hostile_names_stay_inert_on_every_page(page, server):
    for query in ("evil", "hostile"):
        page.goto(server + f"/search?q={query}")
        page.click("a.officer-link")
        page.click("a.agency-link")
        page.goto(server + f"/certification/mo_officers?_search={query}")
        page.goto(server + f"/certification/people?_search={query}")
    assert page.dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"


@pytest.fixture(scope="module")
def docs_server(built):
    yield from running([sys.executable, "-m", "http.server", "{port}", "--bind", "127.0.0.1",
                        "--directory", str(built / "site")])


def test_docs_site_explains_dates_of_birth_in_two_clicks_without_third_party_requests(page, docs_server):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(docs_server + "/")
    page.click("article a:has-text('what the law lets us publish')")
    assert "date of birth" in page.inner_text("article").lower()
    page.goto(docs_server + "/resources/mo_officers/")
    page.goto(docs_server + "/mo-post-figures/")
    hosts = {r.split("/")[2] for r in requests if r.startswith("http")}
    assert hosts == {docs_server.split("/")[2]}, hosts
    assert page.dialogs == []


def test_hostile_names_are_inert_on_the_documentation_site(page, tmp_path):
    from certdata import pipeline

    from .conftest import make_package
    from .test_changes import edit_officers
    root = make_package(tmp_path / "pkg")
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))

    def revoke_hostile(rows):
        for row in rows:
            if row["officer_name"].startswith(("<script>", '"><img')):
                row["license_status"] = "Revoked"
        return rows
    edit_officers(root, revoke_hostile)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    changes = (root / "site" / "changes" / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in changes and "<script>alert(1)" not in changes
    for path in ("changes/index.html", "resources/mo_officers/index.html", "index.html"):
        page.goto((root / "site" / path).as_uri())
    assert page.dialogs == []
    feed = (root / "site" / "feeds" / "decertifications.xml").read_text()
    assert "<script>" not in feed and "&lt;script&gt;" in feed


def test_at_phone_width_the_closed_navigation_takes_no_tab_stop_and_its_button_opens_it(page, docs_server):
    """A walk after the sixteenth: at phone width, Tab went through some thirty links of the closed (invisible)
    navigation drawer before the page's content, and its menu button, a label, took no focus at all."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(docs_server + "/methodology/")
    where = ("() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
             " return [!!e.closest('.md-sidebar--primary'), r.right > 0 && r.left < innerWidth && r.width > 0,"
             " e.matches(\"label[for='__drawer']\"), e.outerHTML.slice(0, 80), [r.left, r.right, r.width]] }")
    stops = []
    for _ in range(25):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(where))
    assert not [s for s in stops if s[0]], "a Tab stop inside the closed drawer"
    assert all(s[1] for s in stops), ("a Tab stop that is not on the screen", [s for s in stops if not s[1]])
    page.goto(docs_server + "/methodology/")
    press_tab_until(page, "label[for='__drawer']")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert page.evaluate("document.getElementById('__drawer').checked")
    reached = []
    for _ in range(12):  # the drawer's own links come next, on the screen
        page.keyboard.press("Tab")
        reached.append(page.evaluate(where))
    assert any(s[0] and s[1] for s in reached), reached
    assert all(s[1] for s in reached), reached


def test_at_phone_width_no_facet_count_is_split_over_two_lines(page, server):
    """A walk after the twentieth: at 390 pixels a facet's count "32" broke into "3" and "2" on two lines (Datasette
    breaks a facet's line at any letter, its long values' and its counts' alike) and read as 3."""
    page.set_viewport_size({"width": 390, "height": 844})
    split = ("() => [...document.querySelectorAll('.facet-info li')].map(li => {"
             " const nodes = [...li.childNodes].filter(n => /[0-9]/.test(n.textContent) && !n.querySelector?.('a'));"
             " const count = nodes.filter(n => n.nodeName !== 'A').pop(); if (!count) return null;"
             " const r = document.createRange(); r.selectNodeContents(count);"
             " const lines = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));"
             " return [li.textContent.trim().slice(-40), lines.size] }).filter(x => x)")
    seen = 0
    for path in ("/certification/request_items", "/certification/mo_post_measures", "/certification/requests"):
        page.goto(server + path)
        counts = page.evaluate(split)
        seen += len(counts)
        assert not [c for c in counts if c[1] > 1], (path, [c for c in counts if c[1] > 1])
    assert seen > 5
