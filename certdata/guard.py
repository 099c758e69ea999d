"""Legal-limits guard: nothing that the law closes can be published.

Takes: a ``Package``. Gives: a list of ``Problem``; empty when every published
column is declared in its schema, every field is declared open with a basis, and
no column named like a closed category (birth date, home address, residence,
zip, phone, e-mail, SSN) lacks an explicit open disclosure citing a statute.
Column names are printed; values never are.
"""
import csv
import re

from .package import disclosure, fields
from .validate import Problem

CLOSED_NAME = re.compile(
    r"birth|dob|\bage\b|home|address|residen|city_of_res|zip|postal|phone|mobile|cell|fax|e_?mail|ssn|social_?sec|"
    r"gender|sex|race|ethnic|demograph",
    re.IGNORECASE,
)
OPEN_BASES_WITHOUT_STATUTE = {"derived", "public-document", "agency-release"}


def guard_package(package):
    """Every guard problem in the package."""
    statutes = statute_ids(package)
    problems = []
    for resource in package.resources:
        problems += undeclared_columns(package, resource)
        for field in fields(resource):
            problems += field_problems(resource, field, statutes)
    return problems


def statute_ids(package):
    """The statute ids a disclosure may cite; None when statutes.csv is unreadable (validation reports why)."""
    try:
        return {row["statute_id"] for row in package.read_rows("statutes")}
    except (OSError, UnicodeDecodeError, csv.Error, KeyError):
        return None


def header(package, resource):
    """The CSV's header row (best effort: unreadable files are validation's job)."""
    try:
        with open(package.path(resource), encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def undeclared_columns(package, resource):
    """A column in the CSV that the schema does not declare would be published unchecked."""
    declared = {f["name"] for f in fields(resource)}
    problems = []
    for number, name in enumerate(header(package, resource), start=1):
        if name not in declared:
            kind = " and its name looks like a closed category" if CLOSED_NAME.search(name) else ""
            problems.append(Problem(resource["path"], 1, name, "undeclared-column",
                                    f"column {number} is not in the schema{kind}; remove it or declare it with a disclosure"))
    present = set(header(package, resource))
    if present and problems:  # a renamed column shows as one undeclared and one missing
        problems += [Problem(resource["path"], 1, name, "missing-column", "the schema declares this column but the CSV lacks it")
                     for name in declared - present]
    return problems


def field_problems(resource, field, statutes):
    """A field must be declared open, with a basis; closed-looking names need a statute."""
    info = disclosure(field)
    where = (resource["path"], None, field["name"])
    if info.get("status") != "open":
        status = info.get("status") or "undeclared"
        return [Problem(*where, "closed-field", f"disclosure is {status!r}: a field that is not open cannot be published")]
    basis = info.get("basis")
    if statutes is None:
        return []
    if basis not in statutes and basis not in OPEN_BASES_WITHOUT_STATUTE:
        return [Problem(*where, "no-legal-basis", f"disclosure basis {basis!r} is neither a statute id nor one of {sorted(OPEN_BASES_WITHOUT_STATUTE)}")]
    if CLOSED_NAME.search(field["name"]) and basis not in statutes:
        return [Problem(*where, "closed-category", "the name looks like a closed category; it needs an open disclosure citing a statute")]
    return []
