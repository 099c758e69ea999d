"""Datasette plugin: the formula-cell policy and the sample label for every CSV the server answers.

Gives every CSV response of Datasette (table and query CSV, streamed or not, with
``_labels=on`` or not, and so every CSV link on a page) in its spreadsheet form: a cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and is not a plain
number, gets a leading apostrophe (so that ``=HYPERLINK(...)`` is shown, never run), and the
body starts with a UTF-8 byte-order mark (so that Excel reads accents as UTF-8). The exact
form, for programs, is the same URL with ``_csv=exact``: cells as released, no mark, and
always served as ``text/plain`` without ``Content-Disposition`` (``_dl=1`` is ignored), so that
a link someone sends cannot open live formulas in a spreadsheet. Both
forms are passed on in blocks of about ``BLOCK`` bytes (Datasette sends a streamed CSV one row
per message; each message would otherwise cross every middleware and the server on its own).

A table's streamed CSV (``/certification/<table>.csv?_stream=on``, with plain ``column=value``
filters and nothing else that changes its rows: the agency pages' download links, a whole table) is
written here instead of by Datasette, in the form above: one keyset-paged query per ``STREAM_BATCH``
rows, in Datasette's order (the table's sort, then its primary key) and with Datasette's bytes, each
batch turned into CSV in the SQL thread (Datasette runs its whole table view again for every 1,000
rows, about 15 microseconds a row; this is about 5 with the spreadsheet form). Each batch's work is
done in the download's turn (the limits plugin's gate hands every download its turns in the scope).
Any other CSV, or a table whose rows it cannot write exactly as Datasette would (a view, a blob, a
descending sort, a permission), goes to Datasette. It is the innermost layer, so that every other
plugin's layer (the sample header, the gate) sees its answers as it sees Datasette's.

While the release holds a synthetic sample (the ``synthetic_resources`` of the ``certsearch``
configuration), every CSV that may hold its rows, in both forms, ends each record with a column
``synthetic_sample``, ``true`` on every row: the label stays in the data a program reads or a
spreadsheet shows (a first comment line would break CSV readers). Only the CSV of a table the
build lists as ``sample_free_tables`` (the resources marked as agency data, the tables describing
the package) goes without; SQL typed on the query page may read a sample, so its CSV is labelled.
The search's and the decertified list's CSVs (``SELF_LABELLED``) write the column themselves, ``true``
or ``false`` by each row's state: one state's records may be real while another's are a sample.

Deployable with the plugins folder alone: it imports nothing from ``certdata``.
"""
import asyncio
import csv
import io
import re
import sqlite3
import sys
import time
import weakref
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import add_cors_headers, escape_sqlite, sqlite_timelimit, tilde_decode

DB = "certification"
LABEL = b"synthetic_sample"  # the field the search JSON and the JSON exports carry
TABLE_CSV = re.compile(rf"^/{DB}/([^/]+)(?:/[^/]+)?\.csv$")  # a table's (or a row's) CSV
WHOLE_TABLE_CSV = re.compile(rf"^/{DB}/([^/]+)\.csv$")
# The parameters of Datasette's table view that this path does not write as Datasette would (they
# change the rows, the columns or their order, or the answer): with any of them, or any filter with an
# operator (a name with "__"), Datasette writes the CSV. Other names starting with "_" Datasette ignores.
DATASETTE_OPTIONS = {"_sort", "_sort_desc", "_sort_by_desc", "_where", "_col", "_nocol", "_next", "_through",
                     "_label", "_labels", "_trace", "_fts_table", "_fts_pk", "_filter_column", "_filter_op",
                     "_filter_value", "_timelimit", "_searchmode"}
DATASETTE_PREFIXES = ("_search", "_facet")
STREAM_BATCH = 1000
# The limits plugin's gate gives each download its turns (see limits.DOWNLOAD_TURNS) in the scope;
# a table stream takes a turn for each batch's SQL and CSV and marks its chunks as paced already.
DOWNLOAD_SCOPE_KEY = "certdata.download"
PACED_KEY = "certdata.paced"

# One complete record (plain characters and quoted fields, newlines inside those), then its end.
# Possessive: no backtracking, about 50 MB/s; a stray carriage return only starts the next match
# after it, so the label still goes just before the record's end.
RECORD = re.compile(rb'([^"\r\n]*+(?:"[^"]*+"[^"\r\n]*+)*+)(\r?\n)')
BOM = b"\xef\xbb\xbf"
BLOCK = 64 * 1024
# ... or what has come in this long, whatever its size: the gate hands a download's turn on only
# between the chunks it sees (slow rows, a page of one row each, must not hold the turn for minutes)
BLOCK_SECONDS = 0.1
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# A cell start (line start or after a comma, perhaps quoted) with a formula character; a
# chunk without one is passed on as it is (a quoted comma can only make it look suspicious).
# Found with bytes.translate and substring tests (about 400 MB/s; a regular expression, 130).
FORMULA_BYTES = bytes.maketrans(b"=+-@\t", b"\x01" * 5)
SUSPECT = [b",\x01", b"\n\x01", b',"\x01', b'\n"\x01', b',"\r', b'\n"\r']


def suspect(data):
    """Whether data (CSV records) may hold a cell that starts with a formula character."""
    marked = b"\n" + data.translate(FORMULA_BYTES)  # the first cell starts a line too
    return any(needle in marked for needle in SUSPECT)


class Unscheduled:
    """A download's turns when no gate gives any (the plugin alone, in a test): always its turn."""

    async def take(self):
        pass

    def give(self):
        pass


def spreadsheet_cell(cell):
    """The cell a spreadsheet shows as text: formula-leading text gets a leading apostrophe."""
    if cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_text(rows):
    """Rows as Datasette's csv.writer writes them (its defaults: minimal quoting, CRLF)."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def plain_text(conn, read):
    """read(), with values read as plain UTF-8 text instead of through Datasette's text factory (a
    Python call per value); again through it when a value is not UTF-8, so that the rows are the same."""
    replacing = conn.text_factory
    try:
        conn.text_factory = str
        return read()
    except sqlite3.OperationalError as error:
        if "decode" not in str(error):
            raise
        conn.text_factory = replacing
        return read()
    finally:
        conn.text_factory = replacing


def spreadsheet_records(data):
    """Complete CSV records (bytes) with every formula-leading cell defused."""
    if not suspect(data):
        return data
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # Datasette writes with csv.writer's defaults
    for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def split_complete(buffer):
    """(complete records, rest): a newline ends a record only outside quotes (even quote count)."""
    end = len(buffer)
    while True:
        end = buffer.rfind(b"\n", 0, end)
        if end < 0:
            return b"", buffer
        if buffer.count(b'"', 0, end) % 2 == 0:
            return buffer[:end + 1], buffer[end + 1:]


def labelled_records(data, header):
    """The records with the label as a last column: its name on the header record (when header), true
    on every other; a last part that is no complete record (an error written mid-stream) is left as is."""
    records, rest = split_complete(data)
    if header:
        first = RECORD.match(records)
        if first:
            return (first.group(1) + b"," + LABEL + first.group(2)
                    + RECORD.sub(rb"\1,true\2", records[first.end():]) + rest)
    return RECORD.sub(rb"\1,true\2", records) + rest


def state_labelled_records(data, header, rule, found):
    """As ``labelled_records`` for a table of several states' rows of which only some states' are a sample (rule:
    the build's ``state_rows`` entry): ``false`` on a row whose state column names a real state, ``true`` on any
    other (found: a one-item list holding that column's position, read from the header record; None when the CSV
    has no header or not that column: every row is then labelled ``true``, as the sample's may be any of them)."""
    records, rest = split_complete(data)
    if not records:
        return data
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # Datasette writes with csv.writer's defaults
    for row in csv.reader(io.StringIO(records.decode("utf-8"), newline="")):
        if header:
            found[0] = row.index(rule["column"]) if rule["column"] in row else None
            writer.writerow(row + [LABEL.decode()])
            header = False
            continue
        column = found[0]
        real = column is not None and column < len(row) and row[column] in rule["real"]
        writer.writerow(row + ["false" if real else "true"])
    return out.getvalue().encode("utf-8") + rest


def state_rule(config, path):
    """The build's ``state_rows`` entry of the table whose CSV path is, or None (a table of one state's rows, a
    query, a file of the plugins)."""
    table = TABLE_CSV.match(path)
    return config.get("state_rows", {}).get(tilde_decode(table.group(1))) if table else None


# The plugins' CSVs of rows from several states that label each row themselves, by its state's records
SELF_LABELLED = ("/search.csv", "/decertified.csv")


def sample_rows(config, path):
    """True when the CSV at path may hold rows of a synthetic sample, and does not label them itself."""
    if not config.get("synthetic_resources") or path in SELF_LABELLED:
        return False
    table = TABLE_CSV.match(path)
    return not (table and tilde_decode(table.group(1)) in config.get("sample_free_tables", []))


def as_text(headers):
    """The exact form's headers: shown as text, never handed to a spreadsheet as a download. A link can ask
    for it (``_csv=exact&_dl=1``); as a CSV attachment its formula cells would run when opened."""
    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-type", b"content-disposition")]
    return kept + [(b"content-type", b"text/plain; charset=utf-8")]


def wants_exact(scope):
    query = scope.get("query_string", b"").decode("latin-1")
    return "_csv" in query and ("_csv", "exact") in parse_qsl(query, keep_blank_values=True)


class TablePlan:
    """How Datasette writes one table's streamed CSV: its header (``rowid`` first for a table without
    a primary key), its order (the table's sort from the metadata, then the primary key, as Datasette
    pages) and the keyset that continues after a row."""

    def __init__(self, table, columns, pks, sort):
        self.table, self.columns, self.sort, self.keys = table, columns, sort, pks or ["rowid"]
        self.header = ([] if pks else ["rowid"]) + columns
        self.order = ([sort] if sort else []) + self.keys
        self.positions = [self.header.index(c) for c in self.order]

    def after(self, row):
        """The SQL condition and parameters for the rows after row (Datasette's keyset, null sort values included)."""
        values = [row[i] for i in self.positions]
        keys = [escape_sqlite(k) for k in self.keys]
        key_values = values[-len(keys):]
        params = {f"k{i}": v for i, v in enumerate(key_values)}
        by_key = " or ".join("(" + " and ".join([f"{keys[j]} = :k{j}" for j in range(i)] + [f"{keys[i]} > :k{i}"]) + ")"
                             for i in range(len(keys)))
        if not self.sort:
            return f"({by_key})", params
        column = escape_sqlite(self.sort)
        if values[0] is None:  # nulls sort first: every non-null value is after
            return f"({column} is not null or ({column} is null and ({by_key})))", params
        return f"({column} > :s or ({column} = :s and ({by_key})))", dict(params, s=values[0])


async def table_plan(datasette, table):
    """The table's TablePlan, or None when Datasette must write its CSV itself: not a plain table
    (a view, a virtual table, a canned query of that name), a descending or restricted sort, a primary
    key that may be null, a permission rule, or a blob anywhere (Datasette writes a blob as a URL)."""
    db = datasette.get_database(DB)
    # a canned query of the table's name takes its URL (read from the metadata: Datasette's
    # get_canned_query writes into the metadata, which the release fingerprint hashes)
    if not await db.table_exists(table) or table in (datasette.metadata("queries", database=DB) or {}):
        return None
    for action, resource in (("view-instance", None), ("view-database", DB), ("view-table", (DB, table))):
        if not await datasette.permission_allowed(None, action, resource, default=True):
            return None
    meta = datasette.table_metadata(DB, table)
    if meta.get("sort_desc") or meta.get("sortable_columns") is not None:
        return None
    shape = (await db.execute("select sql from sqlite_master where type = 'table' and name = ?", [table])).first()
    if not shape or (shape[0] or "").lstrip().upper().startswith("CREATE VIRTUAL"):
        return None
    info = (await db.execute(f"select name, [notnull], pk from pragma_table_info({escape_sqlite(table)!r})")).rows
    columns = [r[0] for r in info]
    pks = [r[0] for r in sorted((r for r in info if r[2]), key=lambda r: r[2])]
    sort = meta.get("sort")
    if (sort and sort not in columns) or any(not r[1] for r in info if r[2]) or (not pks and "rowid" in columns):
        return None
    typed = " or ".join(f"typeof({escape_sqlite(c)}) = 'blob'" for c in columns)
    if (await db.execute_fn(lambda conn: conn.execute(
            f"select exists (select 1 from {escape_sqlite(table)} where {typed})").fetchone()[0])):
        return None
    return TablePlan(table, columns, pks, sort)


PLANS = weakref.WeakKeyDictionary()  # per Datasette: table -> the task computing its plan (the file does not change)
WARMING = weakref.WeakKeyDictionary()


def planned(datasette, table):
    """The table's plan, computed once per server however many requests ask for it at once."""
    plans = PLANS.setdefault(datasette, {})
    task = plans.get(table)
    if task is None or (task.done() and (task.cancelled() or task.exception())) or (
            not task.done() and task.get_loop() is not asyncio.get_running_loop()):
        task = plans[table] = asyncio.ensure_future(table_plan(datasette, table))  # a failed attempt is tried again
    return asyncio.shield(task)


@hookimpl
def startup(datasette):
    """Plans every table in the background as the server starts: the first downloads (a cold start's
    crowd) then need no scan of their table for blobs (about 0.4 s a million rows). Not for ``datasette serve
    --get PATH``, which answers one request and exits (the walk: "Task was destroyed but it is pending!")."""
    if "--get" in sys.argv:
        return

    async def warm():
        for table in await datasette.get_database(DB).table_names():
            try:
                await planned(datasette, table)
            except Exception:  # a table that cannot be planned is asked again by its first download
                pass
    WARMING[datasette] = asyncio.ensure_future(warm())  # kept: a task nobody holds may be collected


def stream_request(path, query, max_rows):
    """(table, its spelling in the path, filters) when the request is a table's streamed CSV with plain
    column=value filters and options that do not change its rows, else None."""
    found = WHOLE_TABLE_CSV.match(path)
    names = [k for k, _ in query]
    options = dict(query)
    if not found or not options.get("_stream") or len(set(names)) != len(names):
        return None
    if any(k in DATASETTE_OPTIONS or k.startswith(DATASETTE_PREFIXES) or "__" in k for k in names):
        return None
    size = options.get("_size")
    if size is not None and size != "max" and not (size.isascii() and size.isdigit() and len(size) < 10
                                                    and 0 < int(size) <= max_rows):
        return None
    return tilde_decode(found.group(1)), found.group(1), [(k, v) for k, v in query if not k.startswith("_")]


class SpreadsheetCsv:
    """ASGI middleware: rewrites CSV responses (paths ending .csv, CSV or plain-text type) into
    the spreadsheet form and labels a sample's, record by record as they stream."""

    def __init__(self, app, datasette=None):
        self.app, self.datasette, self.known = app, datasette, []

    def config(self):
        """The certsearch configuration, read once (the metadata does not change while the server runs)."""
        if not self.known:
            self.known.append((self.datasette.plugin_config("certsearch") if self.datasette else None) or {})
        return self.known[0]

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope.get("type") == "http" and not path.endswith(".csv") and b"_csv" in scope.get("query_string", b""):
            # a page never passes _csv on to the CSV links it builds: a link people click is the spreadsheet form
            query = scope["query_string"].decode("latin-1")
            kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "_csv"]
            scope = dict(scope, query_string=urlencode(kept).encode("latin-1"))
        if scope.get("type") != "http" or not path.endswith(".csv") or path.startswith("/docs/"):
            # /docs/ serves the release files as built: their bytes must match SHA256SUMS
            return await self.app(scope, receive, send)
        exact, label = wants_exact(scope), sample_rows(self.config(), path)
        rule = state_rule(self.config(), path) if label else None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        # Datasette leaves the header out on _header=off; our plugins' CSVs always write it
        header = not (path.startswith(f"/{DB}") and next((v for k, v in query if k == "_header"), None) == "off")
        request = stream_request(path, query, self.datasette.setting("max_returned_rows")) if self.datasette else None
        if request:
            table, route, filters = request
            plan = await planned(self.datasette, table)
            if plan and all(k in plan.columns for k, _ in filters):
                personal = any(k.lower() in (b"cookie", b"authorization") for k, _ in scope.get("headers") or [])
                return await self.stream_table(send, plan, route, filters, dict(query), exact=exact, label=label,
                                               header=header, personal=personal, rule=rule,
                                               download=scope.get(DOWNLOAD_SCOPE_KEY) or Unscheduled())
        state = {"csv": False, "first": True, "pending": b"", "header": header, "since": time.monotonic(), "column": [None]}

        async def rewrite(message):
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                kind = dict((k.lower(), v) for k, v in headers).get(b"content-type", b"")
                state["csv"] = message["status"] == 200 and kind.startswith((b"text/csv", b"text/plain"))
                if state["csv"] and (label or not exact):  # the length changes: the body is sent chunked
                    message = dict(message, headers=[h for h in headers if h[0].lower() != b"content-length"])
                if state["csv"] and exact:
                    message = dict(message, headers=as_text(message.get("headers", [])))
                return await send(message)
            if message["type"] != "http.response.body" or not state["csv"]:
                return await send(message)
            more = message.get("more_body", False)
            buffer = state["pending"] + message.get("body", b"")
            if more and len(buffer) < BLOCK and time.monotonic() - state["since"] < BLOCK_SECONDS:
                state["pending"] = buffer
                return
            state["since"] = time.monotonic()
            if exact and not label:
                state["pending"] = b""
                return await send({"type": "http.response.body", "body": buffer, "more_body": more})
            done, state["pending"] = split_complete(buffer) if more else (buffer, b"")
            body = spreadsheet_records(done) if done and not exact else done
            if label and body:
                body, state["header"] = (state_labelled_records(body, state["header"], rule, state["column"]) if rule
                                         else labelled_records(body, state["header"])), False
            if state["first"] and (body or not more):
                body, state["first"] = (body if exact else BOM + body), False
            if body or not more:
                await send({"type": "http.response.body", "body": body, "more_body": more})

        await self.app(scope, receive, rewrite)

    async def stream_table(self, send, plan, route, filters, options, exact, label, header, personal=False,
                           download=None, rule=None):
        """The table's rows as Datasette's streamed CSV would give them, in the spreadsheet form unless
        exact, labelled while a sample: one keyset-paged query per STREAM_BATCH rows, each batch written
        as CSV in the SQL thread. Like Datasette, an error (the client gone, a time limit, the size limit)
        ends the stream with its message."""
        db, ds = self.datasette.get_database(DB), self.datasette
        where = [f"{escape_sqlite(k)} = :f{i}" for i, (k, _) in enumerate(filters)]
        params = {f"f{i}": v for i, (_, v) in enumerate(filters)}
        columns = ", ".join(escape_sqlite(c) for c in plan.header) + (", 'true'" if label else "")
        if label and rule and rule["column"] in plan.header:  # each row labelled by its state: false for a real state's
            real = ", ".join(f":real{i}" for i in range(len(rule["real"]))) or "null"
            columns = (", ".join(escape_sqlite(c) for c in plan.header)
                       + f", case when {escape_sqlite(rule['column'])} in ({real}) then 'false' else 'true' end")
            params.update({f"real{i}": code for i, code in enumerate(rule["real"])})
        order = ", ".join(escape_sqlite(c) for c in plan.order)
        time_limit, limit = ds.setting("sql_time_limit_ms"), ds.setting("max_csv_mb") * 1024 * 1024

        def extra(row):  # Datasette counts its own characters: the label is not among them
            return len(row[-1]) + 1 if label else 0

        def batch(after):
            condition, keyset = plan.after(after) if after is not None else (None, {})
            clauses = where + ([condition] if condition else [])
            sql = (f"select {columns} from {escape_sqlite(plan.table)}" + (" where " + " and ".join(clauses) if clauses else "")
                   + f" order by {order} limit {STREAM_BATCH}")

            def run(conn):
                cursor = conn.cursor()
                # plain tuples: a batch of our own table's rows is small, and the connection's row
                # factory (a budget for arbitrary SQL, sqlite3.Row) would double the time a row takes
                cursor.row_factory = None

                def read():
                    with sqlite_timelimit(conn, time_limit):
                        return cursor.execute(sql, dict(params, **keyset)).fetchall()
                rows = plain_text(conn, read)
                return rows, csv_text(rows)
            return db.execute_fn(run)

        headers = {"content-type": "text/csv; charset=utf-8" if options.get("_dl") and not exact else "text/plain; charset=utf-8"}
        if options.get("_dl") and not exact:
            headers["content-disposition"] = f'attachment; filename="{route}.csv"'  # as Datasette: the path's spelling
        if ds.cors:
            add_cors_headers(headers)
        # as Datasette's router marks every answer: it may vary with credentials, and is private when sent any
        headers["vary"] = "Cookie, Authorization"
        if personal:
            headers["cache-control"] = "private, no-store"
        await send({"type": "http.response.start", "status": 200, PACED_KEY: True,
                    "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]})
        written, first = 0, not exact
        text = ""
        if header:
            text = csv_text([plan.header + (["synthetic_sample"] if label else [])])
            written = len(text) - (len(",synthetic_sample") if label else 0)
        after = None
        while True:
            ending = ""
            try:
                await download.take()
                try:
                    rows, rendered = await batch(after)
                finally:
                    download.give()
            except Exception as error:  # as Datasette: the stream ends with the error's message
                rows, rendered, ending = [], "", str(error)
            labels = sum(map(extra, rows))
            if written + len(rendered) - labels > limit:  # Datasette's max_csv_mb, row by row
                kept = []
                for row in rows:
                    line = csv_text([row])
                    if written + len(line) - extra(row) > limit:
                        break
                    written += len(line) - extra(row)
                    kept.append(line)
                rendered, ending = "".join(kept), f"CSV contains more than {limit} bytes"
            else:
                written += len(rendered) - labels
            body = (text + rendered).encode("utf-8")
            if body and not exact:
                body = spreadsheet_records(body)
            body += ending.encode("utf-8")
            if first:
                body, first = BOM + body, False
            done = bool(ending) or len(rows) < STREAM_BATCH
            await send({"type": "http.response.body", "body": body, "more_body": not done, PACED_KEY: True})
            if done:
                return
            text, after = "", rows[-1]


@hookimpl(tryfirst=True)
def asgi_wrapper(datasette):
    # tryfirst: the innermost wrapper, so that the CSV it writes itself passes every other plugin's layer
    return lambda app: SpreadsheetCsv(app, datasette)
