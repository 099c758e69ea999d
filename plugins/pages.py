"""Datasette plugin: the public list pages, links from raw rows to officer pages, and the
documentation served beside the Datasette.

Gives /decertified (every officer listed with a status under which the releasing agency says
decertified officers appear, of the states whose agency names such a status,
paged, with the meaning of each status in the releasing agency's words) and its full downloads
/decertified.csv and /decertified.json (streamed, every row; while the release holds a synthetic
sample each JSON row ends with ``"synthetic_sample": true``, and plugins/csvexport.py adds the same
column to the CSV); /agency/<agency id> with each
state's officers of the agency, paged, and the releasing agency's words on the agency field (an agency an
earlier release listed and this one does not answers 410 with the last release that listed it); a
link to the officer page from the name cell of every raw table and row page of a table a state
links; and, when
``CERTDATA_DOCS_DIR`` names a built documentation site (``build.py serve`` sets it), that
site under /docs/, so that one local server answers every link of both.

It names no state: what each state contributes (its ``AGENCY``, ``DECERTIFIED`` and ``OFFICER_LINKS``,
certdata/states/) is read from the metadata the build writes, so the plugins folder deploys alone;
it imports nothing from ``certdata``.
"""
import csv
import functools
import io
import json
import mimetypes
import os
import re
import weakref
from pathlib import Path
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, AsgiStream, NotFound, Response
from markupsafe import Markup

DB = "certification"
PAGE_SIZE = 100
STREAM_PAGE = 2000
DOCS_PREFIX = "/docs/"
STREAM_ABOVE = 1 << 20  # bytes: larger documentation files (the downloads) are streamed
# What /decertified lists, in the words of its own page, for every page that names the list (the home
# page said "every one", which a reader takes for every decertified officer there is)
DECERTIFIED_SCOPE = "every officer listed with a status under which the releasing agency says decertified officers appear"
DECERTIFIED_FIELDS = ["person_id", "state", "officer_name", "license_status", "detail", "agency_id", "agency_name",
                      "officer_page"]


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


STATES = weakref.WeakKeyDictionary()
SYNTHETIC = weakref.WeakKeyDictionary()


def synthetic(datasette):
    """The resources that hold a synthetic sample, read once per server (as ``states``)."""
    if datasette not in SYNTHETIC:
        SYNTHETIC[datasette] = (datasette.plugin_config("certsearch") or {}).get("synthetic_resources", [])
    return SYNTHETIC[datasette]


def states(datasette):
    """The states as the build wrote them into the metadata (certdata/states/): this folder deploys
    alone. Read once per server (the metadata does not change while it runs; each read resolves the
    whole plugin configuration again, on every page)."""
    if datasette not in STATES:
        STATES[datasette] = (datasette.plugin_config("certsearch") or {}).get("states", [])
    return STATES[datasette]


def decertifying(datasette):
    """The states whose releasing agency names the statuses of decertified officers (their module's
    DECERTIFIED); others add nothing."""
    return [s for s in states(datasette) if s.get("decertified")]


def sample_decertifying(datasette):
    """The codes of the decertifying states whose officer records are a synthetic sample (the build's per-state
    ``sample``): the list holds a sample's rows only if one is (a walk: with one state's release imported and
    another's still a sample, the real list was headed "counted in the synthetic sample ... describe no one")."""
    return {s["code"] for s in decertifying(datasette) if s.get("sample")}


def decertified_union(datasette):
    """(SQL, params) of every decertifying state's decertified officers, one row each with its state."""
    parts, params = [], {}
    for i, state in enumerate(decertifying(datasette)):
        parts.append(f"select :state{i} as state, :route{i} as route, person_key, officer_name, license_status, detail, "
                     f"agency_id, agency_name from ({state['decertified']['sql']})")
        params.update({f"state{i}": state["code"], f"route{i}": state["route"]})
    if not parts:  # no state marks decertification: an empty list with the same columns
        return ("select null as state, null as route, null as person_key, null as officer_name, null as license_status, "
                "null as detail, null as agency_id, null as agency_name where 0"), {}
    return " union all ".join(parts), params


async def statuses(datasette, db):
    """[(state, its decertified statuses)]: what each status means and whose words say so."""
    return [(state, (await db.execute(state["decertified"]["statuses_sql"])).rows) for state in decertifying(datasette)]


def list_filter(q, params):
    """(SQL condition, its parameters) keeping the rows whose name or agency holds every word of q
    (ignoring case), or ("1", params) for no filter. At most ten words, each at most 50 characters."""
    words = q.lower().split()[:10]
    if not words:
        return "1", params
    conditions = []
    for i, word in enumerate(words):
        params = dict(params, **{f"word{i}": word[:50]})
        conditions.append(f"instr(lower(officer_name || ' ' || coalesce(agency_name, '')), :word{i}) > 0")
    return " and ".join(conditions), params


async def decertified_page(datasette, request):
    db = datasette.get_database(DB)
    union, params = decertified_union(datasette)
    list_total = (await db.execute(f"select count(*) from ({union})", params)).first()[0]
    q = " ".join((request.args.get("q") or "").split())[:200]
    where, params = list_filter(q, params)
    total = (await db.execute(f"select count(*) from ({union}) where {where}", params)).first()[0] if q else list_total
    pages = paging(datasette, "/decertified", page_number(request), total, **({"q": q} if q else {}))
    rows = (await db.execute(f"select * from ({union}) where {where} order by officer_name, state, person_key "
                             "limit :limit offset :offset", dict(params, limit=PAGE_SIZE, offset=pages["offset"]))).rows
    words = {state["code"]: state.get("agency_words") for state in decertifying(datasette)}
    unlisted = [s["name"] for s in states(datasette) if not s.get("decertified")]
    context = {"rows": rows, "pages": pages, "statuses": await statuses(datasette, db), "agency_words": words, "unlisted": unlisted,
               "q": q, "list_total": list_total,
               # what each state's Details column holds ("licence class"): a card on a phone says "licence class: unknown"
               "detail_of": {state["code"]: state["decertified"].get("detail") for state in decertifying(datasette)},
               "csv_url": datasette.urls.path("/decertified.csv"), "json_url": datasette.urls.path("/decertified.json")}
    sample = sample_decertifying(datasette)
    context["page_sample"] = bool(sample)
    # rows marked one by one while the list mixes a sample's with real ones (else the banner says it of all)
    context["marked"] = sample if len(sample) < len(decertifying(datasette)) else set()
    return Response.html(await datasette.render_template("decertified.html", context, request=request))


async def decertified_rows(datasette, db):
    """Every decertified officer in name order, read in pages (keyset: no offset, no cap)."""
    union, params = decertified_union(datasette)
    last = ("", "", "")
    while True:
        rows = (await db.execute(
            f"select * from ({union}) where (officer_name, state, person_key) > (:n, :s, :k) "
            "order by officer_name, state, person_key limit :limit", dict(params, n=last[0], s=last[1], k=last[2],
                                                                        limit=STREAM_PAGE))).rows
        for row in rows:
            yield row
        if len(rows) < STREAM_PAGE:
            return
        last = (rows[-1]["officer_name"], rows[-1]["state"], rows[-1]["person_key"])


async def decertified_download(datasette, request):
    """/decertified.csv and /decertified.json: every row, streamed, with the officer page URL."""
    db = datasette.get_database(DB)
    kind = request.url_vars["format"]
    # each row says whether it is a sample's, by its state's records, while any decertifying state's are a sample
    sample = sample_decertifying(datasette)

    def record(row):
        return {"person_id": f"{row['route']}/{row['person_key']}", "state": row["state"],
                **{k: row[k] for k in DECERTIFIED_FIELDS[2:-1]},
                # absolute: the file is read away from the site (a spreadsheet, a newsroom's script)
                "officer_page": datasette.absolute_url(request, datasette.urls.path(f"/officer/{row['route']}/{row['person_key']}")),
                **({"synthetic_sample": row["state"] in sample} if sample else {})}

    async def stream(writer):
        first = True
        if kind == "csv":
            out = io.StringIO()
            table = csv.writer(out, lineterminator="\r\n")
            table.writerow(DECERTIFIED_FIELDS + (["synthetic_sample"] if sample else []))
            await writer.write(out.getvalue())
        else:
            await writer.write("[")
        async for row in decertified_rows(datasette, db):
            if kind == "csv":
                out = io.StringIO()
                csv.writer(out, lineterminator="\r\n").writerow(
                    ["true" if v is True else "false" if v is False else v for v in record(row).values()])
                await writer.write(out.getvalue())
            else:
                await writer.write(("" if first else ",\n") + json.dumps(record(row), ensure_ascii=False))
            first = False
        if kind == "json":
            await writer.write("]\n")
    content_type = "text/csv; charset=utf-8" if kind == "csv" else "application/json; charset=utf-8"
    return AsgiStream(stream, content_type=content_type,
                      headers={"content-disposition": f'attachment; filename="decertified-officers.{kind}"'})


async def agency_section(datasette, request, db, state, agency_id, page_name):
    """One state's part of an agency page: its counts, its officers (paged), the downloads of its
    officer resource's rows with this agency, and the releasing agency's own words on that field."""
    section = state["agency"]
    params = {"agency_id": agency_id}
    total = (await db.execute(f"select count(*) from ({section['sql']})", params)).first()[0]
    try:
        page = max(1, int(request.args.get(page_name, "1")))
    except ValueError:
        page = 1
    pages = paging(datasette, f"/agency/{agency_id}", page, total, name=page_name)
    officers = (await db.execute(f"select * from ({section['sql']}) limit :limit offset :offset",
                                 dict(params, limit=PAGE_SIZE, offset=pages["offset"]))).rows
    counts = (await db.execute(section["counts"]["sql"], params)).rows if section.get("counts") else []
    words = state.get("agency_words")  # the request log's words, written into the metadata by the build
    resource = state["resource"]
    downloads = None  # a download link saves a file: _dl gives text/csv as an attachment (Datasette's own is text/plain, inline)
    if "agency_id" in await db.table_columns(resource):
        downloads = {"title": datasette.metadata("title", database=DB, table=resource, fallback=False) or resource,
                     "csv_url": datasette.urls.table(DB, resource, format="csv") + "?" + urlencode(
                         {"agency_id": agency_id, "_stream": "on", "_size": "max", "_dl": "1"}),
                     "json_url": datasette.urls.path(f"/export/{resource}.json") + "?" + urlencode({"agency_id": agency_id})}
    return {"state": {k: state[k] for k in ("code", "name", "route")}, "heading": section["heading"],
            "empty": section.get("empty", "No officer is listed with this agency."), "counts": counts,
            "counts_label": (section.get("counts") or {}).get("label"), "officers": officers, "pages": pages,
            "words": words, "downloads": downloads,
            "sample": resource in synthetic(datasette)}


async def agency_page(datasette, request):
    """/agency/<agency id>: the agency, then each state's section (its module's AGENCY) in package order;
    a state without one adds nothing."""
    db = datasette.get_database(DB)
    agency_id = request.url_vars["agency_id"]
    agency = (await db.execute("select * from agencies where agency_id = ?", [agency_id])).first()
    if agency is None:
        retired = await retired_agency(db, agency_id)
        if retired is None:
            raise NotFound("No such agency")
        state_name = next((s["name"] for s in states(datasette) if s["code"] == retired["state"]), retired["state"])
        # an agency an earlier real release listed: a cited address says what became of it (as a retired officer
        # identifier's does), with no sample banner: no sample's agency is kept (certdata/load.py)
        context = {"retired": retired, "state_name": state_name, "page_sample": False,
                   "search_url": datasette.urls.path("/search") + "?" + urlencode({"q": retired["agency_name"] or ""})}
        return Response.html(await datasette.render_template("retired_agency.html", context, request=request), status=410)
    sections = []
    for number, state in enumerate(s for s in states(datasette) if s.get("agency")):
        page_name = "page" if number == 0 else f"{state['route']}_page"
        section = await agency_section(datasette, request, db, state, agency_id, page_name)
        if section["officers"] or state["code"] == agency["state"]:  # the agency's own state, even when empty
            sections.append(section)
    state_name = next((s["name"] for s in states(datasette) if s["code"] == agency["state"]), agency["state"])
    # the banner only over a sample's rows (the walk: a real agency of one state, while another's was still a sample,
    # was headed "Synthetic sample, not real officers")
    context = {"agency": agency, "state_name": state_name, "sections": sections,
               "page_sample": any(s["sample"] for s in sections) if sections else bool(synthetic(datasette))}
    return Response.html(await datasette.render_template("agency.html", context, request=request))


async def retired_agency(db, agency_id):
    """The agency an earlier release listed under agency_id and this one does not (the build's retired_agencies,
    absent from a release built without a previous one to compare with), or None."""
    if not await db.table_exists("retired_agencies"):
        return None
    return (await db.execute("select * from retired_agencies where agency_id = ?", [agency_id])).first()


def docs_root():
    """The built documentation site to serve under /docs/, if this server was given one."""
    return resolved_folder(os.environ.get("CERTDATA_DOCS_DIR"))


@functools.lru_cache(maxsize=8)
def resolved_folder(directory):
    """The folder's real path (None if it is not one), worked out once: every page asks for it."""
    return Path(directory).resolve() if directory and Path(directory).is_dir() else None


async def docs_file(datasette, request):
    """A file of the documentation site: index.html for a folder, the site's 404 page otherwise."""
    root = docs_root()
    if root is None:
        raise NotFound("The documentation is not served here")
    relative = request.url_vars.get("path") or ""
    if any(part.startswith(".") for part in relative.split("/")):  # no hidden file (the server's lock) is published
        raise NotFound("No such page")
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
    if not (is_file or is_dir and target.is_file()) or target == root / "404.html":
        missing = root / "404.html"
        if not missing.is_file():
            raise NotFound("No such page")
        # MkDocs writes the 404 page's links, and the base and search worker in its theme's settings,
        # from the site root (it is served at any depth): here the site root is /docs/; the links
        # marked data-datasette go to the Datasette and stay as they are
        prefix = datasette.urls.path(DOCS_PREFIX)
        html = re.sub(r'(?<!data-datasette )\b(href|src)="/(?!/)', lambda m: f'{m.group(1)}="{prefix}',
                      missing.read_text(encoding="utf-8"))
        html = re.sub(r'("(?:base|search)": )"/(?!/)', lambda m: f'{m.group(1)}"{prefix}', html)
        return Response.html(html, status=404)
    content_type = FEED_TYPE if target.parent.name == "feeds" and target.suffix == ".xml" else (
        mimetypes.guess_type(target.name)[0] or "application/octet-stream")
    if content_type.startswith("text/") or content_type == FEED_TYPE or content_type in ("application/json", "image/svg+xml", "application/javascript"):
        content_type += "; charset=utf-8"
    if request.method == "HEAD":  # its headers only: the file is not read (a HEAD of the database had streamed it
        # whole into the void, holding one of the client's two download slots, so that a link checker got 429s)
        return Response(b"", content_type=content_type, headers={"cache-control": "no-cache",
                                                                 "content-length": str(target.stat().st_size)})
    if target.stat().st_size > STREAM_ABOVE:  # a download: streamed from disk, never held in memory
        return AsgiFileDownload(target, content_type=content_type, headers={"cache-control": "no-cache"})
    return Response(target.read_bytes(), content_type=content_type, headers={"cache-control": "no-cache"})


FEED_TYPE = "application/atom+xml"  # the feeds/ are Atom: a feed reader knows them by it (a walk: application/xml)


async def docs_redirect(datasette, request):
    """/docs to /docs/, and /downloads/... (the path of the files in the deployed site) to the same
    files here under /docs/downloads/."""
    return Response.redirect(datasette.urls.path(DOCS_PREFIX + (request.url_vars.get("path") or "")))


def officer_links(datasette):
    """{table: (identifier column, officer page prefix)} of every state's OFFICER_LINKS."""
    return {table: (key, f"/officer/{state['route']}/") for state in states(datasette)
            for table, key in (state.get("links") or {}).items()}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """On raw table and row pages of officer tables, the name links to the officer page; in the agencies table, an
    agency's name to its page (a new user's walk: neither the table nor the row page led to it)."""
    if database != DB or value is None:
        return None
    if table == "agencies" and column == "agency_name" and "agency_id" in row.keys() and row["agency_id"]:
        href = datasette.urls.path("/agency/" + quote(str(row["agency_id"]), safe=""))
        return Markup('<a class="agency-link" href="{}">{}</a>').format(href, value)
    if table == "people" and column == "officer_name" and "person_id" in row.keys():
        href = datasette.urls.path("/officer/" + str(row["person_id"]))
    elif column == "officer_name" and table in officer_links(datasette):
        key, prefix = officer_links(datasette)[table]
        if key not in row.keys() or not row[key]:
            return None
        href = datasette.urls.path(prefix + str(row[key]))
    else:
        return None
    return Markup('<a class="officer-link" href="{}">{}</a>').format(href, value)


@hookimpl
def extra_template_vars(datasette):
    """The documentation's address for every page's header and footer (metadata about_url,
    from CERTDATA_DOCS_URL at build time; else the documentation this server serves), each
    state's officer table and whether it marks decertification, for the home page, and what the
    decertified list holds, in one wording for every page that names it."""
    about = (datasette.metadata() or {}).get("about_url")
    officer_tables = [{"state": s["name"], "table": s["resource"], "linked": s["resource"] in (s.get("links") or {}),
                       "title": datasette.metadata("title", database=DB, table=s["resource"], fallback=False) or s["resource"]}
                      for s in states(datasette)]
    return {"docs_url": about or (datasette.urls.path(DOCS_PREFIX) if docs_root() else None),
            "officer_tables": officer_tables, "decertifying_states": [s["name"] for s in decertifying(datasette)],
            "decertified_scope": DECERTIFIED_SCOPE}


@hookimpl
def register_routes():
    return [
        (r"^/decertified$", decertified_page),
        (r"^/decertified\.(?P<format>csv|json)$", decertified_download),
        (r"^/agency/(?P<agency_id>[A-Z][A-Z0-9]*-[a-z0-9-]+)$", agency_page),
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
        error = str(exception.args[0]) if exception.args else "Not found"
        if request.path.startswith("/agency/"):  # an address that is not an agency id reaches Datasette's database route
            error = "No such agency"
        elif error == "Database not found":  # a reader did not ask for a database
            error = "No such page"
        context = {"status": 404, "error": error, "title": None}
        return Response.html(await datasette.render_template("error.html", context, request=request), status=404)
    return inner
