"""Datasette plugin: limits that hold per request, so that no request can starve the server.

Gives every SQLite connection: a length limit on strings and blobs (a single C call such as
``randomblob(400000000)`` never yields to Datasette's time-limit progress handler, so the
length is the cut), limits on SQL text, columns and LIKE patterns, an authorizer that denies
functions nobody needs (``randomblob``, ``zeroblob``, ``load_extension``, ...), attaching
databases, and reading the file path of ``pragma_database_list``, and a cap on the bytes of
values one statement may return. Gives every request: a bound on its parameters and facets, a
bound on concurrent arbitrary SQL
(``?sql=``, ``_where=``) in total and per client, answered with a fast 429 or 503 instead of
a queue; a total bound on requests in flight (past which clients with few requests in flight are still let in); pages'
work in turns, one page at a time, the next turn to the client that has had least (a reader's page waits for the
page being built, not for a flood); a bound on long pages (more rows than
``LONG_PAGE_ROWS``) per client and in all, answered the same way; a page's time and bytes counted
to its client as its answer starts and goes out, a client owing too much waiting (429); its SQL
interrupted when the client disconnects or when arbitrary SQL outlives its budget; a cap on the
response size; malformed parameters answered with 400 instead of 500; and
``X-Content-Type-Options: nosniff`` on every response.

Gives every connection, below the application (``GuardedH11Protocol``, installed by wrapping
``uvicorn.run``, which ``datasette serve`` calls after loading its plugins, locally and in the
deployed container alike): a deadline of ``HEAD_TIMEOUT`` seconds for a complete request head
from connecting or from its previous answer, however slowly bytes trickle (uvicorn's keep-alive
timeout stops at the first byte); at most ``CONNECTIONS_PER_CLIENT`` open connections per client
(not behind Cloud Run, where every connection comes from Google's front end) and
``MAX_CONNECTIONS`` in all, past which the connection that has waited longest for its request
head is closed to make room; a deadline of ``SEND_TIMEOUT`` seconds within which the client must
take some of the answer held for it (in the server's buffer and, on Linux, the system's), past
which the connection is cut and a request still sending is told its client left, and the system
told to give up as soon on the answer of a connection closed before its client took it all
(``TCP_USER_TIMEOUT``); the open-file limit raised to what that needs; and ``nosniff`` on uvicorn's
own "Invalid HTTP request" answer. Connections that never finish a request (slowloris) cannot use
up the file descriptors, and clients that never read their answers cannot keep them, or the memory
the answers fill, for long. uvicorn's access log is off: the server writes no line per request, so
no log of the names people search is kept by this process; and an error is logged by its type and
place only, never with its message, its SQL, its parameters or a traceback's values
(``quiet_error_pages``).

Deployable with the plugins folder alone: it imports nothing from ``certdata``.
"""
import asyncio
import collections
import contextvars
import functools
import ipaddress
import itertools
import json
import math
import os
import re
import resource
import socket
import sqlite3
import struct
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager

import h11
import uvicorn

from datasette import database as datasette_database
from datasette import hookimpl
from datasette.database import Database, QueryInterrupted
from datasette.filters import Filters
from datasette.utils.asgi import Response
from datasette.views.base import DatasetteError
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol

try:  # the bytes a connection's system buffer still holds for the client (Linux's SIOCOUTQ)
    import fcntl
    from termios import TIOCOUTQ as OUTQ
except ImportError:
    fcntl = OUTQ = None
if not sys.platform.startswith("linux"):
    OUTQ = None

# The longest value in the release is about 4 KB (an FTS5 block). Quadratic built-ins (trim
# with a long character set, instr, replace) run as one C call that no time limit can cut: at
# 20 KB their worst case stays under a tenth of a second (at 100 KB trim took 1.2 s).
MAX_VALUE_BYTES = 20_000
MAX_SQL_BYTES = 20_000
MAX_COLUMNS = 100
MAX_LIKE_PATTERN = 1_000
MAX_RESULT_BYTES = 16 * 1024 * 1024   # values one statement may return (1,000 rows are about 0.3 MB)
# What one statement may write to SQLite's temporary files (a sort or a temporary index that spills from
# memory): a cross join of 10 KB values, sorted, had written 1.2 GB in under 2 s, within the time limit,
# which on a host whose disk is memory (Cloud Run) is 1.2 GB of memory. Counted on Linux from the
# thread's own writes (/proc/thread-self/io), where the SQL runs; not bounded where that cannot be read.
MAX_TEMP_BYTES = 64 * 1024 * 1024
TEMP_CHECK_EVERY = 16                # of the time-limit handler's calls (one per 1,000 SQLite instructions)
MAX_BODY_BYTES = 32 * 1024 * 1024     # a response whose length is known beforehand
MAX_STREAM_BYTES = 512 * 1024 * 1024  # a streamed response (CSV with _stream=on, /export/)
ARBITRARY_SQL_TOTAL = 2              # concurrent arbitrary-SQL requests, all clients together
ARBITRARY_SQL_PER_CLIENT = 1
ARBITRARY_SQL_SECONDS = 3.0          # all the SQL of one arbitrary-SQL request
# A client's arbitrary SQL time, as a debt that is paid back at SQL_DEBT_REPAID seconds per
# second: a client whose debt passes SQL_DEBT_LIMIT waits (429) until it is back under. A
# client looping 3-second queries thus holds a slot about a tenth of the time, so a few such
# clients cannot keep everyone else's SQL out with 503s.
SQL_DEBT_LIMIT = 6.0
SQL_DEBT_REPAID = 0.1
HEAVY_PER_CLIENT = 2                 # concurrent streamed exports and file downloads per client
# ... and in all, past which a download gets 503 at once: the v6 attack run's 130 addresses holding two whole-table
# streams each, read a few bytes at a time under the send deadline, had filled the server's requests in flight, and
# ordinary pages got 503. Downloads take turns (below), so more at once only makes each slower; the bound leaves
# room for the public's downloads beside forty whole-table streams (benchmarks/abuseload.py: at 64, 3,331 public
# agency downloads got 503 in 15 s).
DOWNLOADS_TOTAL = 192
# Downloads take turns: the work between two chunks of a download (Datasette's next rows, the CSV
# plugin's next batch) runs only while the download holds one of DOWNLOAD_TURNS turns, so downloads
# never hold more than that of the SQL threads and the cores, whatever their number; pages never wait
# for them. Waiting downloads are ranked by, in order: their client's share (the seconds its downloads
# held a turn, less SHARE_REPAID for each second since, in steps of SHARE_STEP), so that a client that
# downloads without pause falls behind the others; then whether the download itself has held turns for
# LONG_DOWNLOAD seconds (a whole table, not an agency), so that a long stream never holds up a short
# one; then the order they began in (a crowd of agency downloads finishes one by one instead of all late
# together). Time, not bytes: a byte of Datasette's own CSV costs several times one of the CSV plugin's.
DOWNLOAD_TURNS = 1
SHARE_STEP = 0.05
SHARE_REPAID = 0.05
LONG_DOWNLOAD = 0.5
# A page's time past PAGE_FREE_SECONDS counts to its client (a page of ours takes a few hundredths
# of a second; one of 1,000 results or a heavy facet page up to a second or more at a million rows),
# paid back at PAGE_DEBT_REPAID seconds a second: a client owing more than PAGE_DEBT_LIMIT waits (429).
# A reader never gets there; an address looping heavy pages gets one about every ten seconds.
PAGE_FREE_SECONDS = 0.25
PAGE_DEBT_LIMIT = 3.0
PAGE_DEBT_REPAID = 0.1
# A page's bytes past PAGE_FREE_BYTES count too, PAGE_SECONDS_PER_MB a megabyte; and what a page has cost is
# counted as its answer starts and as its body is handed on, not when the request ends, so that a client that
# never reads has paid before it stops. A page of 1,000 rows of HTML (1.4 MB, built in a fifth of a second,
# under PAGE_FREE_SECONDS) cost its client nothing, and is held in memory until the client takes it: it now
# counts 0.8 s, so a client that takes four in a row then waits, and one looping them gets one about every
# eight seconds.
# A default page (50 rows, 100 KB) and any JSON page (1,000 rows are 150 to 370 KB, a program paging through a
# table) stay free.
PAGE_FREE_BYTES = 512 * 1024
PAGE_SECONDS_PER_MB = 1.0
# Pages take turns too: a page's work (its SQL and its rendering, until its answer starts) runs only while it holds
# one of PAGE_TURNS turns, ranked as downloads' are (the client's share of page time, in steps of PAGE_SHARE_STEP,
# then the order they began), so that a client whose pages keep the server busy waits behind one that asks a page now
# and then. The step is finer than a download's: a page takes a few hundredths of a second, and a client that has had
# one more ranks after the others. A flood of cheap
# pages (the v5 attack's 256 default pages of 50 rows, from sixteen addresses) had been worked in the order it came,
# an ordinary page waiting behind all of it (3 s, and 503s). The answer is sent outside the turn: a client that never
# reads its page holds no turn. Static files (/-/static, /docs/) take no turn: they are read from disk, not built.
# One turn: a page's work is mostly Python (Datasette's view, the template), held to one core by the interpreter's
# lock, and two pages at once made a reader's page slower than one after the other (sixteen addresses asking the
# 1,000-row decertified list and never reading: a reader's one-row page p50 0.9 to 1.1 s with two turns, 0.17 to 0.20 s
# with one; measured alternately, four runs).
PAGE_TURNS = 1
# Beside it, CHEAP_PAGE_TURNS more turns that only a page of a kind that has cost less than CHEAP_PAGE_COST may take
# (a search, an officer page: a few thousandths of a second of Python around their SQL), so that one cheap page's
# Python runs while another's SQL does, on the other core. Pages of many facets or rows still work one at a time.
# Distinct searches at a million rows, 20 clients: 281 -> 341 req/s.
CHEAP_PAGE_TURNS = 1
CHEAP_PAGE_COST = 0.02
PAGE_SHARE_STEP = 0.01
# Of the pages waiting whose clients have had alike, the cheaper kind goes first (PageCosts): kinds that cost less than
# CHEAP_PAGE_COST count alike (they go in the order asked), dearer ones in steps that double it (0.02 to 0.04 s, 0.04 to
# 0.08 s, ...); a kind not yet seen counts as PAGE_UNKNOWN_COST, a little more than an officer page, a search or a small
# table page, less than a page of many facets or rows. In steps of a hundredth of a second, as before, a flood of
# officer pages (7 ms) from 240 new addresses kept a reader's search (18 ms) waiting behind every one of them: 0.3 s at
# p50, 24.7 s at worst (the seventh session's attack run).
PAGE_UNKNOWN_COST = 0.03
# A page of the first step above the cheap (a kind not yet seen, or one of 0.02 to 0.04 s) that has waited PAGE_AGE
# counts as cheap: a flood of cheap pages would otherwise keep it waiting for as long as the flood lasts. Dearer kinds
# never do, so that a crowd of heavy pages never goes before a reader's cheap one.
PAGE_AGE = 0.25
QUEUED_FREE = 4  # requests of one client waiting for a turn that do not put it behind others (a browser asks a few)
# Long pages, those that ask for more rows than LONG_PAGE_ROWS (Datasette's _size=max or _size=1000, /search's
# size=1000): at most LONG_PAGES_PER_CLIENT in flight per client (429) and LONG_PAGES_TOTAL in all (503), never
# queued. Each is built in one piece on the event loop (a fifth of a second for 1,000 rows of HTML) and holds
# several megabytes while it is: sixteen addresses asking sixteen each at once (the v5 attack run) had 256 of them
# in flight, a minute of work that kept everyone else waiting (503, timeouts) and grew the server to 1.4 GB; two
# at a time keep an ordinary page's wait to a few tenths of a second. What a long page costs its client (above)
# is known only once it is built, so the bound is on what is asked.
LONG_PAGE_ROWS = 100
LONG_PAGES_PER_CLIENT = 1
LONG_PAGES_TOTAL = 2
# A client refused for what it owes (slow pages, or SQL while indebted) gets the refusal after this
# pause: a loop that retries at once (the abuse run: 2,000 refusals a second from six addresses, a
# good part of a core) then asks ten times a second per connection, at no cost to the server.
REFUSAL_PAUSE = 0.1
REQUESTS_PER_CLIENT = 16             # requests in flight per client before its excess gets 429
HEAD_TIMEOUT = 10.0
# A connection whose client takes none of its answer for SEND_TIMEOUT seconds is cut, and a request still
# sending to it is told that its client left (its SQL stops, its slots are freed). A client that never reads
# otherwise keeps its answer in memory: in the server's (what the system's buffer cannot take; a streamed
# answer's send waits on it, holding the request's slots, and a close waits for it to be sent, so the head
# deadline never ends such a connection) and in the system's (up to 4 MB a connection on Linux, kept for
# minutes once the server has closed the connection, for as long as the client answers the system's probes:
# the 1.4 MB of a page of 1,000 rows stayed 5.6 minutes). What is held is looked at every SEND_CHECK seconds, the system's part too on Linux
# (SIOCOUTQ); a connection closed with an answer not all taken is left to the system, told by TCP_USER_TIMEOUT
# (Linux) to give up once the client has taken nothing for SEND_TIMEOUT seconds. A reader on the slowest link
# takes some bytes every few seconds.
SEND_TIMEOUT = 10.0
SEND_CHECK = 1.0
CONNECTIONS_PER_CLIENT = 32
MAX_CONNECTIONS = 1000
FILES_BESIDES_CONNECTIONS = 200  # the database, snapshot files, logs, Python's own
# Of the ARBITRARY_SQL_TOTAL slots, this many are kept for clients owing less than FRESH_DEBT
# seconds: clients that loop slow queries hold the others only (an attack from twenty or more
# addresses, each fresh once, can still hold both: a client is known only by its address).
ARBITRARY_SQL_RESERVED = 1
FRESH_DEBT = 1.0
# All indebted clients together: their SQL seconds, paid back at INDEBTED_SQL_REPAID a second; past
# INDEBTED_SQL_LIMIT they wait (503). However many addresses loop slow queries, once each has run one
# they hold at most about a quarter of one core, not a whole one, from the pages and the downloads.
INDEBTED_SQL_LIMIT = 3.0
INDEBTED_SQL_REPAID = 0.25
ALL = "all indebted clients"
REFUSAL_DEBT = 0.02                  # a refused query counts as this much SQL time: retrying in a loop is not fresh
# Requests in flight before the excess gets 503: past REQUESTS_TOTAL only clients with fewer than LIGHT_CLIENT
# requests in flight are let in, up to REQUESTS_TOTAL + LIGHT_RESERVE, so that a few addresses holding sixteen each
# cannot keep out a reader who asks for one page.
REQUESTS_TOTAL = 256
LIGHT_CLIENT = 4
LIGHT_RESERVE = 256
# A request's parameters: each facet is a query and a block of the page (1,500 repeated facets of one
# column held a server for minutes, its page rendered on the event loop); no page of ours needs more.
MAX_FACETS = 10
MAX_PARAMETERS = 100
# printf/format: printf('%.*c', 2147483647, 'x') loops 2^31 times in one C call (7.9 s) although
# its result is cut at the length limit.
DENIED_FUNCTIONS = {"randomblob", "zeroblob", "printf", "format", "load_extension", "fts3_tokenizer", "fts5",
                    "sqlite_compileoption_get", "sqlite_compileoption_used", "readfile", "writefile", "edit"}


class ResultTooLarge(sqlite3.OperationalError):
    """A statement returned more bytes of values than MAX_RESULT_BYTES."""


class Refused(Exception):
    """A request's parameters cannot be executed (answered with 400)."""


class HeadAnswered(BaseException):
    """A HEAD request's answer is complete once its head is sent: raised into the app at its first body message, so
    that it stops making a body no one will read. (Not an Exception: Datasette's CSV stream catches those, and would
    write the error into the body.)"""


def authorizer(action, arg1, arg2, database, trigger):
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and arg1 == "pragma_database_list" and arg2 == "file":
        return sqlite3.SQLITE_IGNORE  # the column reads as NULL: the server's path stays private
    return sqlite3.SQLITE_OK


def budgeted_rows(limit):
    """A row factory (sqlite3.Row) that refuses a statement once its values pass limit bytes.
    Datasette opens a new cursor for every statement, so the count restarts with each cursor."""
    state = {"cursor": None, "bytes": 0}

    def factory(cursor, row):
        if cursor is not state["cursor"]:
            state["cursor"], state["bytes"] = cursor, 0
        state["bytes"] += sum(len(v) for v in row if v.__class__ is str or v.__class__ is bytes)
        if state["bytes"] > limit:
            raise ResultTooLarge(f"the result is larger than {limit // (1024 * 1024)} MB: select fewer rows or columns")
        return sqlite3.Row(cursor, row)
    return factory


@hookimpl
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, MAX_COLUMNS)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, MAX_LIKE_PATTERN)
    conn.set_authorizer(authorizer)
    conn.row_factory = budgeted_rows(MAX_RESULT_BYTES)


# --- cancellation: which connections run SQL for which request -------------------------------

CURRENT = contextvars.ContextVar("certdata_request_ticket", default=None)


class Ticket:
    """One request's SQL: the connections running it now, and whether it must stop."""

    def __init__(self):
        self.cancelled, self.active, self.lock = False, set(), threading.Lock()

    def cancel(self):
        with self.lock:
            self.cancelled = True
            for conn in self.active:
                conn.interrupt()  # thread-safe: the statement ends with "interrupted"

    def run(self, fn, conn):
        with self.lock:
            if self.cancelled:
                raise sqlite3.OperationalError("interrupted")
            self.active.add(conn)
        try:
            return fn(conn)
        finally:
            with self.lock:
                self.active.discard(conn)


if not getattr(Database.execute_fn, "_certdata_ticketed", False):
    # Datasette runs SQL in a thread pool that does not carry the request's context; the
    # request's ticket is read here, in the request's task, and handed to the thread.
    _execute_fn = Database.execute_fn

    async def execute_fn(self, fn):
        ticket = CURRENT.get()
        if ticket is None:
            return await _execute_fn(self, fn)
        return await _execute_fn(self, lambda conn: ticket.run(fn, conn))
    execute_fn._certdata_ticketed = True
    Database.execute_fn = execute_fn


# --- the request gate ---------------------------------------------------------------------------

def parameters(scope):
    """A request's query parameters as (name, value) pairs, decoded (%73ql is sql), in order."""
    from urllib.parse import parse_qsl
    return parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)


def parameter_names(scope):
    """The names of a request's query parameters, decoded, in order."""
    return [k for k, _ in parameters(scope)]


BAD_REQUEST_PATH, BAD_REQUEST_KEY = "/-/bad-request", "certdata.bad_request"  # a refusal Datasette renders as a page
FACET_PARAMETERS = ("_facet", "_facet_array", "_facet_date")
TABLE_PAGE = re.compile(r"^/([^/]+)/([^/]+?)(?:\.(?:json|csv))?$")  # /database/table, its JSON or CSV


def too_many_parameters(scope):
    """The refusal message for a request with more parameters or facets than any page needs, else None."""
    names = parameter_names(scope)
    if len(names) > MAX_PARAMETERS:
        return f"At most {MAX_PARAMETERS} parameters per request."
    if sum(1 for n in names if n.startswith("_facet")) > MAX_FACETS:
        return f"At most {MAX_FACETS} facets per request."
    return None


# A Host header as RFC 3986 writes a host and port: a name, an IPv4 or a bracketed IPv6 address. Datasette writes
# the request's Host into the absolute links of a page and its Link header: an attack run's Host carrying a quote
# and a script tag came back raw in the Link header.
HOST = re.compile(rb"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?"
                  rb"|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?")


def undecodable_header(scope):
    """The refusal message for a request whose cookies are not UTF-8 text (the CSRF layer decodes every
    cookie, and its error had answered every path with a bare 500 and a traceback in the log), or whose Host is
    not a host name or address with a port (``HOST``), else None."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"host" and value and not HOST.fullmatch(value):  # (HTTP/1.1 allows an empty one)
            return "The request's Host header is not a host name or address."
        if name.lower() == b"cookie":
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return "A cookie of the request is not UTF-8 text: clear this site's cookies and try again."
    return None


def arbitrary_sql(scope):
    """Whether the request carries SQL written by the client: ?sql= on a database, _where= on a table."""
    names = set(parameter_names(scope))
    return "_where" in names or ("sql" in names and scope.get("path", "").count("/") == 1)


def rows_asked(scope):
    """The rows a page asks for: Datasette's _size (max: all it ever returns), /search's size; 0 when not said."""
    search = scope.get("path", "").startswith("/search")
    asked = 0
    for name, value in parameters(scope):
        if name == "_size" or (search and name == "size"):
            value = value.strip()
            if value == "max":
                asked = max(asked, 10 ** 9)
                continue
            try:  # read as Datasette and /search read it, int(): "+1000", "1_000", "１０００" are 1,000 rows too
                asked = max(asked, min(int(value), 10 ** 9))  # (the twelfth attack run had them pass as none)
            except ValueError:
                pass  # not a number: Datasette answers 400, /search its default
    return asked


def heavy(scope):
    """Whether the request streams a large answer: a CSV (tables, /search.csv, /decertified.csv,
    /export/), a stream, the database file or a documentation download of more than SMALL_FILE bytes (a
    smaller one is sent whole at once: a walk after the eighteenth saw `frictionless validate` of the
    package's address refused 429 on its small tables, two larger ones holding the client's two slots)."""
    path = scope.get("path", "")
    if path.startswith("/docs/") and (path.startswith("/docs/downloads/") or path.endswith((".csv", ".db"))):
        size = docs_file_size(path)
        return size is None or size > SMALL_FILE
    return path.startswith("/export/") or path.endswith((".csv", ".db")) or b"_stream=" in scope.get("query_string", b"")


SMALL_FILE = 1 << 20  # bytes: a documentation file sent in one piece (plugins/pages.py STREAM_ABOVE), no download slot


@functools.lru_cache(maxsize=1024)
def docs_file_size(path):
    """The size of the documentation file a /docs/ path names (CERTDATA_DOCS_DIR), or None (no such file, or one
    outside the folder): the files do not change while a server runs."""
    root = os.environ.get("CERTDATA_DOCS_DIR")
    if not root:
        return None
    base = os.path.realpath(root)
    target = os.path.realpath(os.path.join(base, urllib.parse.unquote(path[len("/docs/"):])))
    if not target.startswith(base + os.sep):
        return None
    try:
        return os.stat(target).st_size
    except OSError:
        return None


SEARCH_WORD = re.compile(r"\w+")


def page_kind(scope):
    """A page's kind, for what it costs: its route (the path's first two parts, the rest as *: every officer page is
    one kind) and the names of its parameters, each facet counted; for a search, also the length of its longest
    word, up to four (a search by a letter or two costs many times one that holds a name: one-letter searches looped
    by 240 addresses had made every search count as dear, and a reader's waited 0.6 s at p50)."""
    path, pairs = scope.get("path", ""), parameters(scope)
    parts = path.split("/")
    kind = "/".join(parts[:3] + ["*"] * (len(parts) > 3)), tuple(sorted(name for name, _ in pairs))
    if path.startswith("/search"):
        words = [w for name, value in pairs
                 if name == "q" for w in SEARCH_WORD.findall(value.replace("'", "").replace("\u2019", ""))]
        kind += (min(4, max(map(len, words), default=0)),)
    return kind


class PageCosts:
    """What each kind of page has cost (its work in its turn, averaged as it comes), for ranking the pages that wait
    for a turn (CHEAP_PAGE_COST): of clients that have had alike, a kind that has been cheap goes first. A kind not
    yet seen counts as PAGE_UNKNOWN_COST, so that a reader's first page of a kind waits behind no page known to be
    expensive. The
    v6 attack run's 200 addresses, each asking one heavy facet page (0.2 s) at once, had a reader's officer page
    wait behind all of them (30 s), every client being new."""

    def __init__(self):
        self.costs = collections.OrderedDict()

    def rank(self, kind):
        cost = self.costs.get(kind, PAGE_UNKNOWN_COST)
        return 0 if cost < CHEAP_PAGE_COST else min(int(math.log2(cost / CHEAP_PAGE_COST)) + 1, 1000)

    def learn(self, kind, seconds):
        old = self.costs.pop(kind, seconds)
        self.costs[kind] = old + (seconds - old) * 0.3
        if len(self.costs) > 10_000:  # the kinds not seen for longest are forgotten
            self.costs.popitem(last=False)


def static(scope):
    """Whether the request is for a file read from disk, not built: Datasette's static files, the documentation."""
    return scope.get("path", "").startswith(("/-/static", "/docs/"))


GRANTED, CHEAP, GONE = "granted", "cheap", "gone"  # a turn of any work, a turn for cheap work only, no turn


class Turns:
    """Turns for one kind of work, downloads' (DOWNLOAD_TURNS) or pages' (PAGE_TURNS): acquire before the work,
    release after it."""

    def __init__(self, size=DOWNLOAD_TURNS, clock=None, step=SHARE_STEP, cost_of=None, queued_free=0, cheap=0,
                 cheap_below=0, age=None):
        self.free, self.waiting, self.step, self.queued_free = {GRANTED: size, CHEAP: cheap}, [], step, queued_free
        self.cost_of = cost_of or (lambda kind: 0)  # a page kind's cost rank, read when the turn is handed on
        self.cheap_below = cheap_below  # the cost rank below which a kind may take a CHEAP turn
        self.age = age  # seconds after which a waiting page of cost rank 1 ranks as 0 (PAGE_AGE)
        self.clock = clock or time.monotonic
        self.shares = Debts(self.clock, SHARE_REPAID)

    def share(self, client):
        return self.shares.owed(client)

    def count(self, client, seconds):
        """Adds a turn's seconds to a client's share."""
        self.shares.add(client, seconds)

    def rank(self, client, began, used, cost=None, queued=0, waited=0.0):
        """First the client's share; then, for a download, whether it is long; then how many of the client's
        requests wait, past queued_free (a reader's page, or a browser's few, before the sixteen of a flood that has
        not yet had its first turn; a client's one download before another's second); then, for a page, what pages
        of its kind have cost (a cheap page before an expensive one, see CHEAP_PAGE_COST and PAGE_AGE); then the order they
        began in."""
        kind = self.cost_of(cost)
        if kind == 1 and self.age is not None and waited >= self.age:
            kind = 0
        return (int(self.share(client) // self.step), int(used // LONG_DOWNLOAD), max(0, queued - self.queued_free),
                kind, began)

    def cheap(self, cost):
        return self.cost_of(cost) < self.cheap_below

    async def acquire(self, client, began, used=0.0, owner=None, cost=None):
        """Waits for a turn: the turn taken (GRANTED, or CHEAP for cheap work only), to be handed to release(), or
        None when the owner was abandoned while it waited (its client left)."""
        self.waiting = [w for w in self.waiting if not w[3].done()]
        if self.free[GRANTED] and not self.waiting:
            self.free[GRANTED] -= 1
            return GRANTED
        if self.free[CHEAP] and self.cheap(cost) and not any(self.cheap(w[4]) for w in self.waiting):
            self.free[CHEAP] -= 1
            return CHEAP
        turn = asyncio.get_running_loop().create_future()
        self.waiting.append((client, began, used, turn, cost, self.clock()))
        if owner is not None:
            owner.turn = turn
        try:
            granted = await turn
            return None if granted == GONE else granted
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled() and turn.result() != GONE:  # granted as it was cancelled
                self.release(turn.result())
            raise

    def release(self, turn=GRANTED):
        """Gives the turn to the waiting work ranked first now (a client's share grows while its other work
        runs, so ranks are read when the turn is handed on, not when it was asked for); a CHEAP turn only to
        cheap work."""
        self.waiting = [w for w in self.waiting if not w[3].done()]
        candidates = [i for i, w in enumerate(self.waiting) if turn == GRANTED or self.cheap(w[4])]
        if not candidates:
            self.free[turn] += 1
            return
        queued, now = collections.Counter(w[0] for w in self.waiting), self.clock()
        best = min(candidates, key=lambda i: self.rank(*self.waiting[i][:3], self.waiting[i][4],
                                                        queued[self.waiting[i][0]], now - self.waiting[i][5]))
        self.waiting.pop(best)[3].set_result(turn)


class Work:
    """One request's turns (a download's, a page's), for the gate and for a plugin that schedules its own
    work (csvexport's table streams find a download's in the request's scope under DOWNLOAD_SCOPE_KEY):
    take() before work, give() after it; the time between counts to the client's share."""

    def __init__(self, turns, client, began, cost=None):
        self.turns, self.client, self.began, self.since, self.used = turns, client, began, None, 0.0
        self.turn, self.gone, self.cost, self.held = None, False, cost, None

    async def take(self):
        if self.since is None and not self.gone:
            self.held = await self.turns.acquire(self.client, self.began, self.used, owner=self, cost=self.cost)
            if self.held:
                self.since = self.turns.clock()

    def abandon(self):
        """The client left: a wait for a turn ends at once (the work after it finds its SQL cancelled),
        and no turn is taken again; a turn held is given back when the work stops, as always."""
        self.gone = True
        if self.turn is not None and not self.turn.done():
            self.turn.set_result(GONE)

    def give(self):
        if self.since is not None:
            held = self.turns.clock() - self.since
            self.turns.count(self.client, held)
            self.used += held
            self.since = None
            self.turns.release(self.held)


class Debts:
    """Each client's seconds not yet paid back at `repaid` seconds a second: its arbitrary SQL (see
    SQL_DEBT_LIMIT), its downloads' turns (see SHARE_STEP)."""

    def __init__(self, clock=None, repaid=SQL_DEBT_REPAID):
        self.clock = clock or (lambda: asyncio.get_running_loop().time())
        self.debts, self.repaid = {}, repaid

    def owed(self, client):
        debt, since = self.debts.get(client, (0.0, 0.0))
        return max(0.0, debt - (self.clock() - since) * self.repaid)

    def wait(self, client, limit):
        """Whole seconds until the client owes no more than limit (the Retry-After of a refusal)."""
        return int((self.owed(client) - limit) / self.repaid) + 1

    def add(self, client, seconds):
        self.debts[client] = (self.owed(client) + seconds, self.clock())
        if len(self.debts) > 10_000:  # forget the clients that owe nothing
            self.debts = {c: d for c, d in self.debts.items() if self.owed(c) > 0}


def client_key(scope):
    """The client: its address (an IPv6 address by its /64 network, which one subscriber holds
    whole); behind Cloud Run (K_SERVICE set) the last X-Forwarded-For entry, which Google's front
    end appends and a client cannot forge."""
    address = (scope.get("client") or ("?", 0))[0]
    if os.environ.get("K_SERVICE"):
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for":
                address = value.decode("latin-1").split(",")[-1].strip()
    return peer_of((address, 0))


NOSNIFF = (b"x-content-type-options", b"nosniff")
# (an attack run after the sixteenth: no page said it may not be framed by another site, nor limited plugins, base and
# form targets) on every response beside nosniff; scripts and styles are not restricted: the pages' own are inline
FRAMING = [(b"x-frame-options", b"DENY"),
           (b"content-security-policy", b"frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"),
           (b"referrer-policy", b"strict-origin-when-cross-origin")]
SECURITY_HEADERS = {NOSNIFF[0], *(name for name, _ in FRAMING)}
PACED_KEY = "certdata.paced"  # set on a body message whose download takes its turns itself (csvexport's table streams)
DOWNLOAD_SCOPE_KEY = "certdata.download"  # the scope key of a download's Work


def with_nosniff(message):
    """The response head with nosniff and FRAMING, and a redirect's Location made a path on this site (safe_location)."""
    headers = [(k, safe_location(v)) if k.lower() == b"location" else (k, v)
               for k, v in message.get("headers", []) if k.lower() not in SECURITY_HEADERS]
    return dict(message, headers=headers + [NOSNIFF, *FRAMING])


def safe_location(location):
    """A redirect's target as a path on this site: every redirect of ours and Datasette's is one, but Datasette's
    trailing-slash redirect copies the request's target as sent, so "/\\evil.com/" gave "/\\evil.com" (which a
    browser reads as //evil.com) and an absolute-form target "http://evil/docs/" gave "http://evil/docs" (the
    twelfth attack run). Anything else is reduced to its path, a backslash escaped, a leading run of slashes made one."""
    text = location.decode("latin-1")
    if text.startswith("/") and not text.startswith(("//", "/\\")) and "\\" not in text:
        return location
    parts = urllib.parse.urlsplit(text.replace("\\", "%5C"))
    path = "/" + parts.path.lstrip("/")
    return (path + ("?" + parts.query if parts.query else "")).encode("latin-1")


async def refuse(send, status, text, retry_after=1, extra=()):
    body = json.dumps({"ok": False, "status": status, "error": text}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()), (b"cache-control", b"no-store"), NOSNIFF, *extra]})
    await send({"type": "http.response.body", "body": body})


class Gate:
    """ASGI middleware: admission (bounded, never queued), cancellation, response size, nosniff."""

    def __init__(self, app, datasette=None):
        self.app = app
        self.datasette = datasette  # for the columns a facet may name (none given: not checked)
        self.columns = {}  # (database, table): its columns, read once (the databases are immutable)
        self.in_flight = 0
        self.arbitrary_total = 0
        self.arbitrary_indebted = 0
        self.arbitrary_by_client = {}
        self.by_client = {}
        self.heavy_by_client = {}
        self.heavy_total = 0
        self.long_by_client = {}
        self.long_total = 0
        self.page_costs = PageCosts()
        self.turns, self.began = Turns(), itertools.count()
        self.page_turns = Turns(PAGE_TURNS, step=PAGE_SHARE_STEP, cost_of=self.page_costs.rank, queued_free=QUEUED_FREE,
                                cheap=CHEAP_PAGE_TURNS, cheap_below=1, age=PAGE_AGE)  # rank 0: under CHEAP_PAGE_COST
        self.debts, self.indebted_sql = Debts(), Debts(repaid=INDEBTED_SQL_REPAID)
        self.page_debts = Debts(repaid=PAGE_DEBT_REPAID)

    async def unknown_facet(self, scope):
        """The refusal message for a table page asked to facet by a column the table does not have, else None.
        Datasette answers it with an error and leaves the other facets' coroutines unawaited, and Python then
        printed a warning with its own install path to the server's log for each (the thirteenth attack run)."""
        facets = [value for name, value in parameters(scope) if name in FACET_PARAMETERS and not value.startswith("{")]
        found = TABLE_PAGE.match(scope.get("path", "")) if facets and self.datasette is not None else None
        if not found:
            return None
        from datasette.utils import tilde_decode
        database, table = tilde_decode(found.group(1)), tilde_decode(found.group(2))
        if (database, table) not in self.columns:
            db = self.datasette.databases.get(database)
            known = db is not None and (table in await db.table_names() or table in await db.view_names())
            self.columns[(database, table)] = set(await db.table_columns(table)) if known else None
        columns = self.columns[(database, table)]
        if columns is not None and any(facet not in columns for facet in facets):
            return "A facet names a column this table does not have."
        return None

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http":
            return await self.app(scope, receive, send)
        if scope.get("method") not in ("GET", "HEAD"):  # read-only: nothing is ever posted, put or deleted
            return await refuse(send, 405, "This server is read-only: only GET (and HEAD) requests are answered.", 0,
                                [(b"allow", b"GET, HEAD")])
        excess = too_many_parameters(scope) or undecodable_header(scope)
        if excess:
            return await refuse(send, 400, excess, 0)
        excess = await self.unknown_facet(scope)
        if excess:  # a person's page gets the site's error page, which Datasette renders, as for its own 400s
            if scope.get("path", "").endswith((".json", ".csv")):
                return await refuse(send, 400, excess, 0)
            scope = dict(scope, path=BAD_REQUEST_PATH, raw_path=BAD_REQUEST_PATH.encode(), query_string=b"",
                         **{BAD_REQUEST_KEY: excess})
        arbitrary, large = arbitrary_sql(scope), heavy(scope)
        client = client_key(scope)
        if self.in_flight >= REQUESTS_TOTAL and (self.by_client.get(client, 0) >= LIGHT_CLIENT
                                                 or self.in_flight >= REQUESTS_TOTAL + LIGHT_RESERVE):
            return await refuse(send, 503, "The server is busy; try again in a moment.")
        if self.by_client.get(client, 0) >= REQUESTS_PER_CLIENT:
            return await refuse(send, 429, f"At most {REQUESTS_PER_CLIENT} requests at a time per client: "
                                           "wait for some to finish.")
        page = not (large or arbitrary)
        if page and self.page_debts.owed(client) > PAGE_DEBT_LIMIT:
            wait = self.page_debts.wait(client, PAGE_DEBT_LIMIT)
            await asyncio.sleep(REFUSAL_PAUSE)
            return await refuse(send, 429, "This client has asked for many slow pages recently (large pages, "
                                           f"many results): try again in {wait} seconds.", wait)
        long_page = page and rows_asked(scope) > LONG_PAGE_ROWS
        if long_page:
            if self.long_by_client.get(client, 0) >= LONG_PAGES_PER_CLIENT:
                return await refuse(send, 429, f"At most {LONG_PAGES_PER_CLIENT} page of more than {LONG_PAGE_ROWS} rows "
                                               "at a time per client: wait for it to finish.")
            if self.long_total >= LONG_PAGES_TOTAL:
                return await refuse(send, 503, f"Too many pages of more than {LONG_PAGE_ROWS} rows are being built; "
                                               "try again in a moment, or ask for fewer rows.")
        if large:
            if self.heavy_by_client.get(client, 0) >= HEAVY_PER_CLIENT:
                return await refuse(send, 429, f"At most {HEAVY_PER_CLIENT} downloads at a time per client: "
                                               "wait for one to finish.")
            if self.heavy_total >= DOWNLOADS_TOTAL:
                return await refuse(send, 503, "Too many downloads are running; try again in a minute.", 10)
            self.heavy_by_client[client] = self.heavy_by_client.get(client, 0) + 1
            self.heavy_total += 1
        head = scope.get("method") == "HEAD"
        state = {"started": False, "done": False, "aborted": False, "sent": 0, "stream": False, "charged": 0.0,
                 "working": asyncio.get_running_loop().time()}  # since when the page's own work ran (not its wait for a turn)
        if arbitrary:
            refusal = None
            if self.arbitrary_by_client.get(client, 0) >= ARBITRARY_SQL_PER_CLIENT:
                refusal = 429, "One SQL query at a time per client: wait for the previous one to finish.", 1
            elif self.debts.owed(client) > SQL_DEBT_LIMIT:
                wait = self.debts.wait(client, SQL_DEBT_LIMIT)
                refusal = 429, f"This client has run a lot of SQL recently: try again in {wait} seconds.", wait
            elif self.arbitrary_total >= ARBITRARY_SQL_TOTAL or (
                    self.debts.owed(client) >= FRESH_DEBT
                    and (self.arbitrary_indebted >= ARBITRARY_SQL_TOTAL - ARBITRARY_SQL_RESERVED
                         or self.indebted_sql.owed(ALL) > INDEBTED_SQL_LIMIT)):
                refusal = 503, "Too many SQL queries are running; try again in a moment.", 1
            if refusal:
                self.debts.add(client, REFUSAL_DEBT)
                if large:
                    self.release(self.heavy_by_client, client)
                    self.heavy_total -= 1
                if self.debts.owed(client) >= FRESH_DEBT:
                    await asyncio.sleep(REFUSAL_PAUSE)
                return await refuse(send, *refusal)
            indebted = self.debts.owed(client) >= FRESH_DEBT
            self.arbitrary_total += 1
            self.arbitrary_indebted += indebted
            self.arbitrary_by_client[client] = self.arbitrary_by_client.get(client, 0) + 1
        if long_page:
            self.long_total += 1
            self.long_by_client[client] = self.long_by_client.get(client, 0) + 1
        self.in_flight += 1
        self.by_client[client] = self.by_client.get(client, 0) + 1
        ticket = Ticket()
        token = CURRENT.set(ticket)
        loop = asyncio.get_running_loop()
        began = loop.time()
        budget = loop.call_later(ARBITRARY_SQL_SECONDS, ticket.cancel) if arbitrary else None
        download = Work(self.turns, client, next(self.began)) if large else None
        if large:
            scope = dict(scope, **{DOWNLOAD_SCOPE_KEY: download})
        kind = page_kind(scope) if page and not static(scope) else None
        built = Work(self.page_turns, client, next(self.began), kind) if kind else None
        messages = asyncio.Queue()

        async def watch():
            """Read the client's side: pass messages on, cancel the SQL when the client leaves."""
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    if not state["done"]:
                        ticket.cancel()
                        for work in (download, built):
                            if work is not None:
                                work.abandon()  # its wait for a turn ends: it holds no slot
                    await messages.put(message)
                    return
                await messages.put(message)
        watcher = asyncio.ensure_future(watch())

        async def guarded_receive():
            return await messages.get()

        def charge():
            """Counts to a page's client what the page has cost so far (its time, then its bytes) and not yet counted."""
            cost = (max(0.0, loop.time() - state["working"] - PAGE_FREE_SECONDS)
                    + max(0, state["sent"] - PAGE_FREE_BYTES) / (1024 * 1024) * PAGE_SECONDS_PER_MB)
            if cost > state["charged"]:
                self.page_debts.add(client, cost - state["charged"])
                state["charged"] = cost

        async def guarded_send(message):
            if state["aborted"]:  # Datasette's error page after an abort: keep aborting
                raise Refused("response aborted")
            if message["type"] == "http.response.start":
                headers = dict((k.lower(), v) for k, v in message.get("headers", []))
                length = headers.get(b"content-length")
                if length is not None and int(length) > MAX_BODY_BYTES:
                    state["started"] = True
                    ticket.cancel()
                    return await refuse(send, 400, f"The response would be larger than {MAX_BODY_BYTES // (1024 * 1024)} MB: "
                                                   "ask for fewer rows, or stream CSV with _stream=on.", 0)
                state["started"], state["stream"] = True, length is None
                if built is not None:
                    built.give()  # the page is built: it is sent outside its turn
                if page:
                    charge()
                if large and not head:  # the work for the first chunk is done in the download's turn
                    await send(with_nosniff(message))
                    if not message.get(PACED_KEY):
                        await download.take()
                    return
                return await send(with_nosniff(message))
            if message["type"] == "http.response.body":
                if state["done"]:
                    return
                if head and state["started"]:  # the head is out: nothing more is made (a HEAD of a whole-table
                    state["done"] = True      # export had built it all, holding a download slot, for nothing)
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    raise HeadAnswered()
                state["sent"] += len(message.get("body", b""))
                if page:
                    charge()  # before the body is handed on: a client that never reads it has paid for it
                if state["stream"] and state["sent"] > (MAX_STREAM_BYTES if large else MAX_BODY_BYTES):
                    # a page or JSON answer sent in chunks (its length unknown beforehand) has the same cap as
                    # one whose length is known; only downloads may run to the stream cap
                    ticket.cancel()
                    state["aborted"] = True
                    raise Refused("streamed response over the size cap")
                if large:  # a turn is never held while the client reads (a reader that stops would keep it)
                    download.give()
                if not message.get("more_body", False):
                    state["done"] = True
                elif large and not message.get(PACED_KEY):  # the download's next chunk is worked out in its turn
                    await send(message)
                    await download.take()
                    return
            return await send(message)

        try:
            # a download's work before its answer starts is not held to a turn: the answer's first byte
            # never waits for other downloads (Datasette's first rows; the table streams send it first)
            if built is not None:
                await built.take()
                state["working"] = loop.time()  # what it waited is not counted to it, whatever happens next
                if built.gone:  # its client left while it waited: nothing to build
                    return
            await self.app(scope, guarded_receive, guarded_send)
        except HeadAnswered:
            pass
        except Refused:
            if state["started"]:
                raise  # headers are out: the server closes the connection, so the client sees a cut body
            await refuse(send, 400, "The response is too large.", 0)
        except Exception:  # an error no layer inside answered: logged by type and place, answered with nosniff
            ValueFreeTraceback.print_exc()
            if not state["started"]:
                await refuse(send, 500, "The server could not answer this request.", 0)
        finally:
            state["done"] = True
            watcher.cancel()
            if budget is not None:
                budget.cancel()
            CURRENT.reset(token)
            self.in_flight -= 1
            self.release(self.by_client, client)
            if built is not None:
                built.give()
                if built.used:
                    self.page_costs.learn(kind, built.used)
            if page:
                charge()
            if long_page:
                self.long_total -= 1
                self.release(self.long_by_client, client)
            if large:
                download.give()
                self.release(self.heavy_by_client, client)
                self.heavy_total -= 1
            if arbitrary:
                self.arbitrary_total -= 1
                self.arbitrary_indebted -= indebted
                self.release(self.arbitrary_by_client, client)
                self.debts.add(client, loop.time() - began)
                if indebted:
                    self.indebted_sql.add(ALL, loop.time() - began)

    @staticmethod
    def release(counts, client):
        left = counts[client] - 1
        if left:
            counts[client] = left
        else:
            del counts[client]


@hookimpl(trylast=True)
def asgi_wrapper(datasette):
    # trylast: applied after the other plugins' wrappers, so this gate is the outermost layer
    return lambda app: Gate(app, datasette)


# --- malformed parameters: 400, never 500 -------------------------------------------------------

def bad_request_message(exception, request):
    """The message for an exception that a malformed request causes, or None (a real 500).
    Datasette parses _through, __in, _sort, _next and _timelimit without catching the errors of
    bad input, and raises DatasetteError (status 500) for a column or key that does not exist."""
    if isinstance(exception, ResultTooLarge):
        return str(exception)
    if isinstance(exception, TempTooLarge) or isinstance(exception.__context__, TempTooLarge):  # (Datasette's own
        return TempTooLarge.message  # query page raises an error saying "took too long" from it)
    if isinstance(exception, QueryInterrupted) or (isinstance(exception, DatasetteError)
                                                   and isinstance(exception.__context__, QueryInterrupted)):
        return "SQL query took too long: ask for fewer rows or a narrower search."  # (a page of ours, or Datasette's)
    if isinstance(exception, (sqlite3.DataError, sqlite3.OperationalError)) and (
            "too big" in str(exception) or "too large" in str(exception)):
        return f"A value in the query would be longer than {MAX_VALUE_BYTES:,} bytes."
    if isinstance(exception, sqlite3.DatabaseError) and "not authorized" in str(exception):
        return "The query uses a function or statement that this server does not allow."
    if isinstance(exception, DatasetteError) and "fts5: syntax error" in str(exception.message):
        # (Datasette escapes a table's _search, but '"' alone, or '"""', escapes to nothing, which FTS5 refuses)
        return "The search (_search) holds nothing to search for, such as quotation marks alone: give a word."
    if isinstance(exception, DatasetteError) and exception.status == 400 and not exception.message_is_html:
        return exception.message  # Datasette's own 400 ("Invalid SQL"), on the site's error page (a walk: its own
        # page had no sample banner and no link to the documentation)
    if not request.query_string:
        return None  # no parameter to blame: a real server error
    if isinstance(exception, RecursionError):
        return "A parameter of the request is nested too deeply."
    if isinstance(exception, sqlite3.IntegrityError) and "datatype mismatch" in str(exception):
        return "A number in the request is too large."
    if isinstance(exception, OverflowError):
        return "A number in the request is too large (SQLite integers are 64-bit)."
    if isinstance(exception, json.JSONDecodeError):
        return "A parameter that must be JSON (such as __in=[...] or _through=) is not valid JSON."
    if isinstance(exception, UnknownFilter) or (isinstance(exception, DatasetteError) and exception.status == 500):
        return exception.message
    if isinstance(exception, (KeyError, IndexError, TypeError, ValueError, UnicodeError,
                              sqlite3.ProgrammingError, sqlite3.InterfaceError)) or (
            isinstance(exception, AttributeError) and "_through" in request.args):  # (an attack run: _through's
        # JSON with a number for its table reached Datasette's permission check, AttributeError, as a 500)
        return "A parameter of the request is malformed."
    return None


class UnknownFilter(DatasetteError):
    """A filter on no column of the table, or with an operator Datasette does not know (400)."""


@hookimpl
async def filters_from_request(request, table, database, datasette):
    """A filter on a column the table does not have, or with an operator Datasette does not know, is
    refused with 400. Datasette writes a filter's column in double quotes, and SQLite reads a double-quoted
    name that is no column as a string: a misspelt ?agencyid=X answered "0 rows" and an unknown
    operator (?agency_id__is=X) was dropped, answering every row, both without a word."""
    keys = [k for k in request.args.keys() if not (k.startswith("_") and "__" not in k)]  # Datasette's filters
    if not keys:
        return None
    # SQLite's names are not case-sensitive in ASCII: ?Agency_ID= filters agency_id (bytes.lower folds ASCII only)
    columns = {c.encode().lower() for c in await datasette.get_database(database).table_columns(table)} | {b"rowid"}
    for key in keys:
        column, operator = key.rsplit("__", 1) if "__" in key else (key, "exact")
        if column.encode("utf-8", "surrogateescape").lower() not in columns:
            raise UnknownFilter("There is no column named " + json.dumps(column[:100]) + " in this table: "
                                 "filter on one of the columns the table shows.", title="No such column", status=400)
        if operator not in Filters._filters_by_key:
            raise UnknownFilter("Unknown filter " + json.dumps(operator[:100]) + ": use one of "
                                 + ", ".join(sorted(Filters._filters_by_key)) + ".", title="No such filter", status=400)
    return None


@hookimpl
def handle_exception(datasette, request, exception):
    message = bad_request_message(exception, request)
    if message is None:
        return None
    body = {"ok": False, "error": message, "status": 400, "title": "Invalid request"}
    if request.path.endswith(".json"):
        return Response.json(body, status=400)
    if request.path.endswith(".csv"):
        return Response.text(message, status=400)

    async def page():  # a person's page: the site's error page, with its header, footer and a way home
        html = await datasette.render_template("error.html", {"status": 400, "error": message, "title": "Invalid request"},
                                               request=request)
        return Response.html(html, status=400)
    return page


class ValueFreeTraceback:
    """What Datasette's error handler logs in place of a traceback: the exception's type and where it
    was raised (files, lines, functions), never its message or a local variable, which can quote what a
    reader searched for (a name, a date of birth typed into the search box) or a row."""

    @staticmethod
    def print_exc(*args, **kwargs):
        import traceback
        kind, error, trace = sys.exc_info()
        if kind is None:
            return
        ticket = CURRENT.get()
        if ticket is not None and ticket.cancelled and interrupted(error):
            return  # its SQL was stopped on purpose (the client left, a HEAD's head was sent): no error to report
        where = " < ".join(f"{os.path.basename(frame.filename)}:{frame.lineno} {frame.name}"
                           for frame in reversed(traceback.extract_tb(trace)[-4:]))
        sys.stderr.write(f"error: {kind.__name__} while answering a request, at {where} "
                         "(its message is not logged: it may quote what was searched)\n")


class StreamErrorLog:
    """What Datasette's CSV stream (datasette.views.base, whose only use of sys is this log) sees as sys: its
    "Caught this error: <message>" line, which can quote a reader's text or forge a log line with a newline in
    it, is logged without the message."""

    class stderr:
        @staticmethod
        def write(text):
            if text.startswith("Caught this error: "):
                text = "error: a CSV stream stopped on an error (its message is not logged: it may quote what was searched)\n"
            sys.stderr.write(text)

        @staticmethod
        def flush():
            sys.stderr.flush()


def value_free_warning(message, category, filename, lineno, file=None, line=None):
    """What the server logs of a Python warning: its kind and the file's name and line, never the message (which may
    quote a value) nor the file's full path (an attack run after the nineteenth: a 400 for a malformed facet left a
    Datasette coroutine unawaited, and its warning printed the host's paths)."""
    (file or sys.stderr).write(f"warning: {category.__name__} at {os.path.basename(str(filename))}:{lineno} "
                               "(its message is not logged)\n")


def quiet_error_pages():
    """Datasette logs each error it renders with a rich traceback and every local variable (0.4 s of
    CPU each, so an abuser's cheap 400s would cost a core), or with a plain traceback whose message may
    quote the request's values: it logs ValueFreeTraceback instead. Its log of a failed statement, with
    the SQL and its parameters (a reader's search), is turned off: every statement runs with
    log_sql_errors false."""
    try:
        # datasette.plugins first: it registers Datasette's default plugins, this module among them;
        # imported the other way round, it would register handle_exception half-imported, without
        # its hook, and every error page after would fail (seen when a test loads this file early)
        import datasette.plugins  # noqa: F401
        import datasette.handle_exception as default_handler
        default_handler.rich = None
        default_handler.traceback = ValueFreeTraceback
        import datasette.views.base as views_base  # its CSV stream logs an error's message, which may quote a search
        views_base.sys = StreamErrorLog
    except ImportError:
        pass
    import warnings
    warnings.showwarning = value_free_warning
    if not getattr(Database.execute, "_certdata_quiet", False):
        execute = Database.execute

        async def quiet_execute(self, sql, params=None, truncate=False, custom_time_limit=None, page_size=None,
                                log_sql_errors=True):
            return await execute(self, sql, params, truncate=truncate, custom_time_limit=custom_time_limit,
                                 page_size=page_size, log_sql_errors=False)
        quiet_execute._certdata_quiet = True
        Database.execute = quiet_execute


quiet_error_pages()


def thread_writes():
    """The bytes this thread has written since it started (Linux), or None where they cannot be read."""
    try:
        with open("/proc/thread-self/io", "rb") as io_file:
            for line in io_file:
                if line.startswith(b"wchar:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def interrupted(error):
    """Whether an error is SQLite's interruption: sqlite3's "interrupted", or Datasette's QueryInterrupted holding it."""
    return "interrupted" in str(getattr(error, "e", error))


class TempTooLarge(QueryInterrupted):
    """A statement interrupted for writing more than MAX_TEMP_BYTES to temporary files: a QueryInterrupted,
    so that Datasette skips a facet it stops as it skips a slow one, with a message of its own."""
    message = (f"The query needed more than {MAX_TEMP_BYTES // (1024 * 1024)} MB of temporary files (a large sort, "
               "grouping or join): ask for fewer rows or a narrower query.")

    def __str__(self):
        return self.message


@contextmanager
def bounded_statement(conn, ms):
    """Datasette's time limit for one statement (datasette.utils.sqlite_timelimit, which it replaces), and
    a bound of MAX_TEMP_BYTES on what the statement writes to temporary files: past it, the statement is
    interrupted, and the interruption raised as TempTooLarge (it had been answered "took too long")."""
    deadline = time.perf_counter() + ms / 1000
    start, calls, spilled = thread_writes(), itertools.count(1), []

    def handler():
        if time.perf_counter() >= deadline:
            return 1
        if start is not None and next(calls) % TEMP_CHECK_EVERY == 0:
            written = thread_writes()
            if written is not None and written - start > MAX_TEMP_BYTES:
                spilled.append(written)
                return 1
        return 0

    n = 1 if ms <= 20 else 1000  # as Datasette's: its tests' limits of a few ms are checked at every step
    conn.set_progress_handler(handler, n)
    try:
        yield
    except (QueryInterrupted, sqlite3.OperationalError) as error:
        if not spilled or isinstance(error, TempTooLarge) or not interrupted(error):
            raise
        raise TempTooLarge(error, getattr(error, "sql", None), getattr(error, "params", None)) from None
    finally:
        conn.set_progress_handler(None, n)


if not getattr(datasette_database.sqlite_timelimit, "_certdata_bounded", False):
    bounded_statement._certdata_bounded = True
    datasette_database.sqlite_timelimit = bounded_statement


# --- connections ---------------------------------------------------------------------------

def peer_of(client):
    """A connection's client: its address, an IPv6 address by its /64 network."""
    address = (client or ("?", 0))[0]
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        except ValueError:
            return address
    return address


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the head deadline, the send deadline and the connection bounds above."""

    head_timer = None
    waiting_since = None  # loop time since which the connection waits for a request head
    peer = None
    send_timer = None
    unsent = 0            # bytes held for the client at the last look
    taken_since = None    # loop time of the last look at which the client had taken some

    def connection_made(self, transport):
        super().connection_made(transport)
        peers = self.server_state.__dict__.setdefault("certdata_peers", {})
        if not os.environ.get("K_SERVICE"):
            self.peer = peer_of(self.client)
            if peers.get(self.peer, 0) >= CONNECTIONS_PER_CLIENT:
                self.peer = None
                transport.close()
                return
            peers[self.peer] = peers.get(self.peer, 0) + 1
        if len(self.connections) > MAX_CONNECTIONS and not self.make_room():
            transport.close()
            return
        self.await_head()

    def make_room(self):
        """Close the connection that has waited longest for a request head; False if none waits."""
        waiting = [c for c in self.connections if c is not self and c.waiting_since is not None
                   and not c.transport.is_closing()]
        if not waiting:
            return False
        min(waiting, key=lambda c: c.waiting_since).transport.close()
        return True

    def await_head(self):
        if self.head_timer is not None:
            self.head_timer.cancel()
        self.waiting_since = self.loop.time()
        self.head_timer = self.loop.call_later(HEAD_TIMEOUT, self.head_deadline, self.cycle)

    def head_deadline(self, previous_cycle):
        self.head_timer = None
        if self.cycle is previous_cycle and not self.transport.is_closing():
            self.transport.close()
            self.watch_sending()  # a close waits for what the client has not taken: the send deadline still holds

    def pause_writing(self):
        """The transport holds more than its high-water mark for the client: watch that the client takes it."""
        super().pause_writing()
        self.watch_sending()

    def resume_writing(self):
        super().resume_writing()
        self.taken_since = self.loop.time()

    def held_for_client(self):
        """The bytes of answers that the client has not taken: the transport's, and the system's where it tells
        (Linux: the system takes from the transport only once a good part of its own buffer is free, so a slow
        reader of a long answer takes none of the transport's for a long while)."""
        held = self.transport.get_write_buffer_size()
        sock = self.transport.get_extra_info("socket")
        if OUTQ is not None and sock is not None and sock.fileno() >= 0:
            try:
                held += int.from_bytes(fcntl.ioctl(sock.fileno(), OUTQ, bytes(4)), sys.byteorder, signed=True)
            except OSError:
                pass
        return held

    def watch_sending(self):
        """Watches, until it is all taken, that the client takes what is held for it."""
        if self.send_timer is None:
            unsent = self.held_for_client()
            if unsent:
                self.unsent, self.taken_since = unsent, self.loop.time()
                self.send_timer = self.loop.call_later(SEND_CHECK, self.send_deadline)

    def send_deadline(self):
        """Cuts the connection when the client has taken none of what is held for it in SEND_TIMEOUT seconds."""
        self.send_timer = None
        unsent = self.held_for_client()
        if not unsent:
            return  # all taken: pause_writing, or the next answer's end, watches again
        now = self.loop.time()
        if unsent < self.unsent:
            self.taken_since = now
        self.unsent = unsent
        if now - self.taken_since >= SEND_TIMEOUT:
            self.set_socket_option(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # the system drops
            # what it holds too (the client gets a reset) instead of trying to send it for minutes
            self.transport.abort()  # drops what it holds; connection_lost tells a request still sending that the client left
            return
        self.send_timer = self.loop.call_later(SEND_CHECK, self.send_deadline)

    def set_socket_option(self, level, option, value):
        sock = self.transport.get_extra_info("socket")
        if sock is not None and sock.fileno() >= 0:
            try:
                sock.setsockopt(level, option, value)
            except OSError:
                pass

    def handle_events(self):
        super().handle_events()
        if self.waiting_since is not None and self.cycle is not None and not self.cycle.response_complete:
            self.waiting_since = None  # a request head arrived

    def on_response_complete(self):
        if not self.transport.is_closing():
            self.await_head()
        self.watch_sending()  # an answer not all taken when it ends (in the system's buffer, say) is watched too
        super().on_response_complete()

    def connection_lost(self, exc):
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None
        if self.send_timer is not None:
            self.send_timer.cancel()
            self.send_timer = None
        if hasattr(socket, "TCP_USER_TIMEOUT") and self.held_for_client():
            # closed (the socket is closed after this call) with an answer not all taken: the system keeps
            # sending it, and now gives up once the client has taken nothing of it for SEND_TIMEOUT seconds
            self.set_socket_option(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, int(SEND_TIMEOUT * 1000))
        self.waiting_since = None
        if self.peer is not None:
            peers = self.server_state.__dict__["certdata_peers"]
            peers[self.peer] -= 1
            if not peers[self.peer]:
                del peers[self.peer]
            self.peer = None
        super().connection_lost(exc)

    def send_400_response(self, msg):
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"x-content-type-options", b"nosniff"),
                   (b"connection", b"close")]
        for event in (h11.Response(status_code=400, headers=headers, reason=STATUS_PHRASES[400]),
                      h11.Data(data=msg.encode("ascii")), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()


def raise_open_file_limit():
    """Raise the soft open-file limit towards what MAX_CONNECTIONS needs, as far as the hard
    limit allows, and lower MAX_CONNECTIONS to what the limit leaves."""
    global MAX_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MAX_CONNECTIONS + FILES_BESIDES_CONNECTIONS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft != resource.RLIM_INFINITY:
        MAX_CONNECTIONS = max(1, min(MAX_CONNECTIONS, soft - FILES_BESIDES_CONNECTIONS))


def install():
    """Wrap uvicorn.run once so that the server uses GuardedH11Protocol."""
    if getattr(uvicorn.run, "certdata_guarded", False):
        return
    original = uvicorn.run

    def run(app, **kwargs):
        kwargs.setdefault("http", GuardedH11Protocol)
        kwargs.setdefault("access_log", False)  # no line per request: the platform logs requests; a log of
        # the names people search is not ours to keep, and writing it took a twelfth of the event loop
        raise_open_file_limit()
        return original(app, **kwargs)
    run.certdata_guarded = True
    uvicorn.run = run


install()


async def bad_request_page(request):
    """The site's error page for a request the gate refused before Datasette ran it (BAD_REQUEST_KEY)."""
    raise DatasetteError(request.scope.get(BAD_REQUEST_KEY) or "Bad request.", status=400)


@hookimpl
def register_routes():
    return [(r"^/-/bad-request$", bad_request_page)]
