"""A large release's names are parsed in worker processes: the search index is the one the build's own
process writes, a failing worker stops the build with a plain message, and no worker outlives the build."""
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from certdata import load, nameindex, package
from certdata.errors import CertdataError

from .conftest import ROOT, make_package
from .test_atomicity import alive_after
from .test_incremental import tables_and_rows


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return package.Package.load(make_package(tmp_path_factory.mktemp("names") / "pkg", mo_active=800))


def build(pkg, target, monkeypatch, workers):
    monkeypatch.setenv("CERTDATA_NAME_WORKERS_ABOVE", "0" if workers else str(10 ** 9))
    lines = []
    load.build_database(pkg, target, progress=lines.append, reuse=False)
    return lines


def test_the_workers_write_the_index_the_build_s_own_process_writes(small, tmp_path, monkeypatch):
    inline = build(small, tmp_path / "inline.db", monkeypatch, workers=False)
    parallel = build(small, tmp_path / "workers.db", monkeypatch, workers=True)
    assert not any("worker process" in line for line in inline)
    assert any(line.startswith("parsing") and "worker process" in line for line in parallel), parallel
    assert tables_and_rows(tmp_path / "workers.db") == tables_and_rows(tmp_path / "inline.db")
    conn = sqlite3.connect(tmp_path / "workers.db")
    assert conn.execute("select count(*) from people_names").fetchone() == conn.execute("select count(*) from people").fetchone()
    assert conn.execute("select count(*) from name_deletions").fetchone()[0] > 0
    assert sorted(os.listdir(tmp_path)) == ["inline.db", "workers.db"]  # no scratch file left


def test_a_failing_worker_stops_the_build_plainly_and_leaves_nothing(small, tmp_path, monkeypatch):
    monkeypatch.setattr(nameindex, "INPUT", "names_elsewhere")  # the workers read the table they know, which is not there
    with pytest.raises(CertdataError) as raised:
        build(small, tmp_path / "failed.db", monkeypatch, workers=True)
    message = str(raised.value)
    assert "parsing the officers' names stopped (sqlite3.OperationalError)" in message
    names = {row[1] for row in load.read_csv(small.path(small.resource("mo_officers")), small.resource("mo_officers"))}
    assert not any(name in message for name in names)
    assert not [p for p in os.listdir(tmp_path) if ".names" in p]


def test_workers_die_with_a_killed_build(tmp_path):
    script = textwrap.dedent(f"""
        import sqlite3, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from certdata import nameindex
        conn = sqlite3.connect({str(tmp_path / "build.db")!r}, isolation_level=None)
        conn.execute("create table people (officer_name text)")
        conn.execute("with recursive n(x) as (select 1 union all select x + 1 from n where x < 1500000) "
                     "insert into people select 'Officer Number ' || (x % 997) || ' Sample' || x from n")
        workers = nameindex.Workers(conn, "select rowid, officer_name, null, null from people order by rowid",
                                    {str(tmp_path / "scratch.names")!r})
        print(" ".join(str(p.pid) for p in workers.processes), flush=True)
        time.sleep(60)
    """)
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pids = {int(pid) for pid in build.stdout.readline().split()}
        assert len(pids) == min(nameindex.Workers.WORKERS, os.cpu_count()) and alive_after(pids, seconds=0) == pids  # parsing 1,500,000 names: seconds of work
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait()
    assert not alive_after(pids, seconds=1), "a name worker outlived the build that started it"


def test_workers_run_this_build_s_code_whatever_the_working_directory(tmp_path, monkeypatch):
    """A certdata/ package in the working directory (a checkout beside, a planted one) is never what a
    worker runs."""
    planted = tmp_path / "elsewhere" / "certdata"
    planted.mkdir(parents=True)
    (planted / "__init__.py").write_text("")
    (planted / "nameindex.py").write_text("raise SystemExit(0)  # writes no index\n")
    monkeypatch.chdir(planted.parent)
    conn = sqlite3.connect(tmp_path / "build.db", isolation_level=None)
    conn.execute("create table people (officer_name text)")
    conn.executemany("insert into people values (?)", [("Jane Doe",), ("John Roe",), ("Ann Poe",)])
    workers = nameindex.Workers(conn, "select rowid, officer_name, null, null from people order by rowid", tmp_path / "s.names")
    workers.finish()
    assert conn.execute("select count(*) from people_names").fetchone()[0] == 3


def test_the_reuse_key_covers_every_module_the_load_runs():
    """A change to any module the load imports invalidates the previous release's tables."""
    import ast
    tree = ast.parse((ROOT / "certdata" / "load.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}
    covered = {path.stem for path in load.BUILD_CODE}
    assert imported - covered <= {"errors", "states"}, imported - covered  # states: each module's own file is in the key
