#!/usr/bin/env python3
"""Benchmarks: our build and search side by side with what a user would otherwise run.

    .venv/bin/python benchmarks/run.py [--rows 100000,1000000] [--ma-rows 10000] [--duration 15] [--no-naive]

For each size it generates a Missouri-shaped roster (and, at the largest size, a
Massachusetts-shaped training table) into benchmarks/work/, then measures:

* build: `python build.py --full` (validate, guard, load, FTS, metadata; the docs
  site and downloads timed separately from its progress output) against (a) the naive chain
  `frictionless validate` + `sqlite-utils insert --csv` + `sqlite-utils
  enable-fts` and (b) the physical reference `sqlite3 .import` + an FTS5 index;
  wall time and peak memory (max RSS) of each;
* incremental republish (largest size): a one-cell correction to a small table, rebuilt
  over the release just built, against a full build of the same correction over the same
  release (a twin of the package: data hard-linked, site/ copied, the disk synced before the
  timed build): seconds, and whether the two databases hold
  the same schema and rows (sqldiff when installed, else EXCEPT in both directions per table)
  and the CSV downloads the same bytes;
* serving floor (largest size): a minimal ASGI app running the search plugin's code and SQL
  on the same file (benchmarks/search_quality.py), beside `/search` and `/search.json` of
  `build.py serve` without its response cache, each URL a distinct name query, 20 clients,
  best of 2 alternated rounds;
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
from certdata.package import SYNTHETIC, Package  # noqa: E402
from certdata.states import mo  # noqa: E402
from load import run_load, sample_values, table_mix  # noqa: E402
from loadtest import free_port, serve_ours, start, stop  # noqa: E402

BIN = Path(sys.executable).parent
ROWS_PER_ACTIVE = 1 + sum(mo.MO_HISTORICAL.values()) / mo.MO_ACTIVE
TRAININGS_PER_OFFICER = 4.12


def make_package(rows, ma_rows, work):
    """A package with `rows` Missouri officers and about `ma_rows` training records (the generated sample cached;
    every other file the repository's, copied again each run: a cached descriptor or presentation.yml of an
    older commit made the build refuse, or measured an older package)."""
    root = work / f"mo{rows}-ma{ma_rows}"
    if (root / "datapackage.json").exists():
        generated = {Path(r["path"]).name for r in Package.load(ROOT).resources if r.get(SYNTHETIC)}
        shutil.copytree(ROOT / "data", root / "data", dirs_exist_ok=True, ignore=shutil.ignore_patterns("raw", *generated))
        shutil.copyfile(ROOT / "datapackage.json", root / "datapackage.json")
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


def ours(root, full=True):
    """Our build (full: from nothing; else over the release in site/); returns (seconds, peak MB, docs
    seconds, pages, stderr). Docs and downloads are timed from the progress lines."""
    if full:
        shutil.rmtree(root / "site", ignore_errors=True)
    env = dict(os.environ, CERTDATA_ROOT=str(root))
    seconds, peak, stderr = run_measured([sys.executable, str(ROOT / "build.py")] + (["build", "--full"] if full else []), env=env)
    stamps = {m.group(2): float(m.group(1)) for m in re.finditer(r"\[\s*([\d.]+)s\] (\w+ \w+)", stderr)}
    docs = stamps.get("published site/", seconds) - stamps.get("building the", 0.0)
    pages = len(list((root / "site").rglob("index.html")))
    return seconds, peak, docs, pages, stderr


CORRECTION = ("mo_license_statuses.csv", b"A placeholder of the synthetic sample for officers with no",
              b"A placeholder of the synthetic sample for the officers with no")


def correct(root, undo=False):
    """Apply (or undo) the one-cell correction, replacing the file (never writing through a hard link)."""
    path = root / "data" / CORRECTION[0]
    old, new = CORRECTION[1:] if not undo else CORRECTION[:0:-1]
    data = path.read_bytes()
    if old not in data:
        raise SystemExit(f"{path}: the benchmark's correction does not apply (regenerate the package)")
    temp = path.with_suffix(".tmp")
    temp.write_bytes(data.replace(old, new, 1))
    os.replace(temp, path)


def incremental(root, work):
    """((seconds of the incremental rebuild, seconds of the incremental rebuild that undoes it), seconds of
    a full rebuild of the same correction, databases logically identical, CSV downloads identical), over
    the release just built. The undoing is a one-cell correction of the same table too: best of 2, as
    for the builds."""
    twin = work / (root.name + "-twin")
    shutil.rmtree(twin, ignore_errors=True)
    twin.mkdir()
    for part in root.iterdir():  # builds replace files, never write into them: hard links do, but not for site/,
        if part.name not in ("build", "site"):  # whose files' change times a link would change (the build
            subprocess.run(["cp", "-al", str(part), str(twin)], check=True)  # then hashes them again, as it
    subprocess.run(["cp", "-a", str(root / "site"), str(twin)], check=True)  # does after a server linked them)
    for package in (root, twin):
        correct(package)
    os.sync()  # writing back the twin's 800 MB copy (benchmark scaffolding) is not charged to the timed build
    try:
        seconds, _, _, _, stderr = ours(root, full=False)
        if "rebuilt mo_license_statuses" not in stderr:
            print("warning: the correction was not rebuilt incrementally:\n" + stderr[-1500:])
        full_seconds = rebuild_full(twin)
        same_db = same_database(root / "site" / "downloads" / "certification.db", twin / "site" / "downloads" / "certification.db")
        same_csv = csv_downloads(root) == csv_downloads(twin)
    finally:
        correct(root, undo=True)
        shutil.rmtree(twin, ignore_errors=True)
    os.sync()
    back, _, _, _, stderr = ours(root, full=False)
    if "rebuilt mo_license_statuses" not in stderr:
        print("warning: the undoing was not rebuilt incrementally:\n" + stderr[-1500:])
    return (seconds, back), full_seconds, same_db, same_csv


def rebuild_full(root):
    """A full build over the release in site/ (the same previous release for the changes table)."""
    env = dict(os.environ, CERTDATA_ROOT=str(root))
    return run_measured([sys.executable, str(ROOT / "build.py"), "--quiet", "build", "--full"], env=env)[0]


def csv_downloads(root):
    """{name: bytes digest} of every CSV (and the descriptor) under site/downloads/."""
    import hashlib
    downloads = root / "site" / "downloads"
    out = {}
    for path in downloads.rglob("*"):
        if path.suffix in (".csv", ".json"):
            with open(path, "rb") as handle:
                out[path.relative_to(downloads).as_posix()] = hashlib.file_digest(handle, "sha256").hexdigest()
    return out


def same_database(a, b):
    """True when two databases hold the same schema and rows: sqldiff's verdict when it is installed,
    else every table compared with EXCEPT both ways and the schema entries compared by name."""
    sqldiff = shutil.which("sqldiff")
    if sqldiff:
        out = subprocess.run([sqldiff, str(a), str(b)], capture_output=True, text=True)
        return out.returncode == 0 and not out.stdout.strip()
    conn = sqlite3.connect(f"file:{a}?mode=ro", uri=True)
    conn.execute("attach database ? as b", [f"file:{b}?mode=ro"])
    try:
        schema = [set(conn.execute(f"select type, name, tbl_name, sql from {s}.sqlite_master")) for s in ("main", "b")]
        if schema[0] != schema[1]:
            return False
        for _, name, _, sql in schema[0]:
            if not sql or not sql.upper().startswith("CREATE TABLE"):
                continue
            table = '"' + name.replace('"', '""') + '"'
            for x, y in (("main", "b"), ("b", "main")):
                if conn.execute(f"select 1 from (select * from {x}.{table} except select * from {y}.{table}) limit 1").fetchone():
                    return False
            if conn.execute(f"select (select count(*) from main.{table}) - (select count(*) from b.{table})").fetchone()[0]:
                return False
    finally:
        conn.close()
    return True


def floor(root, work, clients=20, count=2000, rounds=2):
    """{name: {rps, p95, errors}} for /search and /search.json of our server (no response cache) and
    the floor app, the same distinct name queries each; the best of rounds alternated rounds of each
    (one round's figures on this machine vary by up to a third)."""
    import urllib.parse
    from load import search_terms
    from search_quality import concurrent, serve_floor
    names = sample_values(root / "site" / "downloads" / "certification.db", count * 2)["names"]
    queries = list(dict.fromkeys(search_terms(n) for n in names))[:count]
    out = {}

    def keep(name, result):  # the best round's speed, every round's errors
        errors = result["errors"] + out.get(name, {}).get("errors", 0)
        if name not in out or result["rps"] > out[name]["rps"]:
            out[name] = result
        out[name]["errors"] = errors
    for _ in range(rounds):
        process, port = serve_ours(root, cache=False)
        try:
            for path in ("/search", "/search.json"):
                urls = [f"{path}?" + urllib.parse.urlencode({"q": q}) for q in queries]
                concurrent(port, urls[:50], clients)  # the same short warm-up for each
                keep(path, concurrent(port, urls, clients))
        finally:
            stop(process)
        process, port = serve_floor(root, work)
        try:  # the floor of each: exactly its SQL (the page adds facet counts and matching agencies)
            for name, extra in (("floor /search", {"page": "1"}), ("floor /search.json", {})):
                urls = ["/?" + urllib.parse.urlencode({"q": q, **extra}) for q in queries]
                concurrent(port, urls[:50], clients)
                keep(name, concurrent(port, urls, clients))
        finally:
            stop(process)
    return out


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
    s -= docs  # the documentation site and downloads are timed separately
    lines = [f"== {rows:,} Missouri rows",
             f"build      ours {s:7.1f} s (without docs) {m:6.0f} MB | naive chain {chain[0]:7.1f} s {chain[1]:6.0f} MB | physical {ref[0]:6.1f} s {ref[1]:6.0f} MB",
             f"  ratios   ours/naive {ratio(s, chain[0]):.2f} (target <= 0.4) | ours/physical {ratio(s, ref[0]):.1f} (target <= 2.5) | peak {m:.0f} MB (target <= 300)",
             f"docs       docs and downloads {docs:.1f} s for {pages} pages (target <= 2 s)"]
    if searched:
        o, u, d = searched["ours"], searched["uncached"], searched["default"]
        show = lambda r: f"{r['rps']:7.1f} req/s p50 {r['p50_ms']:5.0f} ms p95 {r['p95_ms']:5.0f} ms errors {len(r['errors'])}"
        lines += [f"search     ours {show(o)} | without response cache {show(u)} | default datasette {show(d)}",
                  f"  ratios   throughput ours/default {ratio(o['rps'], d['rps']):.1f} (target >= 3), without cache "
                  f"{ratio(u['rps'], d['rps']):.1f} | p95 ours {o['p95_ms']:.0f} ms (target < 150)"]
    return "\n".join(lines)


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="100000,1000000", help="Missouri roster sizes, comma-separated")
    parser.add_argument("--ma-rows", type=int, default=10_000, help="Massachusetts training rows at the largest size")
    parser.add_argument("--duration", type=float, default=15, help="seconds of load per server (0: no table-mix load)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive chain (minutes at 1M rows)")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.rows.split(",")]
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cores, load average {load_average()}")
    for rows in sizes:
        ma_rows = args.ma_rows if rows == max(sizes) else max(1000, rows // 100)
        root = make_package(rows, ma_rows, args.work)
        build = ours(root)
        chain = (float("nan"), float("nan")) if args.no_naive else naive(root)
        ref = physical(root)
        searched = search(root, args.duration) if args.duration > 0 else None
        print(report(rows, build[:2], chain, ref, build[2], build[3], searched), flush=True)
        if rows != max(sizes):
            continue
        (seconds, back), full_seconds, same_db, same_csv = incremental(root, args.work)
        print(f"incremental  one-cell correction of a small table: best of 2 {min(seconds, back):.1f} s (target <= 3; the "
              f"correction {seconds:.1f} s, its undoing {back:.1f} s) | full rebuild of the correction "
              f"{full_seconds:.1f} s | same schema and rows {same_db} | CSV downloads identical {same_csv}", flush=True)
        served = floor(root, args.work)
        show = lambda r: f"{r['rps']:6.0f} req/s p95 {r['p95']:5.0f} ms errors {r['errors']}"
        print(f"serving    20 clients, distinct name queries: /search {show(served['/search'])} | floor of /search "
              f"{show(served['floor /search'])} | /search.json {show(served['/search.json'])} | floor of /search.json "
              f"{show(served['floor /search.json'])}", flush=True)
        print(f"  ratios   /search/floor {ratio(served['/search']['rps'], served['floor /search']['rps']):.2f} (target >= 0.8) | "
              f"/search.json/floor {ratio(served['/search.json']['rps'], served['floor /search.json']['rps']):.2f}", flush=True)
        p50, worst = single_client(root)
        print(f"name search, one client, cold cache: p50 {p50:.0f} ms, max {worst:.0f} ms (target < 100 ms)", flush=True)
    print(f"load average at the end {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
