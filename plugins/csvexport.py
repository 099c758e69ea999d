"""Datasette plugin: the formula-cell policy for every CSV the server answers.

Gives every CSV response of Datasette (table and query CSV, streamed or not, with
``_labels=on`` or not, and so every CSV link on a page) in its spreadsheet form: a cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and is not a plain
number, gets a leading apostrophe (so that ``=HYPERLINK(...)`` is shown, never run), and the
body starts with a UTF-8 byte-order mark (so that Excel reads accents as UTF-8). The exact
form, for programs, is the same URL with ``_csv=exact``: cells as released, no mark. Both
forms are passed on in blocks of about ``BLOCK`` bytes (Datasette sends a streamed CSV one row
per message; each message would otherwise cross every middleware and the server on its own).

Deployable with the plugins folder alone: it imports nothing from ``certdata``.
"""
import csv
import io
import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

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


def wants_exact(scope):
    query = scope.get("query_string", b"").decode("latin-1")
    return "_csv" in query and ("_csv", "exact") in parse_qsl(query, keep_blank_values=True)


class SpreadsheetCsv:
    """ASGI middleware: rewrites CSV responses (paths ending .csv, CSV or plain-text type) into
    the spreadsheet form, record by record as they stream."""

    def __init__(self, app):
        self.app = app

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
        exact = wants_exact(scope)
        state = {"csv": False, "first": True, "pending": b""}

        async def rewrite(message):
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                kind = dict((k.lower(), v) for k, v in headers).get(b"content-type", b"")
                state["csv"] = message["status"] == 200 and kind.startswith((b"text/csv", b"text/plain"))
                if state["csv"] and not exact:  # the length changes: the body is sent chunked
                    message = dict(message, headers=[h for h in headers if h[0].lower() != b"content-length"])
                return await send(message)
            if message["type"] != "http.response.body" or not state["csv"]:
                return await send(message)
            more = message.get("more_body", False)
            buffer = state["pending"] + message.get("body", b"")
            if more and len(buffer) < BLOCK:
                state["pending"] = buffer
                return
            if exact:
                state["pending"] = b""
                return await send({"type": "http.response.body", "body": buffer, "more_body": more})
            done, state["pending"] = split_complete(buffer) if more else (buffer, b"")
            body = spreadsheet_records(done) if done else b""
            if state["first"] and (body or not more):
                body, state["first"] = BOM + body, False
            if body or not more:
                await send({"type": "http.response.body", "body": body, "more_body": more})

        await self.app(scope, receive, rewrite)


@hookimpl
def asgi_wrapper(datasette):
    return SpreadsheetCsv
