"""A small closed-loop HTTP load generator (asyncio + httpx) and the URL mixes we measure.

Each of N clients requests the next URL of a fixed mix as soon as its previous
request returns, for a fixed duration. Gives requests per second, latency
percentiles, the slowest request and the errors (HTTP 5xx or no answer).
"""
import asyncio
import itertools
import sqlite3
import statistics
import time

import httpx


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else float("nan")


async def run_load(base, urls, clients=20, duration=10.0, timeout=30.0):
    """Hit base+urls with `clients` concurrent clients for `duration` seconds."""
    latencies, errors, statuses = [], [], {}
    cycle = itertools.cycle(urls)
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        async def worker():
            while time.monotonic() < deadline:
                url = next(cycle)
                started = time.monotonic()
                try:
                    response = await client.get(url)
                    await response.aread()
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    if response.status_code >= 500:
                        errors.append(f"{response.status_code} {url}")
                except httpx.HTTPError as error:
                    errors.append(f"{type(error).__name__} {url}")
                latencies.append(time.monotonic() - started)
        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.monotonic() - started
    return {"requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50_ms": 1000 * percentile(latencies, 0.50), "p95_ms": 1000 * percentile(latencies, 0.95),
            "p99_ms": 1000 * percentile(latencies, 0.99), "max_ms": 1000 * max(latencies, default=0),
            "mean_ms": 1000 * statistics.fmean(latencies) if latencies else float("nan"),
            "errors": errors, "statuses": statuses}


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
    """'Smith, John A' -> 'smith john' (what a person would type)."""
    parts = name.replace(",", " ").split()
    return " ".join(parts[:2]).lower()


def table_mix(values):
    """The same URLs for any Datasette on our database: name search, agency filter, row page."""
    urls = []
    for name, agency, row in zip(values["names"], itertools.cycle(values["agencies"]), values["row_ids"]):
        urls += [f"/certification/people?_search={httpx.QueryParams({'q': search_terms(name).split()[0]})['q']}",
                 f"/certification/mo_officers?agency_id={agency}", f"/certification/mo_officers/{row}"]
    return urls


def public_mix(values):
    """What the public does on our site: search, facets, row pages, CSV exports."""
    urls = []
    for name, agency, row in zip(values["names"], itertools.cycle(values["agencies"]), values["row_ids"]):
        urls += [f"/search?{httpx.QueryParams({'q': search_terms(name)})}",
                 f"/search?{httpx.QueryParams({'q': search_terms(name)[:3]})}",
                 f"/certification/mo_officers?agency_id={agency}&_facet=license_status&_facet=license_class",
                 f"/officer/mo/{row}", f"/agency/{agency}",
                 f"/certification/mo_officers.csv?agency_id={agency}&_stream=on&_size=max"]
    return urls
