"""Load: the validated package into one SQLite database.

Takes: a ``Package`` that passed validation and the guard. Gives: a SQLite file
with one table per resource (columns typed from the schema, primary and foreign
keys, indexes on the columns people filter by), full-text search over officer
and agency names, the views users need, and tables describing the package
itself. Built in a temporary file inside one transaction and moved into place;
the same inputs give the same bytes (timestamps come from the package).
"""
import csv
import hashlib
import json
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from . import cells, diff, disclosure, presentation, states
from .cells import missing_values
from .errors import CertdataError
from .names import FUZZY_LENGTHS, deletions, name_keys
from .states import StateError
from .package import csv_options, fields

SQL_TYPES = {"integer": int, "number": float, "boolean": int, "string": str, "date": str, "datetime": str,
             "year": int, "yearmonth": str, "time": str}
BATCH = 50_000
FTS_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'"  # detail=full: Datasette's _search sends phrases
STATE_ROWIDS = 1 << 40  # people rows of the k-th state are k * STATE_ROWIDS + its n: the first keeps its table's rowids


def build_database(package, target, progress=print, previous=None):
    """Build the database at target (atomically replaced), with a changes table against
    the previous release database when one is given. Returns target."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(target.name + ".tmp")
    temp.unlink(missing_ok=True)
    db = sqlite_utils.Database(temp)
    db.conn.execute("pragma journal_mode = off")
    db.conn.execute("pragma synchronous = off")
    db.conn.execute("pragma foreign_keys = on")
    db.conn.isolation_level = None
    db.conn.execute("begin")
    for resource in package.resources:  # every table first: a foreign key may name a later resource
        create_table(db, package, resource)
    shown = presentation.read(package.root)
    for resource in package.resources:
        count = insert_rows(db, package, resource)
        create_indexes(db, resource, shown["indexes"])
        progress(f"loaded {resource['name']}: {count} rows")
    create_search(db, states.of_package(package))
    create_views(db, shown["views"])
    presentation.check_sql(db.conn, shown)  # a broken view or query, a state's query: named before anything is published
    states.check_sql(db.conn, states.of_package(package))
    describe_package(db, package)
    create_changes_table(db)
    db.conn.execute("commit")
    record_changes(db, package, previous, progress)
    check_foreign_keys(db)
    db.conn.execute("vacuum")
    db.conn.close()
    os.replace(temp, target)
    return target


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
    names = {f["name"] for f in fields(resource)} & set(indexes["columns"]) - set(key_fields(resource["schema"])[:1])
    for name in sorted(names):
        db[resource["name"]].create_index([name])
    for columns in indexes["composite"].get(resource["name"], []):
        if set(columns) <= {f["name"] for f in fields(resource)}:
            db[resource["name"]].create_index(columns)


def converters(resource):
    """Per-field functions turning a CSV string into the SQLite value (None for missing), read by
    ``cells`` as validation read them; None for plain text where only "" is missing (done inline)."""
    out = []
    for field in fields(resource):
        missing = missing_values(resource, field)
        kind = field.get("type", "string")
        read = cells.reader(field) if kind in ("integer", "number", "boolean") and cells.strict(field) else str
        if kind == "boolean":
            read = lambda v, read=read: int(read(v))
        if read is str and missing == {""}:
            out.append(None)
        else:
            out.append(lambda v, read=read, missing=missing: None if v in missing else read(v))
    return out


def read_csv(path, resource):
    """Rows of a CSV as lists of strings, header skipped, read with the resource's dialect."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, **csv_options(resource))
        next(reader, None)
        yield from reader


def insert_rows(db, package, resource):
    """Insert every row of the resource's CSV; returns the row count."""
    names = [f["name"] for f in fields(resource)]
    convert = converters(resource)
    sql = f"insert into {quote(resource['name'])} ({', '.join(map(quote, names))}) values ({', '.join('?' * len(names))})"
    batch, count = [], 0
    for row in read_csv(package.path(resource), resource):
        if not any(cell.strip() for cell in row):
            continue
        batch.append([(v or None) if c is None else c(v) for c, v in zip(convert, row)])
        if len(batch) >= BATCH:
            db.conn.executemany(sql, batch)
            count, batch = count + len(batch), []
    db.conn.executemany(sql, batch)
    return count + len(batch)


def name_terms(name):
    """Search terms of a name, space-separated: its folded words, the apostrophe split forms
    ("o brien" beside "obrien") and the joined forms ("smithjones", "deleon")."""
    return name_keys(name)[0].strip()


def create_search(db, states):
    """The search over every state's officers (``people``, one row each: each state's module says
    which), its name index, and the agency search. The name index is kept apart from ``people``
    (which users see): ``people_names`` holds each name parsed once (terms, joined surname, given
    names), ``people_fts`` indexes the terms alone (agency words never dilute a name), and
    ``name_vocabulary`` / ``name_deletions`` map every name word of 4 to 32 letters
    from each of its one-letter deletions, for the typo-tolerant layer. A state whose ``SEARCH_SQL``
    also selects ``surname`` (and ``given_names``) has its names keyed by those parts where they are filled."""
    db.conn.execute("""create table people (
        person_id text not null unique, state text not null, officer_name text not null,
        license_status text, agency_id text, agency_name text, detail text)""")
    db.conn.execute("create temp table name_parts (rowid integer primary key, surname text, given_names text)")
    for k, state in enumerate(states):
        try:
            state_search_rows(db, state, k)
        except sqlite3.Error as error:  # SQLite's words name the SQL, never a value
            raise StateError(f"state module {state.path}: its SEARCH_SQL does not run on the database "
                                    f"({error})") from None
    for column in ("state", "license_status", "agency_id", "officer_name"):
        db.conn.execute(f"create index idx_people_{column} on people ({column})")
    create_name_index(db)
    db.conn.execute(f"create virtual table agencies_fts using fts5(agency_terms, content='', {FTS_OPTIONS})")
    db.conn.executemany("insert into agencies_fts (rowid, agency_terms) values (?, ?)",
                        ((rowid, name_terms(name)) for rowid, name in db.conn.execute("select rowid, agency_name from agencies").fetchall()))


def state_search_rows(db, state, k):
    """One state's rows of ``people`` (rowids from k * STATE_ROWIDS), and its names' parts if it gives them."""
    db.conn.execute(f"""insert into people (rowid, person_id, state, officer_name, license_status, agency_id, agency_name, detail)
        select {k * STATE_ROWIDS} + s.n, ? || '/' || s.person_key, ?, s.officer_name, s.license_status, s.agency_id,
               a.agency_name, s.detail
        from ({state.SEARCH_SQL}) s left join agencies a on a.agency_id = s.agency_id order by s.n""",
                    [state.ROUTE, state.CODE])
    columns = [c[0] for c in db.conn.execute(f"select * from ({state.SEARCH_SQL}) limit 0").description]
    if "surname" in columns:  # the name's parts, where the state's release gives them
        given = "s.given_names" if "given_names" in columns else "null"
        db.conn.execute(f"insert into temp.name_parts select {k * STATE_ROWIDS} + s.n, s.surname, {given} "
                        f"from ({state.SEARCH_SQL}) s where coalesce(s.surname, '') != ''")


def create_name_index(db):
    """people_names, people_fts and the typo index, each name parsed exactly once."""
    db.conn.execute("create table people_names (rowid integer primary key, terms text not null, "
                    "surname_key text not null, given_key text not null)")
    vocabulary = {}
    rows = db.conn.execute("select p.rowid, p.officer_name, n.surname, n.given_names from people p "
                           "left join temp.name_parts n on n.rowid = p.rowid order by p.rowid")
    while True:
        batch = rows.fetchmany(BATCH)
        if not batch:
            break
        keyed = [(rowid, *name_keys(name, surname, given)) for rowid, name, surname, given in batch]
        for _, terms, _, _ in keyed:
            for word in terms.split():
                vocabulary[word] = vocabulary.get(word, 0) + 1
        db.conn.executemany("insert into people_names values (?, ?, ?, ?)", keyed)
    db.conn.execute(f"create virtual table people_fts using fts5(terms, content='people_names', {FTS_OPTIONS})")
    db.conn.execute("insert into people_fts (rowid, terms) select rowid, terms from people_names")
    db.conn.execute("create table name_vocabulary (word text primary key, n integer not null) without rowid")
    db.conn.executemany("insert into name_vocabulary values (?, ?)", sorted(vocabulary.items()))
    db.conn.execute("create table name_deletions (form text not null, word text not null, primary key (form, word)) without rowid")
    db.conn.executemany("insert into name_deletions values (?, ?)",
                        sorted((form, word) for word in vocabulary if len(word) in FUZZY_LENGTHS for form in deletions(word)))


def create_views(db, views):
    """The views users need, as data/presentation.yml defines them."""
    for name, sql in views.items():
        db.create_view(name, " ".join(sql.split()))


def describe_package(db, package):
    """Tables describing the package: resources, fields with disclosure, build info."""
    db["package_resources"].insert_all(
        ({"resource": r["name"], "title": r["title"], "description": r["description"],
          "synthetic_sample": 1 if r.get("pcr:synthetic") else 0, "request_id": r.get("pcr:request"),
          "received": r.get("pcr:received"),
          "rows": db[r["name"]].count, "sha256": file_sha256(package.path(r)), "path": r["path"]}
         for r in package.resources), pk="resource")
    statutes = disclosure.citations(package)
    db["package_fields"].insert_all(
        ({"resource": r["name"], "field": f["name"], "position": i, "title": f.get("title"), "type": f.get("type", "string"),
          "description": f.get("description"), "disclosure_grounds": disclosure.kinds_text(f),
          "disclosure": disclosure.summary(f, statutes)}
         for r in package.resources for i, f in enumerate(fields(r), start=1)), pk=("resource", "field"))
    info = {"package_name": package.descriptor["name"], "package_version": package.version,
            "package_created": package.descriptor["created"],
            "synthetic_resources": json.dumps(package.synthetic_resources())}
    db["build_info"].insert_all(({"key": k, "value": v} for k, v in info.items()), pk="key")


def create_changes_table(db):
    """The changes table, empty until a previous release is compared."""
    db.conn.execute("create table changes (change_id integer primary key, resource text, row_id text, change text, "
                    "field text, old_value text, new_value text, kind text)")
    for column in ("resource", "kind", "row_id"):
        db.conn.execute(f"create index idx_changes_{column} on changes ({column})")


def record_changes(db, package, previous, progress):
    """Fill the changes table with what changed since the previous release database, if any.
    (ATTACH is not allowed inside the load's transaction, so this is a second one.)"""
    if not previous or not Path(previous).exists():
        return
    readable_release(previous, "the build compares with the previous release to list what changed: restore it "
                               "from the live release, or move site/ aside to build without a comparison")
    db.conn.execute("attach database ? as old", [f"file:{previous}?mode=ro"])
    db.conn.execute("begin")
    changes = diff.compute_changes(db.conn, [r["name"] for r in package.resources], states.of_package(package))
    db.conn.executemany("insert into changes (resource, row_id, change, field, old_value, new_value, kind) "
                        "values (:resource, :row_id, :change, :field, :old_value, :new_value, :kind)", changes)
    db.conn.execute("commit")
    db.conn.execute("detach database old")
    progress(f"compared with the previous release: {len(changes)} change(s)")


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


def check_foreign_keys(db):
    """Fail loudly if the database holds a dangling foreign key (validation should prevent it)."""
    dangling = db.conn.execute("pragma foreign_key_check").fetchall()
    if dangling:
        raise RuntimeError(f"foreign key check failed in the database: {dangling[:5]}")


def file_sha256(path):
    """SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
