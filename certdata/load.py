"""Load: the validated package into one SQLite database.

Takes: a ``Package`` that passed validation and the guard. Gives: a SQLite file
with one table per resource (columns typed from the schema, primary and foreign
keys, indexes on the columns people filter by), full-text search over officer
and agency names, the views users need, and tables describing the package
itself. Built in a temporary file inside one transaction and moved into place;
the same inputs give the same bytes (timestamps come from the package).

Incremental: with the previous release's database, a build whose code and presentation
are unchanged starts from a copy of it and redoes only the resources whose reuse key
(content hash, descriptor, build code) changed, and what derives from them (the search
when an officer resource or the agencies changed); the result holds the same schema and
rows as a full build (tests/test_incremental.py).
"""
import csv
import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import sqlite_utils

from . import cells, diff, disclosure, nameindex, presentation, states
from .errors import CertdataError
from .cells import missing_values
from .names import agency_other_forms, free_text_problem, name_keys, person_name_refused, text_refused
from .states import StateError
from .validate import Problem
from .package import DESCRIPTION_TABLES, SAME_OFFICER, SAMPLE_WARNING, SYNTHETIC, csv_options, derived_sample_notice, derived_tables, fields, labelled

SQL_TYPES = {"integer": int, "number": float, "boolean": int, "string": str, "date": str, "datetime": str,
             "year": int, "yearmonth": str, "time": str}
BATCH = nameindex.BATCH  # rows per insert
FTS_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'"  # detail=full: Datasette's _search sends phrases
# FTS5 writes a segment each time its pending terms pass 'hashsize' (1 MB by default) and merges the
# segments as it goes, leaving free pages that only a VACUUM (a rewrite of the whole file: 4 s at 1M
# rows) gives back. With 16 MB the names of a million officers are written in a few segments and no
# page is freed (and the insert is a quarter faster).
FTS_HASH_BYTES = 16 * 1024 * 1024
FREE_PAGES_SHARE = 0.01  # a full build rewrites the file (VACUUM) only when more of it than this is free pages
# The tables describing the package itself (rebuilt by every build); synthetic_sample only while the
# release holds one: a person who opens the file sees it in its list of tables.
STATE_ROWIDS = 1 << 40  # people rows of the k-th state are k * STATE_ROWIDS + its n: the first keeps its table's rowids


def build_database(package, target, progress=print, previous=None, reuse=True, early=None):
    """Build the database at target (atomically replaced), with a changes table against
    the previous release database when one is given; with reuse, only what changed since
    that release is rebuilt (see ``reuse_plan``), on early's copy of it when given (an
    ``EarlyCopy``, dropped when the build is full). Returns target."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(target.name + ".tmp")
    temp.unlink(missing_ok=True)
    keys = reuse_keys(package)
    plan = reuse_plan(package, previous, keys) if reuse else None
    copy = None
    if early is not None:
        copy = early.take(previous) if plan is not None else early.drop()
    if plan is None:
        full_build(package, temp, keys, previous, progress)
    else:
        incremental_build(package, temp, keys, previous, plan, progress, copy)
    os.replace(temp, target)
    return target


def scratch_path(temp):
    """The name index worker's scratch file, beside the build's temporary database."""
    return temp.with_name(temp.name + ".names")


def open_for_build(path):
    db = sqlite_utils.Database(path)
    db.conn.execute("pragma journal_mode = off")
    db.conn.execute("pragma synchronous = off")
    db.conn.isolation_level = None
    return db


def full_build(package, temp, keys, previous, progress):
    """Every table from the CSVs, in one transaction (VACUUM after it only if pages were freed)."""
    db = open_for_build(temp)
    db.conn.execute("pragma foreign_keys = off")  # checked whole after the commit (check_foreign_keys): row by row cost more
    db.conn.execute("begin")
    for resource in package.resources:  # every table first: a foreign key may name a later resource
        create_table(db, package, resource)
    shown = presentation.read(package.root)
    for resource in package.resources:
        progress(f"loaded {resource['name']}: {insert_rows(db, package, resource)} rows")
    search = Search(db, states.of_package(package), scratch_path(temp), progress)  # SEARCH_SQL needs no index
    try:  # the tables' indexes and statistics while a large release's names are parsed beside them
        for resource in package.resources:
            create_indexes(db, resource, shown["indexes"])
        describe_package(db, package, keys, views=shown["views"])
        search.finish()
    finally:
        search.stop()
    progress("built the search index")
    create_views(db, shown["views"])
    presentation.check_sql(db.conn, shown)  # a broken view or query, a state's query: named before anything is published
    states.check_sql(db.conn, states.of_package(package))
    create_changes_table(db)
    record_schema(db.conn)
    db.conn.execute("commit")
    record_changes(db, package, previous, changed_since(previous, keys), progress)
    check_foreign_keys(db)
    free, pages = (db.conn.execute(f"pragma {name}").fetchone()[0] for name in ("freelist_count", "page_count"))
    if free > FREE_PAGES_SHARE * pages:  # written in one pass, the file has (next to) no free pages
        db.conn.execute("vacuum")
    db.conn.close()


def incremental_build(package, temp, keys, previous, changed, progress, copy=None):
    """A copy of the previous release's database (copy, when one was made already) with the changed
    resources (and what derives from them) rebuilt; the rest of it is reused as it is."""
    if copy is not None:
        os.replace(copy, temp)
    else:
        shutil.copyfile(previous, temp)
    db = open_for_build(temp)
    if not changed and not db.conn.execute("select count(*) from changes").fetchone()[0]:
        db.conn.close()  # the same release again (its keys cover the whole descriptor): the same bytes
        progress("nothing changed since the previous release: its database is reused as it is")
        return
    db.conn.execute("pragma foreign_keys = off")  # tables are dropped and refilled; checked whole below
    db.conn.execute("begin")
    shown = presentation.read(package.root)
    counts = dict(db.conn.execute("select resource, rows from package_resources"))
    for resource in package.resources:
        if resource["name"] not in changed:
            progress(f"loaded {resource['name']}: {counts[resource['name']]} rows (reused from the previous release)")
            continue
        db.conn.execute(f"drop table {quote(resource['name'])}")
        create_table(db, package, resource)
        count = insert_rows(db, package, resource)
        create_indexes(db, resource, shown["indexes"])
        progress(f"loaded {resource['name']}: {count} rows")
    broken = broken_references(db, package, changed)
    if broken:
        db.conn.execute("rollback")
        db.conn.close()
        raise ReferenceBroken(f"rows of {', '.join(broken)} refer to keys the changed resources no longer hold")
    registered = states.of_package(package)
    if changed & search_inputs(db, registered):
        for table in SEARCH_TABLES:
            db.conn.execute(f"drop table if exists {table}")
        search = Search(db, registered, scratch_path(temp), progress)
        try:
            search.finish()
        finally:
            search.stop()
        progress("rebuilt the search index")
    for (view,) in db.conn.execute("select name from sqlite_master where type = 'view'").fetchall():
        db.conn.execute(f"drop view {quote(view)}")
    create_views(db, shown["views"])
    statistics = previous_statistics(db, changed)
    for table in DESCRIPTION_TABLES:
        db.conn.execute(f"drop table if exists {table}")
    describe_package(db, package, keys, statistics, views=shown["views"])
    db.conn.execute("drop table changes")  # made anew: a previous release's may have fewer columns
    create_changes_table(db)
    record_schema(db.conn)
    db.conn.execute("commit")
    record_changes(db, package, previous, changed, progress)
    check_foreign_keys(db, reused={r["name"] for r in package.resources} - changed)
    db.conn.close()
    progress(f"reused the previous release's database; rebuilt {', '.join(sorted(changed)) or 'no resource'}")


class ReferenceBroken(CertdataError):
    """A reused resource refers to a key a changed resource no longer holds (validation reports it)."""


def broken_references(db, package, changed):
    """The reused resources with a foreign key into a changed resource that finds no row there: the
    check validation would make on their CSVs, made on their loaded tables (typed by the same readers)."""
    broken = []
    for resource in package.resources:
        if resource["name"] in changed:
            continue
        for fk in resource["schema"].get("foreignKeys", []):
            parent = fk["reference"]["resource"] or resource["name"]
            if parent not in changed:
                continue
            child = quote(resource["name"])
            pairs = list(zip(fk["fields"], fk["reference"]["fields"]))
            present = " or ".join(f"c.{quote(a)} is not null" for a, _ in pairs)
            match = " and ".join(f"p.{quote(b)} is c.{quote(a)}" for a, b in pairs)
            if db.conn.execute(f"select 1 from {child} c where ({present}) and not exists "
                               f"(select 1 from {quote(parent)} p where {match}) limit 1").fetchone():
                broken.append(resource["name"])
    return broken


# What a change of a resource forces to be rebuilt: the search tables, from the states' officers and agencies.
SEARCH_TABLES = ["people", "people_names", "people_fts", "name_vocabulary", "name_deletions", "agencies_fts"]
REUSE_LIMIT = 0.1  # above this share of the package's bytes changed, a full build (and VACUUM) is cheaper
# The code a table's content or its validation depends on: a change to any of it rebuilds everything.
BUILD_CODE = [Path(__file__).parent / name for name in ("load.py", "cells.py", "names.py", "nameindex.py", "presentation.py",
                                                          "package.py", "disclosure.py", "diff.py", "validate.py", "fastcheck.py")]
BUILD_CODE.append(Path(__file__).resolve().parent.parent / "plugins" / "search.py")


def reuse_keys(package):
    """{"*": key of the build code, presentation and package-wide descriptor, resource name: key of its
    CSV's bytes, its descriptor, the primary keys of the resources it references (its table declares a
    foreign key only to a primary key: create_table) and "*"}. Equal keys give equal tables."""
    everything = hashlib.sha256()
    for path in BUILD_CODE + sorted(s.path for s in states.of_package(package)) + [Path(package.root) / presentation.FILE]:
        everything.update(path.read_bytes() if path.exists() else b"-")
    overall = {k: v for k, v in package.descriptor.items() if k != "resources"}
    everything.update(json.dumps([overall, [r["name"] for r in package.resources], frictionless_version(),
                                  sqlite3.sqlite_version], sort_keys=True).encode())
    keys = {"*": everything.hexdigest()}
    for resource in package.resources:
        digest = hashlib.sha256(keys["*"].encode())
        digest.update(json.dumps(resource, sort_keys=True).encode())
        digest.update(file_sha256(package.path(resource)).encode())
        parents = {fk["reference"]["resource"] or resource["name"] for fk in resource["schema"].get("foreignKeys", [])}
        digest.update(json.dumps({name: key_fields(package.resource(name)["schema"]) for name in sorted(parents)
                                  if any(r["name"] == name for r in package.resources)}, sort_keys=True).encode())
        keys[resource["name"]] = digest.hexdigest()
    return keys


def frictionless_version():
    from importlib.metadata import version
    return version("frictionless")


KEY_PREFIX = "reuse_key:"


def reused_resources(package, previous, full=False):
    """The resources an incremental build takes from the previous release as they are (validated when
    that release was built): empty for a full build."""
    if full:
        return set()
    keys = reuse_keys(package)
    plan = reuse_plan(package, previous, keys)
    return set() if plan is None else {r["name"] for r in package.resources} - plan


def previous_keys(previous):
    """The reuse keys stored in a previous release database ({} when it has none or cannot be read)."""
    if not previous or not Path(previous).exists():
        return {}
    try:
        conn = sqlite3.connect(f"file:{previous}?mode=ro", uri=True)
        try:
            rows = conn.execute("select key, value from build_info where key like ?", [KEY_PREFIX + "%"]).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return {}
    return {k[len(KEY_PREFIX):]: v for k, v in rows}


SCHEMA_KEY = "schema_digest"


def schema_digest(conn):
    """SHA-256 of every object the database declares (type, name, table, SQL): what its build made."""
    rows = conn.execute("select type, name, tbl_name, coalesce(sql, '') from sqlite_master order by type, name").fetchall()
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def record_schema(conn):
    """Store the schema's digest in build_info, the build's last word (no object is made after it)."""
    conn.execute("insert or replace into build_info (key, value) values (?, ?)", [SCHEMA_KEY, schema_digest(conn)])


def schema_as_built(previous):
    """Whether the previous release database declares exactly the objects its build recorded: a table,
    view, index or trigger added since (by hand, or in a tampered or stale copy) is not carried forward."""
    try:
        conn = sqlite3.connect(f"file:{previous}?mode=ro", uri=True)
        try:
            stored = conn.execute("select value from build_info where key = ?", [SCHEMA_KEY]).fetchone()
            return stored is not None and stored[0] == schema_digest(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def changed_since(previous, keys):
    """The resources whose key differs from the previous release's (all of them without one)."""
    old = previous_keys(previous)
    return {name for name in keys if name != "*" and old.get(name) != keys[name]}


def reuse_plan(package, previous, keys):
    """The set of resources to rebuild on a copy of the previous database, or None for a full build:
    no previous release, other build code or presentation, other resources, a database that declares
    objects its build did not make, or too much changed."""
    old = previous_keys(previous)
    if not old or old.get("*") != keys["*"] or set(old) != set(keys) or not schema_as_built(previous):
        return None
    changed = changed_since(previous, keys)
    total = sum(package.path(r).stat().st_size for r in package.resources) or 1
    if sum(package.path(r).stat().st_size for r in package.resources if r["name"] in changed) > REUSE_LIMIT * total:
        return None
    return changed


def search_inputs(db, registered):
    """The tables the search is built from: every table the states' SEARCH_SQL reads, and agencies
    (asked of SQLite, which names each table a statement reads when it prepares it)."""
    read = {"agencies"}

    def note(action, table, *_):
        if action == sqlite3.SQLITE_READ and table:
            read.add(table)
        return sqlite3.SQLITE_OK
    db.conn.set_authorizer(note)
    try:
        for state in registered:
            db.conn.execute(f"explain {state.SEARCH_SQL}").fetchall()
    finally:
        db.conn.set_authorizer(None)
    return read


def create_table(db, package, resource):
    """A table typed from the Table Schema, with its primary key (none, one or several fields) and
    foreign keys (composite ones whole). A foreign key is declared to SQLite only where the fields it
    references are the referenced table's primary key (SQLite requires a unique parent key); validation
    has checked every foreign key already. Checked at commit, so that tables load in any order."""
    schema = resource["schema"]
    keys = {name: key_fields(r["schema"]) for name, r in ((r["name"], r) for r in package.resources)}
    columns = []
    for field in fields(resource):
        sql_type = {int: "INTEGER", float: "REAL", str: "TEXT"}[SQL_TYPES.get(field.get("type"), str)]
        not_null = " NOT NULL" if field.get("constraints", {}).get("required") else ""
        columns.append(f"{quote(field['name'])} {sql_type}{not_null}")
    if key_fields(schema):
        columns.append(f"PRIMARY KEY ({', '.join(map(quote, key_fields(schema)))})")
    for fk in schema.get("foreignKeys", []):
        parent = fk["reference"]["resource"] or resource["name"]
        if keys.get(parent) and list(fk["reference"]["fields"]) == keys[parent]:
            columns.append(f"FOREIGN KEY ({', '.join(map(quote, fk['fields']))}) REFERENCES {quote(parent)} "
                           f"({', '.join(map(quote, fk['reference']['fields']))}) DEFERRABLE INITIALLY DEFERRED")
    db.conn.execute(f"CREATE TABLE {quote(resource['name'])} (\n   " + ",\n   ".join(columns) + "\n)")


def key_fields(schema):
    """The primary key's field names as a list (empty when the schema declares none)."""
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def quote(name):
    """An SQL identifier in brackets-free double quotes (safe for any field name)."""
    return '"' + name.replace('"', '""') + '"'


def create_indexes(db, resource, indexes):
    """Indexes on the columns people filter, facet or sort by, as data/presentation.yml lists them
    (built after the rows are in: faster)."""
    composite = [columns for columns in indexes["composite"].get(resource["name"], [])
                 if set(columns) <= {f["name"] for f in fields(resource)}]
    leading = set(key_fields(resource["schema"])[:1]) | {columns[0] for columns in composite}
    names = {f["name"] for f in fields(resource)} & set(indexes["columns"]) - leading  # a leading column is indexed already
    for name in sorted(names):
        db[resource["name"]].create_index([name])
    for columns in composite:
        db[resource["name"]].create_index(columns)


def converters(resource):
    """Per-field functions turning a CSV string into the SQLite value (None for missing), read by
    ``cells`` as validation read them; None for plain text where only "" is missing (made NULL in SQL)."""
    out = []
    for field in fields(resource):
        missing = missing_values(resource, field)
        kind = field.get("type", "string")
        if cells.spec_read(field):  # a format or signs of the field's own: read as frictionless reads them
            read = cells.spec_reader(field)
        else:
            read = cells.reader(field) if kind in ("integer", "number", "boolean") and cells.strict(field) else str
        if kind == "boolean":
            read = lambda v, read=read: int(read(v))
        if read is str and missing == {""}:
            out.append(None)
        else:
            out.append(lambda v, read=read, missing=missing: None if v in missing else read(v))
    return out


def read_csv(path, resource):
    """Rows of a CSV as lists of strings, header skipped, read with the resource's dialect (a cell longer
    than cells.MAX_CELL_CHARS stops it: the validation running beside the load reports it)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, **csv_options(resource))
        next(reader, None)
        yield from reader


def insert_rows(db, package, resource):
    """Insert every row of the resource's CSV; returns the row count. Plain text cells go to SQLite as
    read ("" made NULL by the statement, in C); only the other fields are converted in Python."""
    names = [f["name"] for f in fields(resource)]
    convert = converters(resource)
    converted = [(i, c) for i, c in enumerate(convert) if c is not None]
    values = ", ".join("?" if c is not None else "nullif(?, '')" for c in convert)
    sql = f"insert into {quote(resource['name'])} ({', '.join(map(quote, names))}) values ({values})"
    width, batch, count = len(names), [], 0
    for row in read_csv(package.path(resource), resource):
        if not "".join(row).strip():  # a blank row (every cell empty or spaces) is skipped
            continue
        if len(row) > width:
            row = row[:width]
        for i, c in converted:
            if i < len(row):
                row[i] = c(row[i])
        batch.append(row)
        if len(batch) >= BATCH:
            db.conn.executemany(sql, batch)
            count, batch = count + len(batch), []
    db.conn.executemany(sql, batch)
    return count + len(batch)


def name_terms(name):
    """Search terms of a name, space-separated: its folded words, the apostrophe split forms
    ("o brien" beside "obrien") and the joined forms ("smithjones", "deleon")."""
    return name_keys(name)[0].strip()


def agency_terms(name):
    """An agency's search terms: its name's, with the other forms of its words (names.agency_other_forms)."""
    terms = name_terms(name)
    return " ".join([terms, *agency_other_forms(terms)])


# Above this many officers, names are parsed in worker processes (``nameindex``); a process costs a
# tenth of a second to start. CERTDATA_NAME_WORKERS_ABOVE sets another threshold (0: always).
NAME_WORKERS_ABOVE = 200_000


class Search:
    """The search over every state's officers (``people``, one row each: each state's module says
    which), its name index, and the agency search. The name index is kept apart from ``people``
    (which users see): ``people_names`` holds each name parsed once (``nameindex``), ``people_fts``
    indexes its terms alone (agency words never dilute a name), and ``name_vocabulary`` /
    ``name_deletions`` serve the typo-tolerant layer. A state whose ``SEARCH_SQL`` also selects
    ``surname`` (and ``given_names``) has its names keyed by those parts where they are filled, and one that selects
    ``other_names`` (names joined by U+001F) has each officer found by the other names their records hold too.

    Built in two steps, so that the caller may work between them while a worker process parses a
    large release's names: creating it writes ``people`` and starts the parsing (it commits the
    caller's transaction and opens another); ``finish`` writes the rest. ``stop`` ends the worker if
    the build fails between them."""

    NAMES_SQL = ("select p.rowid, p.officer_name, n.surname, n.given_names from people p "
                 "left join temp.name_parts n on n.rowid = p.rowid order by p.rowid")

    def __init__(self, db, states, scratch, progress=print):
        self.db, self.worker = db, None
        conn = db.conn
        conn.execute("""create table people (
            person_id text not null unique, state text not null, officer_name text not null,
            license_status text, agency_id text, agency_name text, detail text)""")
        conn.execute("create temp table name_parts (rowid integer primary key, surname text, given_names text)")
        conn.execute("create temp table other_names (rowid integer primary key, names text not null)")
        for k, state in enumerate(states):
            try:
                state_search_rows(db, state, k)
            except sqlite3.Error as error:  # SQLite's words name the SQL, never a value
                raise StateError(f"state module {state.path}: its SEARCH_SQL does not run on the database "
                                 f"({error})") from None
        officers = conn.execute("select count(*) from people").fetchone()[0]
        threshold = os.environ.get("CERTDATA_NAME_WORKERS_ABOVE", "")
        if officers > (int(threshold) if threshold.isdigit() else NAME_WORKERS_ABOVE):
            conn.execute("commit")  # ATTACH needs no open transaction; the build's file is a temporary one
            self.worker = nameindex.Workers(conn, self.NAMES_SQL, scratch)
            conn.execute("begin")
            progress(f"parsing {officers:,} officers' names in {len(self.worker.processes)} worker process(es)")
        for column in ("state", "license_status", "agency_id", "officer_name"):
            conn.execute(f"create index idx_people_{column} on people ({column})")

    def finish(self):
        """The name index, its full-text index and the agency search (the caller's transaction stays open)."""
        conn = self.db.conn
        if self.worker:
            conn.execute("commit")
            self.worker.finish()
            conn.execute("begin")
        else:
            nameindex.create_tables(conn)
            nameindex.write_index(conn.execute(self.NAMES_SQL), conn)
        nameindex.add_other_names(conn, conn.execute("select rowid, names from temp.other_names order by rowid"))
        conn.execute(f"create virtual table people_fts using fts5(terms, content='people_names', {FTS_OPTIONS})")
        conn.execute(f"insert into people_fts (people_fts, rank) values ('hashsize', {FTS_HASH_BYTES})")
        conn.execute("insert into people_fts (rowid, terms) select rowid, terms from people_names")
        conn.execute(f"create virtual table agencies_fts using fts5(agency_terms, content='', {FTS_OPTIONS})")
        conn.executemany("insert into agencies_fts (rowid, agency_terms) values (?, ?)",
                         ((rowid, agency_terms(name)) for rowid, name in conn.execute("select rowid, agency_name from agencies").fetchall()))

    def stop(self):
        if self.worker:
            self.worker.stop()


def state_search_rows(db, state, k):
    """One state's rows of ``people`` (rowids from k * STATE_ROWIDS), and its names' parts if it gives them."""
    db.conn.execute(f"""insert into people (rowid, person_id, state, officer_name, license_status, agency_id, agency_name, detail)
        select {k * STATE_ROWIDS} + s.n, ? || '/' || s.person_key, ?, s.officer_name, s.license_status, s.agency_id,
               a.agency_name, s.detail
        from ({state.SEARCH_SQL}) s left join agencies a on a.agency_id = s.agency_id order by s.n""",
                    [state.ROUTE, state.CODE])
    columns = [c[0] for c in db.conn.execute(f"select * from ({state.SEARCH_SQL}) limit 0").description]
    if "other_names" in columns:  # the other names the officer's records hold (separated by U+001F): found too
        db.conn.execute(f"insert into temp.other_names select {k * STATE_ROWIDS} + s.n, s.other_names "
                        f"from ({state.SEARCH_SQL}) s where coalesce(s.other_names, '') != ''")
    if "surname" in columns:  # the name's parts, where the state's release gives them
        given = "s.given_names" if "given_names" in columns else "null"
        db.conn.execute(f"insert into temp.name_parts select {k * STATE_ROWIDS} + s.n, s.surname, {given} "
                        f"from ({state.SEARCH_SQL}) s where coalesce(s.surname, '') != ''")


def create_views(db, views):
    """The views users need, as data/presentation.yml defines them."""
    for name, sql in views.items():
        db.create_view(name, " ".join(sql.split()))


def describe_package(db, package, keys, statistics=None, views=()):
    """Tables describing the package: resources, fields with disclosure and statistics (blank rows,
    distinct values, top values: computed here once, so that the documentation need not read the rows;
    taken from statistics, {(resource, field): (blank, distinct, top)}, where given), build info,
    the reuse keys of the next incremental build and, while any resource is a synthetic sample, the
    synthetic_sample table naming each with its warning, and each table and view made from the rows (views:
    those of data/presentation.yml) with the derived notice (the file travels without the site)."""
    statistics = dict(statistics or {})
    for resource in package.resources:
        if not all((resource["name"], f["name"]) in statistics for f in fields(resource)):
            statistics.update(field_statistics(db, resource))
    db["package_resources"].insert_all(
        ({"resource": r["name"], "title": labelled(r)[0], "description": labelled(r)[1],
          "synthetic_sample": 1 if r.get("pcr:synthetic") else 0, "request_id": r.get("pcr:request"),
          "received": r.get("pcr:received"),
          "rows": db[r["name"]].count, "sha256": file_sha256(package.path(r)), "path": r["path"]}
         for r in package.resources), pk="resource")
    statutes = disclosure.citations(package)
    db.conn.execute("""create table package_fields (resource text, field text, position integer, title text, type text,
        description text, disclosure_grounds text, disclosure text, blank_rows integer, distinct_values integer,
        top_values text, primary key (resource, field))""")
    db.conn.executemany("insert into package_fields values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
        (r["name"], f["name"], i, f.get("title"), f.get("type", "string"), f.get("description"),
         disclosure.kinds_text(f), disclosure.summary(f, statutes), *statistics[r["name"], f["name"]])
        for r in package.resources for i, f in enumerate(fields(r), start=1)))
    info = {"package_name": package.descriptor["name"], "package_version": package.version,
            "package_created": package.descriptor["created"],
            "synthetic_resources": json.dumps(package.synthetic_resources())}
    info.update({KEY_PREFIX + name: key for name, key in keys.items()})
    db["build_info"].insert_all(({"key": k, "value": v} for k, v in info.items()), pk="key")
    if package.synthetic_resources():
        db.conn.execute("create table synthetic_sample (resource text primary key, notice text not null)")
        db.conn.executemany("insert into synthetic_sample values (?, ?)",
                            [(name, SAMPLE_WARNING) for name in package.synthetic_resources()]
                            + [(name, derived_sample_notice(package.synthetic_resources())) for name in derived_tables(views)])


TOP_VALUES = 20  # enough for every value of a code column (statuses, classes): counted once, at the load


def field_statistics(db, resource):
    """{(resource, field): (blank rows, distinct values, the TOP_VALUES most frequent values with their
    counts, as JSON: all of them when there are no more) } of one loaded table:
    the blank counts in one scan, a unique field's distinct count is its non-blank count, and the other
    fields' distinct and top values are read from their indexes where they have one."""
    table, names = resource["name"], [f["name"] for f in fields(resource)]
    key = key_fields(resource["schema"])
    unique = {f["name"] for f in fields(resource) if f.get("constraints", {}).get("unique")} | (set(key) if len(key) == 1 else set())
    counts = db.conn.execute(f"select count(*), {', '.join(f'count({quote(n)})' for n in names)} from {quote(table)}").fetchone()
    rows, out = counts[0], {}
    for name, present in zip(names, counts[1:]):
        column = quote(name)
        distinct = present if name in unique else db.conn.execute(f"select count(distinct {column}) from {quote(table)}").fetchone()[0]
        top = db.conn.execute(f"select {column}, count(*) from {quote(table)} where {column} is not null "
                              f"group by 1 order by 2 desc, 1 limit {TOP_VALUES}").fetchall() if distinct and distinct < rows else []
        out[table, name] = (rows - present, distinct, json.dumps([[str(v), n] for v, n in top], ensure_ascii=False))
    return out


def value_counts(conn, table, field, blank=None, limit=None):
    """[{field: value, "n": rows}] of a field of a built database, most frequent first (the first
    ``limit`` of them, if given): from the load's statistics when they hold those values (no scan of
    the rows), else counted. Blank rows appear under the value ``blank``, or not at all when it is None."""
    stats = conn.execute("select blank_rows, distinct_values, top_values from package_fields "
                         "where resource = ? and field = ?", [table, field]).fetchone()
    top = json.loads(stats[2]) if stats and stats[2] is not None else None
    if top is not None and (len(top) == stats[1] or (blank is None and limit is not None and len(top) >= limit)):
        pairs = [tuple(pair) for pair in top] + ([(blank, stats[0])] if blank is not None and stats[0] else [])
    else:
        column = quote(field)
        pairs = conn.execute(f"select {column}, count(*) from {quote(table)} "
                             f"{'' if blank is not None else f'where {column} is not null '}group by 1").fetchall()
        pairs = [(blank if v is None else str(v), n) for v, n in pairs]
    return [{field: v, "n": n} for v, n in sorted(pairs, key=lambda pair: (-pair[1], pair[0]))][:limit]


def previous_statistics(db, changed):
    """The field statistics of the resources that did not change, from the copied database."""
    rows = db.conn.execute("select resource, field, blank_rows, distinct_values, top_values from package_fields")
    return {(r, f): (b, d, t) for r, f, b, d, t in rows if r not in changed}


def create_changes_table(db):
    """The changes table, empty until a previous release is compared."""
    db.conn.execute("create table changes (change_id integer primary key, resource text, row_id text, change text, "
                    "field text, old_value text, new_value text, kind text, "
                    + ", ".join(f"{c} text" for c in diff.SHOWN_COLUMNS) + ")")
    for column in ("resource", "kind", "row_id"):
        db.conn.execute(f"create index idx_changes_{column} on changes ({column})")
    create_retired_agencies(db.conn)


RETIRED_AGENCIES = ("create table if not exists retired_agencies (agency_id text primary key, state text not null, "
                    "agency_name text, last_version text not null)")


def create_retired_agencies(conn):
    """The agencies an earlier release listed and this one does not (empty until a previous release is compared)."""
    conn.execute(RETIRED_AGENCIES)


def carry_retired_agencies(conn, package):
    """With the previous release attached as ``old``: retired_agencies holds every agency a real release listed
    before and this one does not (the previous release's own list carried on, and the agencies it listed that are
    gone now, with its version as the last to list them), so that a cited /agency/ address says what became of it
    (a walk: an agency dropped from a release answered a bare "Page not found"). An agency of a state whose records
    were a synthetic sample in the previous release was no real agency: not kept. A name the name checks refuse now
    (published by mistake) is kept as [withheld]."""
    create_retired_agencies(conn)
    old_tables = {r[0] for r in conn.execute("select name from old.sqlite_master where type = 'table'")}
    if "retired_agencies" in old_tables:
        conn.execute("insert or ignore into retired_agencies select agency_id, state, agency_name, last_version "
                     "from old.retired_agencies")
    if {"agencies", "package_resources", "build_info"} <= old_tables:
        was_sample = dict(conn.execute("select resource, synthetic_sample from old.package_resources"))
        sample_states = {s.CODE for s in states.of_package(package) if was_sample.get(s.OFFICERS, 1)}
        version = (conn.execute("select value from old.build_info where key = 'package_version'").fetchone() or ["?"])[0]
        gone = conn.execute("select agency_id, state, agency_name from old.agencies "
                            "where agency_id not in (select agency_id from main.agencies)").fetchall()
        conn.executemany("insert or ignore into retired_agencies values (?, ?, ?, ?)",
                         [(agency, state, "[withheld]" if name and text_refused(name) else name, f"package version {version}")
                          for agency, state, name in gone if state not in sample_states])
    conn.execute("delete from retired_agencies where agency_id in (select agency_id from main.agencies)")


def record_changes(db, package, previous, changed, progress):
    """Fill the changes table with what changed since the previous release database, if any, in the
    resources whose reuse key changed (the others hold the same rows by construction).
    (ATTACH is not allowed inside the load's transaction, so this is a second one.)"""
    if not previous or not Path(previous).exists():
        return
    readable_release(previous, "the build compares with the previous release to list what changed: restore it "
                               "from the live release, or move site/ aside to build without a comparison")
    db.conn.execute("attach database ? as old", [f"file:{previous}?mode=ro"])
    db.conn.execute("begin")
    compared = [r["name"] for r in package.resources if r["name"] in changed]
    # a resource whose previous release was a synthetic sample (or is one now) is a first release: its rows are not
    # compared with the sample's (the walk: every Revoked officer of the first real roster was "newly decertified")
    was_sample = dict(db.conn.execute("select resource, synthetic_sample from old.package_resources"))
    first = [r for r in compared if r in was_sample and bool(was_sample[r]) != bool(package.resource(r).get(SYNTHETIC))]
    db.conn.execute("insert or replace into build_info values ('replaced_samples', ?)", [json.dumps(first)])
    # the release compared with, by its version: with none, the changes page says there was nothing to compare
    # (a walk: a fresh clone's first build said "No changes", as if the data were the same)
    db.conn.execute("insert or replace into build_info select 'compared_with', value from old.build_info "
                    "where key = 'package_version'")
    changes = withheld_old_values(db.conn, package, diff.compute_changes(db.conn, [r for r in compared if r not in first],
                                                                         states.of_package(package)))
    carried = not changes and same_release(db.conn, package)  # (a database not reused is compared whole)
    if carried:
        carried = carry_changes(db.conn)
    columns = diff.CHANGE_COLUMNS + diff.SHOWN_COLUMNS
    db.conn.executemany(f"insert into changes ({', '.join(columns)}) values ({', '.join(':' + c for c in columns)})",
                        [{c: change.get(c) for c in columns} for change in changes])
    problems = identifier_problems(db, package, compared)
    carry_retired_agencies(db.conn, package)
    db.conn.execute("commit")
    db.conn.execute("detach database old")
    if problems:
        raise IdentifiersReassigned(problems)
    progress(f"the previous release is this one with the same data: its {carried} change(s) are kept" if carried is not False
             else f"compared with the previous release: {len(changes)} change(s)")


def same_release(conn, package):
    """Whether the previous release (attached as ``old``) is this package's version: the same release rebuilt (a push
    that changed the documentation or the code only; the release check refuses changed data under the live version)."""
    row = conn.execute("select value from old.build_info where key = 'package_version'").fetchone() if (
        conn.execute("select 1 from old.sqlite_master where type = 'table' and name = 'build_info'").fetchone()) else None
    return bool(row) and row[0] == str(package.version)


def carry_changes(conn):
    """Copy the previous build's changes and what it compared with (with the previous release attached as ``old``):
    a rebuild of the same release lists what that release changed, not the nothing between it and itself (a trial
    after the sixteenth: a documentation-only push emptied the changes page and took a revocation off the feed).
    Returns how many changes were kept. A value the name checks now refuse was withheld by the build that recorded it,
    and a value the checks refuse now (they grow stricter) is withheld here, with the row's other names."""
    tables = {r[0] for r in conn.execute("select name from old.sqlite_master where type = 'table'")}
    if "changes" not in tables:
        return 0
    old_columns = {r[1] for r in conn.execute("pragma old.table_info(changes)")}
    columns = [c for c in diff.CHANGE_COLUMNS + diff.SHOWN_COLUMNS if c in old_columns]
    listed = ", ".join(columns)
    conn.execute(f"insert into changes ({listed}) select {listed} from old.changes order by change_id")
    conn.execute("delete from build_info where key in ('compared_with', 'replaced_samples')")
    conn.execute("insert into build_info select key, value from old.build_info where key in ('compared_with', 'replaced_samples')")
    for change_id, name, *shown in conn.execute("select change_id, officer_name, old_value, old_shown, new_shown "
                                                "from changes").fetchall():
        if any(value and free_text_problem(value) for value in shown) or (name and person_name_refused(name)):
            conn.execute("update changes set old_value = ?, old_shown = ?, new_shown = ?, officer_name = ? "
                         "where change_id = ?", [WITHHELD] * 4 + [change_id])
    return conn.execute("select count(*) from changes").fetchone()[0]


WITHHELD = diff.WITHHELD


def withheld_old_values(conn, package, changes):
    """The changes (with the previous release attached as ``old``), each previous value that its field's pattern
    now refuses (a date of birth or an e-mail address in a name, published by mistake and corrected) replaced by
    WITHHELD, and so is the key of a removed row that held one (an agency's identifier is made from its name): the
    changes table had republished them in the release that took them out (the twelfth attack run)."""
    matchers = {(resource["name"], field["name"]): cells.pattern_matcher(field)
                for resource in package.resources for field in resource["schema"]["fields"]}

    def refused(resource, column, value):
        matcher = matchers.get((resource, column))
        return bool(matcher and isinstance(value, str) and value and not matcher(value))
    keys, withheld_keys = {}, set()
    for change in changes:
        if change["change"] == "removed":
            table = change["resource"]
            key = keys.setdefault(table, diff.primary_key(conn, "old", table))
            cursor = conn.execute(f"select * from old.[{table}] where [{key}] = ?", [change["row_id"]])
            row = cursor.fetchone()
            if row and any(refused(table, column[0], value) for column, value in zip(cursor.description, row)):
                withheld_keys.add(change["row_id"])
                change.update(row_id=WITHHELD, officer_id=None, officer_name=None, old_shown=None)
        elif refused(change["resource"], change["field"], change["old_value"]):
            change["old_value"] = WITHHELD
    for change in changes:  # a withheld key where another table names it (an officer's old agency_id)
        if change["old_value"] in withheld_keys:
            change["old_value"] = WITHHELD
        if change["old_value"] == WITHHELD and change.get("old_shown"):  # its name as the old release showed it
            change["old_shown"] = WITHHELD
    return changes


class IdentifiersReassigned(CertdataError):
    """The release would give a published officer identifier to another record (``problems``: the report's rows)."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} officer identifier(s) would change record")
        self.problems = problems


def identifier_problems(db, package, compared):
    """The problems each state whose officers changed finds with its identifiers against the previous release
    (its module's ``id_problems``, run with the previous database attached as ``old``), as report rows. A
    synthetic sample's identifiers, on either side, are nobody's: they are not checked."""
    problems = []
    for state in states.of_package(package):
        if {state.OFFICERS, state.get("RETIRED")} & set(compared) and state.get("id_problems") and not package.resource(state.OFFICERS).get(SYNTHETIC) \
                and db.conn.execute("select 1 from old.package_resources where resource = ? and not synthetic_sample",
                                    [state.OFFICERS]).fetchone():
            confirmed = package.resource(state.OFFICERS).get(SAME_OFFICER)  # the agency's confirmations, at the import
            found = state.id_problems(db.conn, confirmed=confirmed) if confirmed else state.id_problems(db.conn)
            for row, field, kind, message, *resource in found:  # the resource, when not the officers'
                problems.append(Problem(package.resource(resource[0] if resource else state.OFFICERS)["path"], row, field, kind, message))
    return problems


class ReleaseUnreadable(CertdataError):
    """A release database the command needs cannot be read."""


def readable_release(path, advice):
    """Raise ReleaseUnreadable (with advice) unless path is a readable SQLite database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.execute("select count(*) from sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise ReleaseUnreadable(f"{path}: the release database cannot be read ({error}); {advice}") from None


def check_foreign_keys(db, reused=frozenset()):
    """Fail loudly if the database holds a dangling foreign key (validation should prevent it). reused:
    tables taken as they were from a release whose build checked them, not checked again (a reused
    table's keys into a changed one are ``broken_references``' check)."""
    if not reused:
        dangling = db.conn.execute("pragma foreign_key_check").fetchall()
    else:
        tables = [name for (name,) in db.conn.execute("select name from sqlite_master where type = 'table'")
                  if name not in reused]
        dangling = [row for name in tables for row in db.conn.execute(f"pragma foreign_key_check({quote(name)})")]
    if dangling:
        raise RuntimeError(f"foreign key check failed in the database: {dangling[:5]}")


_DIGESTS = {}


def forget_digests():
    """Start a build with no remembered digest (files may have changed since the last one)."""
    _DIGESTS.clear()


def file_sha256(path):
    """SHA-256 of a file, hex; remembered for the build's life while the file's size, time and inode hold
    (a build hashes each CSV for its reuse key, its table's row and the release descriptor)."""
    remembered = (os.path.realpath(path), *stamp_of(os.stat(path)))
    if remembered in _DIGESTS:
        return _DIGESTS[remembered]
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    _DIGESTS[remembered] = digest
    return digest


class EarlyCopy:
    """A copy of a file (the previous release's database) into target, made by the kernel on a thread
    from the start of a build, beside the checks that decide whether the build is incremental (the
    copy of 800 MB takes about a second). ``take`` gives the copy once whole, ``drop`` ends and removes
    it; either must be called."""
    CHUNK = 64 * 1024 * 1024  # bytes per sendfile: how soon a drop stops the copy

    def __init__(self, source, target):
        import threading
        self.source, self.target = Path(source), Path(target)
        self.stamp = file_stamp(self.source)
        self.whole = False
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.copy, daemon=True)
        self.thread.start()

    def copy(self):
        try:
            with open(self.source, "rb") as source, open(self.target, "wb") as target:
                size, offset = os.fstat(source.fileno()).st_size, 0
                while offset < size and not self.stopping.is_set():
                    sent = os.sendfile(target.fileno(), source.fileno(), offset, min(self.CHUNK, size - offset))
                    if not sent:
                        break
                    offset += sent
            self.whole = offset == size
        except OSError:  # the build copies again itself
            self.whole = False

    def take(self, source):
        """The copy's path if it is a whole copy of source as source is now (else None, and dropped)."""
        self.thread.join()
        if self.whole and Path(source) == self.source and file_stamp(self.source) == self.stamp:
            return self.target
        return self.drop()

    def drop(self):
        """Stop and remove the copy; None."""
        self.stopping.set()
        self.thread.join()
        self.target.unlink(missing_ok=True)


def file_stamp(path, follow_links=True):
    """What changes when a file is rewritten or replaced: size, modification and change times, inode
    (None when it is gone). Without follow_links, a link's own (a link replaced by another has another
    inode and change time)."""
    try:
        return stamp_of(os.stat(path) if follow_links else os.lstat(path))
    except OSError:
        return None


def stamp_of(stat):
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def digest_in_background(path):
    """Start hashing a file that is no longer written (the built database) on a thread, beside what the
    build does next (hashlib releases the GIL); returns a function giving the hex digest (its exception
    if hashing failed)."""
    import threading
    result = {}

    def work():
        try:
            with open(path, "rb") as handle:
                result["digest"] = hashlib.file_digest(handle, "sha256").hexdigest()
        except BaseException as error:  # raised in the caller when it asks for the digest
            result["error"] = error
    thread = threading.Thread(target=work, daemon=True)
    thread.start()

    def digest():
        thread.join()
        if "error" in result:
            raise result["error"]
        return result["digest"]
    return digest
