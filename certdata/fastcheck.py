"""Fast validation: the same verdict as frictionless, in one pass per large CSV.

Takes: a ``Package``. Gives: True when every resource is valid. Resources whose
schemas use only what this module implements (string, integer, boolean and
date fields; required, unique, pattern, enum, length and range constraints;
primary and foreign keys) are checked here; the rest go to frictionless. When
anything is wrong the caller runs frictionless, the reference, for the report.
A test runs the bad-input corpus through both and requires the same verdict.
"""
import array
import csv
import heapq
import itertools

from . import cells
from .package import csv_options


TYPES = {"string", "integer", "boolean", "date"}
CONSTRAINTS = {"required", "unique", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength"}
DIALECT = {"delimiter", "quoteChar", "doubleQuote", "skipInitialSpace", "lineTerminator", "header", "headerRows",
           "$schema", "csvddfVersion"}


class Invalid(Exception):
    """Stop at the first problem: the verdict is all that is needed."""


def supported(resource):
    """True when every field, key and dialect property of the resource is implemented here."""
    schema = resource["schema"]
    if set(resource.get("dialect", {})) - DIALECT:
        return False
    for field in schema["fields"]:
        if field.get("type", "any") not in TYPES or not cells.strict(field):
            return False
        if set(field.get("constraints", {})) - CONSTRAINTS:
            return False
    return True


def cast(field):
    """A function from a non-missing cell to its value; raises Invalid when the type does not fit."""
    read = cells.reader(field)
    if read is str:
        return read

    def checked(cell):
        try:
            return read(cell)
        except ValueError:
            raise Invalid from None
    return checked


def checker(field, missing_default):
    """A function from a cell to its value (None when missing), raising Invalid on any constraint;
    None when the field is text with no constraint and no name's rule (nothing to check: a name's field is checked
    whatever its constraints, cells.name_kind)."""
    missing = set(field.get("missingValues", missing_default))
    c = field.get("constraints", {})
    text = field["type"] == "string"
    if text and not set(c) - {"unique"} and not cells.name_kind(field):
        return None if not c.get("unique") else (lambda cell: None if cell in missing else cell)
    read = cast(field)
    required = c.get("required", False)
    pattern = cells.pattern_matcher(field)
    enum = {read(str(v)) if not isinstance(v, str) else read(v) for v in c["enum"]} if "enum" in c else None
    low, high = c.get("minimum"), c.get("maximum")
    if field["type"] == "date":
        low, high = (read(low) if isinstance(low, str) else low), (read(high) if isinstance(high, str) else high)
    min_len, max_len = c.get("minLength"), c.get("maxLength")
    ranged = low is not None or high is not None or min_len is not None or max_len is not None

    def check(cell):
        if cell in missing:
            if required:
                raise Invalid
            return None
        value = cell if text else read(cell)
        if pattern is not None and not pattern(cell):
            raise Invalid
        if enum is not None and value not in enum:
            raise Invalid
        if ranged:
            if (low is not None and value < low) or (high is not None and value > high):
                raise Invalid
            if (min_len is not None and len(value) < min_len) or (max_len is not None and len(value) > max_len):
                raise Invalid
        return value
    return check


def read_rows(path, resource):
    """Header and row iterator of a UTF-8 CSV (BOM allowed), read with the resource's dialect."""
    handle = open(path, encoding="utf-8-sig", newline="")
    reader = csv.reader(handle, **csv_options(resource))
    return handle, next(reader, None), reader


def key_values(package, resource, names):
    """The set of key tuples of a referenced resource, as typed values."""
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    missing = resource["schema"].get("missingValues", [""])
    checks = [checker(fields[n], missing) or plain for n in names]
    handle, header, reader = read_rows(package.path(resource), resource)
    with handle:
        index = [header.index(n) for n in names]
        return {tuple(c(row[i]) for c, i in zip(checks, index)) for row in reader if row}


def plain(cell):
    return cell or None


def check_resource(package, resource):
    """Raise Invalid at the first problem in one resource."""
    schema = resource["schema"]
    names = [f["name"] for f in schema["fields"]]
    checks = [checker(f, schema.get("missingValues", [""])) for f in schema["fields"]]
    key = [names.index(n) for n in (schema.get("primaryKey") or [])]
    unique = [i for i, f in enumerate(schema["fields"]) if f.get("constraints", {}).get("unique") and [i] != key]
    foreign = [([names.index(n) for n in fk["fields"]],
                key_values(package, package.resource(fk["reference"]["resource"]) if fk["reference"]["resource"] else resource,
                           fk["reference"]["fields"]))
               for fk in schema.get("foreignKeys", [])]
    composite = [[names.index(n) for n in names_] for names_ in schema.get("uniqueKeys") or []]
    needed = set(key) | set(unique) | {i for index, _ in foreign for i in index} | {i for index in composite for i in index}
    active = [(i, c or plain) for i, c in enumerate(checks) if c or i in needed]
    slot = {i: n for n, (i, _) in enumerate(active)}
    unique, key = [slot[i] for i in unique], [slot[i] for i in key]
    foreign = [([slot[i] for i in index], allowed) for index, allowed in foreign]
    composite = [([slot[i] for i in index], Repeats()) for index in composite]
    seen_unique = [Repeats() for _ in unique]
    seen_keys = Repeats()
    width = len(names)
    handle, header, reader = read_rows(package.path(resource), resource)
    with handle:
        if header != names:
            raise Invalid
        while True:
            batch = list(itertools.islice(reader, BATCH))
            if not batch:
                break
            if any(len(row) != width or not any(row) for row in batch):
                raise Invalid
            values = [column_values(check, column) for (_, check), column in zip(active, columns(batch, active))]
            for seen, i in zip(seen_unique, unique):
                seen.add_many([value for value in values[i] if value is not None])
            if key:
                keys = list(zip(*(values[i] for i in key)))
                if any(None in k for k in keys):
                    raise Invalid
                seen_keys.add_many(keys)
            for index, allowed in foreign:
                for k in set(zip(*(values[i] for i in index))):
                    if k not in allowed and any(v is not None for v in k):
                        raise Invalid
            for index, seen in composite:  # uniqueKeys: a key with a missing value is no key
                for k in zip(*(values[i] for i in index)):
                    if None not in k:
                        seen.add(k)
    for seen in [*seen_unique, seen_keys, *(seen for _, seen in composite)]:
        seen.check()


BATCH = 10_000  # rows checked at a time, column by column


def columns(batch, active):
    """The active columns of a batch of rows of one width, each a tuple of its cells in row order."""
    every = list(zip(*batch))
    return [every[i] for i, _ in active]


def column_values(check, column):
    """The values of a column's cells in row order, each distinct cell checked once (a check reads its cell
    alone: a roster repeats a status, a class, an agency and each officer's name on neighbouring rows)."""
    value = {cell: check(cell) for cell in set(column)}
    return [value[cell] for cell in column]


class Repeats:
    """Whether a value is added twice, told by the values' hashes, kept in sorted runs of 8-byte integers
    (a million keys: 8 MB; a set of the keys was 139 MB, a set of their hashes 76 MB). Two values that share
    a hash read as a repeat: the caller then asks frictionless, so the verdict stays exact."""

    RUN = 100_000

    def __init__(self):
        self.runs, self.current = [], set()

    def add(self, value):
        h = hash(value)
        if h in self.current:
            raise Invalid
        self.current.add(h)
        if len(self.current) >= self.RUN:
            self.runs.append(array.array("q", sorted(self.current)))
            self.current = set()

    def add_many(self, values):
        """add each of values (a batch's, in one pass of set operations)."""
        hashes = set(map(hash, values))
        if len(hashes) != len(values) or not self.current.isdisjoint(hashes):
            raise Invalid
        self.current |= hashes
        if len(self.current) >= self.RUN:
            self.runs.append(array.array("q", sorted(self.current)))
            self.current = set()

    def check(self):
        """Raise Invalid when two runs share a hash (within a run, add found it)."""
        previous = None
        for h in heapq.merge(*self.runs, sorted(self.current)):
            if h == previous:
                raise Invalid
            previous = h


def frictionless_subset_valid(package, names):
    """Frictionless on the named resources (and those they reference); True when valid."""
    wanted = set(names)
    for resource in package.resources:
        if resource["name"] in wanted:
            wanted |= {fk["reference"]["resource"] for fk in resource["schema"].get("foreignKeys", []) if fk["reference"]["resource"]}
    descriptor = dict(package.descriptor, resources=[r for r in package.resources if r["name"] in wanted])
    if not descriptor["resources"]:
        return True
    from .validate import frictionless_validate  # validate imports this module
    return frictionless_validate(package, descriptor).valid


def package_is_valid(package, reused=frozenset()):
    """The verdict for the whole package: fast where supported, frictionless for the rest. Resources
    named in reused are taken as valid (an incremental build reuses them from a release that passed
    with the same bytes, descriptor and code; the load checks their foreign keys into changed ones)."""
    rest = []
    for resource in package.resources:
        if resource["name"] in reused:
            continue
        if not supported(resource):
            rest.append(resource["name"])
            continue
        try:
            check_resource(package, resource)
        except (Invalid, csv.Error, UnicodeDecodeError, ValueError, IndexError, OSError, AttributeError,
                TypeError, KeyError):  # anything unreadable: frictionless, the reference, reports it
            return False
    return frictionless_subset_valid(package, rest)
