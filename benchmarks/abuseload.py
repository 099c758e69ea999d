#!/usr/bin/env python3
"""Load test under abuse, on loopback: the public mix while abusive clients hammer the server.

    .venv/bin/python benchmarks/abuseload.py [--root PACKAGE] [--clients 50] [--abusers 6] [--duration 20]

Starts `python build.py serve` (cold), then runs two phases:

1. cold start: --clients keep-alive clients on the public mix at once; target: no request
   waits more than 2.5 s for its first byte, no 5xx.
2. abuse: the same public clients while --abusers clients, each from its own loopback
   address (127.0.0.2, 127.0.0.3, ...), loop the attacks of issue 16 (runaway recursive CTEs,
   randomblob, printf, _where with randomblob, malformed parameters, heavy pages with the
   response cache defeated), and --downloaders addresses stream whole-table CSVs two at a
   time each; target: the public
   requests keep p95 under 500 ms and get no 5xx (the abusive ones may get 429/503).

Prints both phases and exits 1 when a target is missed. Loopback only; bounded by --duration.
"""
import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from load import Connection, public_mix, run_load, sample_values  # noqa: E402
from loadtest import serve_ours, stop  # noqa: E402

ABUSE = [
    "/certification.json?sql=" + quote("with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"),
    "/certification.json?_shape=array&sql=" + quote("select randomblob(400000000)"),
    "/certification.json?_shape=array&sql=" + quote("select length(printf('%.*c', 2147483647, 'x'))"),
    "/certification/mo_officers.json?_size=1&_where=" + quote("randomblob(100000000) is not null"),
    "/certification.json?sql=" + quote("with recursive s(x) as (select 'abcdefghij' union all select x || x from s) select length(x) from s"),
    "/certification/mo_officers.json?rowid__gt=99999999999999999999999",
    "/certification/mo_officers.json?_through=notjson",
    "/certification/mo_officers.json?officer_name__in=[1,2",
    "/certification/mo_officers.json?_where=" + quote("officer_name in (select a.officer_name from mo_officers a, mo_officers b)"),
    # heavy pages, the response cache defeated (a table page takes a parameter starting with "_" that
    # Datasette ignores: any other name is a filter, refused with 400 when no column has it)
    "/search?q=j+j+j+j+j+j+j+j&size=1000&zz={n}",
    "/search?q=a&size=1000&sort=name&zz={n}",
    "/certification/people.json?_facet=state&_facet=license_status&_facet=agency_id&_size=1000&_labels=on&_zz={n}",
]
# whole-table streams: one the plugin writes, one only Datasette's table view writes (a sort asked for)
DOWNLOADS = ["/certification/people.csv?_stream=on&_size=max&_zz={n}",
             "/certification/mo_officers.csv?_stream=on&_size=max&_sort=officer_name&_zz={n}"]


async def abuser(base, source, deadline, statuses, paths=ABUSE):
    host, port = base.split("//", 1)[1].split(":")
    connection, i = Connection(host, int(port), source), 0
    while time.monotonic() < deadline:
        path = paths[i % len(paths)].replace("{n}", str(i))
        i += 1
        try:
            status, _, _ = await asyncio.wait_for(connection.get(path), 30)
            statuses[status] = statuses.get(status, 0) + 1
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            connection.close()
            statuses[type(error).__name__] = statuses.get(type(error).__name__, 0) + 1
    connection.close()


async def under_abuse(base, urls, clients, abusers, downloaders, duration):
    statuses = {}
    deadline = time.monotonic() + duration
    tasks = [abuser(base, f"127.0.0.{2 + n}", deadline, statuses) for n in range(abusers)]
    tasks += [abuser(base, f"127.0.2.{1 + n // 2}", deadline, statuses, DOWNLOADS[n % 2:] + DOWNLOADS[:n % 2])  # two per address
              for n in range(2 * downloaders)]
    results = await asyncio.gather(run_load(base, urls, clients, duration), *tasks)
    return results[0], statuses


def report(name, result):
    print(f"{name}: requests {result['requests']}, {result['rps']:.1f} req/s, p50 {result['p50_ms']:.0f} ms, "
          f"p95 {result['p95_ms']:.0f} ms, max {result['max_ms']:.0f} ms, first byte max {result['first_byte_max_ms']:.0f} ms, "
          f"statuses {json.dumps(result['statuses'], sort_keys=True)}, errors {len(result['errors'])}")
    for kind, figures in result.get("by_kind", {}).items():
        print(f"  {kind}s: {figures['requests']} answered, p95 {figures['p95_ms']:.0f} ms, "
              f"first byte p95 {figures['first_byte_p95_ms']:.0f} ms")
    for error in result["errors"][:5]:
        print(f"  error: {error}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=HERE.parent)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--abusers", type=int, default=6)
    parser.add_argument("--downloaders", type=int, default=20, help="addresses streaming whole-table CSVs, two at a time each")
    parser.add_argument("--duration", type=float, default=20, help="seconds per phase")
    args = parser.parse_args(argv)
    urls = public_mix(sample_values(args.root / "site" / "downloads" / "certification.db"))
    process, port = serve_ours(args.root)
    base = f"http://127.0.0.1:{port}"
    try:
        cold = asyncio.run(run_load(base, urls, args.clients, args.duration))
        public, abusive = asyncio.run(under_abuse(base, urls, args.clients, args.abusers, args.downloaders, args.duration))
    finally:
        stop(process)
    report(f"cold start, {args.clients} clients, {args.duration:.0f} s", cold)
    report(f"under abuse, {args.clients} public clients + {args.abusers} abusers + {args.downloaders} downloading addresses, "
           f"{args.duration:.0f} s", public)
    print(f"abusive requests: {json.dumps({str(k): v for k, v in abusive.items()}, sort_keys=True)}")
    cold_ok = not cold["errors"] and cold["first_byte_max_ms"] <= 2500
    abuse_ok = not public["errors"] and public["p95_ms"] < 500
    print(f"target cold start (no 5xx, first byte within 2.5 s): {'met' if cold_ok else 'NOT met'}")
    print(f"target under abuse (public p95 < 500 ms, no 5xx): {'met' if abuse_ok else 'NOT met'}")
    return 0 if cold_ok and abuse_ok else 1


if __name__ == "__main__":
    sys.exit(main())
