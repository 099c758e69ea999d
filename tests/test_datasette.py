"""The served Datasette: every table, row pages, search, canned queries, read-only."""
import asyncio
import html
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from certdata import datasette, presentation
from certdata.package import Package

from .conftest import ROOT


@pytest.fixture(scope="module")
def client(built):
    ds = datasette.app(built / "site" / "downloads" / "certification.db", built / "site" / "datasette" / "metadata.json")
    return ds


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def test_home_and_every_table_answer(client, built):
    assert get(client, "/").status_code == 200
    for resource in Package.load(built).resources:
        response = get(client, f"/certification/{resource['name']}")
        assert response.status_code == 200, resource["name"]


def test_row_page_shows_provenance_and_sample_warning(client):
    rows = get(client, "/certification/mo_officers.json?_shape=array&_size=1").json()
    response = get(client, f"/certification/mo_officers/{rows[0]['row_id']}")
    assert response.status_code == 200
    assert "mo-post-2023-01-03" in response.text and "Package version" in response.text
    assert "Synthetic sample, not real officers" in response.text


def test_every_page_over_sample_rows_says_so_and_only_those(client, built):
    """Views and derived tables (decertified officers, counts per agency, name keys) show the sample's
    rows as much as its tables do: every table and view page carries the banner, except the tables
    that hold none of the sample's rows, which carry none."""
    import sqlite3
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    names = [n for (n,) in conn.execute("select name from sqlite_master where type in ('table', 'view') "
                                         "and name not like '%fts%'")]
    conn.close()
    metadata = json.loads((built / "site" / "datasette" / "metadata.json").read_text())
    free = set(metadata["plugins"]["certsearch"]["sample_free_tables"])
    assert free and set(names) - free
    for name in names:
        text = get(client, f"/certification/{name}").text
        assert ("Synthetic sample, not real officers" in text) == (name not in free), name


def test_table_full_text_search_ignores_accents(client):
    data = get(client, "/certification/mo_officers.json?_search=garcia&_shape=array").json()
    assert "García, María" in {r["officer_name"] for r in data}


def test_every_canned_query_runs(client):
    agency = "MO-columbia-police-department"
    params = {"officers_by_name": "name=obrien", "decertified_officers": "", "agency_officers": f"agency_id={agency}",
              "ma_training_agencies": "acadis_id=990001"}
    for name in presentation.read(ROOT)["queries"]:
        response = get(client, f"/certification/{name}.json?_shape=array&{params[name]}")
        assert response.status_code == 200, name
        assert response.json(), name
    decertified = get(client, "/certification/decertified_officers.json?_shape=array").json()
    assert {r["license_status"] for r in decertified} == {"Revoked", "Surrendered"}


@pytest.mark.parametrize("sql", [
    "insert into agencies values ('MO-x', 'MO', 'x')", "update agencies set agency_name = 'x'",
    "delete from agencies", "create table t (x)", "drop table agencies", "attach database ':memory:' as m",
    "pragma writable_schema = 1", "select load_extension('/tmp/x')",
])
def test_sql_endpoint_refuses_writes(client, sql):
    response = get(client, "/certification.json?sql=" + urllib.request.quote(sql))
    assert response.status_code in (400, 403), sql
    assert get(client, "/certification/agencies.json?_shape=array&_size=1").status_code == 200


def test_runaway_query_is_cut_at_the_time_limit(client):
    sql = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"
    started = time.monotonic()
    response = get(client, "/certification.json?sql=" + urllib.request.quote(sql))
    assert response.status_code == 400 and "sql query took too long" in response.text.lower()  # as the search docs say
    assert time.monotonic() - started < datasette.SETTINGS["sql_time_limit_ms"] / 1000 + 2


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_build_py_serve_answers_over_http(built):
    port = free_port()
    env = {"CERTDATA_ROOT": str(built), "PATH": f"{sys.prefix}/bin:/usr/bin:/bin"}
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        body = None
        for _ in range(100):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=zyzzyva", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert body and "Zyzzyva, Quentin" in body
        settings = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/-/settings.json").read())
        assert settings["sql_time_limit_ms"] == datasette.SETTINGS["sql_time_limit_ms"]
        databases = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/-/databases.json").read())
        assert databases[0]["is_mutable"] is False
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_table_search_with_punctuation_works(client):
    for query, name in (("o'brien", "O'Brien, Patrick J"), ("smith-jones", "Smith-Jones, Alexandra"), ("st. john", "St. John, Theodore")):
        response = get(client, "/certification/mo_officers.json?_shape=array&_search=" + urllib.request.quote(query))
        assert response.status_code == 200, query
        assert name in {r["officer_name"] for r in response.json()}, query


def test_table_page_links_a_streamed_json_export_with_its_filters(client):
    page = get(client, "/certification/mo_officers?license_status=Revoked").text
    assert '/export/mo_officers.json?license_status=Revoked' in page
    row = get(client, "/certification/mo_officers.json?_shape=array&_size=1").json()[0]["row_id"]
    assert "/export/" not in get(client, f"/certification/mo_officers/{row}").text


@pytest.mark.parametrize("query", ["_sort=license_status", "license_status__contains=Rev", "_facet=license_class",
                                   "license_status=Revoked&_sort_desc=officer_name"])
def test_no_page_links_an_export_that_would_refuse_its_parameters(client, query):
    """The new-user walk: the streamed JSON link of a sorted or faceted table answered 400."""
    import html
    import re
    page = get(client, f"/certification/mo_officers?{query}").text
    links = [html.unescape(link) for link in re.findall(r'href="([^"]*/export/[^"]*)"', page)]
    assert all(get(client, link).status_code == 200 for link in links), links
    assert not links and "CSV with stream all rows" in page


def test_the_decertified_page_says_where_its_rows_come_from_and_what_a_blank_agency_means(client):
    page = get(client, "/decertified").text
    assert "Where this comes from" in page and "Package version" in page and "Release received" in page
    assert "in its words" in page and "none named" in page


def test_serve_get_is_a_smoke_test_with_an_exit_code(built):
    from .conftest import run_cli
    ok = run_cli(built, "serve", "--get", "/search?q=zyzzyva")
    assert ok.returncode == 0 and "Zyzzyva, Quentin" in ok.stdout
    docs = run_cli(built, "serve", "--get", "/docs/")  # a quick answer: the walk saw a background task left pending
    assert docs.returncode == 0 and "Task was destroyed" not in docs.stderr, docs.stderr
    assert run_cli(built, "serve", "--get", "/officer/mo/MO-0000000000-9").returncode == 1


def test_main_pages_never_skip_a_heading_level(client, built):
    """Screen-reader users move by headings: h1, then h2, never h1 straight to h3."""
    import csv
    import re
    rows = list(csv.DictReader(open(built / "data" / "mo_officers.csv", encoding="utf-8")))
    officer = next(r["row_id"] for r in rows if r["license_status"] == "Revoked")
    agency = next(r["agency_id"] for r in rows if r["agency_id"])
    for path in ("/", "/certification", "/search?q=smith", "/decertified", f"/officer/mo/{officer}", f"/agency/{agency}",
                 "/certification/mo_officers", f"/certification/mo_officers/{officer}",
                 # table pages without provenance: the search index, a view
                 "/certification/people", "/certification/mo_decertified_officers",
                 # query pages, a canned one and one whose result is cut at the row limit
                 "/certification/decertified_officers", "/certification/officers_by_name?name=smith",
                 "/certification?sql=select+*+from+name_deletions"):
        levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", get(client, path).text)]
        assert levels and levels[0] == 1, path
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (path, levels)


def test_the_database_page_links_only_tables_whose_rows_open(client):
    """?_show_hidden=1 listed SQLite's full-text index tables, whose row links answered 404 (a row keyed
    by bytes has no address): no hidden table is listed, and every listed table's rows open."""
    import html
    import re
    hidden = {t["name"] for t in get(client, "/certification.json").json()["tables"] if t["hidden"]}
    assert {"people_fts_idx", "people_fts_data", "agencies_fts_idx"} <= hidden
    for path in ("/certification", "/certification?_show_hidden=1"):
        page = get(client, path).text
        listed = set(re.findall(r'href="/certification/([a-z_0-9]+)"', page))
        assert listed and not listed & hidden, (path, listed & hidden)
        assert not re.search(r"<a [^>]*_show_hidden", page)
        for table in listed - {"decertified_officers"} - set(presentation.read(ROOT)["queries"]):
            rows = re.findall(rf'href="(/certification/{table}/[^"]+)"', get(client, f"/certification/{table}").text)
            for row in [html.unescape(r) for r in rows if ".blob" not in r][:2]:
                assert get(client, row).status_code == 200, row


def csv_links(page):
    """The CSV links of a page (its download links, not the advanced export form)."""
    import html
    import re
    return [html.unescape(href) for href in re.findall(r'<a [^>]*href="([^"]*\.csv(?:\?[^"]*)?)"', page)]


def test_every_csv_link_on_a_page_downloads_a_file(client, built):
    """A reader who clicks CSV gets a file saved as CSV (text/csv, attachment), as /search.csv and
    /decertified.csv always did, not a page of plain text in the browser's window."""
    import sqlite3
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    agencies = [r[0] for r in conn.execute("select agency_id from people where agency_id is not null "
                                           "group by state order by state")]
    officer, row = conn.execute("select person_id, (select row_id from mo_officers limit 1) from people "
                                "where state = 'MO' limit 1").fetchone()
    query = "/certification?sql=select+officer_name+from+mo_officers+limit+3"
    pages = [f"/agency/{a}" for a in agencies] + [
        "/certification/mo_officers", "/certification/mo_officers?license_status=Revoked", "/certification/agencies",
        "/certification/decertified_officers", query,
        "/decertified", "/search?q=smith", f"/officer/{officer}", f"/certification/mo_officers/{row}"]
    checked = set()
    for path in pages:
        page = get(client, path)
        assert page.status_code == 200, path
        for link in csv_links(page.text):
            response = get(client, link)
            assert response.status_code == 200, link
            assert response.headers["content-type"].startswith("text/csv"), (path, link, response.headers["content-type"])
            assert response.headers["content-disposition"].startswith("attachment;"), (path, link)
            checked.add(path)
    assert {f"/agency/{a}" for a in agencies} | {"/certification/mo_officers", "/decertified", "/search?q=smith",
                                                 "/certification/decertified_officers", query} <= checked


def test_quoted_words_end_with_one_full_stop(client):  # (client: the plugins loaded)
    """The template's quotation adds a full stop only when the words do not end with one, also when their
    own closing quotation mark follows it (“... ‘Surrendered.’” or “... inaccurate.”), their own double marks
    made single inside ours."""
    import jinja2
    from datasette.plugins import pm
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "templates" / "datasette")), autoescape=True)
    pm.get_plugin("certsearch.py").prepare_jinja2_environment(env)
    quoted = env.from_string('{% from "_quote.html" import quoted %}{{ quoted(words) }}')
    cases = {"at the current time": "“at the current time”.", "often inaccurate.": "“often inaccurate.”",
             "as “Revoked” and “Surrendered.”": "“as ‘Revoked’ and ‘Surrendered.’”", "Is it?": "“Is it?”",
             'said "no."': "“said &#34;no.&#34;”", "it’s so": "“it’s so”."}
    for words, expected in cases.items():
        assert quoted.render(words=words) == expected, words
    assert quoted.render(words=["at the current time", "often inaccurate."]) == "“at the current time”. “often inaccurate.”"


def test_agency_pages_quote_the_agency_once_and_label_the_licence_class(client, built):
    import sqlite3

    from markupsafe import escape
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    synthetic = {r[0] for r in conn.execute("select resource from package_resources where synthetic_sample")}
    words = dict(conn.execute("select our_field, agency_words from request_items where our_field like '%.agency_id' "
                              "and agency_words is not null"))
    for state, field in (("MA", "ma_training.agency_id"), ("MO", "mo_officers.agency_id")):
        agency = conn.execute("select agency_id from people where state = ? and agency_id is not null limit 1", [state]).fetchone()[0]
        page = get(client, f"/agency/{agency}").text
        assert str(escape(words[field])) in page and ".”." not in page and "”.." not in page, state
        # and every caveat of the agency's on the field in its schema (a walk: the agency page left out MPTC's
        # "unreliable and not an official part of their training record", which officer pages gave)
        schema = Package.load(built).resource(field.split(".")[0])["schema"]
        caveats = [g["quote"] for f in schema["fields"] if f["name"] == "agency_id"
                   for g in f.get("pcr:disclosure", {}).get("grounds", []) if g.get("kind") == "agency-caveat"]
        for quote in caveats:
            assert str(escape(quote)).replace("“", "‘").replace("”", "’") in page, (state, quote)
        # rows of a synthetic sample are never said to be listed from the agency's records
        sample = "Generated for testing (a synthetic sample" in page
        assert sample == (field.split(".")[0] in synthetic) and sample != ("Listed from the records of" in page), state
        if state == "MO":
            assert ", licence class " in page
    zyzzyva = conn.execute("select agency_id from mo_officers where officer_name = 'Zyzzyva, Quentin'").fetchone()[0]
    assert "Zyzzyva, Quentin</a>: Sample status A, licence class Sample class B" in get(client, f"/agency/{zyzzyva}").text


def test_counts_of_one_are_singular(client):
    page = get(client, "/search?q=zyzzyva").text
    assert "Filter this result<" in page and "these 1 result" not in page and "1 results" not in page  # a walk: "Filter these 1 result"
    total = get(client, "/search.json?q=smith").json()["total"]
    assert total > 1 and f"Filter these {total:,} results<" in get(client, "/search?q=smith").text


def test_the_home_page_describes_the_decertified_list_as_the_list_does(client):
    """Not "every one" (every decertified officer there is): every officer listed with a status under
    which the releasing agency says decertified officers appear, the words of /decertified itself."""
    import html
    import re
    home = " ".join(html.unescape(re.sub(r"<[^>]+>", "", get(client, "/").text)).split())
    listing = " ".join(html.unescape(re.sub(r"<[^>]+>", "", get(client, "/decertified").text)).split())
    scope = "very officer listed with a status under which the releasing agency says decertified officers appear"
    assert f"E{scope}" in listing and f"e{scope}" in home
    assert "every one" not in home


@pytest.mark.parametrize("path, where", [("/certification/mo_officers", ""), ("/certification/mo_officers?_next=50", ""),
                                         ("/certification/mo_officers?license_status=Sample+status+A", "where license_status = 'Sample status A'")])
def test_a_table_page_s_csv_link_gives_every_row_of_the_table_or_filter(client, built, path, where):
    """The walk: the CSV link of a table page gave the first 1,000 of 22,450 rows, under the table's
    name, with nothing to say so. Past one page of rows it streams them all."""
    import csv as csvlib
    import io
    import sqlite3
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    total = conn.execute(f"select count(*) from mo_officers {where}").fetchone()[0]
    conn.close()
    small = datasette.app(built / "site" / "downloads" / "certification.db", built / "site" / "datasette" / "metadata.json")
    small._settings = dict(small._settings, max_returned_rows=100)  # the test release is small
    small.max_returned_rows = 100
    assert total > 100  # more than Datasette returns without streaming
    client = small
    page = get(client, path).text
    links = [link for link in csv_links(page) if "_dl=1" in link]
    assert len(links) == 1 and f"all {total:,} rows" in page
    rows = list(csvlib.reader(io.StringIO(get(client, links[0]).text.lstrip("\ufeff"))))
    assert len(rows) - 1 == total


def test_the_decertified_list_names_the_states_it_leaves_out(client, built):
    """A reader from a state that is not listed learns why: the list names every state whose releasing
    agency named no status of decertified officers."""
    import html
    metadata = json.loads((built / "site" / "datasette" / "metadata.json").read_text())
    states = metadata["plugins"]["certsearch"]["states"]
    left_out = [s["name"] for s in states if not s.get("decertified")]
    assert left_out and len(left_out) < len(states)
    text = " ".join(html.unescape(get(client, "/decertified").text).split())
    assert f"Not listed: {', '.join(left_out)}, for which the source documents name no such status." in text


def test_search_results_label_a_detail_that_does_not_say_what_it_is_and_an_empty_search_says_what_to_type(client, built):
    """The walk: "unknown" in the Details column, with nothing to say it is the licence class; an empty
    search showed a blank page."""
    import html
    import re
    metadata = json.loads((built / "site" / "datasette" / "metadata.json").read_text())
    labels = {s["code"]: s["detail_label"] for s in metadata["plugins"]["certsearch"]["states"] if s.get("detail_label")}
    assert labels
    page = html.unescape(get(client, "/search?q=smith").text)
    cells = re.findall(r'<td data-column="State">(\w+)</td>.*?<td data-column="Details">([^<]*)</td>', page, flags=re.S)
    assert {state for state, _ in cells} & set(labels)
    for state, detail in cells:
        if state in labels and detail:
            assert detail.startswith(labels[state] + ": "), (state, detail)
    empty = html.unescape(get(client, "/search?q=").text)
    assert "Type a name in any order" in empty


def test_an_officer_page_tells_what_was_withheld_as_the_law_page_does(client, built):
    """The second walk: the officer page grouped the withheld elements one way, the law page another,
    so a journalist quoting either gave a different account. Both now show the same groups, in order."""
    import html
    import re
    law = html.unescape((built / "site" / "law" / "index.html").read_text())
    row = get(client, "/certification/mo_officers.json?_shape=array&_size=1").json()[0]
    page = html.unescape(get(client, f"/officer/mo/{row['row_id']}").text)
    section = page[page.index('id="not-published"'):page.index("</section>", page.index('id="not-published"'))]
    groups = re.findall(r"<p><em>([^<]+)</em>", section)
    elements = re.findall(r'<span class="element">([^<]+)</span>', section)
    assert groups and elements
    position = 0
    for element in elements:  # the officer page's elements, in the law page's order
        found = law.find(element, position)
        assert found >= 0, element
        position = found


def test_an_officer_page_shows_its_identifier_as_text(client):
    """A new user's walk: the identifier a correction request asks for, and a reporter cites, was only inside
    the link to the database row."""
    import html
    import re
    row = get(client, "/certification/mo_officers.json?_shape=array&_size=1").json()[0]
    page = html.unescape(get(client, f"/officer/mo/{row['row_id']}").text)
    main = page[page.index("<h1"):page.index('id="not-published"')]
    text = re.sub(r"<a [^>]*>.*?</a>", "", main, flags=re.S)  # links' text and addresses left out
    assert f"<code>{row['row_id']}</code>" in text


def test_a_status_the_agency_never_defined_is_not_shown_as_sourced(client, built):
    """A new user's walk: a status with no words of the agency's read "Source: the licence statuses table of
    the data package", which a reporter took for POST's definition; the page now says the words are ours."""
    import html
    import sqlite3
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    row_id = conn.execute("select o.row_id from mo_officers o join mo_license_statuses s using (license_status) "
                          "where coalesce(s.agency_words, '') = '' limit 1").fetchone()[0]
    page = html.unescape(get(client, f"/officer/mo/{row_id}").text)
    assert "the source documents do not say what this status means" in page and "POST's words" not in page


def test_the_server_builds_a_page_of_each_kind_before_it_takes_its_first_connection(built):
    """At a cold start fifty readers arriving at once each waited for the first costs of every kind of page (templates,
    schemas, facets, the database's cache): first byte up to 2.5 to 2.9 s. The warm-up plugin asks a page of each kind
    while uvicorn waits for the lifespan startup to complete, so that it completes only after; every page it asks
    answers 200."""
    import asyncio

    from datasette.plugins import pm

    from certdata import datasette
    ds = datasette.app(built / "site" / "downloads" / "certification.db", built / "site" / "datasette" / "metadata.json")
    warmup = next(p for p in pm.get_plugins() if getattr(p, "__name__", "") == "warmup.py")
    events = []

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            return
        events.append(scope["path"] + ("?" + scope["query_string"].decode() if scope["query_string"] else ""))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def lifespan():
        async def receive():
            return {"type": "lifespan.startup"}

        async def send(message):
            events.append(message["type"])
        await warmup.asgi_wrapper(ds)(app)({"type": "lifespan"}, receive, send)
    asyncio.run(lifespan())
    assert events[-1] == "lifespan.startup.complete" and "lifespan.startup.complete" not in events[:-1]
    asked = events[:-1]
    states = ds.plugin_config("certsearch")["states"]
    for state in states:
        assert any(p.startswith(f"/officer/{state['route']}/") for p in asked), (state["route"], asked)
    assert any(p.startswith("/search?q=") for p in asked) and any(p.startswith("/agency/") for p in asked), asked
    for path in asked:
        assert asyncio.run(ds.client.get(path)).status_code == 200, path


def test_a_massachusetts_officer_page_shows_the_state_id_of_its_records(client, built):
    """A new user's walk: the records' State ID (the "MMPTC or other state unique ID number" the request asked for)
    was in the data and nowhere on the officer's page, so a reporter holding only that number could not check it."""
    import sqlite3
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    acadis, state_id = conn.execute("select acadis_id, state_id from ma_training where state_id != '' limit 1").fetchone()
    assert f"<code>{state_id}</code>" in get(client, f"/officer/ma/{acadis}").text
    blank = conn.execute("select acadis_id from ma_training group by acadis_id having max(state_id) = '' limit 1").fetchone()
    if blank:
        assert "State ID in these training records: none recorded" in get(client, f"/officer/ma/{blank[0]}").text


def test_an_officer_page_says_each_note_on_what_is_not_published_once(client, built):
    """A new user's walk: one element's own note made the 22 others of its group repeat theirs, the same sentence
    22 times on every Missouri officer page. Each note is said once, for the group, or by the element whose it is."""
    import html
    import re
    import sqlite3
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    for (person,) in conn.execute("select min(person_id) from people group by state"):
        page = get(client, "/officer/" + person).text
        box = html.unescape(page.split('class="not-published"', 1)[1].split("</section>", 1)[0])
        notes = re.findall(r"\(our note: (.*?)\)</small>", box, flags=re.S) + re.findall(r"Our note[^:]*: (.*?)</p>", box, flags=re.S)
        assert notes and len(notes) == len(set(notes)), (person, [n for n in notes if notes.count(n) > 1][:1])


@pytest.mark.parametrize("path", ["/certification/mo_officers?_search=%22", "/certification/mo_officers?_search=%22%22%22",
                                  "/certification/mo_officers?_facet=no_such_column", "/certification/mo_officers?_where=x%3D"])
def test_datasette_s_own_bad_requests_get_the_site_s_error_page(client, path):
    """A new user's walk: a table search of a lone quotation mark answered "Invalid SQL - fts5: syntax error near
    ...", and Datasette's own 400 pages (a facet or _where that cannot run) had neither the sample banner nor the
    link to the documentation that every other page has. They are the site's error page, with a message."""
    normal = get(client, "/certification/mo_officers").text
    response = get(client, path)
    assert response.status_code == 400 and "fts5" not in response.text and "Invalid request" in response.text
    for mark in ('class="site-header"', "Synthetic sample, not real officers", ">Documentation<"):
        assert (mark in response.text) == (mark in normal), mark
    if "_search" in path:
        assert "holds nothing to search for" in response.text


def test_the_agencies_table_and_its_row_pages_link_each_agency_to_its_page(client):
    """A new user's walk: the home page's "Agencies" led to a table whose names, and whose row pages, did not lead to
    the agency's own page (its officers, the agency's words on the field)."""
    import re
    table = get(client, "/certification/agencies?_size=5").text
    links = re.findall(r'<td class="col-agency_name[^"]*" data-column="agency_name"><a class="agency-link" href="(/agency/[^"]+)">', table)
    assert len(links) == 5, table[:2000]
    row = get(client, "/certification/agencies/" + links[0].rsplit("/", 1)[1]).text
    assert f'class="agency-link" href="{links[0]}"' in row
    assert get(client, links[0]).status_code == 200


def test_an_officer_address_with_its_state_in_capitals_goes_to_the_page(client):
    """A new user's walk: /officer/MA/<id> was a plain 404, while an identifier in capitals was redirected."""
    checked = 0
    for state in client.plugin_config("certsearch")["states"]:
        rows = get(client, f"/search.json?q=a&state={state['code']}&size=1").json()["rows"]
        if rows:
            route, key = rows[0]["person_id"].split("/", 1)
            response = get(client, f"/officer/{route.upper()}/{key}")
            assert response.status_code == 301 and response.headers["location"].endswith(f"/officer/{route}/{key}"), state
            checked += 1
    assert checked and get(client, "/officer/XX/1").status_code == 404
    # an identifier of no state's form is no officer's: not sent on, quoted again (the thirteenth attack run)
    for key in ("abc%0d%0aSet-Cookie:x", "abc%2Fdef", "a%25b"):  # Datasette sends these to their ~ form first
        tilde = get(client, f"/officer/MA/{key}").headers["location"]
        assert "%25" not in tilde and "~25" not in tilde.replace("a~25b", ""), tilde
        response = get(client, tilde)
        assert response.status_code == 404 and "location" not in response.headers, key


def test_the_titles_of_sample_pages_say_so(client, built):
    """A new user's walk: a table's, a row's and an agency's page titles (what a browser tab, a bookmark or a search
    result shows) lacked "(synthetic sample)", which officer pages had."""
    import re
    import sqlite3
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    synthetic = {r[0] for r in conn.execute("select resource from package_resources where synthetic_sample")}
    row_id = conn.execute("select row_id from mo_officers limit 1").fetchone()[0]
    agency = conn.execute("select agency_id from mo_officers where agency_id is not null limit 1").fetchone()[0]
    conn.close()
    for path, sample in (("/certification/mo_officers", "mo_officers" in synthetic),
                         (f"/certification/mo_officers/{row_id}", "mo_officers" in synthetic),
                         (f"/agency/{agency}", "agencies" in synthetic), ("/certification/statutes", False)):
        title = re.search(r"<title>([^<]*)</title>", get(client, path).text).group(1)
        assert ("(synthetic sample)" in title) == sample, (path, title)
    # a row's page is named by its key, as a bookmark or a citation needs (a walk: every row page had one title)
    row_title = re.search(r"<title>([^<]*)</title>", get(client, f"/certification/mo_officers/{row_id}").text).group(1)
    assert row_title.startswith(f"{row_id}: certification: mo_officers"), row_title


def test_every_address_the_search_documentation_gives_as_an_example_answers_and_labels_a_sample(client, built):
    """The walk: the documentation recommended JSON whose rows carry no sample label. Each example address of the
    "How to search" page (its code blocks) answers 200; a JSON one, while the release holds a sample, says so in
    its body: in each row, or at the top level of an object."""
    page = (built / "site" / "search" / "index.html").read_text(encoding="utf-8")
    examples = [html.unescape(p) for p in re.findall(r'<code tabindex="0">(/[^<\s]*)', page)]
    assert len(examples) >= 5 and any(e.startswith("/certification/") and ".json" in e for e in examples), examples
    for path in examples:
        response = get(client, path)
        assert response.status_code == 200, path
        if ".json" in path.split("?")[0]:
            body = response.json()
            labelled = body.get("synthetic_sample") if isinstance(body, dict) else all(r.get("synthetic_sample") for r in body)
            assert labelled, path


def test_the_decertified_list_links_its_feed_and_the_link_answers_the_feed(built, monkeypatch):
    """A walk after the sixteenth: the feed of new decertifications was linked from no page a reader of the list
    sees, and no page announced it to a browser or a feed reader (rel=alternate)."""
    import re
    monkeypatch.setenv("CERTDATA_DOCS_DIR", str(built / "site"))  # the documentation served beside, as `serve` does
    client = datasette.app(built / "site" / "downloads" / "certification.db", built / "site" / "datasette" / "metadata.json")
    page = get(client, "/decertified").text
    alternate = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', page)
    shown = re.search(r'<a href="([^"]+)" type="application/atom\+xml">the feed</a>', page)
    assert alternate and shown and alternate.group(1) == shown.group(1)
    feed = get(client, shown.group(1))
    assert feed.text.lstrip().startswith("<?xml") and "<feed" in feed.text
