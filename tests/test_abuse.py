"""A reader's server under attack: each attack of issue 16 and its neighbours is refused or cut,
other readers are still answered, and nothing about the host shows."""
import asyncio
import contextlib
import csv
import hashlib
import html
import importlib.util
import io
import json
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from certdata import datasette, pipeline, publish

from .conftest import ROOT, make_package

SLOW_SQL = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"


@pytest.fixture(scope="module")
def client(built):
    return datasette.app(built / "site" / "downloads" / "certification.db", built / "site" / "datasette" / "metadata.json")


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def sql(query):
    return "/certification.json?_shape=array&sql=" + quote(query)


# --- single expensive calls: cut by the length limit and the denied functions --------------------

@pytest.mark.parametrize("path", [
    sql("select randomblob(400000000)"), sql("select randomblob(1000000000)"), sql("select zeroblob(1000000000)"),
    sql("select length(printf('%.*c', 2147483647, 'x'))"), sql("select format('%.*c', 2147483647, 'x')"),
    sql("select load_extension('/tmp/x')"), sql("select fts3_tokenizer('simple')"),
    "/certification/mo_officers.json?_size=1&_where=" + quote("randomblob(100000000) is not null"),
    "/certification/mo_officers.csv?_size=1&_where=" + quote("length(zeroblob(100000000)) > 0"),
    sql("with recursive s(x) as (select 'abcdefghij' union all select x || x from s) select length(x) from s"),
    sql("select group_concat(officer_name || officer_name || officer_name) from mo_officers, mo_license_classes"),
])
def test_a_single_huge_value_is_refused_with_400_and_a_small_body(client, path):
    response = get(client, path)
    assert response.status_code == 400, response.text[:300]
    assert len(response.content) < 10_000


def test_a_result_too_large_to_hold_is_refused_not_built(client):
    rows = ("with recursive s(x) as (select 'abcdefghij' union all select x || x from s where length(x) < 10000), "
            "big(x) as (select x from s order by length(x) desc limit 1), n(i) as (select 1 union all select i + 1 from n limit 1000) "
            "select " + ", ".join(["big.x"] * 10) + " from big, n")
    response = get(client, sql(rows))
    assert response.status_code == 400 and "larger than" in response.text
    assert len(response.content) < 10_000


def test_a_runaway_query_is_interrupted(client):
    response = get(client, sql(SLOW_SQL))
    assert response.status_code == 400 and "too long" in response.text.lower()


# --- malformed parameters: 400 with nosniff, never 500 ---------------------------------------------

ISSUE_CASES = ["rowid__gt=99999999999999999999999", "_through=notjson", "officer_name__in=[1,2"]


@pytest.mark.parametrize("query", [
    "rowid__gt=99999999999999999999999", "rowid__lt=-99999999999999999999999", "_through=notjson",
    "officer_name__in=[1,2", "officer_name__in=[[", '_through={"table":1}', "_through=[]",
    '_through={"table":"agencies","column":"x","value":"y"}', '_through={"table":1,"column":"a","value":"b"}',
    '_through={"table":null,"column":"a","value":"b"}', "_timelimit=abc", "_sort=nope",
    "_sort=rowid&_next=99999999999999999999999", "_size=abc", "_col=nope", "_facet=nope",
    "officer_name__arraycontains=1", "_search=%22",
])
@pytest.mark.parametrize("form", [".json", "", ".csv"])
def test_malformed_parameters_get_400_with_nosniff(client, query, form):
    response = get(client, f"/certification/mo_officers{form}?{query}")
    assert response.status_code < 500, (query, response.text[:200])
    assert response.headers.get("x-content-type-options") == "nosniff"
    if form == ".json" and query in ISSUE_CASES:
        assert response.status_code == 400, query
    if form == "" and response.status_code == 400:  # a person's page: the site's error page, with a way home
        assert response.headers["content-type"].startswith("text/html"), query
        assert 'class="home-link"' in response.text and "<main" in response.text, query


@pytest.mark.parametrize("query", ["agencyid=MO-columbia-police-department", "zz=1", "_x__exact=1",
                                   "agency_id__is=MO-columbia-police-department", "officer_name__nope=a&_stream=on"])
@pytest.mark.parametrize("form", [".json", "", ".csv"])
def test_a_filter_on_no_column_or_with_no_known_operator_is_refused_not_answered_empty_or_whole(client, query, form):
    """SQLite reads a double-quoted name that is no column as a string: a misspelt filter answered
    "0 rows" and an unknown operator was dropped (every row), both without a word."""
    response = get(client, f"/certification/mo_officers{form}?{query}")
    assert response.status_code == 400, (query, response.text[:200])
    assert "no column" in response.text.lower() or "unknown filter" in response.text.lower()


@pytest.mark.parametrize("query", ["agency_id=MO-columbia-police-department", "agency_id__exact=MO-columbia-police-department",
                                   "Agency_ID=MO-columbia-police-department",
                                   "rowid__gt=3", "officer_name__contains=a", "name_suffix__isnull=1"])
def test_filters_on_real_columns_still_answer(client, query):
    response = get(client, f"/certification/mo_officers.json?{query}&_shape=array")
    assert response.status_code == 200 and response.json(), query


def test_the_response_cache_counts_what_it_holds_and_keeps_no_long_address():
    """The fourth attack run: 600 requests with 95 KB addresses and 2 KB answers grew the server by
    56 MB and it never shrank: the limit counted bodies only. Every entry counts its key and headers,
    and an address longer than any page makes is answered but never kept."""
    plugin = plugin_module("certsearch")
    start = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}

    async def small_app(scope, receive, send):
        await send(start)
        await send({"type": "http.response.body", "body": b"{}" * 1000})

    async def scenario():
        cache = plugin.ResponseCache(small_app, limit=1024 * 1024)
        for n in range(600):
            query = f"_c{n}={'a' * 1500}".encode()
            scope = {"type": "http", "method": "GET", "path": "/certification/statutes.json", "query_string": query, "headers": []}

            async def send(message):
                pass
            await cache(scope, None, send)
        held = sum(len(k) + len(body) for k, (_, body) in cache.store.items())
        assert held <= cache.limit and cache.size <= cache.limit
        long = {"type": "http", "method": "GET", "path": "/certification/statutes.json",
                "query_string": b"x=" + b"a" * plugin.CACHE_KEY_LIMIT, "headers": []}
        assert plugin.ResponseCache.key(long) is None
    asyncio.run(scenario())


@pytest.mark.parametrize("path", [
    "/", "/search?q=smith", "/certification", "/certification/mo_officers", "/certification/mo_officers.csv",
    "/export/people.json?nope=1", "/export/nope.json", "/no/such/page", "/-/fingerprint.json", "/assets/certsearch.css",
    "/certification.db", "/-/settings.json", sql("select 1"),
])
def test_every_response_carries_nosniff(client, path):
    headers = get(client, path).headers
    assert headers.get("x-content-type-options") == "nosniff"
    # and may not be framed by another site (an attack run after the sixteenth)
    assert headers.get("x-frame-options") == "DENY" and "frame-ancestors 'none'" in headers.get("content-security-policy", "")


# --- nothing about the host --------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/-/databases.json", "/-/databases", "/-/threads.json", "/-/versions.json", "/-/plugins.json",
    "/-/fingerprint.json", "/-/settings.json", "/-/metadata.json", sql("select * from pragma_database_list"),
    sql("select file from pragma_database_list"), "/certification.json?sql=" + quote("select * from pragma_database_list"),
    "/certification", "/certification.json",
])
def test_no_host_path_in_any_answer(client, built, path):
    response = get(client, path)
    for secret in (str(built), str(ROOT), sys.prefix, "/tmp/", "/work/", "site-packages"):
        assert secret not in response.text, (path, secret)


def test_threads_and_versions_say_nothing_of_the_build(client):
    assert "tasks" not in get(client, "/-/threads.json").json()
    versions = get(client, "/-/versions.json").text
    assert "compile_options" not in versions and "GCC" not in versions


# --- formula cells in every CSV a page links --------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = make_package(tmp_path_factory.mktemp("formula"), extra_mo=[
        ('=HYPERLINK("x","y"), Evil', "Sample status A", "Sample class A", "Columbia Police Department"),
        ("-SUM(1), Other", "Revoked", "Sample class A", ""), ("+1-2, Plus", "Sample status A", "Sample class A", "")])
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    return datasette.app(root / "site" / "downloads" / "certification.db", root / "site" / "datasette" / "metadata.json")


FORMULA_LINKS = [
    "/certification/mo_officers.csv?_search=evil", "/certification/mo_officers.csv?_search=evil&_labels=on",
    "/certification/mo_officers.csv?_search=evil&_stream=on&_size=max&_dl=1",
    "/certification/mo_officers.csv?_stream=on&_size=max", "/certification/mo_officers.csv?_labels=on&_size=max",
    "/certification/people.csv?_search=evil&_stream=on&_size=max",
    "/certification/officers_by_name.csv?name=evil", "/certification.csv?sql=" + quote("select officer_name from mo_officers"),
    "/certification/mo_officers.csv?agency_id=MO-columbia-police-department&_stream=on&_size=max",
]


@pytest.mark.parametrize("path", FORMULA_LINKS)
def test_csv_links_give_the_spreadsheet_form(hostile, path):
    response = get(hostile, path)
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "@", "+", "\t", "\r")) or (c.startswith("-") and not c.lstrip("-").replace(".", "").isdigit())]
    if "evil" in path or "sql=" in path or "columbia" in path:
        assert "'=HYPERLINK(\"x\",\"y\"), Evil" in cells


@pytest.mark.parametrize("path", ["/certification/mo_officers.csv?_search=evil&_csv=exact",
                                  "/certification/mo_officers.csv?_search=evil&_csv=exact&_dl=1",
                                  "/certification/mo_officers.csv?_stream=on&_csv=exact&_dl=1",
                                  "/certification.csv?_csv=exact&_dl=1&sql=" + quote("select officer_name from mo_officers"),
                                  "/search.csv?q=evil&_csv=exact&_dl=1"])
def test_the_exact_form_for_programs_keeps_every_cell_and_is_never_a_spreadsheet_download(hostile, path):
    """The eighth attack run: a link with _csv=exact&_dl=1 gave a text/csv attachment whose =HYPERLINK cell
    ran when opened. The exact form is text/plain and never an attachment; its cells are as released."""
    response = get(hostile, path)
    assert response.status_code == 200 and not response.content.startswith(b"\xef\xbb\xbf")
    assert response.headers["content-type"].startswith("text/plain")
    assert not response.headers.get("content-disposition", "inline").startswith("attachment"), response.headers
    cells = [c for row in csv.reader(io.StringIO(response.text)) for c in row]
    assert '=HYPERLINK("x","y"), Evil' in cells


def test_page_links_lead_to_csv_the_policy_covers(hostile):
    page = get(hostile, "/search?q=evil").text + get(hostile, "/agency/MO-columbia-police-department").text
    assert ".csv?" in page and "_csv=exact" not in page


@pytest.mark.parametrize("path", ["/certification/mo_officers?_search=evil&_csv=exact",
                                  "/certification?_csv=exact&sql=" + quote("select officer_name from mo_officers where officer_name like '=%'")])
def test_a_page_asked_with_the_exact_form_still_links_the_spreadsheet_form(hostile, path):
    """The third attack run: ?_csv=exact on a page was carried into its CSV link, which then ran formulas."""
    page = get(hostile, path).text
    links = re.findall(r'href="([^"]*\.csv\?[^"]*)"', page)
    assert links and not [link for link in links if "_csv" in link], links
    body = get(hostile, html.unescape(links[0])).content
    assert body.startswith(b"\xef\xbb\xbf") and b"'=HYPERLINK" in body


# --- over HTTP: concurrency, disconnects, a release swapped under a running server ----------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(root, log=None):
    """A served release at a free port; the server's output goes to the file log (else nowhere)."""
    port = free_port()
    env = {"CERTDATA_ROOT": str(root), "PATH": f"{sys.prefix}/bin:/usr/bin:/bin"}
    output = open(log, "wb") if log else subprocess.DEVNULL
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)], env=env,
                               stdout=output, stderr=output)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/fingerprint.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            output.close()


def fetch(url, timeout=30):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.fixture(scope="module")
def server(built):
    with running_server(built) as base:
        yield base


def test_excess_arbitrary_sql_is_refused_at_once_and_others_are_served(server):
    results = []

    def abuse():
        results.append(fetch(server + sql(SLOW_SQL))[0])
    threads = [threading.Thread(target=abuse) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    ordinary = [fetch(server + "/certification/mo_officers.json?_size=1")[0] for _ in range(3)]
    for thread in threads:
        thread.join(timeout=60)
    assert ordinary == [200, 200, 200]
    assert all(status in (400, 429, 503) for status in results), results
    assert results.count(429) + results.count(503) >= 4, results  # one client: one running query


def test_sql_stops_when_the_client_leaves(server):
    with socket.create_connection(("127.0.0.1", int(server.rsplit(":", 1)[1]))) as s:
        s.sendall(f"GET {sql(SLOW_SQL)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        time.sleep(0.3)
    # The same client may run one query at a time: the next one is admitted only once the
    # abandoned one has stopped, which the time limit alone would do 1.5 s after it began.
    status = None
    for _ in range(20):
        status = fetch(server + sql("select 1"))[0]
        if status == 200:
            break
        time.sleep(0.05)
    assert status == 200


def held_by_server(port, addresses):
    """The connections from these client addresses that the server's system still holds open or with bytes
    of an answer not yet taken ([(TCP state, bytes unsent)], from Linux's /proc/net/tcp). A connection the
    server closes with its answer untaken is kept by the system, answer and all, for minutes; one the system
    has cut is gone at once (a client that never reads does not notice)."""
    hexed = {"".join(f"{int(b):02X}" for b in reversed(a.split("."))) for a in addresses}
    held = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, remote, state, queues = line.split()[1:5]
        unsent = int(queues.split(":")[0], 16)
        if local.endswith(f":{port:04X}") and remote.split(":")[0] in hexed and (state == "01" or unsent):
            held.append((state, unsent))
    return held


def status_peeked(s):
    """The status of the answer a client socket has been sent (b"" if none yet), the bytes left unread."""
    try:
        return s.recv(12, socket.MSG_PEEK | socket.MSG_DONTWAIT)[9:12]
    except OSError:
        return b""


def test_clients_that_never_read_long_pages_hold_neither_the_server_nor_their_connections(built):
    """The v5 attack run, small: addresses that each open connections asking for a page of as many rows as can be
    (_size=max) and never read a byte. All were admitted at once (256 pages, a minute of work): an ordinary request
    got 503s and a timeout while they were built, and took 25 s once they had gone; each answer stayed in memory for
    minutes. Now two such pages are built at a time, an ordinary request is answered at once, and a connection
    whose client takes nothing of its answer is cut within the send deadline."""
    deadline = limits_plugin().SEND_TIMEOUT
    attackers = []
    with running_server(built) as base:
        port = int(base.rsplit(":", 1)[1])
        try:
            started = time.monotonic()
            for n in range(32):  # four addresses, eight connections each
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.bind((f"127.0.1.{10 + n % 4}", 0))
                s.connect(("127.0.0.1", port))
                s.sendall(f"GET /certification/mo_officers?_size=max&_zz={n} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                attackers.append(s)
            ordinary = []
            for n in range(6):
                began = time.monotonic()
                status = fetch(base + f"/certification/mo_officers.json?_size=1&_zz={n}", timeout=20)[0]
                ordinary.append((status, round(time.monotonic() - began, 2)))
                time.sleep(0.2)
            assert all(status == 200 for status, _ in ordinary), ordinary
            assert max(seconds for _, seconds in ordinary) < 1.0, ordinary
            answered = [status_peeked(s) for s in attackers]
            assert b"200" in answered, answered  # some got their whole page, and hold it unread
            addresses = [f"127.0.1.{10 + n}" for n in range(4)]
            while held_by_server(port, addresses) and time.monotonic() - started < deadline + 6:
                time.sleep(0.5)
            held = held_by_server(port, addresses)
            assert not held, f"{len(held)} connections still held {time.monotonic() - started:.1f} s on: {held[:5]}"
            assert fetch(base + "/certification/mo_officers.json?_size=1&_zz=after", timeout=5)[0] == 200
        finally:
            for s in attackers:
                s.close()


def test_a_rebuild_never_changes_what_a_running_server_answers(tmp_path, built):
    root = tmp_path / "pkg"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns("build"))
    with running_server(root) as base:
        before = json.loads(fetch(base + "/-/databases.json")[1])[0]["hash"]
        status, body, headers = fetch(base + "/certification.db")
        assert status == 200 and hashlib.sha256(body).hexdigest() == before and before in headers["Etag"]
        docs_before = fetch(base + "/docs/")[1]
        stage = tmp_path / "stage"
        shutil.copytree(root / "site", stage)
        (stage / "index.html").write_text("<p>the rebuilt documentation</p>", encoding="utf-8")
        conn = sqlite3.connect(stage / "downloads" / "certification.db")
        conn.execute("create table rebuilt (x)")
        conn.commit()
        conn.close()
        publish.write_checksums(stage / "downloads")
        publish.swap_in(stage, root)
        assert publish.file_sha256(root / "site" / "downloads" / "certification.db") != before
        status, body, headers = fetch(base + "/certification.db")
        assert hashlib.sha256(body).hexdigest() == before and before in headers["Etag"]
        assert json.loads(fetch(base + "/-/databases.json")[1])[0]["hash"] == before
        assert fetch(base + "/certification/rebuilt.json")[0] == 404
        assert fetch(base + "/docs/")[1] == docs_before  # the documentation of the same release
    with running_server(root) as base:  # restarted: the new release
        assert b"the rebuilt documentation" in fetch(base + "/docs/")[1]
        assert json.loads(fetch(base + "/-/databases.json")[1])[0]["hash"] != before
        assert fetch(base + "/certification/rebuilt.json")[0] == 200
    assert len(list((root / "build" / "serving").iterdir())) == 1  # the old snapshot was removed



# Neighbours found by the second attack run.

def test_sql_written_percent_encoded_is_still_arbitrary_sql():
    import importlib.util
    spec = importlib.util.spec_from_file_location("limits_plugin", ROOT / "plugins" / "limits.py")
    limits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(limits)
    for query in (b"%73ql=select+1", b"s%71l=select+1", b"_wh%65re=1"):
        path = "/certification/mo_officers" if b"where" in query.lower() or b"%65re" in query else "/certification"
        assert limits.arbitrary_sql({"query_string": query, "path": path}), query


def test_the_response_cache_never_serves_one_host_s_links_to_another():
    import importlib.util
    spec = importlib.util.spec_from_file_location("certsearch_plugin", ROOT / "plugins" / "certsearch.py")
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    scope = {"type": "http", "method": "GET", "path": "/certification/statutes.json", "query_string": b"",
             "headers": [(b"host", b"example.org")]}
    evil = dict(scope, headers=[(b"host", b"evil.example"), (b"x-forwarded-proto", b"https")])
    assert plugin.ResponseCache.key(scope) != plugin.ResponseCache.key(evil)
    assert plugin.ResponseCache.key(dict(scope, query_string=b"_stream=on")) is None  # streams are never held
    assert plugin.ResponseCache.key(dict(scope, path="/certification.db")) is None
    for header in (b"cookie", b"authorization"):  # answered for the requester, marked private: never kept nor served
        assert plugin.ResponseCache.key(dict(scope, headers=scope["headers"] + [(header, b"x=1")])) is None


def test_a_request_with_a_cookie_never_gets_an_anonymous_answer_from_the_cache_nor_leaves_its_own(client):
    """The attack run of the seventh session: the cache keyed on address and host only, so an answer to a
    request with a cookie (marked private, no-store) was served to everyone after, and the other way round."""
    for first, second in ((None, {"x": "1"}), ({"x": "1"}, None)):
        query = f"/search.json?q=cache{len(str(first))}"
        answers = [asyncio.run(client.client.get(query, cookies=cookies)) for cookies in (first, second)]
        controls = [a.headers.get("cache-control") for a in answers]
        assert controls == [None if first is None else "private, no-store", None if second is None else "private, no-store"]


@pytest.mark.parametrize("path", [
    "/search.json?q=smith&page=99999999999999999999999", "/search.json?q=smith&page=9223372036854775807",
    "/search?q=smith&agency_page=9223372036854775807",
    "/certification/mo_officers.json?row_id__in=" + ",".join(str(i) for i in range(4000)),
    "/certification/mo_officers.json?row_id__in=" + "[" * 3000 + "]" * 3000,
    # a search of no word with a filter (an attack run after the twentieth: the page's filter links were undefined)
    *(f"/search?q={q}&{f}" for q in ("*", "-", ".", "%22", "%ff", "%25") for f in ("license_status=Revoked", "state=MO",
                                                                                 "agency_id=x")),
])
def test_more_malformed_parameters_get_a_plain_answer_never_a_500(client, path):
    assert get(client, path).status_code in (200, 400), path


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/certification/statutes", "/certification/agency_officers",  # a canned query
                                  "/certification/agency_officers.json", "/certification", "/search", "/docs/",
                                  "/-/fingerprint.json", "/decertified.csv"])
def test_a_write_to_the_read_only_server_is_refused_with_405_not_a_500(client, method, path):
    response = asyncio.run(client.client.request(method, path, data={"x": "1"}))
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD", response.text[:300]
    assert "asgi_send" not in response.text and response.headers["x-content-type-options"] == "nosniff"


def plugin_module(name):
    """A fresh copy of plugins/<name>.py, to drive or patch without a server."""
    spec = importlib.util.spec_from_file_location(f"{name}_plugin_under_test", ROOT / "plugins" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def limits_plugin():
    return plugin_module("limits")


def drive(gate, path, query, address):
    """Status of one request through the gate, from a given client address."""
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode(),
             "client": (address, 1234), "headers": []}
    sent = []

    async def receive():
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)
    return scope, receive, send, sent


def looping_sql(limits, loopers, seconds, pause, start_after=0.0):
    """[(seconds left, status)] of an ordinary client's quick queries, every 50 ms, through the gate
    while `loopers` addresses loop 0.3-second queries (pausing `pause` between them)."""
    async def slow_app(scope, receive, send):
        await asyncio.sleep(0.3 if b"slow" in scope["query_string"] else 0.001)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def scenario():
        gate = limits.Gate(slow_app)
        stop = asyncio.get_running_loop().time() + seconds
        statuses = []

        async def loop_slow(address):
            while asyncio.get_running_loop().time() < stop:
                *request, _ = drive(gate, "/certification.json", "sql=slow", address)
                await gate(*request)
                await asyncio.sleep(pause)

        async def ordinary():
            await asyncio.sleep(start_after)
            while asyncio.get_running_loop().time() < stop:
                scope, receive, send, sent = drive(gate, "/certification.json", "sql=select+1", "10.0.9.9")
                await gate(scope, receive, send)
                statuses.append((stop - asyncio.get_running_loop().time(), sent[0]["status"]))
                await asyncio.sleep(0.05)
        await asyncio.gather(*(loop_slow(f"10.0.0.{n}") for n in range(1, loopers + 1)), ordinary())
        return statuses
    return asyncio.run(scenario())


def test_clients_looping_slow_sql_cannot_keep_other_clients_sql_out(monkeypatch):
    """Two addresses loop slow queries; a third client's query is refused only while both slots are
    held at the start, and is served once the loopers owe more SQL time than the limit."""
    limits = limits_plugin()
    monkeypatch.setattr(limits, "SQL_DEBT_LIMIT", 0.6)
    statuses = looping_sql(limits, loopers=2, seconds=2.4, pause=0.01, start_after=0.05)
    early = [status for left, status in statuses if left > 1.6]
    late = [status for left, status in statuses if left < 1.0]
    assert 503 in early  # the two loopers held both slots at first: the bound is real
    assert late and set(late) == {200}, statuses


def test_many_addresses_looping_slow_sql_leave_a_slot_for_a_client_that_runs_little(monkeypatch):
    """The third attack run: 30 addresses, each under its own debt limit, took both slots in turn.
    One slot is kept for clients owing little SQL time, so an occasional query is still served."""
    limits = limits_plugin()
    monkeypatch.setattr(limits, "FRESH_DEBT", 0.25)
    statuses = looping_sql(limits, loopers=12, seconds=3.0, pause=0.005)
    late = [status for left, status in statuses if left < 1.0]
    assert late and set(late) == {200}, statuses


def test_one_client_has_a_bounded_number_of_requests_in_flight():
    limits = limits_plugin()

    async def slow_page(scope, receive, send):
        await asyncio.sleep(0.2)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"<p>"})

    async def scenario():
        gate = limits.Gate(slow_page)
        requests = [drive(gate, "/search", f"q=a&zz={n}", "10.0.0.1") for n in range(limits.REQUESTS_PER_CLIENT + 4)]
        requests.append(drive(gate, "/search", "q=a", "10.0.0.2"))
        await asyncio.gather(*(gate(scope, receive, send) for scope, receive, send, _ in requests))
        return [sent[0]["status"] for *_, sent in requests]
    statuses = asyncio.run(scenario())
    assert statuses[:-1].count(200) == limits.REQUESTS_PER_CLIENT and statuses[:-1].count(429) == 4
    assert statuses[-1] == 200  # another client is served



@pytest.mark.parametrize("value,rows", [("1000", 1000), ("%2B1000", 1000), ("1_000", 1000), ("%EF%BC%91%EF%BC%90%EF%BC%90%EF%BC%90", 1000),
                                        ("%D9%A1%D9%A0%D9%A0%D9%A0", 1000), ("+0001000", 1000), ("max", 10 ** 9), ("9" * 30, 10 ** 9),
                                        ("ten", 0), ("", 0), ("-5", 0)])
def test_a_long_page_is_known_however_its_size_is_written(value, rows):
    """The twelfth attack run: _size=+1000, 1_000 and 1000 in full-width or Arabic-Indic digits were read as no size,
    so such pages passed the bound on long pages, while Datasette and /search, reading them with int(), built 1,000 rows."""
    limits = limits_plugin()
    for path, name in (("/certification/people", "_size"), ("/search", "size")):
        assert limits.rows_asked({"path": path, "query_string": f"{name}={value}".encode()}) == max(rows, 0), (path, value)

def test_long_pages_are_built_one_per_client_and_two_in_all_and_paid_for_as_they_are_sent():
    """The v5 attack run: sixteen addresses asking sixteen pages of 1,000 rows each at once had 256 built together,
    and a page cost its client only once its request ended, that is never for a client that does not read."""
    limits = limits_plugin()
    unread = asyncio.Event()
    body = b"x" * (limits.PAGE_FREE_BYTES + 1024 * 1024)

    async def app(scope, receive, send):
        await asyncio.sleep(0.01)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body if b"_size=max" in scope["query_string"] else b"{}"})

    async def scenario():
        gate, statuses, tasks = limits.Gate(app), {}, []
        for n in range(12):  # four addresses, three pages each
            scope, receive, _, sent = drive(gate, "/certification/mo_officers", f"_size=max&_zz={n}", f"10.0.1.{n % 4}")

            async def never_reading(message, sent=sent):  # the client takes the head, never the body
                sent.append(message)
                if message["type"] == "http.response.body":
                    await unread.wait()
            statuses[n] = sent
            tasks.append(asyncio.ensure_future(gate(scope, receive, never_reading)))
        await asyncio.sleep(0.1)
        scope, receive, send, answer = drive(gate, "/certification/mo_officers.json", "_size=1", "10.0.2.1")
        await gate(scope, receive, send)
        started = [n for n, sent in statuses.items() if sent and sent[0]["status"] == 200]
        owed = [round(gate.page_debts.owed(f"10.0.1.{n % 4}"), 2) for n in started]
        refused = sorted(sent[0]["status"] for n, sent in statuses.items() if n not in started)
        unread.set()
        await asyncio.gather(*tasks)
        return answer[0]["status"], started, owed, refused
    ordinary, started, owed, refused = asyncio.run(scenario())
    assert ordinary == 200
    assert len(started) == limits.LONG_PAGES_TOTAL and len({n % 4 for n in started}) == len(started), started
    assert refused == [429] * 4 + [503] * 6, refused  # the others of the two clients; the other clients' pages
    assert all(debt >= 0.9 * limits.PAGE_SECONDS_PER_MB for debt in owed), owed  # paid before a byte was read


def flood_of_pages(limits, addresses, per_address, work=0.01, reading=True):
    """(how many of the flood's pages were worked while the reader's one page waited, its status, the flood's
    statuses): `addresses` clients each ask `per_address` pages at once, every page holding the one core (a lock,
    in the order asked) for `work` seconds, and a reader asks one page once the flood is in; with reading false the
    flood never takes its answers. Counted in pages, not seconds: a slower machine works fewer pages a second,
    not more of them before the reader's."""
    core, unread, worked = asyncio.Lock(), asyncio.Event(), []

    async def app(scope, receive, send):
        async with core:
            await asyncio.sleep(work)
            worked.append(scope["query_string"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"<p>"})

    async def scenario():
        gate, flood, tasks = limits.Gate(app), [], []
        for n in range(addresses * per_address):
            scope, receive, send, sent = drive(gate, "/certification/mo_officers", f"_zz={n}", f"10.0.1.{n % addresses}")

            async def never_reading(message, sent=sent):
                sent.append(message)
                if message["type"] == "http.response.body":
                    await unread.wait()
            flood.append(sent)
            tasks.append(asyncio.ensure_future(gate(scope, receive, send if reading else never_reading)))
        await asyncio.sleep(0.05)
        scope, receive, send, answer = drive(gate, "/certification/mo_officers.json", "_size=1", "10.0.2.1")
        before = len(worked)
        try:
            await asyncio.wait_for(gate(scope, receive, send), 5 + 2 * work * addresses * per_address)
        except TimeoutError:
            answer.append({"status": "no answer"})
        waited = sum(1 for query in worked[before:] if query != b"_size=1")
        unread.set()
        await asyncio.gather(*tasks)
        return waited, answer[0]["status"], sorted({sent[0]["status"] for sent in flood})
    return asyncio.run(scenario())


def test_a_reader_s_page_waits_for_a_few_pages_of_a_flood_not_for_all_of_it():
    """The v5 attack aimed at default pages: sixteen addresses asking sixteen pages each, which had been worked in
    the order they came, so that a reader's page waited behind all 256 (3 s, some 503). Pages take turns, ranked by
    what their client has had: the reader's page waits for the pages being built, not for the flood."""
    limits = limits_plugin()
    waited, status, flood = flood_of_pages(limits, addresses=16, per_address=16, work=0.01)
    assert status == 200 and flood == [200]
    assert waited <= 4, waited  # the pages being built when it came, of the flood's 256


def test_pages_whose_client_never_reads_them_hold_no_turn_and_do_not_shut_out_a_reader():
    """Built pages wait for their client outside their turn; and a few addresses holding their sixteen requests
    each do not fill the server's total for a client that asks for one page."""
    limits = limits_plugin()
    waited, status, flood = flood_of_pages(limits, addresses=limits.REQUESTS_TOTAL // limits.REQUESTS_PER_CLIENT,
                                           per_address=limits.REQUESTS_PER_CLIENT, work=0.001, reading=False)
    assert status == 200 and flood == [200], (status, flood)
    assert waited <= 4, waited


def test_a_page_s_wait_for_its_turn_is_not_counted_to_its_client():
    """Only a page's own work counts to what its client owes: a reader whose page waited behind others' slow
    pages does not pay for them (it had been charged from the moment it arrived), nor one who left while it waited
    (charged the whole wait, it then got 429 for minutes)."""
    limits = limits_plugin()

    async def app(scope, receive, send):
        await asyncio.sleep(0.6 if b"slow" in scope["query_string"] else 0.001)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"<p>"})

    async def scenario():
        gate, left = limits.Gate(app), asyncio.Event()
        slow = [asyncio.ensure_future(gate(*drive(gate, "/search", f"q=slow&zz={n}", f"10.0.1.{n}")[:3]))
                for n in range(limits.PAGE_TURNS)]
        await asyncio.sleep(0.05)
        scope, _, leaver_send, leaver_sent = drive(gate, "/search", "q=jones", "10.0.3.1")

        async def leaving():
            await left.wait()
            return {"type": "http.disconnect"}
        leaver = asyncio.ensure_future(gate(scope, leaving, leaver_send))
        scope, receive, send, answer = drive(gate, "/search", "q=smith", "10.0.2.1")
        began = asyncio.get_running_loop().time()
        asyncio.get_running_loop().call_later(0.4, left.set)  # past PAGE_FREE_SECONDS, still waiting
        await gate(scope, receive, send)
        waited = asyncio.get_running_loop().time() - began
        await asyncio.gather(leaver, *slow)
        return (answer[0]["status"], waited, gate.page_debts.owed("10.0.2.1"), gate.page_debts.owed("10.0.1.0"),
                leaver_sent, gate.page_debts.owed("10.0.3.1"))
    status, waited, reader_owes, slow_owes, leaver_sent, leaver_owes = asyncio.run(scenario())
    assert status == 200 and waited > limits.PAGE_FREE_SECONDS  # it did wait for a turn
    assert reader_owes == 0 and slow_owes > 0, (reader_owes, slow_owes)
    assert leaver_sent == [] and leaver_owes == 0, (leaver_sent, leaver_owes)


READER = "10.9.9.9"


def reader_beside_a_crowd(limits, crowd, reader, work, start, pause, seconds=3, addresses=200):
    """A reader's pages [(slices of the crowd's work done while the page waited, status)] through one gate while
    `addresses` new addresses loop pages without pause: crowd(n, i) and reader(i) give (path, query) of each page,
    work(scope) its seconds on one core; the reader begins after `start` seconds and pauses `pause` between its
    pages. The core is shared as the interpreter shares it, in turns of its switch interval: a page in the cheap
    turn waits for a slice of the page in the other turn, not for the whole of it (held whole, the wait was counted
    to the reader's page, and the reader passed only when its pause was a multiple of the crowd's page). A wait is
    counted in the crowd's slices, not in seconds: a slower machine works fewer slices a second, not more of them
    before the reader's page."""
    quantum = sys.getswitchinterval()
    crowd_slices = [0]

    async def scenario():
        core, stop = asyncio.Lock(), asyncio.get_running_loop().time() + seconds

        async def app(scope, receive, send):
            left = work(scope)
            while left > 0:
                async with core:  # one core, in slices taken in the order asked
                    await asyncio.sleep(min(quantum, left))
                    crowd_slices[0] += scope["client"][0] != READER
                left -= quantum
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"<p>"})
        gate, took = limits.Gate(app), []

        async def crowd_member(n):
            i = 0
            while asyncio.get_running_loop().time() < stop:
                i += 1
                await gate(*drive(gate, *crowd(n, i), f"10.1.{n // 200}.{n % 200}")[:3])

        async def one_reader():
            await asyncio.sleep(start)
            while asyncio.get_running_loop().time() < stop:
                began = crowd_slices[0]
                scope, receive, send, sent = drive(gate, *reader(len(took)), READER)
                await gate(scope, receive, send)
                took.append((crowd_slices[0] - began, sent[0]["status"]))
                await asyncio.sleep(pause)
        crowd_members = [asyncio.ensure_future(crowd_member(n)) for n in range(addresses)]
        await one_reader()
        for member in crowd_members:  # the pages still waiting are not the test's (200 of them are seconds of work)
            member.cancel()
        await asyncio.gather(*crowd_members, return_exceptions=True)
        return took
    return asyncio.run(scenario())


def test_a_reader_s_cheap_page_goes_before_a_crowd_of_new_addresses_heavy_pages():
    """The v6 attack run: 200 addresses, each new, asked one heavy facet page at a time (0.2 s), and a reader who came
    with them waited behind all of them (0.9 s p95, 4.9 s at worst; 30 s once every client was ranked alike). Of
    clients that have had alike, the kind of page that has been cheap goes first."""
    limits = limits_plugin()
    took = reader_beside_a_crowd(
        limits, crowd=lambda n, i: ("/certification/mo_officers", f"_facet=agency_id&_zz={i}"),
        reader=lambda i: ("/officer/mo/MO-0000000000-1", ""),
        work=lambda scope: 0.05 if b"_facet" in scope["query_string"] else 0.002, start=0.01, pause=0.13)
    assert {status for _, status in took} == {200} and len(took) > 10
    assert max(waited for waited, _ in took) <= 50, took  # a round of the 200 is 2,000 slices (10 s)


def test_an_ipv6_client_is_one_client_across_its_network():
    limits = limits_plugin()
    keys = {limits.client_key({"client": (f"2001:db8:1:2::{n:x}", 1)}) for n in range(1, 200)}
    assert keys == {"2001:db8:1:2::/64"}
    assert limits.client_key({"client": ("192.0.2.7", 1)}) == "192.0.2.7"


def test_one_client_may_stream_only_a_few_downloads_at_once():
    limits = limits_plugin()

    async def streaming_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(0.2)
        await send({"type": "http.response.body", "body": b"a,b\r\n"})

    async def scenario():
        gate = limits.Gate(streaming_app)
        requests = [drive(gate, path, query, address) for path, query, address in [
            ("/search.csv", "q=a", "10.0.0.1"), ("/export/mo_officers.csv", "", "10.0.0.1"),
            ("/certification/mo_officers.csv", "_stream=on", "10.0.0.1"), ("/certification.db", "", "10.0.0.1"),
            ("/search.csv", "q=a", "10.0.0.2"), ("/search", "q=a", "10.0.0.1")]]
        await asyncio.gather(*(gate(scope, receive, send) for scope, receive, send, _ in requests))
        return [sent[0]["status"] for *_, sent in requests]
    first, second, third, fourth, other_client, page = asyncio.run(scenario())
    assert (first, second) == (200, 200) and third == 429 and fourth == 429
    assert other_client == 200 and page == 200


def test_many_addresses_holding_downloads_open_leave_room_for_pages():
    """The v6 attack run: 130 addresses each held two whole-table streams open, reading a few bytes every few
    seconds, and filled the server's requests in flight: an ordinary page got 503. Downloads past the total get
    503 themselves; pages are still let in."""
    limits = limits_plugin()
    held = asyncio.Event()

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        if scope["path"].endswith(".csv"):
            await held.wait()  # a stream its client takes a few bytes of at a time
        await send({"type": "http.response.body", "body": b"a,b\r\n"})

    async def scenario():
        gate, tasks, streams = limits.Gate(app), [], []
        for n in range(2 * (limits.REQUESTS_TOTAL // 2 + 4)):  # two per address, more than the server's total
            scope, receive, send, sent = drive(gate, "/certification/people.csv", f"_stream=on&_zz={n}", f"10.1.{n // 500}.{n // 2 % 250}")
            streams.append(sent)
            tasks.append(asyncio.ensure_future(gate(scope, receive, send)))
        await asyncio.sleep(0.05)
        pages = []
        for n in range(5):
            scope, receive, send, sent = drive(gate, "/certification/mo_officers", f"_size=5&_zz={n}", f"10.2.0.{n}")
            await asyncio.wait_for(gate(scope, receive, send), 5)
            pages.append(sent[0]["status"])
        held.set()
        await asyncio.gather(*tasks)
        return pages, [sent[0]["status"] for sent in streams]
    pages, streams = asyncio.run(scenario())
    assert pages == [200] * 5, pages
    assert streams.count(200) == limits.DOWNLOADS_TOTAL and set(streams) == {200, 503}, sorted(set(streams))


def test_the_documented_limits_are_the_plugin_s():
    limits = limits_plugin()
    words = {1: "One", 2: "two", 4: "four"}
    text = " ".join((ROOT / "templates" / "docs" / "search.md.j2").read_text(encoding="utf-8").split())
    for phrase in (f"stops after {limits.ARBITRARY_SQL_SECONDS:g} seconds", f"more than {limits.SQL_DEBT_LIMIT:g} seconds",
                   f"No value longer than {limits.MAX_VALUE_BYTES:,} bytes", f"{limits.MAX_RESULT_BYTES // 2**20} MB of values",
                   f"{words[limits.ARBITRARY_SQL_PER_CLIENT]} query of your own SQL at a time per client and "
                   f"{words[limits.ARBITRARY_SQL_TOTAL]} in all", f"At most {words[limits.HEAVY_PER_CLIENT]} downloads",
                   f"and at most {limits.DOWNLOADS_TOTAL} downloads at a time in all (503)",
                   "a tenth of a second per second" if limits.SQL_DEBT_REPAID == 0.1 else "(repayment rate changed)",
                   f"a refused query counts as {limits.REFUSAL_DEBT:g} seconds",
                   f"less than {'a second' if limits.FRESH_DEBT == 1 else limits.FRESH_DEBT}",
                   f"{words[limits.ARBITRARY_SQL_RESERVED].lower()} of the two kept", f"at most {limits.REQUESTS_PER_CLIENT} requests",
                   f"At most {limits.MAX_FACETS} facets and {limits.MAX_PARAMETERS} parameters in one request",
                   "and one download works at a time" if limits.DOWNLOAD_TURNS == 1 else "(turns changed)",
                   "forgotten at a twentieth of a second per second" if limits.SHARE_REPAID == 0.05 else "(repaid changed)",
                   "not yet worked half a second" if limits.LONG_DOWNLOAD == 0.5 else "(long changed)",
                   f"more than {limits.INDEBTED_SQL_LIMIT:g} seconds of SQL not yet paid back at a quarter of a second"
                   if limits.INDEBTED_SQL_REPAID == 0.25 else "(indebted repaid changed)",
                   "takes more than a quarter of a second" if limits.PAGE_FREE_SECONDS == 0.25 else "(free changed)",
                   "gets the refusal after a tenth of a second" if limits.REFUSAL_PAUSE == 0.1 else "(pause changed)",
                   "paid back at a tenth of a second per second; a client that owes more than "
                   f"{limits.PAGE_DEBT_LIMIT:g} seconds waits" if limits.PAGE_DEBT_REPAID == 0.1 else "(page repaid changed)",
                   f"a page larger than {limits.PAGE_FREE_BYTES // 1024} KB counts a second per megabyte"
                   if limits.PAGE_SECONDS_PER_MB == 1 else "(seconds per MB changed)",
                   f"A page that asks for more than {limits.LONG_PAGE_ROWS} rows",
                   "runs for one page at a time" if limits.PAGE_TURNS == 1 else "(page turns changed)",
                   "Beside that one page, one page of a kind that has cost less than two hundredths of a second"
                   if (limits.CHEAP_PAGE_TURNS, limits.CHEAP_PAGE_COST) == (1, 0.02) else "(cheap turns changed)",
                   "with no more than four pages waiting" if limits.QUEUED_FREE == 4 else "(queued changed)",
                   "counts as a few hundredths of a second" if limits.PAGE_UNKNOWN_COST == 0.03 else "(unknown cost changed)",
                   "that has waited a quarter of a second counts as cheap" if limits.PAGE_AGE == 0.25 else "(age changed)",
                   f"When the server has {limits.REQUESTS_TOTAL} requests in flight, only clients with fewer than "
                   f"{limits.LIGHT_CLIENT} in flight are let in, up to {limits.REQUESTS_TOTAL + limits.LIGHT_RESERVE} in all",
                   f"{words[limits.LONG_PAGES_PER_CLIENT].lower()} at a time per client and "
                   f"{words[limits.LONG_PAGES_TOTAL]} at a time in all"):
        assert phrase in text, phrase
    connections = plugin_module("limits")
    for phrase in (f"within {connections.HEAD_TIMEOUT:g} seconds of", f"at most {connections.CONNECTIONS_PER_CLIENT} connections",
                   f"takes nothing of its answer for {connections.SEND_TIMEOUT:g} seconds is cut",
                   f"server holds {connections.MAX_CONNECTIONS:,} the one"):
        assert phrase in text, phrase


def streams_through_the_gate(limits, downloads, work=0.002):
    """Runs downloads [(name, path, address, chunks, start delay)] through one gate, each doing `work`
    seconds of work between its chunks; gives the order they finished in and the most that ever worked at once."""
    working, most, finished = [0], [0], []

    async def app(scope, receive, send):  # as Datasette's streamed CSV: the answer starts, then the rows
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(scope["chunks"]):
            working[0] += 1
            most[0] = max(most[0], working[0])
            await asyncio.sleep(work)  # the download's next rows, worked out in its turn
            working[0] -= 1
            await send({"type": "http.response.body", "body": b"x" * 1024, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def scenario():
        gate = limits.Gate(app)

        async def one(name, path, address, chunks, delay):
            await asyncio.sleep(delay)
            scope, receive, send, sent = drive(gate, path, "", address)
            scope["chunks"] = chunks
            await gate(scope, receive, send)
            assert sent[0]["status"] == 200
            finished.append(name)
        await asyncio.gather(*(one(*download) for download in downloads))
    asyncio.run(scenario())
    return finished, most[0]


def test_downloads_take_turns_so_that_however_many_run_only_one_works_at_a_time():
    """The 1M-row abuse run: 40 whole-table streams held the cores, and public pages and agency
    downloads waited. Each download's work between two chunks runs only in its turn."""
    limits = limits_plugin()
    downloads = [(n, "/export/long.csv", f"10.0.{n}.1", 20, 0) for n in range(12)]
    finished, most = streams_through_the_gate(limits, downloads)
    assert sorted(finished) == list(range(12)) and most == limits.DOWNLOAD_TURNS


def test_a_short_download_finishes_before_the_whole_table_streams_running_beside_it():
    limits = limits_plugin()
    downloads = [(f"long{n}", "/certification/people.csv", f"10.0.{n}.1", 60, 0) for n in range(6)]
    downloads.append(("agency", "/certification/mo_officers.csv", "10.1.0.1", 10, 0.03))  # begins after them
    finished, _ = streams_through_the_gate(limits, downloads)
    assert finished[0] == "agency", finished


def test_the_next_turn_goes_to_the_client_that_downloaded_least_then_to_a_short_download_then_to_the_first():
    limits = limits_plugin()
    now = [100.0]
    turns = limits.Turns(size=1, clock=lambda: now[0])
    turns.count("busy", 10 * limits.SHARE_STEP)  # a client that has downloaded without pause

    async def scenario():
        order = []
        await turns.acquire("holder", 0)  # the one turn is taken: everyone else waits

        async def wait(name, client, began, used=0.0):
            await turns.acquire(client, began, used)
            order.append(name)
            turns.release()
        waiting = [asyncio.ensure_future(wait(*args)) for args in [
            ("busy client", "busy", 1), ("long download", "b", 2, 2 * limits.LONG_DOWNLOAD),
            ("second", "c", 4), ("first", "d", 3)]]
        await asyncio.sleep(0)
        turns.release()
        await asyncio.gather(*waiting)
        return order
    assert asyncio.run(scenario()) == ["first", "second", "long download", "busy client"]
    now[0] += 10 * limits.SHARE_STEP / limits.SHARE_REPAID  # its share is paid back with time
    assert turns.share("busy") == 0


def test_a_client_s_one_download_goes_before_another_client_s_second_and_a_browser_s_few_pages_are_not_behind():
    """Downloads count every waiting request of a client (the public's one agency download before a streamer's
    second: with that count lost, public downloads under abuse took 20 s at p95); pages count only those past
    QUEUED_FREE (a reader with two pages waiting is not put behind a crowd with one each)."""
    limits = limits_plugin()

    def order(turns, waiting):
        async def scenario():
            done = []
            await turns.acquire("holder", 0)

            async def wait(name, client, began):
                await turns.acquire(client, began)
                done.append(name)
                turns.release()
            tasks = [asyncio.ensure_future(wait(*w)) for w in waiting]
            await asyncio.sleep(0)
            turns.release()
            await asyncio.gather(*tasks)
            return done
        return asyncio.run(scenario())
    waiting = [("streamer first", "s", 1), ("streamer second", "s", 2), ("public", "p", 3)]
    assert order(limits.Turns(size=1, clock=lambda: 0.0), waiting)[0] == "public"
    pages = limits.Turns(size=1, clock=lambda: 0.0, queued_free=limits.QUEUED_FREE)
    assert order(pages, [("reader first", "r", 1), ("reader second", "r", 2), ("crowd", "c", 3)]) == [
        "reader first", "reader second", "crowd"]  # the order asked: two waiting is no flood


def test_a_client_looping_slow_pages_waits_and_the_others_are_served(monkeypatch):
    """The abuse run at 1M rows: six addresses looping pages of 1,000 results (up to 1.3 s each) took
    the cores from everyone. A page's time past PAGE_FREE_SECONDS counts to its client."""
    limits = limits_plugin()
    monkeypatch.setattr(limits, "PAGE_FREE_SECONDS", 0.01)
    monkeypatch.setattr(limits, "PAGE_DEBT_LIMIT", 0.1)
    monkeypatch.setattr(limits, "REFUSAL_PAUSE", 0.0)

    async def app(scope, receive, send):
        await asyncio.sleep(0.05 if b"size=1000" in scope["query_string"] else 0.001)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"<p>"})

    async def scenario():
        gate, statuses = limits.Gate(app), {"heavy": [], "reader": []}
        for _ in range(6):
            for who, query in (("heavy", "q=a&size=1000"), ("reader", "q=smith")):
                scope, receive, send, sent = drive(gate, "/search", query, "10.0.0.1" if who == "heavy" else "10.0.0.2")
                await gate(scope, receive, send)
                statuses[who].append(sent[0]["status"])
        return statuses
    statuses = asyncio.run(scenario())
    assert statuses["reader"] == [200] * 6  # quick pages never count
    assert statuses["heavy"][:2] == [200, 200] and statuses["heavy"][-1] == 429, statuses

    async def refused_after():  # a refusal for what the client owes is answered after a pause, not at once
        gate = limits.Gate(app)
        gate.page_debts.add("10.0.0.1", 10.0)
        scope, receive, send, sent = drive(gate, "/search", "q=a", "10.0.0.1")
        started = asyncio.get_running_loop().time()
        await gate(scope, receive, send)
        return sent[0]["status"], asyncio.get_running_loop().time() - started
    monkeypatch.setattr(limits, "REFUSAL_PAUSE", 0.05)
    status, seconds = asyncio.run(refused_after())
    assert status == 429 and seconds >= 0.05


def test_clients_that_have_run_much_sql_share_one_small_budget_however_many_addresses_they_use(monkeypatch):
    """The abuse run at 1M rows: six addresses, each under its own debt limit, kept a core busy with
    3-second queries and public downloads timed out. Together they get the budget's share only."""
    limits = limits_plugin()

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def scenario():
        gate = limits.Gate(app)
        for n in range(6):
            gate.debts.add(f"10.0.{n}.1", 2 * limits.FRESH_DEBT)  # each has run a slow query
        statuses = {}
        gate.indebted_sql.add(limits.ALL, limits.INDEBTED_SQL_LIMIT + 1)
        for address in ["10.0.0.1", "10.0.1.1", "10.9.9.9"]:
            scope, receive, send, sent = drive(gate, "/certification.json", "sql=select+1", address)
            await gate(scope, receive, send)
            statuses[address] = sent[0]["status"]
        return statuses
    assert asyncio.run(scenario()) == {"10.0.0.1": 503, "10.0.1.1": 503, "10.9.9.9": 200}


@pytest.mark.parametrize("exact", [False, True])
def test_a_streamed_csv_is_passed_on_in_blocks_with_every_byte_kept(exact):
    """Datasette streams a CSV one row per message; the CSV policy passes it on in blocks (each
    message crosses every middleware and the server), the same bytes in either form."""
    csvexport = plugin_module("csvexport")
    rows = [f'{n},"Smith, John {n}",{"=1+1" if n == 2500 else "A"}\r\n'.encode() for n in range(5000)]
    rows.insert(1234, b'7,"two\r\nlines",A\r\n')

    async def streaming_csv(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]})
        for row in rows:
            await send({"type": "http.response.body", "body": row, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    sent = []

    async def send(message):
        sent.append(message)
    scope = {"type": "http", "path": "/certification/mo_officers.csv", "query_string": b"_csv=exact" if exact else b"_stream=on"}
    asyncio.run(csvexport.SpreadsheetCsv(streaming_csv)(scope, None, send))
    bodies = [m["body"] for m in sent if m["type"] == "http.response.body"]
    everything = b"".join(rows)
    assert len(bodies) <= len(everything) // csvexport.BLOCK + 2
    if exact:
        assert b"".join(bodies) == everything
    else:
        assert b"".join(bodies) == csvexport.BOM + everything.replace(b",=1+1\r\n", b",'=1+1\r\n")


def test_a_facet_on_a_column_the_table_lacks_is_refused_before_datasette_starts_its_facets(client):
    """The thirteenth attack run: Datasette answered it with 400, leaving the other facets' coroutines unawaited, and
    Python printed a warning with its install path to the server's log for each. The gate answers it first: the
    site's error page for a person, JSON for a program; a column the table has still facets."""
    import gc
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = get(client, "/certification/mo_officers?_facet=nope&_facet=license_status")
        data = get(client, "/certification/mo_officers.json?_facet_array=nope")
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], [str(w.message) for w in caught]
    assert page.status_code == 400 and 'class="home-link"' in page.text and "does not have" in page.text
    assert data.status_code == 400 and data.json()["error"] == "A facet names a column this table does not have."
    assert get(client, "/certification/mo_officers.json?_facet=license_status&_size=1").status_code == 200


def test_a_request_with_more_facets_or_parameters_than_a_page_needs_is_refused_at_once(client):
    """The fourth attack run: 1,500 repeated facets of one column held a server for minutes (each facet
    a query and a block of a page rendered on the event loop). Refused before any work, with 400."""
    limits = limits_plugin()
    facets = "&".join(["_facet=officer_name"] * (limits.MAX_FACETS + 1))
    for path in (f"/certification/mo_officers?{facets}", f"/certification/mo_officers.json?{facets}",
                 "/search?q=smith&" + "&".join(f"p{n}=1" for n in range(limits.MAX_PARAMETERS))):
        response = get(client, path)
        assert response.status_code == 400, path
        assert "At most" in response.text and response.headers.get("x-content-type-options") == "nosniff"
    allowed = "&".join(["_facet=license_status"] * limits.MAX_FACETS)
    assert get(client, f"/certification/mo_officers?{allowed}").status_code == 200


@pytest.mark.parametrize("path, query, capped", [("/certification/mo_officers.json", "_facet=license_status", True),
                                                 ("/certification/mo_officers.csv", "_stream=on", False)])
def test_a_page_sent_in_chunks_has_the_body_cap_only_downloads_run_to_the_stream_cap(path, query, capped):
    """The fourth attack run: a JSON answer sent in chunks ran to 56 MB (then 354 MB) because only a
    response whose length was known beforehand met the 32 MB cap."""
    limits = limits_plugin()
    chunk = b"x" * (1024 * 1024)
    chunks = limits.MAX_BODY_BYTES // len(chunk) + 4

    async def chunked_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def scenario():
        gate = limits.Gate(chunked_app)
        scope, receive, send, sent = drive(gate, path, query, "10.9.0.1")
        try:
            await gate(scope, receive, send)
        except Exception:  # noqa: BLE001 - the server closes the connection: the client sees a cut body
            pass
        return sum(len(m.get("body", b"")) for m in sent if m["type"] == "http.response.body")
    body = asyncio.run(scenario())
    assert (body <= limits.MAX_BODY_BYTES + len(chunk)) == capped, body


def test_a_reader_that_stops_reading_holds_no_turn():
    """The fifth attack run: a client that stopped reading just before a Datasette CSV's last chunk
    kept the only turn (the gate sent the last chunk while holding it), and every other download
    waited a minute."""
    limits = limits_plugin()

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x" * 1024, "more_body": True})
        await send({"type": "http.response.body", "body": b"last"})

    async def scenario():
        gate, stuck = limits.Gate(app), asyncio.Event()
        scope, receive, _, _ = drive(gate, "/search.csv", "q=a", "10.0.0.1")

        async def stalled_send(message):  # the client stops reading before the last chunk
            if message["type"] == "http.response.body" and not message.get("more_body"):
                await stuck.wait()
        stalled = asyncio.ensure_future(gate(scope, receive, stalled_send))
        await asyncio.sleep(0.05)
        other = drive(gate, "/certification/mo_officers.csv", "_stream=on", "10.0.0.2")
        await asyncio.wait_for(gate(*other[:3]), 2)
        stuck.set()
        await stalled
        return other[3][-1]
    assert asyncio.run(scenario())["body"] == b"last"


def test_turns_are_ranked_when_handed_on_not_when_asked_for():
    """The fifth attack run: an address's second download, queued while the address had used nothing,
    kept that rank after its first took a long turn, and a newcomer waited behind twenty of them."""
    limits = limits_plugin()
    turns = limits.Turns(size=1, clock=lambda: 0.0)

    async def scenario():
        order = []
        await turns.acquire("holder", 0)

        async def wait(name, client, began):
            await turns.acquire(client, began)
            order.append(name)
            turns.release()
        early = asyncio.ensure_future(wait("second of a busy client", "busy", 1))
        await asyncio.sleep(0)
        turns.count("busy", 10 * limits.SHARE_STEP)  # its first download works meanwhile
        late = asyncio.ensure_future(wait("newcomer", "new", 2))
        await asyncio.sleep(0)
        turns.release()
        await asyncio.gather(early, late)
        return order
    assert asyncio.run(scenario()) == ["newcomer", "second of a busy client"]


def test_slow_rows_are_passed_on_in_time_not_only_by_the_block():
    """The fifth attack run: a CSV of one-row pages sorted on an unindexed column took 70 s to fill a
    64 KB block, and the gate hands a turn on only between the chunks it sees."""
    csvexport = plugin_module("csvexport")

    async def slow_csv(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]})
        for n in range(4):
            await asyncio.sleep(csvexport.BLOCK_SECONDS)
            await send({"type": "http.response.body", "body": f"{n},a\r\n".encode(), "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    sent = []

    async def send(message):
        sent.append(message)
    scope = {"type": "http", "path": "/certification/mo_officers.csv", "query_string": b"_stream=on&_csv=exact"}
    asyncio.run(csvexport.SpreadsheetCsv(slow_csv)(scope, None, send))
    assert len([m for m in sent if m["type"] == "http.response.body" and m["body"]]) >= 3


def test_a_download_whose_client_left_stops_waiting_for_a_turn():
    """The fifth attack run: a reader who gave up on two slow downloads was then refused a third
    (429, two downloads at a time) because the abandoned ones still waited for their turns."""
    limits = limits_plugin()
    release = asyncio.Event

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x", "more_body": True})
        if scope["path"] == "/export/holder.csv":
            await scope["release"].wait()  # works on its next chunk, holding the one turn
        await send({"type": "http.response.body", "body": b"end"})

    async def scenario():
        gate, done = limits.Gate(app), release()
        holder = drive(gate, "/export/holder.csv", "", "10.0.0.1")
        holder[0]["release"] = done
        holding = asyncio.ensure_future(gate(*holder[:3]))
        await asyncio.sleep(0.01)
        left = asyncio.Event()
        scope, _, send, sent = drive(gate, "/export/waiting.csv", "", "10.0.0.2")

        async def receive():  # the client leaves while its download waits for a turn
            await left.wait()
            return {"type": "http.disconnect"}
        waiting = asyncio.ensure_future(gate(scope, receive, send))
        await asyncio.sleep(0.01)
        assert not waiting.done()  # it waits for the turn the holder keeps
        left.set()
        await asyncio.wait_for(waiting, 1)  # ends at once, while the holder still works
        assert not holding.done() and gate.heavy_by_client.get("10.0.0.2", 0) == 0
        done.set()
        await holding
    asyncio.run(scenario())


def test_the_server_log_holds_no_search_text_parameter_or_traceback(built, tmp_path):
    """The sixth attack run: Datasette logged each failed statement with its SQL and parameters (a search
    for a name and a date of birth), and a traceback whose message quoted the request, for requests
    answered 400. The log names the error's type and place only."""
    marker = "Quimby 1969-07-20"
    paths = ["/certification/mo_officers.json?_searchmode=raw&_search=" + quote(marker + " Smith:"),
             sql("select * from people where officer_name = :n and x") + "&n=" + quote(marker),
             "/certification/mo_officers.json?officer_name__in=" + quote("[1, " + marker),
             "/certification/mo_officers?officer_name__in=" + quote("[" + marker),
             "/certification/mo_officers.json?_facet=" + quote(marker),
             "/certification/officers_by_name.json?name=" + quote(marker + "a" * 30_000),
             "/search?q=" + quote(marker), "/search.json?q=" + quote(marker), sql("select fts_query(123456), fts_query(x'00')"),
             # (an attack run after the nineteenth: a 400 here left a Datasette coroutine unawaited, whose warning
             # printed the Python installation's path)
             "/certification/ma_training?_facet_array=course_name", "/certification/ma_training.json?_facet_array=course_name"]
    log = tmp_path / "server.log"
    with running_server(built, log) as base:
        statuses = [fetch(base + path)[0] for path in paths]
    assert all(status in (200, 400) for status in statuses), statuses
    text = log.read_text(errors="replace")
    assert "Quimby" not in text and "1969" not in text and "Traceback" not in text and "params =" not in text, text[-3000:]
    assert str(ROOT) not in text and "Exception ignored" not in text, text[-3000:]
    assert sys.base_prefix not in text and "site-packages" not in text and "never awaited" not in text, text[-3000:]
    assert "error: JSONDecodeError while answering a request, at " in text  # the error is still logged, by type and place


def test_a_cheap_page_works_beside_another_page_and_an_expensive_one_never_does():
    """Pages work one at a time, but a page of a kind that has been cheap (a search, an officer page) may take
    the cheap turn beside it, so that one page's Python runs while another's SQL does; an expensive kind (many
    facets) and a kind not yet seen never do, and the cheap turn goes to the cheap page ranked first."""
    limits = limits_plugin()
    costs = limits.PageCosts()
    costs.learn("search", limits.CHEAP_PAGE_COST / 4)
    costs.learn("facets", 10 * limits.CHEAP_PAGE_COST)
    turns = limits.Turns(limits.PAGE_TURNS, clock=lambda: 0.0, step=limits.PAGE_SHARE_STEP, cost_of=costs.rank,
                         cheap=limits.CHEAP_PAGE_TURNS, cheap_below=1)

    async def scenario():
        held = [await turns.acquire("a", 0, cost="facets")]  # the one turn of any work
        assert held == [limits.GRANTED]
        order = []

        async def wait(name, client, began, kind):
            order.append((name, await turns.acquire(client, began, cost=kind)))
        tasks = [asyncio.ensure_future(wait(*w)) for w in [
            ("facets", "b", 1, "facets"), ("unknown", "c", 2, "never seen"), ("search", "d", 3, "search")]]
        await asyncio.sleep(0)
        assert order == [("search", limits.CHEAP)]  # at once, beside the facet page
        turns.count("busy", 1.0)
        busy = asyncio.ensure_future(wait("busy search", "busy", 4, "search"))
        late = asyncio.ensure_future(wait("second search", "e", 5, "search"))
        await asyncio.sleep(0)
        assert len(order) == 1  # the cheap turn is held: both wait
        turns.release(limits.CHEAP)
        await asyncio.sleep(0)
        assert order[1] == ("second search", limits.CHEAP)  # the cheap page of the client that has had least
        turns.release(limits.CHEAP)
        await asyncio.sleep(0)
        assert order[2] == ("busy search", limits.CHEAP)
        turns.release(limits.CHEAP)  # no cheap page waits: the expensive ones keep waiting for the one turn
        await asyncio.sleep(0)
        assert len(order) == 3
        turns.release(limits.GRANTED)
        turns.release(limits.GRANTED)
        turns.release(limits.GRANTED)
        await asyncio.gather(*tasks, busy, late)
        return [name for name, _ in order[3:]], {turn for _, turn in order[3:]}
    assert asyncio.run(scenario()) == (["unknown", "facets"], {limits.GRANTED})  # the cheaper kind first


def test_a_flood_of_cheap_pages_does_not_starve_a_reader_s_slightly_dearer_page():
    """The seventh session's attack run: 240 new addresses looping officer pages (7 ms) kept a reader's search
    (18 ms) waiting behind all of them, for up to 24.7 s, because kinds were ranked in steps of a hundredth of a
    second. Kinds cheaper than CHEAP_PAGE_COST count alike and go in the order asked."""
    limits = limits_plugin()
    took = reader_beside_a_crowd(
        limits, crowd=lambda n, i: (f"/officer/mo/MO-{n:010d}-{i}", ""), reader=lambda i: ("/search", f"q=smith{i}"),
        work=lambda scope: 0.012 if scope["path"] == "/search" else 0.004, start=0.2, pause=0.5)  # both kinds known
    assert {status for _, status in took} == {200} and len(took) >= 2, took
    assert max(waited for waited, _ in took) <= 300, took  # the pages asked before it (200 x 4 ms: 160 slices), not all that come after
    costs = limits.PageCosts()
    for kind, seconds in (("officer", 0.004), ("search", 0.018), ("dearer", 0.03), ("facets", 0.2)):
        costs.learn(kind, seconds)
    assert [costs.rank(k) for k in ("officer", "search", "never seen", "dearer", "facets")] == [0, 0, 1, 1, 4]


def test_a_search_by_a_letter_or_two_is_a_kind_of_its_own():
    """One-letter searches looped by 240 addresses made the search kind dear, and every reader's search waited
    behind the flood (0.6 s at p50): a search's kind holds the length of its longest word, up to four."""
    limits = limits_plugin()

    def kind(query):
        return limits.page_kind({"path": "/search", "query_string": query.encode()})
    assert kind("q=j") == kind("q=a+b") != kind("q=smith+j") == kind("q=O%27Brien%2C+Patrick") == kind("q=jones+mary")
    assert kind("q=jo") != kind("q=j") and kind("q=jo") != kind("q=jones")
    assert limits.page_kind({"path": "/officer/mo/1", "query_string": b""}) == limits.page_kind(
        {"path": "/officer/mo/2", "query_string": b""})


def test_a_cookie_that_is_not_utf8_gets_a_400_with_nosniff_and_no_traceback(built, tmp_path):
    """The tenth attack run: one byte that is not UTF-8 in a Cookie header answered every path with uvicorn's
    bare 500 (no nosniff) and wrote a 40-line traceback, with host paths and the byte, per request."""
    log = tmp_path / "server.log"
    with running_server(built, log) as base:
        port = int(base.rsplit(":", 1)[1])
        for path in ("/", "/search?q=smith", "/-/static/app.css"):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                conn.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nCookie: a=\xe9\xff1969\r\nConnection: close\r\n\r\n")
                answer = b""
                while chunk := conn.recv(65536):
                    answer += chunk
            head = answer.split(b"\r\n\r\n", 1)[0].lower()
            assert head.startswith(b"http/1.1 400") and b"x-content-type-options: nosniff" in head, (path, head)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "1969" not in text and str(ROOT) not in text, text[-2000:]


def test_an_error_no_layer_answers_is_a_500_with_nosniff_logged_by_type_and_place(capsys):
    """Whatever a layer inside the gate fails with before its answer starts: a plain 500 with nosniff, and a
    log line naming the error's type and place, never its message (which may quote the request)."""
    limits = limits_plugin()

    async def failing(scope, receive, send):
        raise ValueError("Quimby 1969-07-20")
    scope, receive, send, sent = drive(limits.Gate(failing), "/", "", "10.0.0.1")
    asyncio.run(limits.Gate(failing)(scope, receive, send))
    start = sent[0]
    assert start["status"] == 500 and (b"x-content-type-options", b"nosniff") in start["headers"]
    err = capsys.readouterr().err
    assert "error: ValueError while answering a request" in err and "Quimby" not in err and "1969" not in err


def test_a_statement_that_spills_more_than_the_bound_to_temporary_files_is_interrupted():
    """The tenth attack run: a cross join of 10 KB values, sorted, wrote 1.2 GB of temporary files in under two
    seconds, within the time limit (on Cloud Run, whose disk is memory, 1.2 GB of memory). The statement's own
    temporary writes are bounded; a statement with a long time limit is stopped by that bound, not by its time."""
    limits = limits_plugin()
    if limits.thread_writes() is None:
        pytest.skip("this system does not count a thread's writes (/proc/thread-self/io)")
    conn = sqlite3.connect(":memory:")
    conn.execute("pragma cache_size = -2000")  # 2 MB: the sort spills to a temporary file
    spill = ("with recursive c(i) as (select 1 union all select i + 1 from c where i < :n) "
             "select count(*) from (select hex(zeroblob(1000)) || i as y from c order by y)")
    with limits.bounded_statement(conn, 600_000):
        assert conn.execute(spill, {"n": 2000}).fetchone()[0] == 2000  # a small sort: answered
    before = limits.thread_writes()
    with pytest.raises(limits.TempTooLarge, match="more than 64 MB of temporary files"), limits.bounded_statement(conn, 600_000):
        conn.execute(spill, {"n": 200_000}).fetchone()  # 400 MB to sort
    assert limits.thread_writes() - before < 2 * limits.MAX_TEMP_BYTES
    with pytest.raises(sqlite3.OperationalError, match="interrupted"), limits.bounded_statement(conn, 1):
        conn.execute(spill, {"n": 200_000}).fetchone()  # out of time first: not said to be the temporary files


def test_a_query_stopped_by_the_temporary_file_bound_is_not_said_to_have_taken_too_long(server):
    """The eleventh session: a query stopped by the bound on temporary files was answered "SQL query took too
    long", which sends a reader to look for a faster query rather than a smaller one."""
    spill = ("with recursive c(i) as (select 1 union all select i + 1 from c where i < 300000) "  # 300 MB to sort,
             f"select count(*) from (select '{'x' * 1000}' || i as y from c order by y)")  # by functions allowed
    for suffix in ("", ".json"):
        status, body, _ = fetch(f"{server}/certification{suffix}?sql=" + quote(spill))
        assert status == 400, (suffix, status, body[:300])
        assert b"more than 64 MB of temporary files" in body and b"took too long" not in body, body[:500]



@pytest.mark.parametrize("path", ["/export/people.json", "/certification/people.csv", "/certification.db", "/search"])
def test_a_head_request_stops_the_answer_s_work_once_its_head_is_sent(path):
    """The twelfth attack run: a HEAD of a whole-table export, the database file or a streamed CSV built the whole
    body (1.5 s of work for /export/people.json) while holding the client's download slots, and sent nothing, so no
    send deadline applied: 16 such connections took 15 CPU-seconds in 16 s. The app is stopped at its first body
    message; the answer is its head and an empty body, and every slot is given back."""
    limits = limits_plugin()
    made = []

    async def streaming_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]})
        for n in range(1000):
            made.append(n)
            await send({"type": "http.response.body", "body": b"x" * 1000, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def scenario(method):
        made.clear()
        gate = limits.Gate(streaming_app)
        scope, receive, send, sent = drive(gate, path, "", "10.0.3.1")
        await gate(dict(scope, method=method), receive, send)
        return gate, sent
    gate, sent = asyncio.run(scenario("HEAD"))
    assert len(made) == 1 and sent[0]["status"] == 200 and (b"x-content-type-options", b"nosniff") in sent[0]["headers"]
    assert [m.get("body", b"") for m in sent[1:]] == [b""] and not sent[-1].get("more_body")
    assert gate.in_flight == 0 and gate.heavy_total == 0 and not gate.heavy_by_client and not gate.by_client
    gate, sent = asyncio.run(scenario("GET"))  # a GET is sent whole
    assert len(made) == 1000 and sum(len(m.get("body", b"")) for m in sent[1:]) == 1000 * 1000

def test_sequential_head_requests_of_large_downloads_are_answered_from_the_file_s_size(server, built):
    """A new user's walk: a link checker's HEAD requests got 429 after a few, because each HEAD of a large download
    streamed the file whole (the body discarded), holding one of the client's download slots meanwhile."""
    size = (built / "site" / "downloads" / "certification.db").stat().st_size
    statuses = []
    for _ in range(12):
        for name in ("certification.db", "SHA256SUMS"):
            request = urllib.request.Request(f"{server}/docs/downloads/{name}", method="HEAD")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    statuses.append(response.status)
                    if name == "certification.db":
                        assert int(response.headers["content-length"]) == size and response.read() == b""
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
    assert set(statuses) == {200}, statuses


def test_an_error_in_a_csv_stream_is_logged_without_its_message(capsys):
    """The eleventh attack run: an error part-way through one of Datasette's CSV streams was logged as "Caught this
    error: <message>", which quoted the reader's text (and a newline in it forged a log line)."""
    limits_plugin()
    import datasette.views.base as views_base
    views_base.sys.stderr.write("Caught this error: no such column: Quimby 1969-07-20\nforged line\n")
    err = capsys.readouterr().err
    assert "Quimby" not in err and "forged" not in err and "a CSV stream stopped on an error" in err


def test_sql_stopped_on_purpose_is_not_logged_as_an_error(capsys):
    """A HEAD's head sent, or a client gone mid-stream, stops the request's SQL on purpose: it had been logged as
    "error: OperationalError while answering a request" each time. Other interruptions are still logged."""
    limits = limits_plugin()
    for cancelled, logged in ((True, False), (False, True)):
        ticket = limits.Ticket()
        if cancelled:
            ticket.cancel()
        token = limits.CURRENT.set(ticket)
        try:
            raise sqlite3.OperationalError("interrupted")
        except sqlite3.OperationalError:
            limits.ValueFreeTraceback.print_exc()
        finally:
            limits.CURRENT.reset(token)
        assert ("error: OperationalError" in capsys.readouterr().err) is logged


def test_a_redirect_never_leaves_the_site_whatever_the_request_target(server):
    """The twelfth attack run: Datasette's trailing-slash redirect copied the target as sent, so "/\\evil.com/" was
    answered "Location: /\\evil.com" (read by a browser as //evil.com) and the absolute-form target
    "http://evil/docs/" with "Location: http://evil/docs". Every redirect's Location is a path on this site."""
    import http.client
    host, port = server.split("//")[1].split(":")
    for target, expected in (("/\\evil.com/", "/%5Cevil.com"), ("http://evil.example/docs/", "/docs"),
                             ("//evil.example/", "/evil.example"), ("/certification/", "/certification")):
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("GET", target)
        response = conn.getresponse()
        location = response.getheader("location")
        response.read()
        conn.close()
        assert response.status in (301, 302) and location.startswith(expected), (target, response.status, location)
        assert not location.startswith(("//", "/\\", "http")), (target, location)


def test_the_feed_is_served_as_atom(server):
    """A new user's walk: the decertifications feed was served as application/xml, which feed readers do not take
    for a feed; it is Atom."""
    status, body, headers = fetch(f"{server}/docs/feeds/decertifications.xml")
    assert status == 200 and headers["content-type"].startswith("application/atom+xml") and b"<feed" in body


@pytest.mark.parametrize("host, ok", [
    (b"example.org", True), (b"example.org:8001", True), (b"127.0.0.1:9101", True), (b"[::1]:8001", True),
    (b"localhost", True), (b"certdata-abc123-uc.a.run.app", True),
    (b'127.0.0.1:9101"><script>alert(1)</script>', False), (b"evil.example/x", False), (b"a b", False),
    (b"example.org:80:80", False), (b"", True), (b"\xe9.example", False)])
def test_a_host_header_that_is_no_host_gets_a_400_before_any_page_writes_it(host, ok):
    """An attack run: Datasette writes the request's Host into a page's absolute links and its Link header; a Host
    carrying a quote and a script tag came back raw in the Link header."""
    limits = limits_plugin()

    async def page(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"<p>"})
    scope, receive, send, sent = drive(limits.Gate(page), "/certification/mo_officers", "", "10.0.0.1")
    scope["headers"] = [(b"host", host)]
    asyncio.run(limits.Gate(page)(scope, receive, send))
    assert sent[0]["status"] == (200 if ok else 400)
    assert (b"x-content-type-options", b"nosniff") in sent[0]["headers"]
    assert ok or host not in b"".join(m.get("body", b"") for m in sent)


def test_small_documentation_files_take_no_download_slot_and_large_ones_still_do(tmp_path, monkeypatch):
    """A walk after the eighteenth: `frictionless validate` of the package's address on the server was refused 429 on
    its small tables (corrections.csv, ma_retired_ids.csv), two larger files holding the client's two download slots.
    A file sent whole at once takes none; a large one still does."""
    limits = limits_plugin()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "small.csv").write_text("a,b\n1,2\n")
    (downloads / "large.csv").write_bytes(b"a\n" * (limits.SMALL_FILE // 2 + 1))
    monkeypatch.setenv("CERTDATA_DOCS_DIR", str(tmp_path))
    limits.docs_file_size.cache_clear()
    release = asyncio.Event

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x", "more_body": True})
        await scope["release"].wait()  # each answer held open, as a client reading slowly holds it
        await send({"type": "http.response.body", "body": b"end"})

    async def scenario():
        gate, done = limits.Gate(app), release()
        running, refused = [], []
        for path in ["/docs/downloads/large.csv"] * 2 + ["/docs/downloads/small.csv"] * 5 + ["/docs/downloads/large.csv",
                                                                                             "/docs/downloads/../../x.csv"]:
            scope, receive, send, sent = drive(gate, path, "", "10.0.0.9")
            scope["release"] = done
            running.append(asyncio.ensure_future(gate(scope, receive, send)))
            await asyncio.sleep(0.01)
            refused.append(next((m["status"] for m in sent if m["type"] == "http.response.start" and m["status"] != 200), None))
        done.set()
        await asyncio.gather(*running)
        return refused
    assert asyncio.run(scenario()) == [None, None, None, None, None, None, None, 429, 429]
    assert limits.docs_file_size("/docs/downloads/%2e%2e/%2e%2e/etc/passwd") is None
