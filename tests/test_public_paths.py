"""A member of the public on a phone and a reporter at a desk, in real headless Chromium, against
`python build.py serve` (the Datasette and, under /docs/, the documentation): complete lists,
officer pages, one connected site, no page wider than the screen, and an axe-core check.
Screenshots go to build/screenshots/ (git-ignored)."""
import html.parser
import json
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

from certdata import disclosure

from .conftest import ROOT
from .test_browser import browser, playwright, server  # noqa: F401 (playwright: skip without it; the fixtures)

pytestmark = pytest.mark.browser
SHOTS = ROOT / "build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def site(request):
    """The same served release as the browser tests' (``build.py serve``: Datasette and the docs)."""
    return request.getfixturevalue("server")


@pytest.fixture(scope="module")
def db(built):
    conn = sqlite3.connect(f"file:{built / 'site' / 'downloads' / 'certification.db'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def chromium(request):
    """The browser tests' headless chromium (one fresh profile per module)."""
    return request.getfixturevalue("browser")


@pytest.fixture(params=list(SIZES))
def page(request, chromium):
    page = chromium.new_page()
    page.set_viewport_size(SIZES[request.param])
    page.size = request.param
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    page.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.size}.png"), full_page=True)


def overflow(page):
    """How many pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def serious_violations(page):
    """axe-core's serious and critical violations, and a heading that skips a level (axe rates it
    moderate, but a screen-reader user navigating by headings lands in the wrong place)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
            if v["impact"] in ("serious", "critical") or v["id"] == "heading-order"]


def officers_through_the_pages(page):
    """The officer ids of a paged decertified list, following "next" to its last page."""
    seen = []
    while True:
        seen += [href.rsplit("/", 1)[1] for href in page.eval_on_selector_all(
            "table.decertified a.officer-link", "links => links.map(a => a.getAttribute('href'))")]
        following = page.locator("nav.paging a.next-page").first
        if not following.count():
            return seen
        following.click()


def test_a_reporter_lists_every_decertified_officer(page, site, db):
    page.goto(site + "/")
    page.click("header a:has-text('Decertified officers')")
    assert page.url.endswith("/decertified")
    text = page.inner_text("main")
    for status in db.execute("select * from mo_license_statuses where decertified = 1"):
        assert status["meaning"] in text and disclosure.inner_quotes(status["agency_words"]) in text
    shot(page, "decertified")
    expected = [r["row_id"] for r in db.execute("select row_id from mo_decertified_officers order by officer_name, row_id")]
    seen = officers_through_the_pages(page)
    assert seen == expected
    page.click("table.decertified a.officer-link >> nth=0")
    assert "/officer/mo/" in page.url and "Licence status" in page.inner_text("main")


def test_the_decertified_list_is_one_tap_away_labels_its_details_and_says_what_a_download_holds(page, site, db):
    """A new user's walk: on a phone the list began three screens down, under the status meanings; a card's
    "Details: unknown" read as details unknown (it is the licence class); and after finding a name, "Download
    every officer of this list" gave the whole list, not the matches."""
    page.goto(site + "/decertified")
    page.click("a:has-text('Go to the list of officers')")
    assert page.url.endswith("#officers")
    assert page.evaluate("document.getElementById('officers').getBoundingClientRect().top") < 100
    assert page.inner_text("table.decertified tbody tr >> nth=0").count("licence class: ") == 1
    page.goto(site + "/decertified?q=a")
    text = page.inner_text("main")
    assert "Download the whole list" in text and "not only those whose name or agency holds “a”" in text


def test_a_reporter_finds_a_name_or_an_agency_in_the_decertified_list(page, site, db):
    """The walk: 17 pages of 100 cards on a phone and no way to find a name in them. The list's own
    filter keeps every officer whose name or agency holds each word typed, paged, and says how many."""
    first = db.execute("select o.officer_name, a.agency_name from mo_decertified_officers o "
                       "left join agencies a on a.agency_id = o.agency_id order by o.officer_name limit 1").fetchone()
    word = first["officer_name"].split(",")[0].split()[-1].lower()
    expected = sorted(r[0] for r in db.execute(
        "select o.row_id from mo_decertified_officers o left join agencies a on a.agency_id = o.agency_id "
        "where instr(lower(o.officer_name || ' ' || coalesce(a.agency_name, '')), ?) > 0", [word]))
    assert expected
    page.goto(site + "/decertified")
    assert page.locator("#list-q").bounding_box()["y"] < 2 * SIZES[page.size]["height"]  # near the top, not after the meanings
    page.fill("#list-q", word.upper())
    page.press("#list-q", "Enter")
    assert f"({len(expected):,})" in page.inner_text("h2#officers")
    seen = officers_through_the_pages(page)
    assert sorted(seen) == expected
    shot(page, "decertified-filtered")
    page.goto(site + "/decertified?q=zzqqxx-no-one")
    assert "No officer of this list has" in page.inner_text("main") and "None." not in page.inner_text("main")
    assert page.locator("p.no-results a[href^='/search?q=']").count() == 1
    assert page.locator("table.decertified").count() == 0  # no empty table under it (a walk: a header over nothing)


def test_the_decertified_downloads_hold_every_row(site, db):
    total = db.execute("select count(*) from mo_decertified_officers").fetchone()[0]
    data = urllib.request.urlopen(site + "/decertified.csv").read()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == total + 1
    rows = json.loads(urllib.request.urlopen(site + "/decertified.json").read())
    assert len(rows) == total
    # the officer page is a full URL, which a spreadsheet or a script can follow away from the site
    page = rows[0]["officer_page"]
    assert page.startswith(site + "/officer/") and urllib.request.urlopen(page).status == 200


def test_an_agency_page_pages_through_every_officer_and_quotes_post(page, site, db):
    agency, total = db.execute("select agency_id, count(*) from mo_officers where agency_id is not null "
                               "group by 1 order by 2 desc limit 1").fetchone()
    words = db.execute("select agency_words from request_items where our_field = 'mo_officers.agency_id'").fetchone()[0]
    page.goto(site + f"/agency/{agency}")
    assert words in page.inner_text("main") and "if any, at the current time" in words
    shot(page, "agency")
    seen = 0
    while True:
        seen += page.locator("ul.officers a.officer-link").count()
        following = page.locator("nav.paging a.next-page").first
        if not following.count():
            break
        following.click()
    assert seen == total


def test_officer_pages_say_the_status_in_plain_words_with_source_and_date(page, site, db):
    officer = db.execute("select o.row_id, s.meaning, s.agency_words from mo_officers o join mo_license_statuses s "
                         "using (license_status) where s.decertified = 1 limit 1").fetchone()
    page.goto(site + f"/officer/mo/{officer['row_id']}")
    text = page.inner_text("main")
    assert officer["meaning"] in text and disclosure.inner_quotes(officer["agency_words"]) in text
    assert "synthetic sample, not a release" in text
    box = page.locator("section.not-published details").first
    assert box.get_attribute("open") is None  # collapsed until asked for
    shot(page, "officer-mo")
    withheld = [r[0] for r in db.execute("select element from request_items where request_id = 'mo-post-2023-01-03' "
                                         "and coalesce(our_field, '') = ''")]
    items = page.eval_on_selector_all("section.not-published li > span.element", "items => items.map(li => li.textContent)")
    assert len(items) == len(set(items)) and all(item.split(":")[0] in withheld for item in items)


def test_the_massachusetts_page_lists_as_not_published_only_what_we_do_not_publish(page, site, db):
    acadis = db.execute("select acadis_id from ma_training limit 1").fetchone()[0]
    page.goto(site + f"/officer/ma/{acadis}")
    published = {r[0] for r in db.execute("select element from request_items where request_id = 'ma-mptc-2023-0293' "
                                          "and coalesce(our_field, '') != ''")}
    items = page.eval_on_selector_all("section.not-published li > span.element", "items => items.map(li => li.textContent)")
    assert items and not [i for i in items if i.split(":")[0] in published]
    assert len(items) == len(set(items))
    shot(page, "officer-ma")
    # an agency's reply that was not its last word is not shown as what became of the element
    interim = [r[0] for r in db.execute("select element from request_items where request_id = 'ma-mptc-2023-0293' "
                                        "and coalesce(our_field, '') = '' and agency_words != '' "
                                        "and note like '%final outcome is not stated in the record%'")]
    box = page.evaluate("document.querySelector('section.not-published').textContent")
    assert interim
    for element in interim:
        group = box[box.rindex("Our note", 0, box.index(element)):box.index(element)]
        assert "final outcome is not stated in the record" in group, element


def test_raw_officer_tables_link_each_name_to_the_officer_page(page, site):
    for table, prefix in (("mo_officers", "/officer/mo/"), ("ma_training", "/officer/ma/"), ("people", "/officer/")):
        page.goto(site + f"/certification/{table}")
        links = page.eval_on_selector_all("td.col-officer_name a.officer-link", "a => a.map(x => x.getAttribute('href'))")
        assert links and all(link.startswith(prefix) for link in links), table
    page.click("td.col-officer_name a.officer-link >> nth=0")
    assert "/officer/" in page.url
    page.goto(site + "/certification/mo_officers")
    page.click("td.col-row_id a >> nth=0")
    page.click("td.col-officer_name a.officer-link")
    assert "/officer/mo/" in page.url


def test_both_sites_link_to_each_other_in_header_and_footer(page, site):
    page.goto(site + "/decertified")
    page.click("header a:has-text('Documentation')")
    assert page.url.endswith("/docs/")
    page.click("nav.cross-site >> a:has-text('Search officers')")
    assert page.locator("#q").count() == 1
    page.click("footer a:has-text('Documentation')")
    page.click("nav.cross-site--footer a:has-text('Decertified officers')")
    assert page.url.endswith("/decertified")


def test_404_pages_have_a_way_home(page, site):
    for path, home in (("/no-such-page", "/"), ("/docs/no/such/page/", "/docs/")):
        response = page.goto(site + path)
        assert response.status == 404
        shot(page, "404-docs" if path.startswith("/docs") else "404")
        page.click("main a.home-link, article a.home-link")
        assert urllib.parse.urlsplit(page.url).path == home, path


@pytest.mark.parametrize("path", ["/docs/", "/docs/no/such/page/", "/docs/404.html"])
def test_the_documentation_search_works_on_every_page_and_leads_to_the_officer_search(page, site, path):
    """The docs' search finds its pages on any page, the 404 page included (MkDocs writes that one's
    links from the site root), and says it does not search officers, with a link to the search that does."""
    page.goto(site + path)
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") != "static"  # styled
    page.locator("label.md-header__button[for=__search]:visible, .md-search__input:visible").first.click()
    page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.includes('Type to start')")
    page.keyboard.type("statute")  # once the index is ready (Material says so in place of "Initializing")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    hint = page.locator(".md-search__output .search-officers a")
    assert hint.is_visible()
    hint.click()
    assert urllib.parse.urlsplit(page.url).path == "/"
    assert page.locator("#q").count() == 1


MAIN_PAGES = ["/", "/search?q=smith", "/decertified", "/certification/mo_officers", "/certification/people",
              "/certification/decertified_officers", "/certification/officers_by_name?name=smith", "/certification", "/docs/", "/docs/law/", "/docs/mo-post-figures/",
              "/docs/resources/mo_officers/", "/docs/downloads/", "/docs/request-a-correction/", "/docs/statutes/",
              "/docs/search/", "/docs/methodology/",
              # filtered table pages: Datasette numbers each applied filter's controls, and a facet value
              # chosen shows a link that removes it
              "/certification/mo_officers?license_status=Sample+status+A", "/certification/agencies?state=MO",
              "/no-such-page"]


def main_pages(db):
    mo = db.execute("select row_id, agency_id from mo_officers where agency_id is not null limit 1").fetchone()
    ma = db.execute("select acadis_id from ma_training limit 1").fetchone()[0]
    return MAIN_PAGES + [f"/officer/mo/{mo['row_id']}", f"/officer/ma/{ma}", f"/agency/{mo['agency_id']}",
                         f"/certification/mo_officers/{mo['row_id']}"]


def test_no_page_is_wider_than_the_screen_and_axe_finds_nothing_serious(page, site, db):
    problems = []
    for path in main_pages(db):
        page.goto(site + path)
        name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
        shot(page, f"page-{name}")
        if overflow(page) > 0:
            problems.append((path, "overflows by", overflow(page)))
        problems += [(path, *v) for v in serious_violations(page)]
    assert not problems, problems


def test_filter_controls_and_remove_links_say_what_they_do(page, site):
    """A screen-reader user hears which filter a control belongs to, and what the ✖ link removes."""
    page.goto(site + "/certification/mo_officers?license_status=Sample+status+A&_facet=license_status")
    labels = page.eval_on_selector_all("form.filters select, form.filters input.filter-value",
                                       "els => els.map(e => e.getAttribute('aria-label'))")
    assert labels and all(labels), labels
    assert len(set(labels)) == len(labels)  # the applied filter's controls and the new filter's differ
    crosses = page.eval_on_selector_all("a.cross", "links => links.map(a => a.getAttribute('aria-label'))")
    assert crosses and all(c and ("Remove" in c or "Hide" in c) for c in crosses), crosses
    assert any("Sample status A" in c for c in crosses), crosses


def test_code_blocks_scroll_with_the_keyboard_without_the_theme_script(page, site):
    """The documentation's code blocks scroll sideways on a phone inside their <code>: that element is
    focusable in the HTML as built, not only once MkDocs Material's script has run (a reader whose
    script is blocked or still loading, and axe run early, see the page without it)."""
    if page.size != "phone":
        pytest.skip("the blocks scroll on a phone")
    page.route("**/assets/javascripts/**", lambda route: route.abort())
    problems = []
    for path in ("/docs/downloads/", "/docs/search/"):
        page.goto(site + path)
        scrolling = page.evaluate("""() => [...document.querySelectorAll('article pre, article pre > code')]
            .filter(e => e.scrollWidth > e.clientWidth && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
            .map(e => e.tabIndex)""")
        assert scrolling, path  # the phone does scroll some block sideways
        problems += [(path, "unfocusable scrolling block") for tab in scrolling if tab < 0]
        problems += [(path, *v) for v in serious_violations(page)]
    assert not problems, problems


def test_each_field_of_a_resource_page_reads_at_full_width_with_its_constraints_last_and_closed(page, site):
    """Eight columns squeezed a field's description beside a long pattern at 1366 px and left screen-high gaps
    at 390 px: each field is now one block, its description and disclosure as wide as the text column."""
    page.set_viewport_size({"width": 1366, "height": 800} if page.size == "desktop" else SIZES["phone"])
    for path in ("/docs/resources/mo_officers/", "/docs/resources/agencies/"):
        page.goto(site + path)
        fields = page.evaluate("""() => {
            const column = document.querySelector('article').getBoundingClientRect().width;
            return [...document.querySelectorAll('section.field')].map(f => ({
                id: f.id, column,
                description: f.querySelector('.field-description').getBoundingClientRect().width,
                disclosure: f.querySelector('.field-disclosure').getBoundingClientRect().width,
                height: f.getBoundingClientRect().height,
                constraints: [...f.querySelectorAll('details.field-constraints')].map(d => [d.open, !d.nextElementSibling]),
            })); }""")
        assert len(fields) >= 3, path
        for field in fields:
            assert field["description"] >= 0.9 * field["column"] and field["disclosure"] >= 0.9 * field["column"], (path, field)
            assert field["constraints"] in ([], [[False, True]]), (path, field)  # collapsed, the block's last element
        assert any(field["constraints"] for field in fields)
        shot(page, "fields-" + path.strip("/").rsplit("/", 1)[1])


def outside_the_screen(page):
    """Elements of the page's content that reach past the right edge of the screen with no ancestor that
    scrolls sideways: cut off, or pushing the page wider (a wide table scrolling in its own box is fine)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
        return [...document.querySelectorAll('article *, main *')].filter(e => {
            if (e.getBoundingClientRect().right <= width + 1) return false;
            for (let up = e.parentElement; up; up = up.parentElement) if (scrolls(up)) return false;
            return true;
        }).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
    }""")


def test_the_passages_and_figures_tables_read_as_cards_on_a_phone(page, site):
    """A new user's walk: on a phone the passages' and the figures' tables scrolled sideways, their explanations
    off the screen and each row a tall blank under one number. Each cell is on the screen, under its column's name."""
    if page.size != "phone":
        pytest.skip("the phone is the narrow case")
    for path, table in (("/docs/sources/", "table.passages"), ("/docs/mo-post-figures/", "table.measures")):
        page.goto(site + path)
        cells = page.evaluate(f"""() => [...document.querySelectorAll('{table} tbody tr:first-child td')].map(td => {{
            const r = td.getBoundingClientRect();
            return [r.left, r.right, getComputedStyle(td, '::before').content]; }})""")
        width = page.evaluate("document.documentElement.clientWidth")
        assert cells and all(0 <= left and right <= width for left, right, _ in cells), (path, cells)
        assert all(label not in ("none", "normal", "") for *_, label in cells), (path, cells)


def test_the_figures_table_fits_its_column_at_desktop_width(page, site):
    """A new user's walk: at desktop width the figures' table was 885px in a 688px column, its source sentences and
    notes cut off at the edge, the only scroll bar below the long table."""
    if page.size == "phone":
        pytest.skip("on a phone the table reads as cards (above)")
    page.goto(site + "/docs/mo-post-figures/")
    fits = page.evaluate("""() => { const t = document.querySelector('table.measures');
        return [t.scrollWidth, t.clientWidth, t.parentElement.clientWidth]; }""")
    assert fits[0] <= fits[1] + 1 and fits[1] <= fits[2] + 1, fits


def test_no_documentation_page_is_wider_than_a_phone(page, site, built):
    """Every page of the documentation (each resource's field table has eight columns): tables scroll
    inside their own box, nothing pushes the page sideways or is cut off at the screen's edge."""
    if page.size != "phone":
        pytest.skip("the phone is the narrow case")
    folders = sorted(p.parent.relative_to(built / "site").as_posix() for p in (built / "site").rglob("index.html"))
    paths = ["/docs/" if folder == "." else f"/docs/{folder}/" for folder in folders]
    assert "/docs/resources/ma_training/" in paths and "/docs/changes/" in paths
    problems = []
    for path in paths:
        page.goto(site + path)
        shot(page, "docs-" + (re.sub(r"[^a-z0-9]+", "-", path[6:].lower()).strip("-") or "home"))
        if overflow(page) > 0 or outside_the_screen(page):
            problems.append((path, overflow(page), outside_the_screen(page)))
    assert not problems, problems


def test_the_page_is_accessible_by_landmarks_skip_link_and_visible_focus(page, site):
    for path in ("/decertified", "/certification/mo_officers", "/search?q=smith"):  # the home page focuses its search box
        page.goto(site + path)
        assert page.get_attribute("html", "lang") == "en"
        assert page.locator("main").count() == 1
        assert page.locator("[role=alert]").count() == 0
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
    page.goto(site + "/decertified")
    page.focus("a.officer-link >> nth=0")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth")
    assert not outline.startswith("none") and not outline.endswith(" 0px"), outline


def test_the_search_box_is_on_the_first_screen_and_text_keeps_off_the_edges(page, site):
    """The home page's search input is visible without scrolling (a phone reader comes to look
    someone up), and the text of every Datasette page keeps a margin from the screen's edges."""
    page.goto(site + "/")
    box = page.locator("#q").bounding_box()
    assert box["y"] + box["height"] <= SIZES[page.size]["height"], box
    margin = 12 if page.size == "desktop" else 6
    for path in ("/", "/decertified", "/search?q=smith", "/certification/mo_officers", "/certification"):
        page.goto(site + path)
        left, right = page.evaluate("""() => { const r = document.querySelector('main h1').getBoundingClientRect();
            return [r.left, document.documentElement.clientWidth - r.right]; }""")
        assert left >= margin and right >= margin, (path, left, right)


def test_the_search_button_sits_beside_its_box_and_no_header_line_holds_a_lone_home_link(page, site):
    """The walk, on a phone: the Search button wrapped below the box, and a breadcrumb "home" (what "Search
    officers" already links to) took a line of its own on every page that is not a table's."""
    for path in ("/", "/decertified"):
        page.goto(site + path)
        box, button = page.locator("main .search-box input[type=search]").bounding_box(), page.locator("main .search-box button").bounding_box()
        assert abs(box["y"] - button["y"]) < 4 and button["x"] > box["x"], (path, box, button)
    for path in ("/", "/search?q=smith", "/decertified"):
        page.goto(site + path)
        assert page.locator("header .crumbs a").count() == 0, path
    page.goto(site + "/certification/mo_officers")
    assert page.locator("header .crumbs a").count() >= 2  # where they lead somewhere: home / certification


def test_a_raw_table_s_rows_are_not_buried_under_its_column_descriptions(page, site):
    """The walk: on a phone the first row of /certification/mo_officers began five screens down, after
    every column's description. The descriptions are one click away; the rows within three screens."""
    for path in ("/certification/mo_officers", "/certification/agencies"):
        page.goto(site + path)
        box = page.locator("details.column-descriptions-box")
        assert box.count() == 1 and box.get_attribute("open") is None
        top = page.evaluate("document.querySelector('table.rows-and-columns tbody tr').getBoundingClientRect().top + scrollY")
        assert top < 3 * SIZES[page.size]["height"], (path, top)
        box.locator("summary").click()
        assert box.locator("dd").first.is_visible()


def test_form_fields_do_not_zoom_a_phone_and_the_search_box_leaves_names_alone(page, site):
    """A phone zooms the page when a field under 16px is tapped; autocorrect rewrites surnames."""
    if page.size != "phone":
        pytest.skip("a phone's behaviour")
    for path in ("/", "/search?q=smith", "/certification/mo_officers"):
        page.goto(site + path)
        sizes = page.eval_on_selector_all("main input:not([type=hidden]), main select, main textarea",
                                          "els => els.filter(e => e.offsetParent).map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert sizes and min(sizes) >= 16, (path, sizes)
    page.goto(site + "/")
    assert page.get_attribute("#q", "autocorrect") == "off" and page.get_attribute("#q", "autocapitalize") == "off"


def test_chart_text_is_readable_on_a_phone_and_labels_are_whole(page, site):
    if page.size != "phone":
        pytest.skip("the phone is the small case")
    page.goto(site + "/docs/mo-post-figures/")
    charts = page.eval_on_selector_all("article img[src$='.svg']", "imgs => imgs.map(i => [i.src, i.clientWidth])")
    assert charts
    for src, shown in charts:
        svg = urllib.request.urlopen(src).read().decode()
        width = float(re.search(r'viewBox="0 0 ([0-9.]+)', svg).group(1))
        smallest = min(float(s) for s in re.findall(r'font-size="([0-9.]+)"', svg))
        assert smallest * shown / width >= 11, (src, smallest * shown / width)
        description = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
        shown_text = " ".join(re.sub(r"<[^>]+>", " ", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))
        shown_text = " ".join(shown_text.split())
        for label in re.findall(r"(?:\. |; )([^;:]+): [0-9,]+", description):
            assert " ".join(label.split()) in shown_text, (src, label)
    shot(page, "figures")


def test_phone_result_cards_are_labelled(page, site):
    if page.size != "phone":
        pytest.skip("cards are the phone layout")
    for path in ("/certification/mo_officers", "/decertified", "/search?q=smith"):
        page.goto(site + path)
        label = page.evaluate("getComputedStyle(document.querySelector('table.rows-and-columns tbody td'), '::before').content")
        assert label not in ("none", "normal", '""'), (path, label)


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in ("img", "script") and attrs.get("src"):
            self.links.append(attrs["src"])


def test_a_crawl_of_both_sites_finds_no_dead_internal_link(site):
    """From / and /docs/, every internal link (each path once, with the first query seen)."""
    host = urllib.parse.urlsplit(site).netloc
    queue, seen, dead, checked = [(site + "/", None), (site + "/docs/", None)], set(), [], 0
    while queue and checked < 3000:
        url, referrer = queue.pop(0)
        parts = urllib.parse.urlsplit(url)
        key = parts.path + ("?page=" if "page=" in parts.query else "")
        if key in seen or parts.netloc != host:
            continue
        seen.add(key)
        checked += 1
        try:
            response = urllib.request.urlopen(url, timeout=30)
        except urllib.error.HTTPError as error:
            dead.append((url, error.code, referrer))
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        parser = Links()
        parser.feed(response.read().decode("utf-8", "replace"))
        for link in parser.links:
            target = urllib.parse.urljoin(url, link).split("#")[0]
            if target.startswith(("http://", "https://")):
                queue.append((target, url))
    assert checked > 50 and not dead, dead


def test_release_files_served_with_the_docs_match_their_checksums(site):
    """The downloads page tells readers to run sha256sum --check: served files must be the built bytes."""
    import hashlib
    sums = urllib.request.urlopen(f"{site}/docs/downloads/SHA256SUMS", timeout=30).read().decode()
    checked = 0
    for line in sums.splitlines():
        digest, name = line.split("  ", 1)
        if name.endswith((".csv", ".json", ".db")):  # the larger ones are streamed from disk
            body = urllib.request.urlopen(f"{site}/docs/downloads/{urllib.parse.quote(name)}", timeout=30).read()
            assert hashlib.sha256(body).hexdigest() == digest, name
            checked += 1
    assert checked >= 10


def test_the_deployed_downloads_path_leads_to_the_same_files(site):
    """The deployed site serves the files at /downloads/; the local server answers that path too."""
    with urllib.request.urlopen(f"{site}/downloads/SHA256SUMS", timeout=30) as response:
        assert response.url.endswith("/docs/downloads/SHA256SUMS") and b"certification.db" in response.read()


def test_hidden_files_of_the_served_release_are_not_published(site):
    for path in ("/docs/.serving-lock", "/docs/downloads/.x", "/docs/.well-known/x"):
        try:
            urllib.request.urlopen(site + path, timeout=30)
            raise AssertionError(f"{path} answered")
        except urllib.error.HTTPError as error:
            assert error.code == 404, path


def test_a_documentation_path_too_long_for_the_disk_is_a_plain_404(site):
    try:
        urllib.request.urlopen(f"{site}/docs/{'a' * 300}", timeout=30)
        raise AssertionError("expected 404")
    except urllib.error.HTTPError as error:
        assert error.code == 404 and "/work" not in error.read().decode("utf-8", "replace")


def test_datasette_404_pages_keep_the_header_and_footer_links(site):
    for path in ("/nonexistent", "/certification/nope", "/officer/mo/MO-0000000000-1"):
        try:
            urllib.request.urlopen(f"{site}{path}", timeout=30)
            raise AssertionError("expected 404")
        except urllib.error.HTTPError as error:
            body = error.read().decode()
            assert error.code == 404 and body.count("Documentation") >= 2 and "Request a correction" in body, path


def test_an_opened_panel_stays_open_when_the_reader_clicks_elsewhere(page, site, db):
    officer = db.execute("select row_id from mo_officers where license_status = 'Revoked' limit 1").fetchone()[0]
    page.goto(f"{site}/officer/mo/{officer}")
    page.click(".not-published summary")
    page.click("h1")
    assert page.evaluate("document.querySelector('.not-published details').open")


def test_a_field_s_name_on_the_law_page_wraps_only_between_its_words_on_a_phone(page, site):
    """The walk: on a phone the law page broke field names mid-word ("mo_officers.row_i d"). They may wrap after
    the dot or an underscore; no word of one is split across lines."""
    if page.size != "phone":
        pytest.skip("the phone is the narrow case")
    page.goto(site + "/docs/law/")
    split = page.evaluate("""() => [...document.querySelectorAll('article code.field-name')].flatMap(c =>
        [...c.childNodes].filter(t => t.nodeType === 3).filter(t => {
            const range = document.createRange(); range.selectNodeContents(t);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1; })
        .map(t => c.textContent))""")
    names = page.eval_on_selector_all("article code.field-name", "cs => cs.length")
    assert names and not split, split
