"""Datasette plugin: every response says when the data served includes a synthetic sample.

Takes: the ``synthetic_resources`` list of the ``certsearch`` plugin configuration
(written from the package by the build). Gives: an ``X-Synthetic-Sample`` header naming
them on every HTTP response while any resource is a sample, with ``X-Robots-Tag: noindex`` (generated
names must not turn up in a search engine as officers; base.html says it in each page too), and, on every CSV or JSON
answer that may hold the sample's rows, a file name that begins SYNTHETIC-SAMPLE- (a saved download keeps the label the
header cannot; not for a table's or a row's file when the table holds none of the sample's rows), so
that a program or a person saving a file is told, as a reader is told by the page banner. The data itself says it too: a ``synthetic_sample`` column or field on each
row of a download that may hold the sample's rows (plugins/csvexport.py, certsearch.py, pages.py).
"""
import json
import re
from urllib.parse import parse_qsl, unquote

from datasette import hookimpl
from datasette.utils import tilde_decode

PREFIX = "SYNTHETIC-SAMPLE-"
DB = "certification"
# Datasette's own JSON of the database's tables, rows and queries, in the shapes that are an object with "rows"
# (not _shape=array or object, whose top level is the rows themselves): the object says it holds a sample's rows
# (a new user's walk: only the header said so, and a saved file loses its headers)
DATASETTE_JSON = re.compile(rf"^/{DB}(?:/([^/]+))?(?:/[^/]+)?\.json$")
ROWS_SHAPES = {None, "objects", "arrays"}
JSON_LABEL = b'"synthetic_sample": true, '
DECERTIFIED_FILES = ("/decertified.csv", "/decertified.json")  # plugins/pages.py: rows labelled by their state


def json_table(scope):
    """The table (or row's table) of a request for Datasette's JSON of one, else None."""
    found = DATASETTE_JSON.match(scope.get("path", ""))
    return tilde_decode(unquote(found.group(1))) if found and found.group(1) else None


def labelled_by_state(body, rule):
    """Datasette's JSON answer of a table of several states' rows of which only some states' are a sample (rule: the
    build's ``state_rows`` entry), each row labelled: ``synthetic_sample`` false on a row whose state column names a
    real state, true on any other (a row without that column too), as an item of each row (a last column, named in
    ``columns``, for rows given as arrays); the top level says true while any row it holds may be the sample's. The
    body unchanged when it is not such an object (an error)."""
    try:
        answer = json.loads(body)
    except ValueError:
        return body
    if not isinstance(answer, dict) or not isinstance(answer.get("rows"), list):
        return body
    columns = answer.get("columns") if isinstance(answer.get("columns"), list) else []
    position = columns.index(rule["column"]) if rule["column"] in columns else None
    labels = []
    for row in answer["rows"]:
        value = row.get(rule["column"]) if isinstance(row, dict) else (
            row[position] if isinstance(row, list) and position is not None and position < len(row) else None)
        labels.append(not (isinstance(value, str) and value in rule["real"]))
        if isinstance(row, dict):
            row["synthetic_sample"] = labels[-1]
        elif isinstance(row, list):
            row.append(labels[-1])
    if columns and any(isinstance(row, list) for row in answer["rows"]):
        columns.append("synthetic_sample")
    return json.dumps({"synthetic_sample": any(labels) or not answer["rows"], **answer}, ensure_ascii=False).encode("utf-8")


def json_label(scope, sample_free):
    """Whether Datasette's JSON answer to this request is an object to label: one of the database's table, row
    or query answers in a shape whose top level is an object, for a table that may hold a sample's rows."""
    found = DATASETTE_JSON.match(scope.get("path", ""))
    if not found or scope.get("method") != "GET":  # a HEAD's answer has no body to label
        return False
    shape = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"))).get("_shape")
    return shape in ROWS_SHAPES and tilde_decode(unquote(found.group(1) or "")) not in sample_free


TABLE_FILE = re.compile(rf"^/{DB}/([^/]+?)(?:/[^/]+)?\.(?:csv|json)$")  # a table's or a row's CSV or JSON


def sample_free_file(path, sample_free):
    """Whether path is the CSV or JSON of a table (or a row of one) that holds none of the sample's rows (the walk:
    statutes.csv was saved as SYNTHETIC-SAMPLE-statutes.csv, while the downloads page names it statutes.csv)."""
    found = TABLE_FILE.match(path)
    return bool(found) and tilde_decode(unquote(found.group(1))) in sample_free


def labelled_headers(headers, path, sample_free=frozenset()):
    """The response headers with, for a CSV or JSON answer that may hold the sample's rows, a labelled file name."""
    if sample_free_file(path, sample_free):
        return headers
    out, disposition = [], None
    for name, value in headers:
        if name.lower() == b"content-disposition":
            disposition = value.decode("latin-1")
        else:
            out.append((name, value))
    kind = dict(headers).get(b"content-type", b"").decode("latin-1")
    if disposition or "csv" in kind or "json" in kind or path.endswith((".csv", ".json")):
        found = re.search(r'filename="?([^";]+)"?', disposition or "")
        filename = found.group(1) if found else (path.rstrip("/").rsplit("/", 1)[-1] or "download")
        # only safe characters: a name taken from the path may hold a quote (that would add parameters to
        # the header) or a NUL, CR or LF (that no HTTP header may carry)
        filename = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)[:150] or "download"
        if not filename.startswith(PREFIX):
            filename = PREFIX + filename
        mode = (disposition or "inline").split(";")[0].strip() or "inline"
        out.append((b"content-disposition", f'{mode}; filename="{filename}"'.encode("latin-1", "replace")))
    return out


@hookimpl
def asgi_wrapper(datasette):
    known = []  # the list, read once: the metadata does not change while the server runs

    def wrap(app):
        async def labelled(scope, receive, send):
            if not known:
                config = datasette.plugin_config("certsearch") or {}
                known.extend([config.get("synthetic_resources") or [], set(config.get("sample_free_tables") or [])])
                decertifying = [s for s in config.get("states") or [] if s.get("decertified")]
                # the decertified list's files hold no sample's row while no decertifying state's records are one
                known.append(set() if any(s.get("sample") for s in decertifying) else set(DECERTIFIED_FILES))
                known.append(config.get("state_rows") or {})
            synthetic = known[0]
            if scope.get("type") != "http" or not synthetic or scope.get("path", "").startswith("/docs/"):
                # the documentation and its release files are served as built (their names are labelled already)
                return await app(scope, receive, send)
            value = ", ".join(synthetic).encode("ascii", "replace")
            held = []  # the start of a JSON answer to label, sent with its first part once that shows an object
            # a table of several states' rows, only some states' a sample: its whole answer is read and each row labelled
            rule = known[3].get(json_table(scope)) if json_label(scope, known[1]) else None
            parts = []

            async def send_labelled(message):
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    if scope.get("path", "") not in known[2]:
                        headers = labelled_headers(headers, scope.get("path", ""), known[1])
                    message = dict(message, headers=[*headers, (b"x-synthetic-sample", value), (b"x-robots-tag", b"noindex")])
                    if message.get("status") == 200 and json_label(scope, known[1]) and any(
                            k.lower() == b"content-type" and v.startswith(b"application/json") for k, v in headers):
                        held.append(message)
                        return
                elif message["type"] == "http.response.body" and held and rule:
                    parts.append(message.get("body", b""))
                    if message.get("more_body"):
                        return
                    start, body = held.pop(), labelled_by_state(b"".join(parts), rule)
                    await send(dict(start, headers=[(k, str(len(body)).encode()) if k.lower() == b"content-length"
                                                    else (k, v) for k, v in start["headers"]]))
                    message = {"type": "http.response.body", "body": body, "more_body": False}
                elif message["type"] == "http.response.body" and held:
                    start, body = held.pop(), message.get("body", b"")
                    if body.startswith(b"{") and not body.startswith(b"{}"):
                        message = dict(message, body=b"{" + JSON_LABEL + body[1:])
                        start = dict(start, headers=[(k, str(int(v) + len(JSON_LABEL)).encode()) if k.lower() == b"content-length"
                                                     else (k, v) for k, v in start["headers"]])
                    await send(start)
                await send(message)
            return await app(scope, receive, send_labelled)
        return labelled
    return wrap
