"""The name index: every officer's name parsed once, for the search and its typo layer.

Takes: rows of (rowid, officer_name, surname, given_names) in rowid order, from a
cursor. Gives: the tables ``people_names`` (terms, surname key and given key of
each name), ``name_vocabulary`` (every name word and how many names hold it) and
``name_deletions`` (each word of 4 to 32 letters under each of its one-letter
deletions), written through a connection.

Parsing is Python and costs a few microseconds a name. For a large release the
load runs it in worker processes (``Workers``; ``python -m certdata.nameindex``),
one per core, each parsing a range of the names from a scratch SQLite file beside
the build's into its own, while the build indexes ``people`` and counts the
fields' statistics; the workers die with the build. A small release is parsed in
the build's own process, by the same function.
"""
import collections
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from .children import signals_held
from .errors import CertdataError
from .names import FUZZY_LENGTHS, deletions, name_keys

BATCH = 10_000  # rows read or written at a time (the build's inserts use it too)
NAME_CACHE = 10_000  # parsed names kept for their repeats (a few MB)
TABLES = {
    "people_names": "create table {schema}people_names (rowid integer primary key, terms text not null, "
                    "surname_key text not null, given_key text not null)",
    "name_vocabulary": "create table {schema}name_vocabulary (word text primary key, n integer not null) without rowid",
    "name_deletions": "create table {schema}name_deletions (form text not null, word text not null, "
                      "primary key (form, word)) without rowid",
}
INPUT = "names_in"


class NameIndexFailed(CertdataError):
    """The worker parsing the names stopped without its tables (the message quotes no name)."""


def create_tables(conn, schema=""):
    for sql in TABLES.values():
        conn.execute(sql.format(schema=schema))


def write_index(rows, conn):
    """Parse every name of rows (a cursor over rowid, officer_name, surname, given_names in rowid order)
    and fill the three tables through conn (which must hold them, empty)."""
    vocabulary, recent = collections.Counter(), {}
    while True:
        batch = rows.fetchmany(BATCH)
        if not batch:
            break
        if len(recent) > NAME_CACHE:  # a roster repeats a name in neighbouring rows: parse each once per batch
            recent.clear()
        keyed = []
        for rowid, *name in batch:
            name = tuple(name)
            keys = recent.get(name)
            if keys is None:
                keys = recent[name] = name_keys(*name)
            keyed.append((rowid, *keys))
        vocabulary.update(" ".join(terms for _, terms, _, _ in keyed).split())
        conn.executemany("insert into people_names values (?, ?, ?, ?)", keyed)
    conn.executemany("insert into name_vocabulary values (?, ?)", sorted(vocabulary.items()))
    conn.executemany("insert into name_deletions values (?, ?)",
                     sorted((form, word) for word in vocabulary if len(word) in FUZZY_LENGTHS for form in deletions(word)))


def add_other_names(conn, rows):
    """Add to people_names the words of each officer's other names (rows: rowid and the names joined by U+001F, the
    names an officer's records hold besides the one shown: a trial after the sixteenth found an officer's earlier
    surname, on her older training records, not found), and count them in the vocabulary and its deletions. The
    name's keys (surname, given names) stay those of the name shown."""
    added = collections.Counter()
    for rowid, names in rows.fetchall():
        terms = conn.execute("select terms from people_names where rowid = ?", [rowid]).fetchone()
        if terms is None:
            continue
        words = terms[0].split()
        new = [w for name in names.split("\x1f") if name.strip() for w in name_keys(name, None, None)[0].split()
               if w not in words]
        new = list(dict.fromkeys(new))
        if new:
            conn.execute("update people_names set terms = ? where rowid = ?", [terms[0] + " ".join(new) + " ", rowid])
            added.update(new)
    for word, n in sorted(added.items()):
        conn.execute("insert into name_vocabulary values (?, ?) on conflict (word) do update set n = n + excluded.n", [word, n])
        if len(word) in FUZZY_LENGTHS:
            conn.executemany("insert or ignore into name_deletions values (?, ?)", [(form, word) for form in deletions(word)])


class Workers:
    """The index written by worker processes (one per core, at most WORKERS), each parsing a range of the
    names into its own scratch file: creating it hands them the names (the caller's connection must be
    outside a transaction, as ATTACH requires), ``finish`` waits and copies the three tables into the
    caller's database, ``stop`` ends them if the build fails meanwhile."""

    WORKERS = 2

    def __init__(self, conn, names_sql, scratch):
        self.conn, self.scratch = conn, Path(scratch).resolve()
        self.scratch.unlink(missing_ok=True)
        conn.execute("attach database ? as scratch", [str(self.scratch)])
        try:
            conn.execute("pragma scratch.journal_mode = off")
            conn.execute(f"create table scratch.{INPUT} (n integer primary key, officer_name text, surname text, given_names text)")
            conn.execute(f"insert into scratch.{INPUT} {names_sql}")
            total = conn.execute(f"select count(*) from scratch.{INPUT}").fetchone()[0]
            count = max(1, min(self.WORKERS, os.cpu_count() or 1, total))
            bounds = [conn.execute(f"select n from scratch.{INPUT} order by n limit 1 offset ?", [i * total // count]).fetchone()[0]
                      for i in range(count)] if total else [0]
        finally:
            conn.execute("detach database scratch")
        self.outputs = [self.scratch.with_name(f"{self.scratch.name}.{i}") for i in range(count)]
        for path in self.outputs:
            path.unlink(missing_ok=True)
        code = str(Path(__file__).resolve().parent.parent)  # this build's code first; -P: never the working directory's
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [code, os.environ.get("PYTHONPATH")])))
        with signals_held():
            self.processes = [
                subprocess.Popen([sys.executable, "-P", "-m", "certdata.nameindex", str(self.scratch), str(output), str(low),
                                  str(high), str(os.getpid())],
                                 env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                for output, low, high in zip(self.outputs, bounds, bounds[1:] + [None])]

    def finish(self):
        """Wait for the workers and copy their tables in (people_names in rowid order, range after range;
        the words counted over every range; each deletion once)."""
        try:
            failures = []
            for process in self.processes:
                _, stderr = process.communicate()
                if process.returncode:
                    lines = stderr.decode("utf-8", "replace").strip().splitlines()
                    failures.append(lines[-1].split(":", 1)[0].strip()[:80] if lines else f"exit status {process.returncode}")
            if failures:
                raise NameIndexFailed(f"parsing the officers' names stopped ({failures[0]}); nothing was published")
            names = [f"scratch{i}" for i in range(len(self.outputs))]
            for name, path in zip(names, self.outputs):
                self.conn.execute(f"attach database ? as {name}", [str(path)])
            try:
                self.conn.execute("begin")
                create_tables(self.conn)
                for name in names:
                    self.conn.execute(f"insert into main.people_names select * from {name}.people_names order by rowid")
                words = " union all ".join(f"select * from {name}.name_vocabulary" for name in names)
                self.conn.execute(f"insert into main.name_vocabulary select word, sum(n) from ({words}) group by word order by word")
                forms = " union ".join(f"select * from {name}.name_deletions" for name in names)
                self.conn.execute(f"insert into main.name_deletions select * from ({forms}) order by 1, 2")
                self.conn.execute("commit")
            finally:
                for name in names:
                    self.conn.execute(f"detach database {name}")
        finally:
            self.stop()

    def stop(self):
        """Kill the workers still running and remove the scratch files."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        for path in [self.scratch, *self.outputs]:
            path.unlink(missing_ok=True)


def main(argv=None):
    """A worker: ``python -m certdata.nameindex NAMES OUTPUT LOW HIGH PARENT_PID`` parses the names numbered
    from LOW up to HIGH ("None": to the end) of NAMES into OUTPUT's tables."""
    from .children import die_with_parent
    names, output, low, high, parent = argv or sys.argv[1:]
    die_with_parent(int(parent))
    conn = sqlite3.connect(output, isolation_level=None)
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    conn.execute("begin")
    create_tables(conn)
    source = sqlite3.connect(f"file:{names}?mode=ro", uri=True)
    rows = source.execute(f"select * from {INPUT} where n >= ?" + (" and n < ?" if high != "None" else "") + " order by n",
                          [int(low)] + ([int(high)] if high != "None" else []))
    write_index(rows, conn)
    conn.execute("commit")
    conn.close()
    source.close()


if __name__ == "__main__":
    main()
