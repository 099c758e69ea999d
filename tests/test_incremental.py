"""A maintainer corrects one small table and republishes: only that table's work is redone, and
the release is the one a full build would give (same schema and rows, same CSV downloads)."""
import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from certdata import load, pipeline, publish

from .conftest import make_package


def tables_and_rows(path):
    """{name: sql} of every schema entry and {table: sorted rows} of every stored table (a virtual
    table is compared through its shadow tables, which hold its index)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = {name: sql for name, sql in conn.execute("select name, sql from sqlite_master")}
        rows = {name: sorted(conn.execute(f'select * from "{name}"').fetchall(), key=repr)
                for name, sql in schema.items()
                if sql and sql.upper().startswith("CREATE TABLE")}
    finally:
        conn.close()
    return schema, rows


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def released_files(downloads):
    """Digests of the release files other than the database and the checksum list (which names its digest)."""
    return {p.relative_to(downloads).as_posix(): sha(p) for p in downloads.rglob("*")
            if p.is_file() and p.name not in ("certification.db", "SHA256SUMS")}


def build(root, full=False):
    lines = []
    pipeline.build(root=root, progress=lines.append, full=full)
    return lines


CORRECTIONS = {  # resource: (file, old bytes, new bytes), each a valid correction
    "mo_license_statuses": ("mo_license_statuses.csv", b"A placeholder of the synthetic sample for officers with no",
                            b"A placeholder of the synthetic sample for the officers with no"),
    "agencies": ("agencies.csv", b"Sample City 001 Police Department", b"Sample City 001 Police Dept."),
}


@pytest.mark.parametrize("resource", sorted(CORRECTIONS))
def test_a_correction_rebuilds_only_its_resource_and_matches_a_full_build(tmp_path, resource):
    incremental = make_package(tmp_path / "incremental")
    build(incremental)
    full = tmp_path / "full"
    shutil.copytree(incremental, full)  # the same package with the same previous release in site/
    name, old, new = CORRECTIONS[resource]
    for root in (incremental, full):
        path = root / "data" / name
        assert old in path.read_bytes()
        path.write_bytes(path.read_bytes().replace(old, new, 1))

    lines = build(incremental)
    assert any(line.startswith(f"reused the previous release's database; rebuilt {resource}") for line in lines), lines
    assert any(line == "built the search index" or line == "rebuilt the search index" for line in lines) == (resource == "agencies")
    full_lines = build(full, full=True)
    assert not any("reused" in line for line in full_lines)

    new_db, full_db = (root / "site" / "downloads" / "certification.db" for root in (incremental, full))
    assert tables_and_rows(new_db) == tables_and_rows(full_db)
    conn = sqlite3.connect(new_db)
    assert conn.execute("select count(*) from changes where resource = ?", [resource]).fetchone()[0] == 1
    conn.close()
    assert released_files(incremental / "site" / "downloads") == released_files(full / "site" / "downloads")


def test_a_correction_that_orphans_rows_of_a_reused_table_is_refused_with_the_report(tmp_path):
    root = make_package(tmp_path / "pkg")
    build(root)
    before = sha(root / "site" / "downloads" / "certification.db")
    path = root / "data" / "mo_license_statuses.csv"
    path.write_bytes(path.read_bytes().replace(b"\nSample status B,", b"\nSample status B (renamed),", 1))
    with pytest.raises(pipeline.BuildFailed) as failed:
        build(root)
    assert "data/mo_officers.csv" in str(failed.value) and "foreign-key" in str(failed.value)
    assert sha(root / "site" / "downloads" / "certification.db") == before


def test_a_rebuild_of_the_same_package_reuses_the_database_as_it_is(tmp_path):
    root = make_package(tmp_path / "pkg")
    build(root)
    before = sha(root / "site" / "downloads" / "certification.db")
    lines = build(root)
    assert any(line.startswith("nothing changed since the previous release") for line in lines)
    assert sha(root / "site" / "downloads" / "certification.db") == before


@pytest.mark.parametrize("step", ["dropped", "restored"])
def test_a_referenced_tables_primary_key_changed_gives_the_full_builds_tables(tmp_path, step):
    """The sixth attack run: with the primary key of mo_license_statuses dropped, an incremental build
    reused mo_officers, whose foreign key then pointed at no key ("foreign key mismatch"); restored, the
    reused table kept no foreign key until a full build. A table is rebuilt when a key it references changes."""
    schema_path = "data/schemas/mo_license_statuses.json"

    def drop_key(root):
        schema = json.loads((root / schema_path).read_text())
        schema.pop("primaryKey")
        (root / schema_path).write_text(json.dumps(schema))
    incremental = make_package(tmp_path / "incremental")
    original = (incremental / schema_path).read_text()
    if step == "restored":
        drop_key(incremental)
    build(incremental, full=True)
    full = tmp_path / "full"
    shutil.copytree(incremental, full)
    for root in (incremental, full):
        if step == "dropped":
            drop_key(root)
        else:
            (root / schema_path).write_text(original)
    lines = build(incremental)
    assert not any(line.startswith("loaded mo_officers") and "reused" in line for line in lines), lines
    build(full, full=True)
    new_db, full_db = (root / "site" / "downloads" / "certification.db" for root in (incremental, full))
    assert tables_and_rows(new_db) == tables_and_rows(full_db)
    declared = tables_and_rows(new_db)[0]["mo_officers"]
    assert ('REFERENCES "mo_license_statuses"' in declared) == (step == "restored")


@pytest.mark.parametrize("planted", [
    "create table zz_leftover (dob text); insert into zz_leftover values ('Quimby 1969-07-20')",
    "create trigger zz_rename after insert on mo_license_statuses begin update mo_officers set officer_name = 'Quimby'; end",
    "create view zz_view as select 'Quimby' as who",
    "create index zz_index on mo_officers (license_class, officer_name)",
])
def test_an_object_added_to_the_previous_database_is_not_carried_forward(tmp_path, planted):
    """The sixth attack run: a table added to the previous release database (a stale or tampered copy;
    the workflow's is fetched from the live site) was published again by an incremental build. The
    database's schema is recorded when it is built; one that differs is not reused."""
    root = make_package(tmp_path / "pkg")
    build(root)
    database = root / "site" / "downloads" / "certification.db"
    conn = sqlite3.connect(database)
    conn.executescript(planted)
    conn.close()
    path = root / "data" / "mo_license_statuses.csv"
    name, old, new = CORRECTIONS["mo_license_statuses"]
    path.write_bytes(path.read_bytes().replace(old, new, 1))
    lines = build(root)
    assert not any("reused" in line for line in lines), lines
    conn = sqlite3.connect(database)
    objects = {name for (name,) in conn.execute("select name from sqlite_master")}
    texts = conn.execute("select count(*) from mo_officers where officer_name = 'Quimby'").fetchone()[0]
    conn.close()
    assert not {n for n in objects if n.startswith("zz_")} and texts == 0


def tamper(database, keep_time):
    """Give an officer a date of birth in the database, its modification time put back if keep_time."""
    before = database.stat()
    conn = sqlite3.connect(database)
    conn.execute("update mo_officers set officer_name = 'Doe, Quimby 1969-07-20' where rowid = 1")
    conn.commit()
    conn.close()
    if keep_time:
        os.utime(database, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert database.stat().st_size == before.st_size


@pytest.mark.parametrize("keep_time", [False, True])
def test_rows_edited_in_the_previous_database_are_not_carried_forward(tmp_path, keep_time):
    """The seventh attack run: rows changed in the previous release database (a name given a date of
    birth) were published again: "nothing changed since the previous release: its database is reused
    as it is". A previous database whose digest is not its release's SHA256SUMS entry is not used, for
    reuse or for the changes table; the digest the build recorded when it published the file is
    trusted only while the file's change time (which an edit sets, whatever its modification time
    says) is the same."""
    root = make_package(tmp_path / "pkg")
    build(root)
    database = root / "site" / "downloads" / "certification.db"
    tamper(database, keep_time)
    for edit in (False, True):
        if edit:
            path = root / "data" / "mo_license_statuses.csv"
            name, old, new = CORRECTIONS["mo_license_statuses"]
            path.write_bytes(path.read_bytes().replace(old, new, 1))
        lines = build(root)
        assert not any("reused" in line for line in lines), lines
        assert b"Quimby" not in database.read_bytes()
        if not edit:  # tamper again for the second round
            tamper(database, keep_time)


def test_a_rebuild_trusts_the_digest_of_the_database_it_published(tmp_path, monkeypatch):
    """A republish at 1M rows spent half a second hashing the previous release's 800 MB database to
    check it against SHA256SUMS. The build that published it records its digest and stamp; the next
    build reads the file only when that record is missing or the stamp differs (the test above: any
    edit), and still reuses it."""
    root = make_package(tmp_path / "pkg")
    build(root)
    hashed = []
    real = load.file_sha256
    for module in (load, publish):
        monkeypatch.setattr(module, "file_sha256", lambda path: hashed.append(Path(path).name) or real(path))
    for record in (True, False):
        if not record:
            (root / "build" / pipeline.RECORD).unlink()
        hashed.clear()
        lines = build(root)
        assert any("nothing changed since the previous release" in line for line in lines), lines
        assert ("certification.db" in hashed) is not record, hashed
        assert (root / "build" / pipeline.RECORD).is_file()


def test_an_early_copy_is_given_only_whole_and_of_the_file_as_it_is(tmp_path):
    """The build copies the previous release's database on a thread from its start (load.EarlyCopy);
    the incremental build takes that copy only if it is whole and the file has not changed since the
    copy began, and a dropped copy leaves nothing behind."""
    source = tmp_path / "previous.db"
    source.write_bytes(b"x" * (3 * 1024 * 1024 + 7))
    early = load.EarlyCopy(source, tmp_path / "copy.db")
    assert early.take(source) == tmp_path / "copy.db"
    assert (tmp_path / "copy.db").read_bytes() == source.read_bytes()
    early = load.EarlyCopy(source, tmp_path / "copy2.db")
    early.thread.join()
    source.write_bytes(source.read_bytes().replace(b"x", b"y", 1))  # edited in place after the copy
    assert early.take(source) is None and not (tmp_path / "copy2.db").exists()
    early = load.EarlyCopy(source, tmp_path / "copy3.db")
    assert early.take(tmp_path / "another.db") is None and not (tmp_path / "copy3.db").exists()
    early = load.EarlyCopy(source, tmp_path / "copy4.db")
    assert early.drop() is None and not (tmp_path / "copy4.db").exists()


def test_the_last_foreign_key_check_skips_only_the_reused_tables(tmp_path):
    """An incremental build checks the foreign keys of every table but the reused ones (their keys
    into a changed table are broken_references' check; a full check cost 0.3 s at 1M rows)."""
    conn = sqlite3.connect(tmp_path / "db.sqlite")
    conn.executescript("""create table parent (id text primary key);
        create table reused_child (id text references parent (id));
        create table changed_child (id text references parent (id));
        insert into reused_child values ('gone');""")
    db = load.sqlite_utils.Database(conn)
    load.check_foreign_keys(db, reused={"reused_child"})
    with pytest.raises(RuntimeError, match="foreign key check failed"):
        load.check_foreign_keys(db)
    conn.execute("insert into changed_child values ('gone')")
    with pytest.raises(RuntimeError, match="foreign key check failed"):
        load.check_foreign_keys(db, reused={"reused_child"})


@pytest.mark.parametrize("edited", ["SYNTHETIC-SAMPLE-agencies.csv", "spreadsheet/statutes.csv"])
def test_a_download_edited_since_it_was_published_is_not_lent_to_the_next_release(tmp_path, edited):
    """The eighth attack run: a CSV download of the previous release, edited (its modification time put
    back) or appended to, was hard-linked into the next release, under SHA256SUMS' right digest. A file
    is lent only if its own bytes are the ones listed; the release is then the full build's."""
    root = make_package(tmp_path / "pkg")
    twin = make_package(tmp_path / "twin")
    build(root)
    path = root / "site" / "downloads" / edited
    before = path.stat()
    data = path.read_bytes()
    path.unlink()  # replaced, as an editor saves: the data/ file it was linked from keeps its bytes
    path.write_bytes(data.replace(b"Sample", b"Tampered", 1) if b"Sample" in data else data + b"x\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    build(root)
    build(twin, full=True)
    assert b"Tampered" not in path.read_bytes() and path.read_bytes() == (twin / "site" / "downloads" / edited).read_bytes()
    assert released_files(root / "site" / "downloads") == released_files(twin / "site" / "downloads")
