"""Datasette plugin: the officer and agency pages, the streamed JSON export, the response cache.

Gives the pages /officer/mo/<row> and /officer/ma/<acadis id> (agency pages are in plugins/pages.py),
/export/<table>.json, and the sample banner and provenance for every template. The
public search (/search, its JSON and CSV, ``fts_query``) is in plugins/search.py.
"""
import asyncio
import json
import os

from datasette import hookimpl
from datasette.utils.asgi import AsgiStream, NotFound, Response

DB = "certification"


def config(datasette):
    return datasette.plugin_config("certsearch") or {}


@hookimpl
def extra_template_vars(datasette, table, database):
    async def inner():
        cfg = config(datasette)
        synthetic = cfg.get("synthetic_resources", [])
        variables = {"package_version": cfg.get("package_version"), "synthetic_resources": synthetic,
                     "shows_sample": bool(synthetic) and (table is None or table in synthetic + ["people"])}
        if table:  # custom pages pass their own provenance
            variables["provenance"] = await provenance(datasette, table)
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
    return dict(row) if row else None


async def one(db, sql, params):
    row = (await db.execute(sql, params)).first()
    if row is None:
        raise NotFound("No such record")
    return row


async def mo_officer_page(datasette, request):
    db = datasette.get_database(DB)
    row_id = request.url_vars["row_id"]
    officer = await one(db, "select o.*, a.agency_name, s.decertified, s.meaning, s.agency_words, "
                            "s.source_id as status_source_id, sq.responding_agency as status_source from mo_officers o "
                            "join mo_license_statuses s on s.license_status = o.license_status "
                            "left join requests sq on sq.request_id = s.source_id "
                            "left join agencies a on a.agency_id = o.agency_id where o.row_id = ?", [row_id])
    klass = await one(db, "select * from mo_license_classes where license_class = ?", [officer["license_class"]])
    context = await officer_context(datasette, "mo_officers")
    context.update({"officer": officer, "klass": klass})
    return Response.html(await datasette.render_template("officer_mo.html", context, request=request))


async def ma_officer_page(datasette, request):
    db = datasette.get_database(DB)
    acadis_id = request.url_vars["acadis_id"]
    records = (await db.execute("select t.*, a.agency_name from ma_training t left join agencies a on a.agency_id = t.agency_id "
                                "where t.acadis_id = ? order by t.completion_date, t.record_id", [acadis_id])).rows
    if not records:
        raise NotFound("No such officer")
    history = (await db.execute("select * from ma_employment_history where acadis_id = ? order by first_training, last_training",
                                [acadis_id])).rows
    context = await officer_context(datasette, "ma_training")
    context.update({"records": records, "history": history, "officer": records[-1]})
    return Response.html(await datasette.render_template("officer_ma.html", context, request=request))


async def officer_context(datasette, resource):
    """What every officer page shows besides the officer: what was requested but not published,
    the statutes the agency cited (with their text where the record quotes it), and provenance.
    The request comes from the package (package_resources.request_id), not from this code."""
    db = datasette.get_database(DB)
    withheld_sql = ("from request_items i join package_resources r on r.request_id = i.request_id "
                    "left join statutes s on s.statute_id = i.legal_basis_id "
                    "where r.resource = ? and coalesce(i.our_field, '') = ''")
    withheld = (await db.execute(f"select min(i.element) as element, i.disposition, s.citation {withheld_sql} "
                                 "group by lower(rtrim(i.element, ' .')) order by min(i.rowid)", [resource])).rows
    statutes = (await db.execute(f"select distinct s.citation, s.text {withheld_sql} and s.text != 'not stated in the record'",
                                 [resource])).rows
    disclosures = dict((await db.execute("select field, disclosure from package_fields where resource = ?", [resource])).rows)
    return {"withheld": withheld, "statutes": statutes, "resource": resource, "disclosures": disclosures,
            "provenance": await provenance(datasette, resource)}


EXPORTABLE = {"mo_officers", "ma_training", "agencies", "people", "changes"}
EXPORT_PAGE = 2000


async def export_json(datasette, request):
    """Every matching row of a table as one streamed JSON array: equality filters on any
    column, and q (the public search) on people. No row cap; each page is one short query."""
    table = request.url_vars["table"]
    if table not in EXPORTABLE:
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

    async def stream(writer):
        last, first = 0, True
        await writer.write("[")
        while True:
            rows = (await db.execute(sql, dict(params, _last=last))).rows
            for row in rows:
                record = {k: row[k] for k in row.keys() if k != "_rowid"}
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
        (r"^/officer/mo/(?P<row_id>MO-[0-9a-f]+-[0-9]+)$", mo_officer_page),
        (r"^/officer/ma/(?P<acadis_id>[0-9A-Za-z]+)$", ma_officer_page),
    ]


CACHE_BYTES = 192 * 1024 * 1024
CACHE_BODY_LIMIT = 32 * 1024 * 1024


class ResponseCache:
    """In-memory LRU cache of GET responses. The database is immutable for the life of the
    process, so a URL's response cannot change; bodies over 32 MB are not kept."""

    def __init__(self, app, limit=CACHE_BYTES):
        self.app, self.limit, self.store, self.size, self.inflight = app, limit, {}, 0, {}
        self.too_big = set()  # URLs whose responses are not kept: computed in parallel, never queued

    async def __call__(self, scope, receive, send):
        key = self.key(scope)
        if key is None or key in self.too_big:
            return await self.app(scope, receive, send)
        while key in self.inflight:  # the same URL is being computed: wait for it instead of computing it again
            await asyncio.shield(self.inflight[key])
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
                    self.too_big.add(key)
            await send(message)

        await self.app(scope, receive, capture)
        if captured["ok"] and captured["start"] is not None:
            body = b"".join(captured["body"])
            if key in self.store:  # two clients missed at once
                self.size -= len(self.store.pop(key)[1])
            self.store[key] = (captured["start"], body)
            self.size += len(body)
            while self.size > self.limit:
                self.size -= len(self.store.pop(next(iter(self.store)))[1])

    @staticmethod
    def key(scope):
        if scope.get("type") != "http" or scope.get("method") != "GET":
            return None
        query = scope.get("query_string", b"")
        if scope.get("path", "").startswith(("/-/", "/export/")):
            return None
        return scope.get("path", "") + "?" + query.decode("latin-1")


@hookimpl
def asgi_wrapper(datasette):
    if os.environ.get("CERTDATA_NO_RESPONSE_CACHE"):  # benchmarks: measure the settings alone
        return lambda app: app
    return ResponseCache
