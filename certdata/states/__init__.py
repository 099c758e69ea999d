"""States: one module per state, found by discovery, all with one interface.

Takes: the modules in this folder and in a package's own ``states/`` folder (a package may
bring a state of its own: its module, its officer-page template beside it). Gives: the
registered states, in the order their officer resources appear in the package, each a
``State`` wrapping its module. The core (load, sample, importers, datasette, docs, diff, the
plugins) loops over these and names no state.

A state module declares:

- ``CODE`` ("MO"), ``NAME`` ("Missouri"), ``ROUTE`` (officer pages at ``/officer/<ROUTE>/<id>``),
  ``OFFICERS`` (the resource whose rows are its officers), ``ID_PATTERN`` (a regular expression
  an officer id matches);
- ``ID_CASE_INSENSITIVE`` (optional, default False): True when no two of its identifiers can differ only
  in case, so that an address or search whose identifier's parts are all in the wrong case (a citation
  printed in capitals) finds its officer; never for an agency's identifier whose case may be meaningful;
- ``SEARCH_SQL``: a select of one row per officer with the columns ``n`` (a unique positive
  integer, the row's order), ``person_key`` (the id in its page's URL), ``officer_name``,
  ``license_status``, ``agency_id`` and ``detail`` (``agency_name`` is added by the core). It runs
  once the rows are loaded and before the tables' other indexes are built (the names are parsed
  while they are): it must need no index but a primary key, so a window function rather than a
  correlated subquery, which would read the table once per officer (tested for every state). It may
  also select ``surname`` and ``given_names`` (the name's parts, where the release gives them) and
  ``other_names`` (other names the officer's records hold, joined by U+001F: the search finds the
  officer by them too);
- ``PAGE_QUERIES``: ``{name: {"sql": ..., "one": bool}}`` run with ``:id`` for its officer page
  (the first must find a row, else the page is a 404), rendered by the template ``<module>.html``
  beside the module, which extends ``base.html``; its caveats come from the package (the
  ``disclosures`` of its officer resource's fields and the ``withheld`` request items);
- ``AGENCY`` (optional): its section of the agency page ``/agency/<agency id>``: ``heading``, ``empty``
  (said when no officer is listed), ``sql`` (run with ``:agency_id``; columns ``person_key``, ``officer_name``,
  ``summary``; paged by the core) and optionally ``counts`` (``{"label": ..., "sql": ...}``, columns ``label``
  and ``n``). The agency's words on the officer resource's ``agency_id`` (``request_items``) are quoted
  above it. A state without ``AGENCY`` has no section;
- ``DECERTIFIED`` (optional): its officers on the page ``/decertified`` and its downloads: ``sql`` (columns
  ``person_key``, ``officer_name``, ``license_status``, ``detail``, ``agency_id``, ``agency_name``),
  ``statuses_sql`` (what each status means: ``license_status``, ``meaning``, ``agency_words``, ``source_id``,
  ``responding_agency``, ``officers``, optionally ``statute_note``, shown with the meanings only) and ``detail`` (what ``detail`` holds, e.g. "licence class"). A state
  whose records have no decertification declares none and contributes nothing;
- ``OFFICER_LINKS`` (optional): ``{table or view: identifier column}``, whose ``officer_name`` cells link to
  the officer page on raw table and row pages;
- ``IDENTIFIERS`` (optional): how its officer identifiers are made, one paragraph for the methodology page;
- ``SEARCH_FIELDS`` (optional): what its rows of the search index hold, for the search documentation
  (``{"person_key": ..., "license_status": ..., "agency_id": ..., "detail": ...}``);
- ``DETAIL_FIELD`` (optional): the field of its officer resource that ``detail`` holds, for a detail
  that does not say what it is by itself: search results label it with the field's title in the schema;
- the importer (optional): ``SOURCE`` (name, resource, title), ``COLUMNS``, ``REQUIRED`` (columns a file must
  have), ``EXPECTED`` (optional: ``{column: field}``, columns a file is expected to have though not every row
  fills them, each refused missing unless ``--blank-field`` names its field) and
  ``rows(records, package, label)`` (see ``certdata.importers``; it is also given ``received``, the release's
  received date, and ``report``, for warnings, when it takes keyword arguments of those names); optionally
  ``ROW_STATUS`` (``what``, ``headers``, ``header_parts``, ``read``, ``left_out``: columns saying whether a row is
  a record of the table at all, such as an enrollment's result; see ``certdata.importers.row_status``);
- ``AGENCY_WORDS`` (optional): ``{word: what it abbreviates}`` of its agencies' names (the state's name abbreviated,
  ``{"mass": "massachusetts"}``), beside the core's (Dept., PD, Co.): the import warns of two spellings of one agency;
- ``sample(rng, options)`` (optional): ``({resource: csv text}, {agency names})``, its synthetic
  sample, taking its own sizes from options;
- ``PLACEHOLDERS`` (optional): ``{resource: (field, values)}``, the rows its sample adds to the package's own
  tables (code sheets) that are no agency's words: a real release does not publish them (the release check refuses);
- ``RETIRED`` and ``RETIRED_QUERY`` (optional): the resource of identifiers published once and no longer an officer's,
  and a select run with ``:id`` giving ``person_key``, ``officer_name``, ``summary`` (what the record held) and
  ``retired_with`` (when it left), for the page such an address answers with (410, the resource's description
  below it): a cited address never shows another officer, nor a bare "not found";
- ``id_problems(conn)`` (optional): where the release would give a published identifier to another record,
  run when its officers or its ``RETIRED`` resource (optional: the identifiers it has retired) changed, with the
  previous release's database attached as ``old``: (row number in the
  file or None, field, kind, message) each, no value shown; any stops the build. A state whose identifiers are the
  agency's own (``AGENCY_IDENTIFIERS``) takes ``confirmed`` too: the identifiers the import's ``--same-officer``
  confirmed (the officer resource's ``pcr:sameOfficer``), which may carry another name; such a state may give
  ``confirmations(rows, ids)``, what the import records of each confirmation (the names confirmed, as digests), so
  that a later edit cannot put another name under a confirmed identifier;
- ``change_kind(conn)`` (optional): a function ``(row_id, change, field, old, new)`` giving what a
  change of its officer resource means to a reader ("decertified"...), for the release diff;
- ``docs_context(conn, package)`` and ``DOCS_PAGES`` (optional): what its documentation pages need; its
  ``officer_changes`` (the officers whose change has a kind, for the changes page and the feed) list at most
  ``LISTED_CHANGES`` of each kind (the page gives the count of all and points to the ``changes`` table: a first
  release replacing a sample of two million rows had made a 26 MB page and a 9 GB documentation build).
"""
import importlib
import importlib.util
import json
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..errors import CertdataError

HERE = Path(__file__).resolve().parent
LISTED_CHANGES = 1000  # officer changes of one kind listed on the changes page and in the feed
LOCAL = "states"  # a package's own state modules: <package root>/states/*.py
REQUIRED = ("CODE", "NAME", "ROUTE", "OFFICERS", "ID_PATTERN", "SEARCH_SQL", "PAGE_QUERIES")


def dropped_identifiers(conn, officers, key, retired):
    """``id_problems`` rows for each identifier (column key) of the previous release's officers (attached as ``old``)
    that this release holds neither in its officers nor in its retired identifiers (a hand edit that deleted a row):
    its address would answer 'not found'. The same rule for every state."""
    return [(None, key, "identifier-dropped",
             f"identifier {identifier}, published in the previous release, is neither in this release nor retired "
             f"({retired}): its address would answer 'not found' instead of what became of it; re-import the release")
            for (identifier,) in conn.execute(f"select {key} from old.{officers} except select {key} from main.{officers} "
                                              f"except select {key} from main.{retired}")]


@dataclass(frozen=True)
class State:
    """A registered state: its module and where its template lies."""

    module: ModuleType
    path: Path

    def __getattr__(self, name):
        return getattr(self.module, name)

    def get(self, name, default=None):
        """An optional declaration of the module, or default."""
        return getattr(self.module, name, default)

    @property
    def template(self):
        """The officer-page template's text (``<module>.html`` beside the module)."""
        return self.path.with_suffix(".html").read_text(encoding="utf-8")

    def config(self):
        """What the Datasette plugins need of this state (written into the generated metadata)."""
        def one_line(sql):
            return " ".join(sql.split())

        def listed(queries):  # a list: the metadata is written with sorted keys, and order matters
            return [{"name": name, "sql": " ".join(q["sql"].split()), "one": bool(q.get("one"))}
                    for name, q in queries.items()]
        return {"code": self.CODE, "name": self.NAME, "route": self.ROUTE, "resource": self.OFFICERS,
                "id_pattern": self.ID_PATTERN, "id_case_insensitive": bool(self.get("ID_CASE_INSENSITIVE")),
                "queries": listed(self.PAGE_QUERIES),
                "template": self.template, "agency": self.section("AGENCY", one_line),
                "decertified": self.section("DECERTIFIED", one_line), "links": dict(self.get("OFFICER_LINKS", {})),
                "retired_query": " ".join(self.get("RETIRED_QUERY", "").split()) or None,
                "exportable": [self.OFFICERS]}

    def section(self, name, one_line):
        """An optional page section of the module (AGENCY, DECERTIFIED) with its SQL on one line."""
        declared = self.get(name)
        if not declared:
            return None
        out = {k: one_line(v) if k.endswith("sql") else v for k, v in declared.items()}
        if isinstance(out.get("counts"), dict):
            out["counts"] = dict(out["counts"], sql=one_line(out["counts"]["sql"]))
        return out


def module_files(root=None):
    """The state modules' files: this folder's, then the package's own (same name: the package's wins)."""
    folders = [HERE] + ([Path(root) / LOCAL] if root is not None else [])
    found = {}
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.py")):
                if not path.name.startswith("_"):
                    found[path.stem] = path
    inside = Path(root).resolve() if root is not None else None
    for path in found.values():  # a package's own module runs with the build: never one from outside it
        if inside and path.parent != HERE and inside not in path.resolve().parents:
            raise StateError(f"{path}: the state module leads outside the package (a symbolic link?); copy it into "
                             f"the package's {LOCAL}/ folder")
    return found


class StateError(CertdataError):
    """A state module cannot be loaded or lacks part of the interface; the message names its file."""


def load_module(stem, path):
    """Import a state module: this package's by name, a package's own from its file. A module that
    cannot be imported is a StateError naming its file and line (the error's type, never its text
    beyond a syntax error's, since a module may read data)."""
    try:
        if path.parent == HERE:
            return importlib.import_module(f"{__name__}.{stem}")
        name = f"{__name__}._local_{stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    except SyntaxError as error:
        raise StateError(f"state module {path}, line {error.lineno}: not valid Python ({error.msg}); "
                         "fix it or remove the file") from None
    except Exception as error:  # noqa: BLE001 - any failure of a maintainer's module is reported the same way
        lines = [f.lineno for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == path]
        where = f", line {lines[-1]}" if lines else ""
        raise StateError(f"state module {path}{where}: cannot be loaded ({type(error).__name__}); "
                         "fix it or remove the file") from None


TEXT = ("CODE", "NAME", "ROUTE", "OFFICERS", "ID_PATTERN", "SEARCH_SQL")
SECTIONS = ("AGENCY", "DECERTIFIED")


def interface_problems(module):
    """What is missing or of the wrong type in a state module's declarations (plain words)."""
    missing = [name for name in REQUIRED if not hasattr(module, name)]
    if missing:
        return [f"missing {', '.join(missing)} (see certdata/states/__init__.py)"]
    problems = [f"{name} must be text" for name in TEXT if not isinstance(getattr(module, name), str) or
                not getattr(module, name).strip()]
    if not problems:
        try:
            re.compile(module.ID_PATTERN)
        except re.error:
            problems.append("ID_PATTERN is not a regular expression")
        if not re.fullmatch(r"[a-z0-9_-]+", module.ROUTE):
            problems.append("ROUTE must be lower-case letters, digits, - or _ (it is part of a URL)")
        if not re.fullmatch(r"[A-Z][A-Z0-9]*", module.CODE):
            problems.append("CODE must be capital letters or digits, starting with a letter (e.g. MO)")
    queries = module.PAGE_QUERIES
    if not isinstance(queries, dict) or not queries or not all(
            isinstance(q, dict) and isinstance(q.get("sql"), str) for q in queries.values()):
        problems.append('PAGE_QUERIES must map names to {"sql": text, "one": true or false}, the first finding the officer')
    for name in SECTIONS:
        section = getattr(module, name, None)
        if section is not None and not (isinstance(section, dict) and isinstance(section.get("sql"), str)):
            problems.append(f'{name} must be a mapping with at least "sql" (text)')
    links = getattr(module, "OFFICER_LINKS", {})
    if not isinstance(links, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in links.items()):
        problems.append("OFFICER_LINKS must map table names to identifier columns")
    placeholders = getattr(module, "PLACEHOLDERS", {})  # (a state module used the name for a set of its own: the
    if not isinstance(placeholders, dict) or not all(  # release check failed with an internal error)
            isinstance(k, str) and isinstance(v, (tuple, list)) and len(v) == 2 and isinstance(v[0], str)
            and isinstance(v[1], (tuple, list, set, frozenset)) for k, v in placeholders.items()):
        problems.append("PLACEHOLDERS must map resource names to (field, values)")
    return problems


_CACHE = {}


def registered(root=None):
    """Every state found, ordered by where its officer resource appears in the package at root
    (states whose resource the package lacks come last, by code)."""
    from ..package import ROOT
    root = Path(root) if root is not None else ROOT
    files = module_files(root)
    key = tuple((stem, str(path), path.stat().st_mtime_ns) for stem, path in files.items())
    if key not in _CACHE:
        states = []
        for stem, path in files.items():
            module = load_module(stem, path)
            problems = interface_problems(module)
            if problems:
                raise StateError(f"state module {path}: {'; '.join(problems)}")
            states.append(State(module, path))
        for attribute in ("CODE", "ROUTE", "OFFICERS"):
            seen = {}
            for state in states:
                other = seen.setdefault(getattr(state, attribute), state.path)
                if other != state.path:
                    raise StateError(f"state modules {other} and {state.path} declare the same {attribute} "
                                     f"{getattr(state, attribute)!r}")
        _CACHE[key] = states
    return sorted(_CACHE[key], key=lambda s: (resource_position(root, s.OFFICERS), s.CODE))


def resource_position(root, name):
    """Where a resource appears in the package's descriptor (large when it does not)."""
    try:
        resources = json.loads((Path(root) / "datapackage.json").read_text(encoding="utf-8"))["resources"]
        return [r.get("name") for r in resources].index(name)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return 1 << 30  # (the build reads the descriptor again and names what is wrong with it)


def of_package(package):
    """The states whose officer resource is in the package, in package order."""
    names = {r["name"] for r in package.resources}
    return [s for s in registered(package.root) if s.OFFICERS in names]


def by_source(name, root=None):
    """The state whose importer is called name, or None."""
    return next((s for s in registered(root) if s.get("SOURCE", {}).get("name") == name), None)


def check_sql(conn, states):
    """Compile every query of every state against the built database (nothing is run): a StateError
    naming the state's file and the query, with SQLite's words (which name SQL, never a value)."""
    import sqlite3
    for state in states:
        queries = {f"PAGE_QUERIES[{name!r}]": q["sql"] for name, q in state.PAGE_QUERIES.items()}
        for name in SECTIONS:
            section = state.get(name) or {}
            queries.update({f"{name}[{k!r}]": v for k, v in section.items() if k.endswith("sql") and isinstance(v, str)})
            if isinstance(section.get("counts"), dict):
                queries[f"{name}['counts']"] = section["counts"].get("sql", "")
        if state.get("RETIRED_QUERY"):
            queries["RETIRED_QUERY"] = state.RETIRED_QUERY
        for where, sql in queries.items():
            try:
                conn.execute("explain " + sql, {"id": None, "agency_id": None}).fetchall()
            except sqlite3.ProgrammingError:  # parameters other than :id or :agency_id: compiled, not bound
                continue
            except (sqlite3.Error, ValueError) as error:
                raise StateError(f"state module {state.path}: {where} does not run on the database ({error})") from None


def check_id(state, value):
    """True when value is a well-formed officer id of the state."""
    return re.fullmatch(state.ID_PATTERN, value) is not None


# Changes that are a value written otherwise, which every state's change_kind may tell apart from real changes (a
# foreign-data trial after the eighteenth: a roster in capitals listed 2,948 "name changed", and "... Department"
# written "... Dept." 94 officers as having changed agency)
NAME_RESPELT, AGENCY_RESPELT = "name written otherwise", "agency's name written otherwise"
RESPELT_KINDS = {
    NAME_RESPELT: "the name written otherwise only in its letter case, accents or punctuation (a release in capitals, "
                  "say): the same words",
    AGENCY_RESPELT: "the agency's name written otherwise only in its abbreviations (Dept. for Department, PD for Police "
                    "Department): an agency of its own in this release, most likely the same agency",
}


def respelt(field, old, new):
    """NAME_RESPELT or AGENCY_RESPELT when an officer_name or agency_id changed only as RESPELT_KINDS say, else None."""
    from ..importers import loose_agency
    from ..names import name_form
    if field == "officer_name" and name_form(old) == name_form(new):
        return NAME_RESPELT
    if field == "agency_id" and old and new and loose_agency(old) == loose_agency(new):
        return AGENCY_RESPELT
    return None


def release_lookups(conn):
    """(table, agency) for a state's ``change_kind``, with the previous release attached as ``old``: table(name, sql)
    gives {first column: the other columns} of sql, read once at the first call (a release without the table gives
    {}); agency(schema, agency_id) the name that release ("main" or "old") gave the agency, "none named" for none."""
    read = {}

    def table(name, sql):
        if name not in read:
            try:
                read[name] = {r[0]: r[1:] for r in conn.execute(sql)}
            except Exception:  # noqa: BLE001 - an older release without the table
                read[name] = {}
        return read[name]

    def agency(schema, agency_id):
        names = table(f"{schema}.agencies", f"select agency_id, agency_name from {schema}.agencies")
        return (names.get(agency_id) or (agency_id,))[0] if agency_id else "none named"
    return table, agency
