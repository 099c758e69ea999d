"""Datasette plugin: the formula-cell policy and the sample label for every CSV the server answers.

Gives every CSV response of Datasette (table and query CSV, streamed or not, with
``_labels=on`` or not, and so every CSV link on a page) in its spreadsheet form: a cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and is not a plain
number, gets a leading apostrophe (so that ``=HYPERLINK(...)`` is shown, never run), and the
body starts with a UTF-8 byte-order mark (so that Excel reads accents as UTF-8). The exact
form, for programs, is the same URL with ``_csv=exact``: cells as released, no mark. Both
forms are passed on in blocks of about ``BLOCK`` bytes (Datasette sends a streamed CSV one row
per message; each message would otherwise cross every middleware and the server on its own).

While the release holds a synthetic sample (the ``synthetic_resources`` of the ``certsearch``
configuration), every CSV that may hold its rows, in both forms, ends each record with a column
``synthetic_sample``, ``true`` on every row: the label stays in the data a program reads or a
spreadsheet shows (a first comment line would break CSV readers). Only the CSV of a table the
build lists as ``sample_free_tables`` (the resources marked as agency data, the tables describing
the package) goes without; SQL typed on the query page may read a sample, so its CSV is labelled.

Deployable with the plugins folder alone: it imports nothing from ``certdata``.
"""
import csv
import io
import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode

DB = "certification"
LABEL = b"synthetic_sample"  # the field the search JSON and the JSON exports carry
TABLE_CSV = re.compile(rf"^/{DB}/([^/]+)(?:/[^/]+)?\.csv$")  # a table's (or a row's) CSV
# One complete record (plain characters and quoted fields, newlines inside those), then its end.
# Possessive: no backtracking, about 50 MB/s; a stray carriage return only starts the next match
# after it, so the label still goes just before the record's end.
RECORD = re.compile(rb'([^"\r\n]*+(?:"[^"]*+"[^"\r\n]*+)*+)(\r?\n)')
BOM = b"\xef\xbb\xbf"
BLOCK = 64 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# A cell start (line start or after a comma, perhaps quoted) with a formula character; a
# chunk without one is passed on as it is (a quoted comma can only make it look suspicious).
SUSPECT = re.compile(rb'(?:^|,)(?:"?[=+\-@\t]|"\r)', re.MULTILINE)


def spreadsheet_cell(cell):
    """The cell a spreadsheet shows as text: formula-leading text gets a leading apostrophe."""
    if cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def spreadsheet_records(data):
    """Complete CSV records (bytes) with every formula-leading cell defused."""
    if not SUSPECT.search(data):
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


def sample_rows(config, path):
    """True when the CSV at path may hold rows of a synthetic sample."""
    if not config.get("synthetic_resources"):
        return False
    table = TABLE_CSV.match(path)
    return not (table and tilde_decode(table.group(1)) in config.get("sample_free_tables", []))


def wants_exact(scope):
    query = scope.get("query_string", b"").decode("latin-1")
    return "_csv" in query and ("_csv", "exact") in parse_qsl(query, keep_blank_values=True)


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
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        # Datasette leaves the header out on _header=off; our plugins' CSVs always write it
        header = not (path.startswith(f"/{DB}") and ("_header", "off") in query)
        state = {"csv": False, "first": True, "pending": b"", "header": header}

        async def rewrite(message):
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                kind = dict((k.lower(), v) for k, v in headers).get(b"content-type", b"")
                state["csv"] = message["status"] == 200 and kind.startswith((b"text/csv", b"text/plain"))
                if state["csv"] and (label or not exact):  # the length changes: the body is sent chunked
                    message = dict(message, headers=[h for h in headers if h[0].lower() != b"content-length"])
                return await send(message)
            if message["type"] != "http.response.body" or not state["csv"]:
                return await send(message)
            more = message.get("more_body", False)
            buffer = state["pending"] + message.get("body", b"")
            if more and len(buffer) < BLOCK:
                state["pending"] = buffer
                return
            if exact and not label:
                state["pending"] = b""
                return await send({"type": "http.response.body", "body": buffer, "more_body": more})
            done, state["pending"] = split_complete(buffer) if more else (buffer, b"")
            body = spreadsheet_records(done) if done and not exact else done
            if label and body:
                body, state["header"] = labelled_records(body, state["header"]), False
            if state["first"] and (body or not more):
                body, state["first"] = (body if exact else BOM + body), False
            if body or not more:
                await send({"type": "http.response.body", "body": body, "more_body": more})

        await self.app(scope, receive, rewrite)


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: SpreadsheetCsv(app, datasette)
