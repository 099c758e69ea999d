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
- ``SEARCH_SQL``: a select of one row per officer with the columns ``n`` (a unique positive
  integer, the row's order), ``person_key`` (the id in its page's URL), ``officer_name``,
  ``license_status``, ``agency_id`` and ``detail`` (``agency_name`` is added by the core);
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
  ``responding_agency``, ``officers``) and ``detail`` (what ``detail`` holds, e.g. "licence class"). A state
  whose records have no decertification declares none and contributes nothing;
- ``OFFICER_LINKS`` (optional): ``{table or view: identifier column}``, whose ``officer_name`` cells link to
  the officer page on raw table and row pages;
- ``SEARCH_FIELDS`` (optional): what its rows of the search index hold, for the search documentation
  (``{"person_key": ..., "license_status": ..., "agency_id": ..., "detail": ...}``);
- the importer (optional): ``SOURCE`` (name, resource, title), ``COLUMNS``, ``REQUIRED`` and
  ``rows(records, package, label)`` (see ``certdata.importers``);
- ``sample(rng, options)`` (optional): ``({resource: csv text}, {agency names})``, its synthetic
  sample, taking its own sizes from options;
- ``change_kind(conn)`` (optional): a function ``(row_id, change, field, old, new)`` giving what a
  change of its officer resource means to a reader ("decertified"...), for the release diff;
- ``docs_context(conn, package)`` and ``DOCS_PAGES`` (optional): what its documentation pages need.
"""
import importlib
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
LOCAL = "states"  # a package's own state modules: <package root>/states/*.py
REQUIRED = ("CODE", "NAME", "ROUTE", "OFFICERS", "ID_PATTERN", "SEARCH_SQL", "PAGE_QUERIES")


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
                "id_pattern": self.ID_PATTERN, "queries": listed(self.PAGE_QUERIES),
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
    return found


def load_module(stem, path):
    """Import a state module: this package's by name, a package's own from its file."""
    if path.parent == HERE:
        return importlib.import_module(f"{__name__}.{stem}")
    name = f"{__name__}._local_{stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class StateError(Exception):
    """A state module lacks part of the interface."""


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
            missing = [name for name in REQUIRED if not hasattr(module, name)]
            if missing:
                raise StateError(f"state module {path}: missing {', '.join(missing)}")
            states.append(State(module, path))
        _CACHE[key] = states
    return sorted(_CACHE[key], key=lambda s: (resource_position(root, s.OFFICERS), s.CODE))


def resource_position(root, name):
    """Where a resource appears in the package's descriptor (large when it does not)."""
    try:
        resources = json.loads((Path(root) / "datapackage.json").read_text(encoding="utf-8"))["resources"]
        return [r.get("name") for r in resources].index(name)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return 1 << 30


def of_package(package):
    """The states whose officer resource is in the package, in package order."""
    names = {r["name"] for r in package.resources}
    return [s for s in registered(package.root) if s.OFFICERS in names]


def by_source(name, root=None):
    """The state whose importer is called name, or None."""
    return next((s for s in registered(root) if s.get("SOURCE", {}).get("name") == name), None)


def check_id(state, value):
    """True when value is a well-formed officer id of the state."""
    return re.fullmatch(state.ID_PATTERN, value) is not None
