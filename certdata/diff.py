"""Release diff: what changed between two release databases.

Takes: an open SQLite connection to the new release with the old one attached
as ``old`` (or two file paths). Gives: per resource the rows added, removed and
changed, keyed by primary key, with the field, old and new value of each change
(every published field is open), and for a state's officers what its module says a
change means to a reader (an added or removed record, a status changed to or from a decertification, a changed
agency or name), with the officer's page key and name and each value as its own release showed it to a reader
(an agency's name from the release that published it, not its identifier).
"""
import sqlite3
import time
from pathlib import Path

from .errors import CertdataError

class DiffError(CertdataError):
    """Two files that cannot be compared as releases."""


CHANGE_COLUMNS = ["resource", "row_id", "change", "field", "old_value", "new_value", "kind"]
# what a state's module may add to a change for readers: the officer's page key and name (as the release that
# shows the record published it), and the old and new values as each release showed them (an agency's name)
SHOWN_COLUMNS = ["officer_id", "officer_name", "old_shown", "new_shown"]
WITHHELD = "(withheld: a value this field may not hold, published before by mistake)"


def primary_key(conn, schema, table):
    """The table's single-column primary key, or None."""
    keys = [row[1] for row in conn.execute(f"pragma {schema}.table_info([{table}])") if row[5]]
    return keys[0] if len(keys) == 1 else None


def common_tables(conn, resources):
    """Resources present in both releases with a primary key."""
    old = {r[0] for r in conn.execute("select name from old.sqlite_master where type = 'table'")}
    return [r for r in resources if r in old and primary_key(conn, "main", r) and
            primary_key(conn, "main", r) == primary_key(conn, "old", r)]


def row_changes(conn, table):
    """(row_id, change, field, old, new) for one table. EXCEPT finds the differing rows in one
    sorted pass each way; only those rows are compared field by field."""
    key = primary_key(conn, "main", table)
    old_columns = {row[1] for row in conn.execute(f"pragma old.table_info([{table}])")}
    columns = [row[1] for row in conn.execute(f"pragma main.table_info([{table}])") if row[1] in old_columns]
    listed = ", ".join(f"[{c}]" for c in columns)
    differ = "select [{k}] from (select {c} from {a}.[{t}] except select {c} from {b}.[{t}])"
    new_side = {r[0] for r in conn.execute(differ.format(k=key, c=listed, a="main", b="old", t=table))}
    old_side = {r[0] for r in conn.execute(differ.format(k=key, c=listed, a="old", b="main", t=table))}
    out = [(k, "added", None, None, None) for k in sorted(new_side - old_side, key=str)]
    out += [(k, "removed", None, None, None) for k in sorted(old_side - new_side, key=str)]
    for k in sorted(new_side & old_side, key=str):
        new = conn.execute(f"select {listed} from main.[{table}] where [{key}] = ?", [k]).fetchone()
        old = conn.execute(f"select {listed} from old.[{table}] where [{key}] = ?", [k]).fetchone()
        out += [(k, "changed", c, o, n) for c, o, n in zip(columns, old, new) if o != n]
    return out


def compute_changes(conn, resources, states=()):
    """Every change between old and main, as dicts with CHANGE_COLUMNS and SHOWN_COLUMNS. A state's officer
    resource's changes carry what its module's ``change_kind`` gives them: a kind ("added"...), or a dict with
    ``kind`` and any of SHOWN_COLUMNS."""
    kinds = {s.OFFICERS: s.change_kind(conn) for s in states if s.get("change_kind") and s.OFFICERS in resources}
    changes = []
    for table in common_tables(conn, resources):
        kind = kinds.get(table, lambda *change: None)
        for row_id, change, field, old, new in row_changes(conn, table):
            meaning = kind(row_id, change, field, old, new)
            shown = meaning if isinstance(meaning, dict) else {"kind": meaning}
            changes.append(dict(zip(CHANGE_COLUMNS, (table, str(row_id), change, field, old, new, shown.get("kind"))),
                                **{c: shown.get(c) for c in SHOWN_COLUMNS}))
    return withheld_by_corrections(conn, changes)


def withheld_by_corrections(conn, changes):
    """The changes, each old value that the new release's corrections log (the ``corrections`` table of main, when it
    has one) says held what no open field may hold (``old_value_withheld``) replaced by WITHHELD: a closed value that
    the name checks did not know, published by mistake and taken out, is not republished as the old value of its own
    correction. A correction names its row by the row's key or an officer's identifier, and its field (blank: the
    whole row, the officer's name shown with it included)."""
    if not {"field", "old_value_withheld"} <= {r[1] for r in conn.execute("pragma main.table_info(corrections)")}:
        return changes
    withheld = {(resource, str(row), field or None) for resource, row, field in conn.execute(
        "select resource, row_id, field from main.corrections where old_value_withheld")}
    for change in changes:
        rows = {(change["resource"], change["row_id"]), (change["resource"], change.get("officer_id"))}
        if any((*row, None) in withheld for row in rows):
            change.update(old_value=WITHHELD if change["old_value"] is not None else None,
                          old_shown=WITHHELD if change.get("old_shown") else change.get("old_shown"),
                          officer_name=WITHHELD if change.get("officer_name") else change.get("officer_name"))
        elif any((*row, change["field"]) in withheld for row in rows):
            change.update(old_value=WITHHELD, old_shown=WITHHELD if change.get("old_shown") else change.get("old_shown"))
    return changes


DIFF_SECONDS = 600  # far beyond two releases of millions of rows; a crafted file could run for ever


def diff_files(old_path, new_path, root=None):
    """Changes between two release database files (the states registered for the package at root). A
    file that is not a release (a resource that is a view, not a table) or takes longer than DIFF_SECONDS
    is refused with DiffError."""
    from . import states
    objects = {"main": release_objects(new_path), "old": release_objects(old_path)}
    conn = sqlite3.connect(f"file:{new_path}?mode=ro", uri=True)
    deadline = time.monotonic() + DIFF_SECONDS
    conn.set_progress_handler(lambda: time.monotonic() > deadline, 100_000)
    try:
        conn.execute("attach database ? as old", [f"file:{old_path}?mode=ro"])
        resources = [r[0] for r in conn.execute("select resource from package_resources order by rowid")]
        for schema, path in (("main", new_path), ("old", old_path)):
            if any(objects[schema].get(r) == "view" for r in resources):  # a view can run any query (an endless one)
                raise DiffError(f"{Path(path).name}: not a release database (a resource is a view, not a table)")
        return compute_changes(conn, resources, [s for s in states.registered(root) if s.OFFICERS in resources])
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):
            raise DiffError(f"comparing the releases took longer than {DIFF_SECONDS} s; is each a release database?") from None
        raise
    finally:
        conn.close()


def release_objects(path):
    """{name: 'table' or 'view'} of a release database; DiffError for a file that is none (not SQLite, empty,
    another program's database: compared, they had given "no changes")."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            objects = dict(conn.execute("select name, type from sqlite_master where type in ('table', 'view')"))
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise DiffError(f"{Path(path).name}: not a SQLite database") from None
    if objects.get("package_resources") != "table":
        raise DiffError(f"{Path(path).name}: not a release database (it has no package_resources table)")
    return objects


def summary(changes):
    """Counts per resource and change, and the officer status changes, as text."""
    counts = {}
    for c in changes:
        counts.setdefault(c["resource"], {}).setdefault(c["change"], set()).add(c["row_id"])
    lines = [f"{resource}: " + ", ".join(f"{len(ids)} {change}" for change, ids in sorted(kinds.items()))
             for resource, kinds in counts.items()] or ["no changes"]
    lines += [f"  {c['kind']}: {c['row_id']} ({c['old_value'] or ''} -> {c['new_value'] or ''})".replace(" ( -> )", "")
              for c in changes if c["kind"]]
    return "\n".join(lines)

