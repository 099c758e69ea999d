#!/usr/bin/env python3
"""Load test on loopback: `python build.py serve` under the public's request mix.

    .venv/bin/python benchmarks/loadtest.py [--root PACKAGE] [--clients 50] [--duration 60]

Starts the server exactly as `python build.py serve` does, runs name searches,
facets, officer and agency pages and CSV exports, and prints requests per
second, p50/p95/p99/max latency and errors. Exit 1 on any error or on a request
slower than the SQL time limit plus one second.
"""
import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from certdata.datasette import SETTINGS  # noqa: E402
from load import public_mix, run_load, sample_values  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command, port, env=None):
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server did not start: {command}")


def stop(process):
    """Stop a server; uvicorn waits for open connections, so kill it if it lingers."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve_ours(root, cache=True):
    port = free_port()
    env = dict(os.environ, CERTDATA_ROOT=str(root))
    if not cache:
        env["CERTDATA_NO_RESPONSE_CACHE"] = "1"
    return start([sys.executable, str(HERE.parent / "build.py"), "serve", "--port", str(port)], port, env), port


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=HERE.parent)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warm", action="store_true", help="one sequential pass over the mix before measuring")
    args = parser.parse_args(argv)
    database = args.root / "site" / "downloads" / "certification.db"
    urls = public_mix(sample_values(database))
    process, port = serve_ours(args.root)
    try:
        if args.warm:
            asyncio.run(run_load(f"http://127.0.0.1:{port}", urls, 1, 0, warm=True))
        result = asyncio.run(run_load(f"http://127.0.0.1:{port}", urls, args.clients, args.duration))
    finally:
        stop(process)
    limit_ms = SETTINGS["sql_time_limit_ms"] + 1000
    print(f"load test: {args.clients} clients, {args.duration:.0f} s, {len(urls)} URLs in the mix, "
          f"{'after one warm-up pass' if args.warm else 'cold start'}")
    print(f"  requests {result['requests']}, {result['rps']:.1f} req/s")
    print(f"  p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, max {result['max_ms']:.0f} ms")
    print(f"  time to first byte: p95 {result['first_byte_p95_ms']:.0f} ms, max {result['first_byte_max_ms']:.0f} ms")
    print(f"  statuses {json.dumps(result['statuses'], sort_keys=True)}, errors {len(result['errors'])}")
    for error in result["errors"][:10]:
        print(f"  error: {error}")
    ok = not result["errors"] and result["first_byte_max_ms"] <= limit_ms
    print(f"  target (zero errors, every request answered within {limit_ms} ms): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
