"""Cell readers: one definition of how a CSV cell becomes a value, for every reader.

Takes: a Table Schema field. Gives: a function from a non-missing cell (a string)
to its value, raising ``ValueError`` when the cell is not of the field's type.
The fast validator, the load and the frictionless check (``StrictCells``) all use
it, so that they cannot disagree. It is stricter than frictionless where
frictionless is lax and the spec is not: integers are ASCII digits with an
optional sign (no ``1_000``, Arabic-Indic or full-width digits, no spaces), dates
are exactly ``yyyy-mm-dd``, patterns match the whole value (a trailing newline
fails), booleans are the field's ``trueValues``/``falseValues``.
"""
import csv
import functools
import re
from contextlib import contextmanager
from datetime import date

from frictionless.formats.csv import parser as _  # noqa: F401 (see MAX_CELL_CHARS)

from . import names

TRUE_VALUES, FALSE_VALUES = ["true", "True", "TRUE", "1"], ["false", "False", "FALSE", "0"]
SIGNED_INTEGER = re.compile(r"[+-]?[0-9]+")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|-?INF")
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
STRICT_TYPES = {"string", "integer", "number", "boolean", "date"}  # with the default format
# No value of a release comes near it (the longest, a quoted source passage, is about 2,000 characters).
# Every csv reader of the process (the guard's, the validators', frictionless's, the load's) stops at a
# longer cell instead of holding one as long as the file: a 48 MB quoted cell over many short lines took
# the build to 3 GB, its name parsed word by word. Frictionless sets csv's limit to 2 GB when its CSV
# parser is first imported, so that is imported first.
MAX_CELL_CHARS = 64 * 1024
csv.field_size_limit(MAX_CELL_CHARS)


@contextmanager
def cell_limit(limit):
    """Python's csv readers raise csv.Error on a cell longer than limit while this is open."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def strict(field):
    """True when this module reads the field (its type and format); other fields are frictionless's alone."""
    if field.get("type", "string") not in STRICT_TYPES or field.get("format", "default") != "default":
        return False
    if field.get("type") in ("integer", "number") and field.get("bareNumber", True) is not True:
        return False
    return not (field.get("type") == "number" and (field.get("decimalChar", ".") != "." or field.get("groupChar")))


INTEGER_RANGE = (-2**63, 2**63 - 1)  # what SQLite, which holds the release, stores as an integer


def read_integer(cell):
    if (cell.isdigit() and cell.isascii()) or SIGNED_INTEGER.fullmatch(cell):
        value = int(cell)
        if INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1]:
            return value
        raise ValueError("out of the range of a 64-bit integer")
    raise ValueError("not an integer")


def read_number(cell):
    if NUMBER.fullmatch(cell):
        return float(cell.replace("INF", "inf"))
    raise ValueError("not a number")


@functools.lru_cache(maxsize=1 << 16)
def read_date(cell):
    """A date written yyyy-mm-dd; dates repeat, so cached."""
    match = ISO_DATE.fullmatch(cell)
    if not match:
        raise ValueError("not a yyyy-mm-dd date")
    return date(*map(int, match.groups()))


def boolean_reader(field):
    true, false = set(field.get("trueValues", TRUE_VALUES)), set(field.get("falseValues", FALSE_VALUES))

    def read(cell):
        if cell in true:
            return True
        if cell in false:
            return False
        raise ValueError("not one of the true or false values")
    return read


def reader(field):
    """A function from a non-missing cell to its typed value; ValueError when the type does not fit."""
    kind = field.get("type", "string")
    if kind == "integer":
        return read_integer
    if kind == "number":
        return read_number
    if kind == "boolean":
        return boolean_reader(field)
    if kind == "date":
        return read_date
    return str


# The load turns a cell into a value as frictionless reads it where a field sets its own format or signs
# (which ``strict`` leaves to frictionless): "05/04/1971" under the format "%d/%m/%Y" is published as
# 1971-04-05, not as written; "1,000.5" under groupChar "," as 1000.5. Other types, and dates and times
# in the default format, are published as written.
NUMERIC_TYPES, TIME_TYPES = {"integer", "number", "boolean", "year"}, {"date", "datetime", "time"}


def spec_read(field):
    """Whether the load turns the field's cells into values as frictionless reads them (a field that
    ``strict`` leaves to frictionless: a number type, or a date or time in a format of its own)."""
    kind = field.get("type", "string")
    return not strict(field) and (kind in NUMERIC_TYPES or (kind in TIME_TYPES and field.get("format", "default") != "default"))


def spec_reader(field):
    """A function from a non-missing cell to the value SQLite holds, read as frictionless reads the field
    (its format, group and decimal characters, its own true and false values): dates and times as ISO
    text, numbers as numbers, booleans as 0 or 1. For fields ``strict`` leaves to frictionless, whose
    verdict the validators give; a cell it cannot read is kept as written (the validation refuses it)."""
    import datetime
    import decimal

    from frictionless import Field

    from .package import as_v1
    read = Field.from_descriptor(as_v1(field)).create_value_reader()

    def value(cell):
        out = read(cell)
        if isinstance(out, bool):
            return int(out)
        if isinstance(out, decimal.Decimal):
            return float(out)
        if isinstance(out, (datetime.date, datetime.time)):  # a datetime is a date
            return out.isoformat()
        return out if isinstance(out, (int, float)) else cell
    return value


# What a field's values name, declared by its "pcr:name" (data/profile.json): a person ("person": a name or a part of one)
# or something else ("other": an agency, a course, a status). Each kind has its rule, applied to every value whatever the
# field's pattern says: an attack run after the fourteenth rewrote a person's name's pattern in a form that matches the
# same values ("^(?:...)$") and the name checks, which had been applied where the pattern was names.NAME_PATTERN, were
# off; deleting the pattern did the same. A field is also taken for a person's name when its name or title says so, or
# its pattern is NAME_PATTERN, and for another name when its pattern is TEXT_PATTERN: the package (package.py) refuses
# such a field whose pcr:name is missing or another, and a field of either kind that the cell readers do not read.
NAME_PROPERTY, PERSON, OTHER, TITLE = "pcr:name", "person", "other", "title"
NAME_KINDS = (PERSON, OTHER, TITLE)  # a title: a course's, whose month and year are its session's (names.text_refused)
NAME_WORDS = frozenset("name names surname surnames forename forenames nickname nicknames alias aliases firstname lastname "
                       "fullname givenname middlename maidenname".split())
# the words beside "name" that make it a person's: "Officer name", "Given names", "Name suffix"; not "Agency name"
PERSON_WORDS = frozenset("officer officers person persons people individual employee employees trainee student instructor "
                         "licensee first last middle given family full maiden suffix".split()) | (NAME_WORDS - {"name", "names"})
FIELD_WORD = re.compile(r"[a-z]+|[0-9]+")


def field_words(field):
    """The lower-case words of a field's name and title (snake_case, spaces, camelCase alike)."""
    text = f"{field.get('name') or ''} {field.get('title') if isinstance(field.get('title'), str) else ''}"
    return set(FIELD_WORD.findall(re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text).lower()))


def says_name(field):
    """Whether a field's name or title says that it holds a name of some kind ("agency_name", "Officer name")."""
    return not NAME_WORDS.isdisjoint(field_words(field))


def says_person_name(field):
    """Whether a field's name or title says that it holds a person's name or a part of one ("officer_name", "surname",
    "Officer name: suffix")."""
    words = field_words(field)
    return not (NAME_WORDS - {"name", "names"}).isdisjoint(words) or (
        not {"name", "names"}.isdisjoint(words) and not PERSON_WORDS.isdisjoint(words))


def name_kind(field):
    """PERSON when the field holds a person's name (declared, said by its name or title, or its pattern is
    NAME_PATTERN), TITLE when it holds a course's title (declared), OTHER when it holds another name (declared, or its
    pattern is TEXT_PATTERN), else None."""
    declared = field.get(NAME_PROPERTY)
    pattern = field.get("constraints", {}).get("pattern") if isinstance(field.get("constraints"), dict) else None
    if declared == PERSON or pattern == names.NAME_PATTERN or says_person_name(field):
        return PERSON
    if declared == TITLE:
        return TITLE
    if declared == OTHER or pattern == names.TEXT_PATTERN:
        return OTHER
    return None


NAME_MATCH, TEXT_MATCH = re.compile(names.NAME_PATTERN).fullmatch, re.compile(names.TEXT_PATTERN).fullmatch


def pattern_matcher(field):
    """A function telling whether a cell matches the field's pattern as a whole, or None without a pattern or a name's
    rule. A person's name (``name_kind`` PERSON) must also match ``names.NAME_PATTERN`` and hold no date, street
    address, e-mail address or closed description of the person (``names.person_name_refused``); another name (OTHER:
    an agency's, a course's) ``names.TEXT_PATTERN``, and no date, address, long number, telephone number or e-mail
    address (``names.text_refused``), which no regular expression says well: what the importer refuses, a hand-edited
    CSV may not bring in (both validators use this function). The field's own pattern, if any, applies too: it can
    narrow a name's rule, never widen it."""
    pattern = field.get("constraints", {}).get("pattern")
    own = re.compile(pattern).fullmatch if pattern is not None else None
    kind = name_kind(field)
    if kind is None:
        return own
    rule, refused = ((NAME_MATCH, names.person_name_refused) if kind == PERSON else
                     (TEXT_MATCH, lambda cell: names.text_refused(cell, session=True)) if kind == TITLE else
                     (TEXT_MATCH, names.text_refused))
    if own is None or pattern == (names.NAME_PATTERN if kind == PERSON else names.TEXT_PATTERN):
        return remembered(lambda cell: bool(rule(cell)) and not refused(cell))
    return remembered(lambda cell: bool(rule(cell)) and bool(own(cell)) and not refused(cell))


VERDICTS_KEPT = 10_000  # a name's verdicts kept for its repeats (a roster lists an officer's licences in neighbouring rows)


def remembered(matches):
    """matches, with its verdicts on the last few thousand distinct cells kept: the name checks cost some 20
    microseconds a cell, and a roster repeats each name (the same verdict: the checks read the cell alone)."""
    verdicts = {}

    def cached(cell):
        verdict = verdicts.get(cell)
        if verdict is None:
            if len(verdicts) >= VERDICTS_KEPT:
                verdicts.clear()
            verdict = verdicts[cell] = matches(cell)
        return verdict
    return cached


def missing_values(resource, field):
    """The cells that mean 'missing' for a field (its own list, else the schema's)."""
    return set(field.get("missingValues", resource["schema"].get("missingValues", [""])))
