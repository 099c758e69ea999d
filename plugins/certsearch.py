"""Datasette plugin: the officer and agency pages, the streamed JSON export, the response cache.

Gives the pages /officer/<state route>/<id>, /export/<table>.json (each row ending with
``"synthetic_sample": true`` while the table may hold a sample's rows: the rule of plugins/csvexport.py),
and the sample banner and provenance for every template. It names no state: the states, their
officer resources, routes, page queries and templates are read from the metadata the build
writes (``plugins.certsearch.states``), so this folder deploys alone. The public search
(/search, its JSON and CSV, ``fts_query``) is in plugins/search.py; the agency and decertified
pages in plugins/pages.py.
"""
import asyncio
import itertools
import json
import os
import re
import weakref
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import urlsafe_components
from datasette.utils.asgi import AsgiStream, NotFound, Response
from markupsafe import Markup, escape

DB = "certification"


CONFIG = weakref.WeakKeyDictionary()  # per server: a test's next server may reuse a freed id


def config(datasette):
    """The plugin's configuration, read once per server (the metadata is fixed while it runs)."""
    if datasette not in CONFIG:
        CONFIG[datasette] = dict(datasette.plugin_config("certsearch") or {})  # a copy: derived values are kept in it
    return CONFIG[datasette]


def inner_quotes(text):
    """An agency's words inside our quotation marks, their own double marks made single (as
    certdata.disclosure.inner_quotes does for the documentation)."""
    return str(text).replace("“", "‘").replace("”", "’")


def lines(text):
    """Quoted words as HTML with the source's line breaks kept (as certdata.disclosure.lines)."""
    return escape(str(text)).replace("\n", Markup("<br>"))


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["inner_quotes"] = inner_quotes
    env.filters["lines"] = lines


@hookimpl
def extra_template_vars(datasette, table, database, request, view_name):
    async def inner():
        cfg = config(datasette)
        synthetic = cfg.get("synthetic_resources", [])
        shared = cfg.get("state_rows", {})
        if "synthetic_titles" not in cfg:  # for people: the tables' titles, not their names (read once)
            cfg["synthetic_titles"] = [(datasette.metadata("title", database=DB, table=name, fallback=False) or name)
                                       + (f" (its rows whose {shared[name]['column']} is "
                                          f"{state_names(datasette, shared[name]['sample'])})" if name in shared else "")
                                       for name in synthetic]
        variables = {"package_version": cfg.get("package_version"), "synthetic_resources": synthetic,
                     "synthetic_titles": cfg["synthetic_titles"],
                     "exportable": sorted(exportable(datasette)),
                     # every page but those of tables that hold none of the sample's rows (views over it included)
                     "shows_sample": bool(synthetic) and (table is None or sample_rows(datasette, table)),
                     # for pages that list several resources: {% set provenance = provenance_of(name) %}
                     "provenance_of": lambda name: provenance(datasette, name)}
        if table:  # custom pages pass their own provenance
            variables["provenance"] = await provenance(datasette, table)
            variables["export_query"] = await export_query(datasette, table, request)
            rule = state_rule(datasette, table) if database == DB else None
            if rule:  # a table of several states' rows: the banner and provenance say whose rows are the sample's
                variables["sample_rows"] = {"sample": f"rows whose {rule['column']} is {state_names(datasette, rule['sample'])}",
                                            "real": f"rows whose {rule['column']} is {state_names(datasette, rule['real'])}"}
                if variables["provenance"]:
                    variables["provenance"] = dict(variables["provenance"], sample_rows=variables["sample_rows"])
                if view_name == "row" and await row_state(datasette, table, request, rule["column"]) in rule["real"]:
                    # a real state's row: no sample's banner, title or status
                    variables.update(shows_sample=False, sample_rows=None)
                    if variables["provenance"]:
                        variables["provenance"] = dict(variables["provenance"], synthetic_sample=0, sample_rows=None)
        return variables
    return inner


async def provenance(datasette, table):
    """Request, responding agency, release date, file checksum and package version of a table."""
    db = datasette.get_database(DB)
    rows = await db.execute(
        "select r.resource, r.sha256, r.synthetic_sample, r.received, q.request_id, q.responding_agency, q.release_received_date, "
        "q.filed_date from package_resources r left join requests q on q.request_id = r.request_id where r.resource = ?",
        [table])
    row = rows.first()
    if not row:
        return None
    # the name of the file on the Downloads page whose checksum this is (a sample's is SYNTHETIC-SAMPLE-...)
    return dict(row, file=config(datasette).get("download_files", {}).get(table, f"{table}.csv"))


def states(datasette):
    """The per-state table the build writes into the metadata: code, name, route, officer resource,
    id pattern, page queries, template, agency and decertified sections, linked tables (certdata/states/)."""
    return config(datasette).get("states", [])


async def run_queries(db, queries, params):
    """{name: row or rows} of a state's queries; NotFound when the first finds nothing."""
    out = {}
    for number, query in enumerate(queries):
        rows = (await db.execute(query["sql"], params)).rows
        if number == 0 and not rows:
            raise NotFound("No such record")
        out[query["name"]] = (rows[0] if rows else None) if query["one"] else rows
    return out


TEMPLATES = {}


def state_template(datasette, state):
    """A state's officer-page template, compiled once from the metadata (it extends base.html)."""
    key = (id(datasette), state["route"])
    if key not in TEMPLATES:
        TEMPLATES[key] = datasette.jinja_env.from_string(state["template"])
    return TEMPLATES[key]


MAX_IDENTIFIER = 64  # no officer identifier is longer
CASE_PARTS = 5  # at most 2**5 spellings of an identifier are tried


def spellings(state, key):
    """The identifiers key may stand for: itself, and for a state whose identifiers never differ only in
    case (``id_case_insensitive``), its spellings with each part (a run of letters and digits) in capitals
    or in lower case, as a citation may print them; only those the state's pattern accepts."""
    out = [key]
    parts = re.split(r"([^0-9A-Za-z]+)", key)
    if state.get("id_case_insensitive") and len(key) <= MAX_IDENTIFIER and len(parts) <= 2 * CASE_PARTS - 1:
        words = parts[0::2]
        for cases in itertools.product((str.upper, str.lower), repeat=len(words)):
            spelled = "".join(cases[i // 2](p) if i % 2 == 0 else p for i, p in enumerate(parts))
            if spelled not in out:
                out.append(spelled)
    return [k for k in out if re.fullmatch(state["id_pattern"], k)]


async def officer_identifier(datasette, state, key):
    """(identifier, retired) of the officer or retired identifier that key names in the state, key itself
    first; None when it names none. A few indexed lookups (the search asks this of every one-word query)."""
    db = datasette.get_database(DB)
    candidates = spellings(state, key)
    if candidates:
        ids = [f"{state['route']}/{k}" for k in candidates]
        found = {r[0] for r in (await db.execute(
            f"select person_id from people where person_id in ({', '.join('?' * len(ids))})", ids)).rows}
        for k, person_id in zip(candidates, ids):
            if person_id in found:
                return k, False
        for k in candidates if state.get("retired_query") else ():
            if (await db.execute(state["retired_query"], {"id": k})).first():
                return k, True
    return None


NOT_FOUND = ("No officer has this address. If it comes from a citation, check it character by character, "
             "or search for the officer's name.")


async def officer_page(datasette, request):
    """/officer/<route>/<id>: the state's page queries rendered by its template, with the caveats
    the package gives its officer resource; a known identifier in another case redirects to its page."""
    route, key = request.url_vars["route"], request.url_vars["key"]
    state = next((s for s in states(datasette) if s["route"] == route), None)
    if state is None:
        lower = next((s for s in states(datasette) if s["route"] == route.lower()), None)
        # /officer/MA/...: the state's route in capitals (a walk: a plain 404), for an identifier of the state's form in
        # any case; anything else is no officer's (the thirteenth attack run: "abc%0d%0a" was sent on, quoted again)
        if lower is not None and re.fullmatch(lower["id_pattern"], key, re.IGNORECASE):
            return Response.redirect(datasette.urls.path(f"/officer/{lower['route']}/{quote(key, safe='')}"), status=301)
        raise NotFound(NOT_FOUND)
    db = datasette.get_database(DB)
    try:
        if not re.fullmatch(state["id_pattern"], key):
            raise NotFound(NOT_FOUND)
        context = await run_queries(db, state["queries"], {"id": key})
    except NotFound:  # an identifier published once and retired answers with what became of it
        found = await officer_identifier(datasette, state, key)
        if found is None or found == (key, False):
            raise NotFound(NOT_FOUND) from None
        if found[0] != key:  # the same identifier, spelled in another case
            return Response.redirect(datasette.urls.path(f"/officer/{route}/{quote(found[0], safe='')}"), status=301)
        retired = (await db.execute(state["retired_query"], {"id": key})).first()
        return Response.html(await datasette.render_template(
            "retired_officer.html", {"retired": retired, "state": {k: state.get(k) for k in ("code", "name", "route", "retired_about")},
                                     # a real state's retired identifier, while another state's records are a sample, is
                                     # no sample's (a trial: its page carried the sample banner)
                                     "page_sample": bool(state.get("sample"))},
            request=request), status=410)
    context.update(await officer_context(datasette, state["resource"]))
    context["state"] = {k: state[k] for k in ("code", "name", "route", "resource")}
    context["citation"] = {"title": datasette.metadata("title"), "record": f"{state['name']} officer record {key}",
                           "publishers": config(datasette).get("publishers") or [],
                           "url": datasette.absolute_url(request, datasette.urls.path(f"/officer/{route}/{quote(key, safe='')}"))}
    return Response.html(await datasette.render_template(state_template(datasette, state), context, request=request))


async def officer_context(datasette, resource):
    """What every officer page shows besides the officer: what was requested but not published,
    the statutes the agency cited (with their text where the record quotes it), and provenance.
    The request comes from the package (package_resources.request_id), not from this code."""
    db = datasette.get_database(DB)
    withheld_sql = ("from request_items i join package_resources r on r.request_id = i.request_id "
                    "left join statutes s on s.statute_id = i.legal_basis_id "
                    "where r.resource = ? and coalesce(i.our_field, '') = ''")
    request = (await db.execute("select request_id from package_resources where resource = ?", [resource])).first()
    # grouped by the build as the law page groups them: one account of what was withheld on every page
    withheld_groups = config(datasette).get("withheld", {}).get(request[0] if request else None, [])
    statutes = (await db.execute(f"select distinct s.citation, s.text {withheld_sql} and s.text != 'not stated in the record'",
                                 [resource])).rows
    disclosures = dict((await db.execute("select field, disclosure from package_fields where resource = ?", [resource])).rows)
    return {"withheld_count": sum(len(g["items"]) for g in withheld_groups), "withheld_groups": withheld_groups,
            "statutes": statutes, "resource": resource, "disclosures": disclosures,
            "provenance": await provenance(datasette, resource)}


EXPORTABLE = {"agencies", "people", "changes"}  # and every state's officer resource


def exportable(datasette):
    return EXPORTABLE | {name for s in states(datasette) for name in s.get("exportable", [])}


def sample_rows(datasette, table):
    """True while the release holds a synthetic sample, unless the table holds none of its rows (the
    build's sample_free_tables: the resources marked as agency data)."""
    cfg = config(datasette)
    return bool(cfg.get("synthetic_resources")) and table not in cfg.get("sample_free_tables", [])
EXPORT_PAGE = 2000


def state_rule(datasette, table):
    """{column, real, sample} when the table holds several states' rows and only some states' are a synthetic
    sample (the build's ``state_rows``): a row is the sample's unless its column names a real state; else None."""
    return config(datasette).get("state_rows", {}).get(table) if sample_rows(datasette, table) else None


def state_names(datasette, codes):
    """'XX (the state's name)' for each code, joined with 'or' (the states' names as the build wrote them)."""
    names = {s["code"]: s["name"] for s in states(datasette)}
    return " or ".join(f"{code} ({names[code]})" if code in names else code for code in codes)


async def row_state(datasette, table, request, column):
    """The value of column in the row a row page shows (None when it cannot be read)."""
    pks = urlsafe_components(request.url_vars["pks"]) if request and request.url_vars.get("pks") else []
    db = datasette.get_database(DB)
    keys = await db.primary_keys(table) or ["rowid"]
    if len(keys) != len(pks):
        return None
    found = (await db.execute(f"select [{column}] from [{table}] where " + " and ".join(f"[{k}] = ?" for k in keys),
                              pks)).first()
    return found[0] if found else None


async def export_query(datasette, table, request):
    """The page's query string when /export/ takes every parameter of it (column=value filters,
    and q on people), "" for no parameter; None when it does not (a sort, a facet, an operator),
    so that no page links to an export that would refuse it."""
    if request is None or table not in exportable(datasette):
        return None
    columns = await datasette.get_database(DB).table_columns(table)
    names = list(request.args.keys())
    if all(k in columns or (k == "q" and table == "people") for k in names):
        return request.query_string
    return None


async def export_json(datasette, request):
    """Every matching row of a table as one streamed JSON array: equality filters on any
    column, and q (the public search) on people. No row cap; each page is one short query."""
    table = request.url_vars["table"]
    if table not in exportable(datasette):
        raise NotFound("This table cannot be exported here")
    db = datasette.get_database(DB)
    columns = await db.table_columns(table)
    unsupported = [k for k in request.args.keys() if k not in columns and not (k == "q" and table == "people")]
    if unsupported:  # never export more rows than the page showed
        return Response.text(f"Unsupported filter(s) {', '.join(unsupported)}: use column=value (and q on people), "
                             "or the table's CSV export with _stream=on.", status=400)
    where, params = ["rowid > :_last"], {}
    for i, (name, value) in enumerate((k, request.args.get(k)) for k in request.args.keys() if k in columns):
        where.append(f"[{name}] = :p{i}")
        params[f"p{i}"] = value
    if table == "people" and request.args.get("q"):
        where.append("rowid in (select rowid from people_fts where people_fts match fts_query(:q))")
        params["q"] = request.args.get("q")
    page = int(config(datasette).get("export_page", EXPORT_PAGE))
    sql = f"select rowid as _rowid, * from [{table}] where {' and '.join(where)} order by rowid limit {page}"
    label = {"synthetic_sample": True} if sample_rows(datasette, table) else {}
    by_state = state_rule(datasette, table)  # several states' rows, only some states' a sample: labelled row by row

    async def stream(writer):
        last, first = 0, True
        await writer.write("[")
        while True:
            rows = (await db.execute(sql, dict(params, _last=last))).rows
            for row in rows:
                record = {**{k: row[k] for k in row.keys() if k != "_rowid"}, **label}
                if by_state:
                    record["synthetic_sample"] = row[by_state["column"]] not in by_state["real"]
                await writer.write(("" if first else ",\n") + json.dumps(record, ensure_ascii=False))
                first = False
            if len(rows) < page:
                break
            last = rows[-1]["_rowid"]
        await writer.write("]\n")
    return AsgiStream(stream, content_type="application/json; charset=utf-8",
                      headers={"content-disposition": f'inline; filename="{table}.json"'})


@hookimpl
def register_routes():
    return [
        (r"^/export/(?P<table>[a-z_]+)\.json$", export_json),
        (r"^/officer/(?P<route>[A-Za-z0-9_-]+)/(?P<key>[^/]+)$", officer_page),
    ]


CACHE_BYTES = 192 * 1024 * 1024
CACHE_BODY_LIMIT = 32 * 1024 * 1024
INFLIGHT_WAIT = 2.0  # seconds a request waits for the same URL computed by another before computing it itself
CACHE_KEY_LIMIT = 2048  # a longer address (no page of ours makes one) is answered, never kept
TOO_BIG_KEPT = 4096     # addresses remembered as too big to keep, the oldest forgotten first


class ResponseCache:
    """In-memory LRU cache of GET responses. The database is immutable for the life of the
    process, so a URL's response cannot change; bodies over 32 MB are not kept. An entry counts
    its key and headers as well as its body (95 KB addresses with 2 KB answers grew the memory
    past the limit, which counted bodies only)."""

    def __init__(self, app, limit=CACHE_BYTES):
        self.app, self.limit, self.store, self.size, self.inflight = app, limit, {}, 0, {}
        self.too_big = {}  # URLs whose responses are not kept: computed in parallel, never queued

    async def __call__(self, scope, receive, send):
        key = self.key(scope)
        if key is None or key in self.too_big:
            return await self.app(scope, receive, send)
        if key in self.inflight:  # the same URL is being computed: wait for it (briefly) instead of computing it again
            try:
                await asyncio.wait_for(asyncio.shield(self.inflight[key]), INFLIGHT_WAIT)
            except TimeoutError:  # a slow reader must not hold others back: compute it alone
                return await self.app(scope, receive, send)
            if key in self.inflight:
                return await self.app(scope, receive, send)
        if key in self.store:
            start, body = self.store.pop(key)
            self.store[key] = (start, body)
            await send(start)
            return await send({"type": "http.response.body", "body": body})
        self.inflight[key] = asyncio.get_running_loop().create_future()
        try:
            await self.compute(key, scope, receive, send)
        finally:
            self.inflight.pop(key).set_result(None)

    async def compute(self, key, scope, receive, send):
        """Run the request and keep a complete, successful, small enough response."""
        captured = {"start": None, "body": [], "size": 0, "ok": True}

        async def capture(message):
            if message["type"] == "http.response.start":
                captured["start"] = message
                captured["ok"] = message["status"] == 200
            elif message["type"] == "http.response.body" and captured["ok"]:
                captured["body"].append(message.get("body", b""))
                captured["size"] += len(message.get("body", b""))
                if captured["size"] > CACHE_BODY_LIMIT:  # too big to keep: stop holding it
                    captured["ok"], captured["body"] = False, []
                    self.too_big[key] = None
                    if len(self.too_big) > TOO_BIG_KEPT:
                        del self.too_big[next(iter(self.too_big))]
            await send(message)

        await self.app(scope, receive, capture)
        if captured["ok"] and captured["start"] is not None:
            body = b"".join(captured["body"])
            if key in self.store:  # two clients missed at once
                self.size -= self.entry_size(key, *self.store.pop(key))
            self.store[key] = (captured["start"], body)
            self.size += self.entry_size(key, captured["start"], body)
            while self.size > self.limit:
                oldest = next(iter(self.store))
                self.size -= self.entry_size(oldest, *self.store.pop(oldest))

    @staticmethod
    def entry_size(key, start, body):
        """The bytes an entry holds: its body, its key and its headers (and a little for the objects)."""
        return len(body) + len(key) + sum(len(k) + len(v) for k, v in start.get("headers", [])) + 256

    @staticmethod
    def key(scope):
        """Path, query and the headers Datasette builds absolute links from (Host, X-Forwarded-*):
        a response built for one host is never served to another; none for a request with a cookie or
        an Authorization header. Streams, database files and
        documentation files are not kept (they are large, or read from disk already)."""
        if scope.get("type") != "http" or scope.get("method") != "GET":
            return None
        if any(name in (b"cookie", b"authorization") for name, _ in scope.get("headers") or ()):
            return None  # answered for the requester (Datasette marks it private): never kept, nor served from the cache
        query = scope.get("query_string", b"").decode("latin-1")
        path = scope.get("path", "")
        if path.startswith(("/-/", "/export/", "/docs/")) or path.endswith(".db") or "_stream=" in query:
            return None
        headers = dict(scope.get("headers") or [])
        origin = b"|".join(headers.get(h, b"") for h in (b"host", b"x-forwarded-proto", b"x-forwarded-host")).decode("latin-1")
        key = f"{origin}|{path}?{query}"
        return key if len(key) <= CACHE_KEY_LIMIT else None


@hookimpl
def asgi_wrapper(datasette):
    if os.environ.get("CERTDATA_NO_RESPONSE_CACHE"):  # benchmarks: measure the settings alone
        return lambda app: app
    return ResponseCache
