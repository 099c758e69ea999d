"""Presentation: the choices of how the database is indexed and shown, read from data/presentation.yml.

Takes: a package (its root). Gives: Datasette table options, canned queries, SQL views and the
index lists, as plain dicts; a PackageError naming the file and key when the file is not shaped
as described at its top. A package without the file is shown with Datasette's defaults.
"""
from pathlib import Path

import yaml

from .package import BUILD_TABLES, PackageError, path_problem, reserved_name

FILE = Path("data") / "presentation.yml"
SECTIONS = {"tables": dict, "queries": dict, "views": dict, "indexes": dict}


MAX_BYTES, MAX_ENTRIES = 256 * 1024, 1_000


class PlainLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases (``*name``), which no choice needs: nested aliases make a few
    lines stand for billions of values to whatever walks them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not supported",
                                              self.peek_event().start_mark)
        return super().compose_node(parent, index)


def read(root):
    """The presentation choices of the package at root: {tables, queries, views, indexes}."""
    path = Path(root) / FILE
    if not path.exists():
        return {"tables": {}, "queries": {}, "views": {}, "indexes": {"columns": [], "composite": {}}}
    problem = path_problem(root, FILE.as_posix())
    if problem:
        raise PackageError(f"{FILE}: {problem}")
    size = path.stat().st_size
    if size > MAX_BYTES:  # a 16 MB list of facets took 115 s and 868 MB, and was copied into metadata.json
        raise PackageError(f"{FILE}: {size:,} bytes; the limit is {MAX_BYTES:,} (the package's is about 5,000)")
    try:
        choices = yaml.load(path.read_text(encoding="utf-8"), Loader=PlainLoader) or {}
    except (OSError, yaml.YAMLError) as error:
        raise PackageError(f"{FILE}: cannot read the presentation choices ({type(error).__name__})") from error
    except RecursionError:
        raise PackageError(f"{FILE}: cannot read the presentation choices (nested too deeply)") from None
    if not isinstance(choices, dict):
        raise PackageError(f"{FILE}: must be a mapping of {', '.join(SECTIONS)}")
    for key in set(choices) - set(SECTIONS):
        raise PackageError(f"{FILE}: unknown section {key!r}; the sections are {', '.join(SECTIONS)}")
    out = {key: choices.get(key) or kind() for key, kind in SECTIONS.items()}
    for key, kind in SECTIONS.items():
        if not isinstance(out[key], kind) or not all(isinstance(v, dict if key != "views" else str)
                                                     for k, v in out[key].items() if key != "indexes"):
            raise PackageError(f"{FILE}: {key!r} must map names to {'SQL text' if key == 'views' else 'options'}")
    for key in ("tables", "queries", "views"):
        if len(out[key]) > MAX_ENTRIES:  # 30,000 views took 44 s (each is checked against the others)
            raise PackageError(f"{FILE}: {key!r} has {len(out[key]):,} entries; the limit is {MAX_ENTRIES}")
    columns, composite = out["indexes"].get("columns") or [], out["indexes"].get("composite") or {}
    if not is_names(columns):
        raise PackageError(f"{FILE}: indexes: columns must be a list of column names")
    if not isinstance(composite, dict) or not all(
            isinstance(v, list) and all(is_names(i) and i for i in v) for v in composite.values()):
        raise PackageError(f"{FILE}: indexes: composite must map tables to lists of column lists")
    out["indexes"] = {"columns": list(columns), "composite": dict(composite)}
    for table, options in out["tables"].items():
        for option, value in options.items():
            expected = OPTIONS.get(option)
            if expected is None:
                raise PackageError(f"{FILE}: tables: {table}: unknown option {option!r}; the options are {', '.join(OPTIONS)}")
            if not (is_names(value) if expected is list else is_descriptions(value) if expected is dict
                    else isinstance(value, expected)):
                raise PackageError(f"{FILE}: tables: {table}: {option} must be {OPTION_WORDS[expected]}")
    for name, query in out["queries"].items():
        if not isinstance(query.get("sql"), str) or not query["sql"].strip():
            raise PackageError(f"{FILE}: queries: {name} has no sql")
    return out


OPTIONS = {"facets": list, "sort": str, "sort_desc": str, "label_column": str, "fts_table": str, "fts_pk": str,
           "hidden": bool, "title": str, "description": str, "size": int, "sortable_columns": list,
           "columns": dict}  # columns: what each column of a table the build makes holds (Datasette's own option)
OPTION_WORDS = {list: "a list of column names", str: "text", bool: "true or false", int: "a whole number",
                dict: "a mapping of each column's name to its description"}


def is_names(value):
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def is_descriptions(value):
    return isinstance(value, dict) and all(isinstance(k, str) and k and isinstance(v, str) and v.strip()
                                           for k, v in value.items())


def check_names(package, choices):
    """Every table named in the file is a resource of the package, a view of the file or a table the
    build makes; a PackageError names the section and the table otherwise."""
    resources = {r["name"] for r in package.resources}
    for view in choices["views"]:
        if view.lower() in {r.lower() for r in resources} or reserved_name(view):
            raise PackageError(f"{FILE}: views: {view!r} is the name of a resource or of a table the build makes; "
                               "rename the view")
        if not (choices["tables"].get(view) or {}).get("description"):  # the documentation prints it
            raise PackageError(f"{FILE}: views: {view!r} has no description; give it one under tables: {view}: "
                               "description, for the documentation and the Datasette")
    known = resources | set(choices["views"]) | BUILD_TABLES
    for section, names in (("tables", choices["tables"]), ("indexes: composite", choices["indexes"]["composite"])):
        for name in names:
            if name not in known:
                raise PackageError(f"{FILE}: {section}: {name!r} is not a resource of the package, a view of this "
                                   "file or a table the build makes")


def check_sql(conn, choices):
    """Every view and canned query compiles on the built database (nothing is run); a PackageError
    with SQLite's words (which name SQL, never a value) otherwise."""
    import sqlite3
    for kind, items in (("views", {n: f"select * from [{n}]" for n in choices["views"]}),
                        ("queries", {n: q["sql"] for n, q in choices["queries"].items()})):
        for name, sql in items.items():
            try:
                conn.execute("explain " + sql, {}).fetchall()
            except sqlite3.ProgrammingError:  # named parameters left unbound: compiled fine
                continue
            except sqlite3.Error as error:
                if str(error).startswith("no such function"):  # the plugins' functions (fts_query) exist only in Datasette
                    continue
                raise PackageError(f"{FILE}: {kind}: {name} does not run on the database ({error})") from None
