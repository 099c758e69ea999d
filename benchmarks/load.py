"""A small closed-loop HTTP load generator (asyncio streams) and the URL mixes we measure.

Each of N clients requests the next URL of a fixed mix as soon as its previous
request returns, for a fixed duration. Gives requests per second, latency
percentiles, the slowest request and the errors (HTTP 5xx or no answer).
"""
import asyncio
import itertools
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from certdata.sample import NAME_MARK  # noqa: E402


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else float("nan")


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: much lighter than a full client
    library, so that on a 2-core machine the measurement loads the server, not the client."""

    def __init__(self, host, port, source=None):
        self.host, self.port, self.reader, self.writer = host, port, None, None
        self.source = source  # a loopback address of its own: the server sees a distinct client

    async def get(self, path):
        """(status, body bytes, seconds to the response headers) of GET path; reconnects when
        the server closed the connection."""
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(
                    self.host, self.port, local_addr=(self.source, 0) if self.source else None)
            try:
                started = time.monotonic()
                self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode("latin-1"))
                await self.writer.drain()
                return await self.read_response(started)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise

    async def read_response(self, started):
        head = await self.reader.readuntil(b"\r\n\r\n")
        first_byte = time.monotonic() - started
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if headers.get("transfer-encoding") == "chunked":
            body = bytearray()
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                body += await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close":
            self.close()
        return status, bytes(body), first_byte

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def run_load(base, urls, clients=20, duration=10.0, timeout=30.0, warm=False):
    """Hit base+urls with `clients` concurrent keep-alive connections for `duration` seconds
    (with warm, exactly one pass over the URLs instead)."""
    host, port = base.split("//", 1)[1].split(":")
    latencies, first_bytes, errors, statuses, kinds = [], [], [], {}, {}
    cycle = itertools.cycle(urls)
    deadline = time.monotonic() + duration

    remaining = [len(urls)] if warm else None

    async def worker(number):
        # each client from its own loopback address, as readers come from their own addresses
        connection = Connection(host, int(port), f"127.0.{1 + number // 250}.{1 + number % 250}")
        while (remaining[0] > 0) if warm else (time.monotonic() < deadline):
            if warm:
                remaining[0] -= 1
            url = next(cycle)
            started = time.monotonic()
            try:
                status, _, first_byte = await asyncio.wait_for(connection.get(url), timeout)
                first_bytes.append(first_byte)
                kinds.setdefault(kind_of(url), []).append((time.monotonic() - started, first_byte))
                statuses[status] = statuses.get(status, 0) + 1
                if status >= 500:
                    errors.append(f"{status} {url}")
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
                connection.close()
                errors.append(f"{type(error).__name__} {url}")
            latencies.append(time.monotonic() - started)
        connection.close()
    started = time.monotonic()
    await asyncio.gather(*(worker(number) for number in range(clients)))
    elapsed = time.monotonic() - started
    return {"requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50_ms": 1000 * percentile(latencies, 0.50), "p95_ms": 1000 * percentile(latencies, 0.95),
            "p99_ms": 1000 * percentile(latencies, 0.99), "max_ms": 1000 * max(latencies, default=0),
            "mean_ms": 1000 * statistics.fmean(latencies) if latencies else float("nan"),
            "first_byte_p95_ms": 1000 * percentile(first_bytes, 0.95), "first_byte_max_ms": 1000 * max(first_bytes, default=0),
            "errors": errors, "statuses": statuses,
            "by_kind": {kind: {"requests": len(pairs), "p95_ms": 1000 * percentile([t for t, _ in pairs], 0.95),
                               "first_byte_p95_ms": 1000 * percentile([f for _, f in pairs], 0.95)}
                        for kind, pairs in sorted(kinds.items())}}


def kind_of(url):
    """'download' for a CSV or export (its time grows with its size), 'page' for the rest."""
    path = url.split("?", 1)[0]
    return "download" if path.endswith(".csv") or path.startswith("/export/") else "page"


def sample_values(database, count=40):
    """Names, agency ids and row ids drawn deterministically from a built database."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        step = max(1, conn.execute("select count(*) from mo_officers").fetchone()[0] // count)
        rows = conn.execute(f"select row_id, officer_name, agency_id from mo_officers where rowid % {step} = 0 limit {count}").fetchall()
        agencies = [r[0] for r in conn.execute("select agency_id from agencies where state = 'MO' order by agency_id limit ?", [count])]
    finally:
        conn.close()
    return {"row_ids": [r[0] for r in rows], "names": [r[1] for r in rows], "agencies": agencies}


def search_terms(name):
    """'Smith, John A' -> 'smith john' (what a person would type). The sample's mark on every
    generated surname ('Sample-Smith') is left out: a real roster's names carry no word that every
    row shares, and a query holding one measures that word, not a reader's search."""
    parts = name.removeprefix(NAME_MARK).replace(",", " ").split()
    return " ".join(parts[:2]).lower()


def table_mix(values):
    """The same URLs for any Datasette on our database: name search, agency filter, row page."""
    urls = []
    for name, agency, row in zip(values["names"], itertools.cycle(values["agencies"]), values["row_ids"]):
        urls += [f"/certification/people?_search={quote_plus(search_terms(name).split()[0])}",
                 f"/certification/mo_officers?agency_id={agency}", f"/certification/mo_officers/{row}"]
    return urls


def public_mix(values):
    """What the public does on our site: search, facets, row pages, CSV exports."""
    urls = []
    for name, agency, row in zip(values["names"], itertools.cycle(values["agencies"]), values["row_ids"]):
        urls += [f"/search?q={quote_plus(search_terms(name))}",
                 f"/search?q={quote_plus(search_terms(name)[:3])}",
                 f"/certification/mo_officers?agency_id={agency}&_facet=license_status&_facet=license_class",
                 f"/officer/mo/{row}", f"/agency/{agency}",
                 f"/certification/mo_officers.csv?agency_id={agency}&_stream=on&_size=max"]
    return urls
