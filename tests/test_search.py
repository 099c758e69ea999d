"""The public search: names in any order, prefixes, no accents or punctuation, agencies."""
import asyncio
import csv
import html
import io
import os
import re
import sqlite3

import pytest

from certdata import datasette


@pytest.fixture(scope="module")
def client(built):
    return datasette.app(built / "site" / "downloads" / "certification.db", built / "site" / "datasette" / "metadata.json")


@pytest.fixture(scope="module")
def uncached(built):
    """A server without its response cache (which keys on the address, not on cookies), serving the
    documentation (so that pages link it)."""
    saved = {name: os.environ.get(name) for name in ("CERTDATA_NO_RESPONSE_CACHE", "CERTDATA_DOCS_DIR")}
    os.environ.update(CERTDATA_NO_RESPONSE_CACHE="1", CERTDATA_DOCS_DIR=str(built / "site"))
    try:
        yield datasette.app(built / "site" / "downloads" / "certification.db", built / "site" / "datasette" / "metadata.json")
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def officers(client, query):
    response = asyncio.run(client.client.get("/search", params={"q": query}))
    assert response.status_code == 200
    return [html.unescape(n) for n in re.findall(r'class="officer-link" href="[^"]+">([^<]+)<', response.text)], response.text


@pytest.mark.parametrize("query,expected", [
    ("patrick obrien", "O'Brien, Patrick J"),
    ("O'Brien, Patrick", "O'Brien, Patrick J"),
    ("o brien patrick", "O'Brien, Patrick J"),
    ("maria garcia", "García, María"),
    ("GARCÍA, MARÍA", "García, María"),
    ("smith-jones alexandra", "Smith-Jones, Alexandra"),
    ("smithjones alex", "Smith-Jones, Alexandra"),
    ("st john theodore", "St. John, Theodore"),
    ("St. John, Theo", "St. John, Theodore"),
    ("quentin zyzzyva", "Zyzzyva, Quentin"),
    ("Zyzzyva, Quentin", "Zyzzyva, Quentin"),
    ("zyz", "Zyzzyva, Quentin"),
    ("quillf", "Xiomara Quillfeather"),
    ("иванов", "Иванов, Иван"),  # letters of other scripts are searched (the folding had dropped them)
    ("ИВАН ИВАНОВ", "Иванов, Иван"),
    ("weiss anna", "Weiß, Anna"),
    ("Weiß", "Weiß, Anna"),
])
def test_query_finds_the_intended_person_first(client, query, expected):
    names, _ = officers(client, query)
    assert names and names[0] == expected


@pytest.mark.parametrize("query", ["qqqxxj", "zzzzzz yyyyyy", "\"", "*", "AND OR NOT", "'", "()", "name_terms:"])
def test_no_match_is_an_empty_result_not_an_error(client, query):
    names, text = officers(client, query)
    assert names == [] and "No officer matches" in text
    # and says what the search can find (a walk: a State ID shown on an officer page found nothing, without a word)
    assert "by the identifier at the end of an officer page's address, not by any other number" in html.unescape(text)



def test_no_match_under_a_filter_says_the_filter_is_why(client):
    """A new user's walk: a search filtered by a state, or by a state that is not in the data, said only
    "No officer matches", as if the name were nowhere."""
    for state, unknown in (("MA", False), ("XX", True)):
        text = asyncio.run(client.client.get("/search", params={"q": "qqqxxj", "state": state})).text
        assert "No officer matches" in text and "with the filters above" in text
        assert ("no state “XX” is in this data" in text) is unknown
    assert "with the filters above" not in officers(client, "qqqxxj")[1]

@pytest.mark.parametrize("query,agency", [
    ("kansas city", "Kansas City Police Department"), ("st louis", "St. Louis Police Department"),
    ("sheriff quillfeather", "Quillfeather County Sheriff&#39;s Office"), ("colum", "Columbia Police Department"),
    # a walk after the seventeenth: abbreviations both ways, as rosters and people write them
    ("columbia police dept", "Columbia Police Department"), ("columbia pd", "Columbia Police Department"),
    ("quillfeather co sheriff", "Quillfeather County Sheriff&#39;s Office"),
    ("saint louis police", "St. Louis Police Department"),
])
def test_agencies_are_found_by_any_word_or_prefix(client, query, agency):
    _, text = officers(client, query)
    assert 'class="agency-link" href="/agency/' in text and agency in text


def test_a_search_that_finds_agencies_and_no_officer_shows_the_agencies_first(client):
    """A new user's walk: on a phone, "police" gave "Officers (0)" and a long paragraph first, and the 172 agencies
    it found a screen below; the paragraph said the search finds officers "by agency", which it does not."""
    names, text = officers(client, "kansas city")
    assert names == [] and text.index('<h2 id="agencies">Agencies') < text.index("<h2>Officer records (0)")
    assert "The agencies whose names match are listed above." in text
    assert "finds officers by name or by the identifier" in html.unescape(text) and "by agency" not in text
    names, text = officers(client, "smith")  # officers found: they come first
    assert names and text.index("<h2>Officer records") < text.index('<h2 id="agencies">Agencies')
    names, text = officers(client, "qqqxxj")  # nothing found: officers first, then "No agency matches"
    assert text.index("<h2>Officer records (0)") < text.index('<h2 id="agencies">Agencies') and "listed above" not in text


def test_two_agencies_named_in_another_script_are_two_agencies(client):
    """Their identifiers had both been MO-unnamed: the slug kept only a-z and 0-9."""
    _, text = officers(client, "полиция")
    links = set(re.findall(r'class="agency-link" href="(/agency/[^"]+)">([^<]+)<', text))
    assert {name for _, name in links} == {"Полиция Примерного Города", "Полиция Другого Города"}
    assert len({href for href, _ in links}) == 2 and all(href.isascii() for href, _ in links)
    for href, name in links:
        assert name in asyncio.run(client.client.get(href)).text


def test_hostile_names_render_as_text(client):
    names, text = officers(client, "evil")
    assert "<script>alert(1)</script>, Evil" in names
    assert "<script>alert(1)" not in text
    _, text = officers(client, "hostile")
    assert "<img src=x" not in text


def test_search_downloads_link_json_and_csv_of_the_same_search(client):
    _, text = officers(client, "smith")
    csv_link = html.unescape(re.search(r'href="(/search\.csv[^"]*)"', text).group(1))
    json_link = html.unescape(re.search(r'href="(/search\.json[^"]*)"', text).group(1))
    rows = list(csv.DictReader(io.StringIO(asyncio.run(client.client.get(csv_link)).text.removeprefix("\ufeff"))))
    body = asyncio.run(client.client.get(json_link)).json()
    assert len(rows) == body["total"] > 3
    assert [r["person_id"] for r in rows[:len(body["rows"])]] == [r["person_id"] for r in body["rows"]]


def test_json_export_streams_past_the_row_limit(client):
    client._metadata_local["plugins"]["certsearch"]["export_page"] = 7  # many pages on the small fixture
    records = asyncio.run(client.client.get("/export/ma_training.json")).json()
    total = asyncio.run(client.client.get("/certification/ma_training.json?_size=1")).json()["filtered_table_rows_count"]
    assert len(records) == total
    revoked = asyncio.run(client.client.get("/export/mo_officers.json?license_status=Revoked")).json()
    assert revoked and {r["license_status"] for r in revoked} == {"Revoked"}
    assert asyncio.run(client.client.get("/export/sqlite_master.json")).status_code == 404


def test_json_export_refuses_filters_it_cannot_apply(client):
    response = asyncio.run(client.client.get("/export/mo_officers.json?officer_name__contains=smith"))
    assert response.status_code == 400 and "Unsupported filter" in response.text


@pytest.mark.parametrize("filters", [{"state": "MO"}, {"license_status": "Revoked"}, {"agency_id": "x", "state": "MA"}])
def test_a_filtered_search_reads_the_name_index_first_not_every_officer_of_the_filter(built, filters):
    """The fifth attack run: the search page's own facet links (?q=j&state=MO) answered 400 after the
    time limit: SQLite read every officer of the state through its index and tested the full-text
    match on each (6 s at 25,000 rows). Every statement of a filtered search starts from the matches."""
    import sqlite3
    search = search_plugin()
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    search.prepare_connection(conn)
    try:
        for text in ("j", "smith j", "sample"):
            query = search.Query(text)
            for sql, params in (search.search_sql(query, filters), search.count_sql(query, filters),
                                search.facets_sql(query, filters)):
                plan = " | ".join(row[3] for row in conn.execute("explain query plan " + sql, params))
                assert "idx_people_" not in plan and "VIRTUAL TABLE" in plan, (text, plan)
    finally:
        conn.close()


@pytest.mark.parametrize("params", [
    {}, {"q": "smith"}, {"q": "smith", "page": "2", "size": "3"}, {"q": "smith", "sort": "name"},
    {"q": "smith", "state": "MO"}, {"q": "smith", "license_status": "Revoked", "agency_page": "2"},
    {"q": "qqqxxj"}, {"q": "wilhelmina qaurrington"}, {"q": "zebulon quarrington"}, {"q": "smith q jonah"},
    {"q": "evil"}, {"q": "<b>\"'&"}, {"q": "smith", "size": "nonsense", "sort": "<i>"}, {"q": "sheriff"},
    {"q": "smith", "page": "999"},
])
def test_the_search_page_is_the_text_datasette_renders(uncached, params):
    """/search renders its frame once per server and its blocks for each search (plugins/search.py,
    render_search): the page must be, byte for byte, what Datasette's rendering of search.html gives,
    which the server still uses for a request with a (here unsigned, so empty) messages cookie."""
    fast = asyncio.run(uncached.client.get("/search", params=params))
    slow = asyncio.run(uncached.client.get("/search", params=params, cookies={"ds_messages": "unsigned"}))
    assert fast.status_code == slow.status_code == 200
    assert "<h1>Search</h1>" in fast.text and "</html>" in fast.text and 'href="/docs/' in fast.text
    assert fast.text == slow.text
    assert answered(fast) == answered(slow, cookie=True)


def answered(response, cookie=False):
    """Status and headers of an answer; for one to a request with a cookie, as the router answers without."""
    headers = dict(response.headers)
    if cookie:  # a request with a cookie is answered privately (the fast path takes none)
        assert headers.pop("cache-control") == "private, no-store"
    return response.status_code, headers


@pytest.mark.parametrize("params", [
    {"q": "smith"}, {"q": "smith", "page": "2", "size": "3"}, {"q": "qqqxxj"}, {"q": "wilhelmina qaurrington"},
    {"q": "smith", "size": "0", "sort": "<i>"}, {"q": "x" * 5000}, {"q": "smith", "state": "XX"},
])
def test_search_json_and_its_errors_are_answered_as_datasette_answers_them(uncached, params):
    for path in ("/search.json", "/search"):
        fast = asyncio.run(uncached.client.get(path, params=params))
        slow = asyncio.run(uncached.client.get(path, params=params, cookies={"ds_messages": "unsigned"}))
        assert fast.content == slow.content and answered(fast) == answered(slow, cookie=True)
    assert "vary" in dict(fast.headers)


def test_a_search_that_fails_is_answered_as_datasette_answers_it(uncached, monkeypatch):
    """A search that fails on the direct path is answered by the router: one past the SQL time limit gets the
    site's 400 page (or JSON), the same as a request the router takes from the start."""
    from datasette.database import QueryInterrupted
    from datasette.plugins import pm
    plugin = next(p for p in pm.get_plugins() if hasattr(p, "DIRECT"))

    async def too_slow(*args, **kwargs):
        raise QueryInterrupted(None, "select 1", {})
    monkeypatch.setattr(plugin, "search", too_slow)
    for path in ("/search", "/search.json"):
        fast = asyncio.run(uncached.client.get(path, params={"q": "smith"}))
        slow = asyncio.run(uncached.client.get(path, params={"q": "smith"}, cookies={"ds_messages": "unsigned"}))
        assert fast.status_code == 400 and "took too long" in fast.text
        assert fast.content == slow.content and answered(fast) == answered(slow, cookie=True)


def search_plugin():
    import importlib.util
    from .conftest import ROOT
    spec = importlib.util.spec_from_file_location("search_plugin_helpers", ROOT / "plugins" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_result_cells_are_escaped_as_markupsafe_escapes_them():
    from markupsafe import escape
    text_html = search_plugin().text_html
    for value in ["<script>alert('x')</script>", 'a "b" & c', "&amp;", "O'Brien", "plain", "", "ñ<é>&\u2028", 42, None]:
        assert text_html(value) == str(escape(value)), value


def test_a_page_s_links_are_the_search_s_parameters_urlencoded_with_one_changed():
    from urllib.parse import urlencode
    from datasette.app import Datasette
    plugin = search_plugin()
    urls = Datasette(memory=True).urls
    for result in [{"q": "o'brien & sons", "filters": {"state": "MO", "agency_id": "a b+c"}, "sort": "relevance", "page": 1,
                    "size": plugin.PAGE_SIZE},
                   {"q": "ñame/x?y=1", "filters": {}, "sort": "name", "page": 3, "size": 7}]:
        for changes in [{}, {"page": 1}, {"page": 2, "agency_id": "ü"}, {"license_status": "Revoked", "page": 1},
                        {"sort": "relevance"}, {"q": "", "state": None}, {"agency_page": 2}]:
            args = {"q": result["q"], **result["filters"], "sort": result["sort"], "page": result["page"]}
            if result["size"] != plugin.PAGE_SIZE:
                args["size"] = result["size"]
            args.update(changes)
            args = {k: v for k, v in args.items() if v not in (None, "") and (k, v) not in (("sort", "relevance"), ("page", 1))}
            expected = "/search" + ("?" + urlencode(args) if args else "")
            url = plugin.page_urls(type("D", (), {"urls": urls})(), result)
            assert url("/search", **changes) == url("/search", **changes) == expected


def test_the_search_page_stays_datasette_s_text_when_base_html_writes_the_title_twice(built):
    """A base.html that writes the title a second time (a meta tag, say): the frame is cut around every copy."""
    import jinja2
    app = datasette.app(built / "site" / "downloads" / "certification.db", built / "site" / "datasette" / "metadata.json")
    base = app.jinja_env.loader.get_source(app.jinja_env, "base.html")[0]
    assert "<title>{% block title %}{% endblock %}</title>" in base
    twice = base.replace("<title>{% block title %}{% endblock %}</title>",
                         '<title>{% block title %}{% endblock %}</title><meta name="t" content="{{ self.title() }}">')
    app.jinja_env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"base.html": twice}), app.jinja_env.loader])
    fast = asyncio.run(app.client.get("/search", params={"q": "<smith>", "_": "1"}))
    slow = asyncio.run(app.client.get("/search", params={"q": "<smith>", "_": "2"}, cookies={"ds_messages": "unsigned"}))
    title = re.search(r"<title>([^<]*)</title>", fast.text).group(1)  # the sample's mark may follow the query
    assert title.startswith("Search: &lt;smith&gt;") and f'<meta name="t" content="{title}">' in fast.text
    assert fast.status_code == 200 and fast.text == slow.text
    from datasette.plugins import pm
    assert app in next(p for p in pm.get_plugins() if hasattr(p, "DIRECT")).PARTS  # cut, not left to the router


@pytest.mark.parametrize("path", ["/search%2Ejson", "/%73earch", "/sea%72ch.json"])
def test_a_percent_encoded_search_path_is_answered_as_the_router_answers_it(uncached, path):
    """The router reads the raw path: /search%2Ejson is a redirect to its tilde-encoded form, never the page."""
    fast = asyncio.run(uncached.client.get(path + "?q=smith"))
    slow = asyncio.run(uncached.client.get(path + "?q=smith", cookies={"ds_messages": "unsigned"}))
    assert fast.status_code == slow.status_code == 302
    assert fast.headers["location"] == slow.headers["location"]


def test_an_officer_s_identifier_searched_alone_opens_the_officer_s_page(client, built):
    """A new user's walk: a reporter's citation gives an officer's identifier, and the search found nothing for it.
    Asked alone, an identifier of an officer opens the officer's page; with filters or in JSON it is a result
    (test_an_officer_s_identifier_is_the_one_result_of_the_json_and_csv); matching no officer, it is searched as a name."""
    import sqlite3
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    for state, person in conn.execute("select state, min(person_id) from people group by state"):
        route, identifier = person.split("/", 1)
        response = asyncio.run(client.client.get("/search", params={"q": f" {identifier} "}))
        assert response.status_code == 302, (state, response.status_code)
        assert response.headers["location"] == f"/officer/{route}/{identifier}"
        page = asyncio.run(client.client.get(response.headers["location"]))
        assert page.status_code == 200
        citation = html.unescape(page.text.split('class="citation">', 1)[1].split("</dd>", 1)[0])
        sample = '<strong>Synthetic sample</strong>' in page.text.split('class="provenance"', 1)[1]
        assert ("Not at all" in citation) if sample else (f"/officer/{route}/{identifier}" in citation and "version" in citation)
        assert asyncio.run(client.client.get("/search", params={"q": identifier, "state": state})).status_code == 200
        assert asyncio.run(client.client.get("/search.json", params={"q": identifier})).status_code == 200
    assert asyncio.run(client.client.get("/search", params={"q": "MO-ffffffffff-999"})).status_code == 200
    assert asyncio.run(client.client.get("/search", params={"q": "smith"})).status_code == 200


def test_an_officer_s_identifier_is_the_one_result_of_the_json_and_csv(client, built):
    """A new user's walk: /search?q=<identifier> opened the officer's page, but /search.json and /search.csv with the
    same q gave total 0, though the docs say they give the page's results. Each gives the officer as its one row
    (in any case the state allows), under the filters; the page with a filter lists it too."""
    import json
    import sqlite3
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    states = json.loads((built / "site" / "datasette" / "metadata.json").read_text())["plugins"]["certsearch"]["states"]
    for state in states:
        person = conn.execute("select min(person_id) from people where state = ?", [state["code"]]).fetchone()[0]
        route, identifier = person.split("/", 1)
        for spelled in {identifier, identifier.lower() if state["id_case_insensitive"] else identifier}:
            body = asyncio.run(client.client.get("/search.json", params={"q": spelled})).json()
            assert body["total"] == 1 and body["retired"] is None, (spelled, body)
            assert [(r["person_id"], r["match"], r["officer_path"]) for r in body["rows"]] == [
                (person, "identifier", f"/officer/{person}")]
            table = list(csv.DictReader(io.StringIO(asyncio.run(client.client.get(
                "/search.csv", params={"q": spelled})).text.removeprefix("\ufeff"))))
            assert [(r["person_id"], r["match"]) for r in table] == [(person, "identifier")], spelled
        other = next(s["code"] for s in states if s["code"] != state["code"])
        assert asyncio.run(client.client.get("/search.json", params={"q": identifier, "state": other})).json()["total"] == 0
        page = asyncio.run(client.client.get("/search", params={"q": identifier, "state": state["code"]}))
        assert page.status_code == 200 and f'class="officer-link" href="/officer/{person}"' in page.text


def test_a_retired_identifier_in_json_names_its_page_and_gives_no_officer(built, tmp_path):
    """A retired identifier is no officer's: the JSON gives no row and names the identifier and its page (which says
    what became of it), the CSV no row; the page alone opens that page."""
    import shutil
    import sqlite3
    database = tmp_path / "certification.db"
    shutil.copy(built / "site" / "downloads" / "certification.db", database)
    conn = sqlite3.connect(database)
    name, status, person = conn.execute("select officer_name, license_status, min(person_id) from people where state = 'MO'").fetchone()
    retired = person.rsplit("-", 1)[0].split("/", 1)[1] + "-999999"  # its name's hash, a counter no record has
    with conn:
        conn.execute("insert into mo_retired_ids (row_id, officer_name, license_status, retired_with) values (?, ?, ?, ?)",
                     [retired, name, status, "a later release"])
    conn.close()
    app = datasette.app(database, built / "site" / "datasette" / "metadata.json")
    body = asyncio.run(app.client.get("/search.json", params={"q": retired.lower()})).json()
    assert body["total"] == 0 and body["rows"] == [] and body["approximate"] is None
    assert body["retired"] == {"person_id": f"mo/{retired}", "state": "MO", "officer_path": f"/officer/mo/{retired}"}
    assert asyncio.run(app.client.get(body["retired"]["officer_path"])).status_code == 410
    assert asyncio.run(app.client.get("/search.csv", params={"q": retired})).text.strip().count("\n") == 0  # the header only
    assert asyncio.run(app.client.get("/search.json", params={"q": "smith"})).json()["retired"] is None
    opened = asyncio.run(app.client.get("/search", params={"q": retired}))
    assert opened.status_code == 302 and opened.headers["location"] == f"/officer/mo/{retired}"


def test_the_search_page_s_title_says_when_the_data_are_a_synthetic_sample(client, built):
    """A new user's walk: officer, agency and decertified pages carry "(synthetic sample)" in their title while
    the data are a sample; the search page did not."""
    import json
    sample = bool(json.loads((built / "site" / "datasette" / "metadata.json").read_text())["plugins"]["certsearch"]
                  ["synthetic_resources"])
    for params in ({}, {"q": "smith"}, {"q": "qqqxxj"}):
        title = re.search(r"<title>([^<]*)</title>", asyncio.run(client.client.get("/search", params=params)).text).group(1)
        assert title.endswith(" (synthetic sample)") is sample, title
    decertified = asyncio.run(client.client.get("/decertified")).text
    assert ("(synthetic sample)</title>" in decertified) is sample


def test_an_identifier_printed_in_another_case_still_finds_its_officer(client, built):
    """A citation may print an identifier in capitals (or in lower case): for a state whose identifiers never
    differ only in case, the address and the search both lead to the officer's own address; a mis-typed
    identifier gets a 404 that says what to do, not a bare "not found"."""
    import json
    import sqlite3
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    metadata = json.loads((built / "site" / "datasette" / "metadata.json").read_text())
    states = metadata["plugins"]["certsearch"]["states"]
    folding = [s for s in states if s["id_case_insensitive"]]
    assert folding, "no state declares case-insensitive identifiers: this test tests nothing"
    for state in folding:
        person = conn.execute("select min(person_id) from people where state = ? and person_id glob '*[a-z]*'",
                              [state["code"]]).fetchone()[0]
        route, identifier = person.split("/", 1)
        for spelled in {identifier.upper(), identifier.lower(), identifier.swapcase()} - {identifier}:
            page = asyncio.run(client.client.get(f"/officer/{route}/{spelled}"))
            assert page.status_code == 301 and page.headers["location"] == f"/officer/{route}/{identifier}", spelled
            found = asyncio.run(client.client.get("/search", params={"q": spelled}))
            assert found.status_code == 302 and found.headers["location"] == f"/officer/{route}/{identifier}", spelled
    missing = asyncio.run(client.client.get("/officer/mo/MO-ffffffffff-999"))
    assert missing.status_code == 404 and "search for the officer" in missing.text


def test_an_identifier_whose_case_may_matter_is_never_spelled_otherwise(client):
    """An agency's identifier may be case-sensitive (two officers "AbC1" and "abc1"): only a state that declares
    its identifiers case-insensitive has an address or search spelled in another case."""
    from datasette.plugins import pm
    certsearch = pm.get_plugin("certsearch.py")
    assert certsearch.spellings({"id_pattern": "[0-9A-Za-z]+"}, "AbC1") == ["AbC1"]
    folding = {"id_pattern": "[0-9A-Za-z]+(-[0-9a-z]+)*", "id_case_insensitive": True}
    assert certsearch.spellings(folding, "AbC1-Xy") == ["ABC1-xy", "abc1-xy"]  # only what the pattern accepts
    assert certsearch.spellings(folding, "-".join("a" * 9)) == ["-".join("a" * 9)]  # too many parts: asked as typed


def test_the_state_menu_names_each_state(client, built):
    """A new user's walk: the menu offered "MA" and "MO"."""
    import json
    page = asyncio.run(client.client.get("/search", params={"q": "smith"})).text
    for state in json.loads((built / "site" / "datasette" / "metadata.json").read_text())["plugins"]["certsearch"]["states"]:
        assert f'<option value="{state["code"]}">{state["name"]}</option>' in page


def test_a_filter_s_value_in_no_record_is_never_printed_on_the_page(client):
    """An attack run after the seventeenth: /search?q=...&state=OFFICIAL NOTICE: ... printed the text beside the
    results, on the project's own domain, in a link anyone could send."""
    notice = "OFFICIAL NOTICE Justin Harris was decertified for fraud see evil.example"
    for column in ("state", "agency_id", "license_status"):
        page = asyncio.run(client.client.get("/search", params={"q": "smith", column: notice})).text
        shown = re.sub(r"<[^>]+>", " ", page)  # what a reader sees (a hidden field keeps the filter, unseen)
        assert "OFFICIAL NOTICE" not in shown and "evil" not in shown, column
        assert "a value in no record" in shown, column
    text = asyncio.run(client.client.get("/search", params={"q": "qqqxxj", "state": "XX"})).text
    assert "no state “XX” is in this data" in text  # a short code is shown, as typed


def test_an_agency_holding_every_word_typed_whole_comes_first(client):
    """A walk after the nineteenth: "county 4 sheriff" listed County 40 to 46 before County 04 (its number without the
    leading zero typed whole), eighth of eight."""
    conn = sqlite3.connect(client.databases["certification"].path)
    names = [n for (n,) in conn.execute("select agency_name from agencies")]
    target = next(n for n in sorted(names) if re.search(r"\bCounty 0[1-9] Sheriff", n))
    number = re.search(r"County 0([1-9])", target).group(1)
    assert any(re.search(rf"\bCounty {number}[0-9]\b", n) for n in names)  # the namesakes the prefix also finds
    _, text = officers(client, f"county {number} sheriff")
    listed = [html.unescape(n) for n in re.findall(r'class="agency-link" href="[^"]+">([^<]+)<', text)]
    assert listed[0] == target, listed
