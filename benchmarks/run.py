#!/usr/bin/env python3
"""Benchmarks: our build and search side by side with what a user would otherwise run.

    .venv/bin/python benchmarks/run.py [--rows 100000,1000000] [--ma-rows 1000000] [--duration 15]

For each size it generates a Missouri-shaped roster (and, at the largest size, a
Massachusetts-shaped training table) into benchmarks/work/, then measures:

* build: `python build.py` (validate, guard, load, FTS, metadata; the docs
  site timed separately from its progress output) against (a) the naive chain
  `frictionless validate` + `sqlite-utils insert --csv` + `sqlite-utils
  enable-fts` and (b) the physical reference `sqlite3 .import` + an FTS5 index;
  wall time and peak memory (max RSS) of each;
* search: requests per second, p50 and p95 at 20 clients for the same URL mix
  (name search, agency filter, row page) against our serve configuration and a
  default `datasette serve -i` on the same database.

It prints ratios measured in the same run. It never fails on timing.
"""
import argparse
import asyncio
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from certdata import sample  # noqa: E402
from certdata.states import mo  # noqa: E402
from load import run_load, sample_values, table_mix  # noqa: E402
from loadtest import free_port, serve_ours, start, stop  # noqa: E402

BIN = Path(sys.executable).parent
ROWS_PER_ACTIVE = 1 + sum(mo.MO_HISTORICAL.values()) / mo.MO_ACTIVE
TRAININGS_PER_OFFICER = 4.12


def make_package(rows, ma_rows, work):
    """A package with `rows` Missouri officers and about `ma_rows` training records (cached)."""
    root = work / f"mo{rows}-ma{ma_rows}"
    if (root / "datapackage.json").exists():
        return root
    return sample.scratch_package(ROOT, root, mo_active=max(1, round(rows / ROWS_PER_ACTIVE)),
                                  ma_officers=max(1, round(ma_rows / TRAININGS_PER_OFFICER)))


def tree_rss(pid):
    """Resident memory in MB of a process and all its descendants (0 once it has exited)."""
    children, rss = {}, {}
    for stat in Path("/proc").glob("[0-9]*/status"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        child = int(stat.parent.name)
        children.setdefault(int(fields.get("PPid", "0").strip() or 0), []).append(child)
        rss[child] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total / 1024


def run_measured(command, env=None, cwd=None):
    """(seconds, peak RSS in MB, stderr) of one command; the peak is the resident memory of the
    command and its child processes, polled every 50 ms (ru_maxrss would miss the children and
    count the benchmark's own pages copied at fork)."""
    import threading
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0.0]

    def poll():
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.05)
    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    stderr = process.stderr.read()
    process.wait()
    watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"command failed: {' '.join(map(str, command))}\n{stderr[-2000:]}")
    return time.monotonic() - started, peak[0], stderr


def measure_chain(commands, **options):
    """Total seconds and the largest peak RSS of a chain of commands."""
    seconds, peak = 0.0, 0.0
    for command in commands:
        s, m, _ = run_measured(command, **options)
        seconds, peak = seconds + s, max(peak, m)
    return seconds, peak


def ours(root):
    """Our build; returns (seconds, peak MB, docs seconds, pages)."""
    shutil.rmtree(root / "site", ignore_errors=True)
    env = dict(os.environ, CERTDATA_ROOT=str(root))
    seconds, peak, stderr = run_measured([sys.executable, str(ROOT / "build.py")], env=env)
    stamps = {m.group(2): float(m.group(1)) for m in re.finditer(r"\[\s*([\d.]+)s\] (\w+ \w+)", stderr)}
    docs = stamps.get("published site/", seconds) - stamps.get("building the", 0.0)
    pages = len(list((root / "site").rglob("index.html")))
    return seconds, peak, docs, pages


def naive(root):
    """frictionless validate + sqlite-utils insert --csv for each resource + enable-fts."""
    db = root / "naive.db"
    db.unlink(missing_ok=True)
    commands = [[str(BIN / "frictionless"), "validate", "datapackage.json"]]
    for path in sorted((root / "data").glob("*.csv")):
        commands.append([str(BIN / "sqlite-utils"), "insert", str(db), path.stem, str(path), "--csv"])
    commands.append([str(BIN / "sqlite-utils"), "enable-fts", str(db), "mo_officers", "officer_name"])
    return measure_chain(commands, cwd=root)


def physical(root):
    """sqlite3 .import of every CSV and an FTS5 index over officer names, no validation."""
    db = root / "physical.db"
    db.unlink(missing_ok=True)
    sqlite3_cli = shutil.which("sqlite3")
    if not sqlite3_cli:
        return float("nan"), float("nan")
    script = "".join(f".import --csv {p} {p.stem}\n" for p in sorted((root / "data").glob("*.csv")))
    script += ("create virtual table mo_officers_fts using fts5(officer_name, tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4');\n"
               "insert into mo_officers_fts(rowid, officer_name) select rowid, officer_name from mo_officers;\n")
    (root / "physical.sql").write_text(script)
    return measure_chain([[sqlite3_cli, str(db), f".read {root / 'physical.sql'}"]])


def warmed_load(port, urls, clients, duration):
    """One sequential pass over the mix (both servers get it: SQLite's page cache, our response
    cache), then the measured load."""
    asyncio.run(run_load(f"http://127.0.0.1:{port}", urls, 1, 0.0, warm=True))
    return asyncio.run(run_load(f"http://127.0.0.1:{port}", urls, clients, duration))


def search(root, duration, clients=20):
    """Our serve configuration against a default `datasette serve -i`, same URLs."""
    database = root / "site" / "downloads" / "certification.db"
    urls = table_mix(sample_values(database))
    results = {}
    for name, cache in (("ours", True), ("uncached", False)):
        process, port = serve_ours(root, cache=cache)
        try:
            results[name] = warmed_load(port, urls, clients, duration)
        finally:
            stop(process)
    port = free_port()
    process = start([str(BIN / "datasette"), "serve", "-i", str(database), "--port", str(port)], port)
    try:
        results["default"] = warmed_load(port, urls, clients, duration)
    finally:
        stop(process)
    return results


def single_client(root, queries=30):
    """One client, cold cache: each /search name query once; (p50 ms, max ms)."""
    import urllib.parse
    import urllib.request
    from load import percentile, search_terms
    names = sample_values(root / "site" / "downloads" / "certification.db", queries)["names"]
    process, port = serve_ours(root)
    latencies = []
    try:
        for name in names:
            url = f"http://127.0.0.1:{port}/search?" + urllib.parse.urlencode({"q": search_terms(name)})
            started = time.monotonic()
            urllib.request.urlopen(url).read()
            latencies.append(1000 * (time.monotonic() - started))
    finally:
        stop(process)
    return percentile(latencies, 0.5), max(latencies)


def ratio(a, b):
    return a / b if b and b == b else float("nan")


def report(rows, build, chain, ref, docs, pages, searched):
    s, m = build
    s -= docs  # the documentation site is timed separately
    lines = [f"== {rows:,} Missouri rows",
             f"build      ours {s:7.1f} s (without docs) {m:6.0f} MB | naive chain {chain[0]:7.1f} s {chain[1]:6.0f} MB | physical {ref[0]:6.1f} s {ref[1]:6.0f} MB",
             f"  ratios   ours/naive {ratio(s, chain[0]):.2f} (target <= 0.4) | ours/physical {ratio(s, ref[0]):.1f} (target <= 6) | peak {m:.0f} MB (target < 400)",
             f"docs       {docs:.1f} s for {pages} pages"]
    if searched:
        o, u, d = searched["ours"], searched["uncached"], searched["default"]
        show = lambda r: f"{r['rps']:7.1f} req/s p50 {r['p50_ms']:5.0f} ms p95 {r['p95_ms']:5.0f} ms errors {len(r['errors'])}"
        lines += [f"search     ours {show(o)} | without response cache {show(u)} | default datasette {show(d)}",
                  f"  ratios   throughput ours/default {ratio(o['rps'], d['rps']):.1f} (target >= 3), without cache "
                  f"{ratio(u['rps'], d['rps']):.1f} | p95 ours {o['p95_ms']:.0f} ms (target < 150)"]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="100000,1000000", help="Missouri roster sizes, comma-separated")
    parser.add_argument("--ma-rows", type=int, default=1_000_000, help="Massachusetts training rows at the largest size")
    parser.add_argument("--duration", type=float, default=15, help="seconds of load per server")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.rows.split(",")]
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cores")
    for rows in sizes:
        ma_rows = args.ma_rows if rows == max(sizes) else max(1000, rows // 10)
        root = make_package(rows, ma_rows, args.work)
        build = ours(root)
        chain, ref = naive(root), physical(root)
        searched = search(root, args.duration) if args.duration > 0 else None
        print(report(rows, build[:2], chain, ref, build[2], build[3], searched), flush=True)
        p50, worst = single_client(root)
        print(f"name search, one client, cold cache: p50 {p50:.0f} ms, max {worst:.0f} ms (target < 100 ms)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
