"""Datasette plugin: the public list pages, links from raw rows to officer pages, and the
documentation served beside the Datasette.

Gives /decertified (every decertified Missouri officer, paged, with the meaning of each
status from ``mo_license_statuses``) and its full downloads /decertified.csv and
/decertified.json (streamed, every row); /agency/<agency id> with every officer of the
agency, paged, and POST's words on which agency the roster gives; a link to the officer
page from the name cell of every raw table and row page of an officer table; and, when
``CERTDATA_DOCS_DIR`` names a built documentation site (``build.py serve`` sets it), that
site under /docs/, so that one local server answers every link of both.

Deployable with the plugins folder alone: it imports nothing from ``certdata``.
"""
import csv
import io
import json
import mimetypes
import os
import re
from pathlib import Path
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, AsgiStream, NotFound, Response
from markupsafe import Markup

DB = "certification"
PAGE_SIZE = 100
STREAM_PAGE = 2000
DOCS_PREFIX = "/docs/"
STREAM_ABOVE = 1 << 20  # bytes: larger documentation files (the downloads) are streamed
DECERTIFIED_FIELDS = ["row_id", "officer_name", "license_status", "license_class", "agency_id", "agency_name"]


def page_number(request):
    """The page asked for (1 when absent or not a positive number)."""
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def paging(datasette, path, page, total, size=PAGE_SIZE, name="page", **params):
    """What a paged list shows: its range, the page count and previous/next links."""
    last = max(1, -(-total // size))
    page = min(page, last)

    def link(n):
        return datasette.urls.path(path) + "?" + urlencode(dict(params, **{name: n}))
    return {"page": page, "last": last, "first": (page - 1) * size + 1 if total else 0,
            "end": min(page * size, total), "total": total, "offset": (page - 1) * size,
            "previous_url": link(page - 1) if page > 1 else None, "next_url": link(page + 1) if page < last else None}


async def statuses(db):
    """The decertified statuses with POST's words and the request they come from."""
    return (await db.execute(
        "select s.license_status, s.meaning, s.agency_words, s.source_id, q.responding_agency, "
        "(select count(*) from mo_officers o where o.license_status = s.license_status) as officers "
        "from mo_license_statuses s left join requests q on q.request_id = s.source_id "
        "where s.decertified = 1 order by s.rowid")).rows


async def decertified_page(datasette, request):
    db = datasette.get_database(DB)
    total = (await db.execute("select count(*) from mo_decertified_officers")).first()[0]
    pages = paging(datasette, "/decertified", page_number(request), total)
    rows = (await db.execute("select * from mo_decertified_officers order by officer_name, row_id limit ? offset ?",
                             [PAGE_SIZE, pages["offset"]])).rows
    context = {"rows": rows, "pages": pages, "statuses": await statuses(db),
               "csv_url": datasette.urls.path("/decertified.csv"), "json_url": datasette.urls.path("/decertified.json")}
    return Response.html(await datasette.render_template("decertified.html", context, request=request))


async def decertified_rows(db):
    """Every decertified officer in name order, read in pages (keyset: no offset, no cap)."""
    last = ("", "")
    while True:
        rows = (await db.execute(
            "select * from mo_decertified_officers where (officer_name, row_id) > (?, ?) "
            "order by officer_name, row_id limit ?", [*last, STREAM_PAGE])).rows
        for row in rows:
            yield row
        if len(rows) < STREAM_PAGE:
            return
        last = (rows[-1]["officer_name"], rows[-1]["row_id"])


async def decertified_download(datasette, request):
    """/decertified.csv and /decertified.json: every row, streamed, with the officer page URL."""
    db = datasette.get_database(DB)
    kind = request.url_vars["format"]

    def record(row):
        return dict({k: row[k] for k in DECERTIFIED_FIELDS}, officer_page=datasette.urls.path(f"/officer/mo/{row['row_id']}"))

    async def stream(writer):
        first = True
        if kind == "csv":
            out = io.StringIO()
            table = csv.writer(out, lineterminator="\r\n")
            table.writerow(DECERTIFIED_FIELDS + ["officer_page"])
            await writer.write(out.getvalue())
        else:
            await writer.write("[")
        async for row in decertified_rows(db):
            if kind == "csv":
                out = io.StringIO()
                csv.writer(out, lineterminator="\r\n").writerow(record(row).values())
                await writer.write(out.getvalue())
            else:
                await writer.write(("" if first else ",\n") + json.dumps(record(row), ensure_ascii=False))
            first = False
        if kind == "json":
            await writer.write("]\n")
    content_type = "text/csv; charset=utf-8" if kind == "csv" else "application/json; charset=utf-8"
    return AsgiStream(stream, content_type=content_type,
                      headers={"content-disposition": f'attachment; filename="decertified-officers.{kind}"'})


async def agency_page(datasette, request):
    db = datasette.get_database(DB)
    agency_id = request.url_vars["agency_id"]
    agency = (await db.execute("select * from agencies where agency_id = ?", [agency_id])).first()
    if agency is None:
        raise NotFound("No such agency")
    counts = (await db.execute("select license_status, count(*) as n from mo_officers where agency_id = ? "
                               "group by license_status order by n desc", [agency_id])).rows
    total = sum(c["n"] for c in counts)
    pages = paging(datasette, f"/agency/{agency_id}", page_number(request), total)
    officers = (await db.execute("select row_id, officer_name, license_status, license_class from mo_officers "
                                 "where agency_id = ? order by officer_name, row_id limit ? offset ?",
                                 [agency_id, PAGE_SIZE, pages["offset"]])).rows
    trainee_total = (await db.execute("select count(*) from ma_training_agencies where agency_id = ?", [agency_id])).first()[0]
    try:
        trainee_page = max(1, int(request.args.get("trainees_page", "1")))
    except ValueError:
        trainee_page = 1
    trainee_pages = paging(datasette, f"/agency/{agency_id}", trainee_page, trainee_total, name="trainees_page")
    trainees = (await db.execute("select * from ma_training_agencies where agency_id = ? order by officer_name, acadis_id "
                                 "limit ? offset ?", [agency_id, PAGE_SIZE, trainee_pages["offset"]])).rows
    # POST's own words on which agency its roster gives, as the package records them
    roster_words = (await db.execute(
        "select i.agency_words, q.responding_agency from request_items i "
        "join requests q on q.request_id = i.request_id where i.our_field = 'mo_officers.agency_id' "
        "and coalesce(i.agency_words, '') != '' order by i.rowid limit 1")).first()
    context = {"agency": agency, "counts": counts, "officers": officers, "pages": pages, "trainees": trainees,
               "trainee_pages": trainee_pages, "roster_words": roster_words,
               "csv_url": datasette.urls.table(DB, "mo_officers", format="csv") + "?" + urlencode(
                   {"agency_id": agency_id, "_stream": "on", "_size": "max"}),
               "json_url": datasette.urls.path("/export/mo_officers.json") + "?" + urlencode({"agency_id": agency_id})}
    return Response.html(await datasette.render_template("agency.html", context, request=request))


def docs_root():
    """The built documentation site to serve under /docs/, if this server was given one."""
    directory = os.environ.get("CERTDATA_DOCS_DIR")
    return Path(directory).resolve() if directory and Path(directory).is_dir() else None


async def docs_file(datasette, request):
    """A file of the documentation site: index.html for a folder, the site's 404 page otherwise."""
    root = docs_root()
    if root is None:
        raise NotFound("The documentation is not served here")
    relative = request.url_vars.get("path") or ""
    try:
        target = (root / relative).resolve()
        is_dir, is_file = target.is_dir(), target.is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte: no such page (and no path in the answer)
        raise NotFound("No such page") from None
    if root != target and root not in target.parents:
        raise NotFound("Not in the documentation")
    if is_dir:
        if relative and not relative.endswith("/"):
            return Response.redirect(datasette.urls.path(DOCS_PREFIX + relative + "/"))
        target = target / "index.html"
    if not (is_file or is_dir and target.is_file()):
        missing = root / "404.html"
        if not missing.is_file():
            raise NotFound("No such page")
        # MkDocs writes the 404 page's links from the site root (it is served at any depth): here the
        # site root is /docs/; the links marked data-datasette go to the Datasette and stay as they are
        prefix = datasette.urls.path(DOCS_PREFIX)
        html = re.sub(r'(?<!data-datasette )\b(href|src)="/(?!/)', lambda m: f'{m.group(1)}="{prefix}',
                      missing.read_text(encoding="utf-8"))
        return Response.html(html, status=404)
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type in ("application/json", "image/svg+xml", "application/javascript"):
        content_type += "; charset=utf-8"
    if target.stat().st_size > STREAM_ABOVE:  # a download: streamed from disk, never held in memory
        return AsgiFileDownload(target, content_type=content_type, headers={"cache-control": "no-cache"})
    return Response(target.read_bytes(), content_type=content_type, headers={"cache-control": "no-cache"})


async def docs_redirect(datasette, request):
    """/docs to /docs/, and /downloads/... (the path of the files in the deployed site) to the same
    files here under /docs/downloads/."""
    return Response.redirect(datasette.urls.path(DOCS_PREFIX + (request.url_vars.get("path") or "")))


OFFICER_TABLES = {  # table or view: (column that links, column of the identifier, officer page prefix)
    "mo_officers": ("officer_name", "row_id", "/officer/mo/"),
    "mo_decertified_officers": ("officer_name", "row_id", "/officer/mo/"),
    "ma_training": ("officer_name", "acadis_id", "/officer/ma/"),
    "ma_training_agencies": ("officer_name", "acadis_id", "/officer/ma/"),
}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """On raw table and row pages of officer tables, the name links to the officer page."""
    if database != DB or value is None:
        return None
    if table == "people" and column == "officer_name" and "person_id" in row.keys():
        href = datasette.urls.path("/officer/" + str(row["person_id"]))
    elif table in OFFICER_TABLES and column == OFFICER_TABLES[table][0]:
        key = OFFICER_TABLES[table][1]
        if key not in row.keys() or not row[key]:
            return None
        href = datasette.urls.path(OFFICER_TABLES[table][2] + str(row[key]))
    else:
        return None
    return Markup('<a class="officer-link" href="{}">{}</a>').format(href, value)


@hookimpl
def extra_template_vars(datasette):
    """The documentation's address for every page's header and footer (metadata about_url,
    from CERTDATA_DOCS_URL at build time; else the documentation this server serves)."""
    about = (datasette.metadata() or {}).get("about_url")
    return {"docs_url": about or (datasette.urls.path(DOCS_PREFIX) if docs_root() else None)}


@hookimpl
def register_routes():
    return [
        (r"^/decertified$", decertified_page),
        (r"^/decertified\.(?P<format>csv|json)$", decertified_download),
        (r"^/agency/(?P<agency_id>(MO|MA)-[a-z0-9-]+)$", agency_page),
        (r"^/docs$", docs_redirect),
        (r"^/(?P<path>downloads(?:/.*)?)$", docs_redirect),
        (r"^/docs/(?P<path>.*)$", docs_file),
    ]


@hookimpl
def handle_exception(datasette, request, exception):
    """A 404 rendered like every other page (header, footer, the link to the documentation):
    Datasette's own error rendering skips the template variables of plugins."""
    if not isinstance(exception, NotFound) or request.path.endswith((".json", ".csv")):
        return None  # machine formats keep Datasette's own answer

    async def inner():
        context = {"status": 404, "error": str(exception.args[0]) if exception.args else "Not found", "title": None}
        return Response.html(await datasette.render_template("error.html", context, request=request), status=404)
    return inner
