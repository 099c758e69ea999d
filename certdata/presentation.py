"""Presentation: the choices of how the database is indexed and shown, read from data/presentation.yml.

Takes: a package (its root). Gives: Datasette table options, canned queries, SQL views and the
index lists, as plain dicts; a PackageError naming the file and key when the file is not shaped
as described at its top. A package without the file is shown with Datasette's defaults.
"""
from pathlib import Path

import yaml

from .package import PackageError

FILE = Path("data") / "presentation.yml"
SECTIONS = {"tables": dict, "queries": dict, "views": dict, "indexes": dict}


def read(root):
    """The presentation choices of the package at root: {tables, queries, views, indexes}."""
    path = Path(root) / FILE
    if not path.exists():
        return {"tables": {}, "queries": {}, "views": {}, "indexes": {"columns": [], "composite": {}}}
    try:
        choices = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise PackageError(f"{FILE}: cannot read the presentation choices ({type(error).__name__})") from error
    if not isinstance(choices, dict):
        raise PackageError(f"{FILE}: must be a mapping of {', '.join(SECTIONS)}")
    for key in set(choices) - set(SECTIONS):
        raise PackageError(f"{FILE}: unknown section {key!r}; the sections are {', '.join(SECTIONS)}")
    out = {key: choices.get(key) or kind() for key, kind in SECTIONS.items()}
    for key, kind in SECTIONS.items():
        if not isinstance(out[key], kind) or not all(isinstance(v, dict if key != "views" else str)
                                                     for k, v in out[key].items() if key != "indexes"):
            raise PackageError(f"{FILE}: {key!r} must map names to {'SQL text' if key == 'views' else 'options'}")
    out["indexes"] = {"columns": list(out["indexes"].get("columns") or []),
                      "composite": dict(out["indexes"].get("composite") or {})}
    return out
