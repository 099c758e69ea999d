"""Validation: every CSV against its Table Schema, foreign keys included.

Takes: a ``Package``. Gives: a list of ``Problem`` (file, row, field, error type,
message), empty when the package is valid. Frictionless does the checking; the
messages are ours, so that a value is only ever echoed for an open field.
"""
import codecs
import csv
import io
import json
import mmap
import os
import re
from dataclasses import asdict, dataclass

import attrs
from frictionless import Check, Checklist, errors
from frictionless import Package as FrictionlessPackage
from frictionless import system

from . import cells, fastcheck
from .names import PO_BOX, SPELLED_DATE, SPELLED_DIGITS, TOP_DOMAIN_WORDS, WORDED_DATE
from .package import DESCRIPTOR, csv_options, fields, open_fields

REPORT_CAP = 10  # problems printed per resource; the JSON report has them all
MAX_FILE_BYTES, MAX_ROWS, MAX_COLUMNS = 2 * 1024**3, 20_000_000, 1_000  # shape limits of one CSV
MAX_LINE_BYTES = 64 * 1024  # no roster line comes near it (the importer caps a cell at 10,000 characters)


@dataclass
class Problem:
    """One validation problem, safe to print: values appear only for open fields."""

    file: str
    row: int | None
    field: str | None
    type: str
    message: str

    def __post_init__(self):
        """File, field and message made safe as the problem is made (``redaction``): a value a message quotes, or a
        file's or a field's name, that holds a closed value is not shown, wherever the problem goes."""
        from .redaction import WITHHELD, safe_text
        if self.file and safe_text(self.file) is None:
            self.file = "(a file whose name is not shown: it may hold a closed value)"
        if self.field and safe_text(self.field) is None:
            self.field = "(a field whose name is not shown: it may hold a closed value)"
        message = safe_text(self.message)
        self.message = message if message is not None else WITHHELD

    def line(self):
        where = self.file + (f", row {self.row}" if self.row else "") + (f", field {self.field}" if self.field else "")
        return f"{where}: {self.type}: {self.message}"


def validate_package(package, fast=True, reused=frozenset()):
    """Problems in every resource of the package. With fast, a valid package is confirmed by
    ``fastcheck`` (which takes the resources named in reused as valid); any problem is reported by
    frictionless, the reference, over the whole package."""
    problems = pre_check_files(package, reused if fast else frozenset())
    if problems:
        return problems
    if fast and fastcheck.package_is_valid(package, reused):
        return []
    problems = [long_cell_problem(package, r) for r in package.resources if r["name"] not in reused]
    if any(problems):  # reported alone: frictionless (under the same limit) would only say "field larger than field limit"
        return [p for p in problems if p]
    return redact_columns(package, frictionless_problems(package))


@attrs.define(kw_only=True, repr=False)
class StrictCells(Check):
    """Where frictionless is lax and the spec is not (``1_000`` as an integer, ``2023-1-5`` as a
    date, a trailing newline under a pattern), the verdict of ``cells``, which the fast path uses."""

    type = "strict-cells"
    Errors = [errors.TypeError, errors.ConstraintError, errors.IncorrectLabelError, errors.UniqueError]

    def validate_row(self, row):
        yield from self.unique_keys(row)
        plan = self.plan(row.fields)
        flagged = {e.field_name for e in row.errors if hasattr(e, "field_name")}
        for number, (field, raw) in enumerate(zip(row.fields, row.cells), start=1):
            read, matches, missing, kind, note = plan[field.name]
            if read is None or field.name in flagged or not isinstance(raw, str) or raw in missing:
                continue
            try:
                read(raw)
                error = None if matches is None or matches(raw) else (errors.ConstraintError, note)
            except ValueError:
                error = errors.TypeError, f'type is "{kind}/default" (read strictly)'
            if error:
                yield error[0](note=error[1], cells=[str(c) if c is not None else "" for c in row.cells],
                               row_number=row.row_number, cell=raw, field_name=field.name, field_number=number)

    def unique_keys(self, row):
        """The schema's uniqueKeys, which frictionless 5 does not check: a row whose key repeats an earlier
        row's (a key with a missing value is no key, as in SQL)."""
        for names, seen in self._unique:
            key = tuple(row[name] for name in names)
            if None in key:
                continue
            if key in seen:
                number = [f.name for f in row.fields].index(names[0]) + 1
                yield errors.UniqueError(note=f"the unique key ({', '.join(names)}) repeats an earlier row's",
                                         cells=[str(c) if c is not None else "" for c in row.cells], row_number=row.row_number,
                                         cell=str(row[names[0]]), field_name=names[0], field_number=number)
            seen.add(key)

    def connect(self, resource):
        super().connect(resource)
        self._plan = None  # one instance serves every resource of the package
        self._unique = [(list(names), set()) for names in (resource.schema.to_descriptor().get("uniqueKeys") or [])]

    def validate_start(self):
        """The header exactly as written: frictionless strips spaces and line breaks from labels, the spec does not."""
        expected = getattr(self, "headers", {}).get(self.resource.name)
        if not expected:
            return
        path, options, names = expected
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle, **options), [])
        except (OSError, UnicodeDecodeError, csv.Error):
            return  # unreadable files are reported by the other checks
        for number, (label, name) in enumerate(zip(header, names), start=1):
            if label != name and label.strip() == name:
                yield errors.IncorrectLabelError(note="the column name has surrounding spaces or line breaks",
                                                 labels=header, row_numbers=[1], label=label, field_name=name,
                                                 field_number=number)

    def plan(self, fields):
        """{field name: (reader or None, pattern matcher or None, missing values, type, the note of a pattern
        error)}, made once per resource."""
        if getattr(self, "_plan", None) is None:
            schema_missing = self.resource.schema.missing_values
            self._plan = {}
            for field in fields:
                descriptor = field.to_descriptor()
                strict = cells.strict(descriptor)
                person = cells.name_kind(descriptor) == cells.PERSON
                self._plan[field.name] = (cells.reader(descriptor) if strict else None,
                                          cells.pattern_matcher(descriptor) if strict else None,
                                          set(descriptor.get("missingValues", schema_missing)), descriptor.get("type"),
                                          'constraint "pattern" is not matched by the whole value' + (
                                              " (a person's name holds no date, street address, run of digits, "
                                              "e-mail address or description of the person, and nothing but a suffix "
                                              "after a second comma: a closed value in the wrong column?)" if person else ""))
        return self._plan


def frictionless_validate(package, descriptor=None, **options):
    """Frictionless's report on the package (or a descriptor of some of its resources), read with each
    resource's explicit dialect and the strict cell check; never touches the network."""
    descriptor = descriptor or package.descriptor
    check = StrictCells()
    check.headers = {r["name"]: (package.path(r), csv_options(r), [f["name"] for f in fields(r)]) for r in descriptor["resources"]}
    with system.use_context(trusted=True):
        frictionless_package = FrictionlessPackage(json.loads(json.dumps(descriptor)), basepath=str(package.root))
        return frictionless_package.validate(checklist=Checklist(checks=[check]), **options)


def frictionless_problems(package):
    """Problems found by frictionless in every resource of the package."""
    problems = []
    report = frictionless_validate(package, limit_errors=10_000)
    for task in report.tasks:
        resource = package.resource(task.name)
        for error in task.errors:
            problems.append(problem_from_error(resource, error))
    for error in report.errors:
        problems.append(Problem(DESCRIPTOR, None, None, error.type, error.message))
    return problems


def pre_check_files(package, reused=frozenset()):
    """Problems frictionless reports poorly: missing, empty, non-UTF-8 or NUL-bearing files. The
    resources named in reused are skipped: their bytes passed these checks in the previous release,
    with the same code (their reuse key covers both)."""
    problems = []
    for resource in package.resources:
        if resource["name"] in reused:
            continue
        path = package.path(resource)
        if not path.exists():
            problems.append(Problem(resource["path"], None, None, "missing-file", "the file does not exist"))
            continue
        shape = shape_problems(package, resource) or integrity_problems(package, resource)
        if shape:
            problems += shape
            continue
        found, content = byte_problems(resource, path)
        if not content:
            problems.append(Problem(resource["path"], None, None, "empty-file", "the file is empty; a header row is required"))
            continue
        problems += found
    return problems


def integrity_problems(package, resource):
    """The file against the size and hash its resource declares, if it declares them (frictionless
    checks them; the fast path does not read them otherwise)."""
    import hashlib
    path, problems = package.path(resource), []
    if "bytes" in resource and resource["bytes"] != path.stat().st_size:
        problems.append(Problem(resource["path"], None, None, "byte-count",
                                f"the file has {path.stat().st_size:,} bytes; the descriptor's 'bytes' says {resource['bytes']:,}"))
    if "hash" in resource:
        algorithm, _, declared = resource["hash"].rpartition(":")
        if (algorithm or "md5") not in ("md5", "sha1", "sha256", "sha512"):
            problems.append(Problem(resource["path"], None, None, "hash-count", f"the 'hash' algorithm {algorithm!r} is not "
                                    "one of md5, sha1, sha256, sha512"))
        else:
            with open(path, "rb") as handle:
                if hashlib.file_digest(handle, algorithm or "md5").hexdigest() != declared.lower():
                    problems.append(Problem(resource["path"], None, None, "hash-count",
                                            "the file's digest is not the descriptor's 'hash' (the file changed since?)"))
    return problems


def shape_problems(package, resource):
    """The size limits of one CSV (bytes, lines, columns), checked before anything reads it whole."""
    path = package.path(resource)
    if not path.is_file():
        return []
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return [Problem(resource["path"], None, None, "too-large", f"the file has {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")]
    lines, too_long = line_shape(path)
    if too_long is not None and lines == 0:
        with open(path, "rb") as handle:
            if b"\r" in handle.read(MAX_LINE_BYTES):  # not one long line: lines that end with CR alone
                return [Problem(resource["path"], None, None, "line-ends", "the lines end with a carriage return alone "
                                "(old Mac line ends); re-save the file with LF or CRLF line ends")]
    if too_long is not None:  # the line's start only is parsed: whole, 150 million commas are as many cells
        row, field = long_cell(package, resource, too_long) or (too_long, None)
        return [Problem(resource["path"], row, field, "line-too-long",
                        f"line {too_long:,} is longer than {MAX_LINE_BYTES:,} bytes (no roster value is that long; "
                        "the line is not shown)")]
    if lines > MAX_ROWS:
        return [Problem(resource["path"], None, None, "too-many-rows", f"{lines:,} lines; the limit is {MAX_ROWS:,}")]
    width = len(first_row(package, resource))
    if width > MAX_COLUMNS:
        return [Problem(resource["path"], 1, None, "too-many-columns", f"the header has {width:,} columns; the limit is {MAX_COLUMNS}")]
    return []


def line_shape(path, limit=None):
    """(lines, the number from 1 of the first line longer than limit bytes or None) of a file. The long
    line is looked for in strides of the limit, C's search doing the reading: from the start of a line,
    the last line break within limit + 1 bytes begins the next stride, and a stride with none is a
    long line (a quarter of a second less per 100 MB than reading every line)."""
    limit = MAX_LINE_BYTES if limit is None else limit
    lines, long_at = 0, None
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            lines += block.count(b"\n")
        if handle.tell() == 0:
            return 0, None
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            start = 0
            while len(data) - start > limit:
                end = data.rfind(b"\n", start, start + limit + 1)
                if end < 0:
                    long_at = start
                    break
                start = end + 1
            if long_at is None:
                return lines, None
            return lines, sum(data[i:min(i + BLOCK, long_at)].count(b"\n") for i in range(0, long_at, BLOCK)) + 1


def long_cell(package, resource, line=None):
    """(row, field) of the first cell longer than cells.MAX_CELL_CHARS, read as the CSV readers read
    it, or None; the field is named only when the header declares it (else "column N"). The cell is
    never held whole: the reader stops at the limit, and the record is read again from its first line
    up to its header's width in cells at the limit, which reaches past the start of the long one. Given
    the number of a line known to be too long, only that line's start is read (its number as the row)."""
    path, options = package.path(resource), csv_options(resource)
    if line is not None:
        rows, before = line - 1, line - 1
    else:
        with open(path, encoding="utf-8-sig", newline="", errors="replace") as handle:
            reader = csv.reader(handle, **options)
            rows, before = 0, 0  # records read, and the lines they took
            try:
                for _ in reader:
                    rows, before = rows + 1, reader.line_num
                return None
            except csv.Error as error:
                if "field limit" not in str(error):
                    return None
    header = first_row(package, resource) if rows else []
    with open(path, encoding="utf-8-sig", newline="", errors="replace") as handle:
        for _ in range(before):  # lines, each read in pieces (a line may be long)
            while (piece := handle.readline(MAX_LINE_BYTES)) and not piece.endswith(("\n", "\r")):
                pass
        start = handle.read((max(len(header), 1) + 1) * (cells.MAX_CELL_CHARS + 3))
    with cells.cell_limit(len(start) + 1):
        record = next(csv.reader(io.StringIO(start, newline=""), **options), [])
    column = next((i for i, cell in enumerate(record) if len(cell) > cells.MAX_CELL_CHARS), None)
    if column is None:  # a long line of short cells
        return None if line is not None else (rows + 1, None)
    named = column < len(header) and header[column] in {f["name"] for f in fields(resource)}
    return rows + 1, header[column] if named else f"column {column + 1}"


def long_cell_problem(package, resource):
    """A Problem for the first cell longer than cells.MAX_CELL_CHARS in the resource's CSV, or None."""
    found = long_cell(package, resource)
    if found is None:
        return None
    row, field = found
    return Problem(resource["path"], row, field, "cell-too-long",
                   f"a cell longer than {cells.MAX_CELL_CHARS:,} characters (no value of a release comes near it; "
                   "it is not shown)")


def package_shape_problems(package):
    """shape_problems of every resource: run before the guard, so that an oversized file is named as such."""
    return [p for r in package.resources for p in shape_problems(package, r)]


BLOCK = 1 << 22


def byte_problems(resource, path):
    """(problems, whether the file holds anything but white space): NUL bytes and invalid UTF-8,
    located by row (never echoing the bytes), read in blocks so that memory stays flat. The rows
    are counted only when there is a problem to locate."""
    problems, nul_at, bad_at, offset, content = [], None, None, 0, False
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            content = content or bool(block.strip())
            if nul_at is None and b"\x00" in block:
                nul_at = offset + block.index(b"\x00")
            if bad_at is None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as error:  # start is within this block (a pending sequence is at most 3 bytes)
                    bad_at = offset + max(0, error.start)
            offset += len(block)
        if bad_at is None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                bad_at = offset
    if nul_at is not None:
        problems.append(Problem(resource["path"], row_at(path, nul_at), None, "nul-byte",
                                "the file contains a NUL byte; re-export it as plain UTF-8 text"))
    if bad_at is not None:
        problems.append(Problem(resource["path"], row_at(path, bad_at), None, "encoding-error",
                                "the file is not UTF-8 (perhaps Windows-1252); import it with `python build.py import` or re-save it as UTF-8"))
    return problems, content


def row_at(path, offset):
    """The number (from 1) of the line holding the byte at offset (the line after the last one when
    offset is the file's end)."""
    lines = 0
    with open(path, "rb") as handle:
        while offset > 0:
            block = handle.read(min(BLOCK, offset))
            if not block:
                break
            lines += block.count(b"\n")
            offset -= len(block)
    return lines + 1


def problem_from_error(resource, error):
    """A Problem from a frictionless error; its note only when every field involved is open and
    the note quotes none of the row's values (a value in an open column may still be a misplaced
    closed one, a date of birth or an address, so values are never shown)."""
    names = involved_fields(error)
    safe = all(name in open_fields(resource) for name in names) if names else True
    note = getattr(error, "note", "") or ""
    values = [getattr(error, "cell", None), *(getattr(error, "cells", None) or [])]
    quotes_a_value = any(isinstance(v, str) and v.strip() and v.strip() in note for v in values)
    message = error.title
    if note.startswith('constraint "pattern" is "'):  # the pattern itself (a thousand characters for a name part's)
        # helps no one: what the field holds says what to fix (an attack run after the seventeenth)
        note = 'constraint "pattern" is not matched by the whole value' + (
            " (a person's name or a part of one holds no date, street address, run of digits, e-mail address or "
            "description of the person: a closed value in the wrong column?)" if names and any(
                f.get("pcr:name") == "person" for f in fields(resource) if f["name"] in names) else
            " (the field's pattern is in its schema)")
    if note and safe and not quotes_a_value:
        message += f" ({note})"
    elif quotes_a_value and safe:
        message += " (the value is not shown)"
    elif names and not safe:
        message += " (the value is not shown: the field is not open)"
    label = getattr(error, "label", None)
    if label is not None:  # header problems: a column name is shown only when it looks like one
        message = error.title + f": column {shown_column(resource, label)} at position {error.field_number}"
    field = ", ".join(names) if names else None
    return Problem(resource["path"], getattr(error, "row_number", None), field, error.type, message)




NAME_LIKE = re.compile(r"[a-z][a-z0-9_]{0,62}")  # how the schemas name fields: officer_name, license_status


def words_of_numbers(text):
    """Whether a text holds digits or a date written in words ("five five five zero one four two", "April the
    fifth") or a post box: a value, not a column's name (a closed category's name, such as date_of_birth, is no value)."""
    return bool(SPELLED_DIGITS.search(text) or WORDED_DATE.search(text) or SPELLED_DATE.search(text) or PO_BOX.search(text))


def looks_like_a_name(text, declared=()):
    """A column name that can be printed: written as the schemas write field names (at most two digits,
    not ending in a domain's last word), or a declared name in other case or spacing ('Officer Name',
    'officer_name '). Anything else in a header row may be a value: 'Larkspur Lane', 'Smith, John', a date
    of birth, an e-mail address with its signs made underscores ('jane_doe_example_com'), a telephone number
    in words ('five_five_five_zero_one_four_two')."""
    text = text or ""
    if " ".join(text.lower().replace("_", " ").split()).replace(" ", "_") in declared:
        return True
    return (bool(NAME_LIKE.fullmatch(text)) and sum(c.isdigit() for c in text) <= 2
            and not ("_" in text and text.rsplit("_", 1)[1] in TOP_DOMAIN_WORDS)
            and not words_of_numbers(text.replace("_", " ")))  # its spaces made underscores


def shown_column(resource, label):
    """A column's name quoted, or a note that it is withheld because it may be a value."""
    if looks_like_a_name(label, {f["name"] for f in fields(resource)}):
        return repr(label)
    return "(name not shown: it is not written like a column name and may be a value)"


def first_row(package, resource):
    """The CSV's first row as the readers see it (empty when unreadable)."""
    try:
        with open(package.path(resource), encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle, **csv_options(resource)), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def headerless_problem(package, resource):
    """A problem when the first row shares no name with the schema: it is data, so none of it is shown."""
    header = first_row(package, resource)
    declared = {f["name"] for f in fields(resource)}
    if not header or declared & set(header):
        return None
    return Problem(resource["path"], 1, None, "missing-header",
                   f"the first row is not a header: none of its {len(header)} cell(s) is a column of the schema "
                   "(its values are not shown); add the header row")


HEADER_PROBLEMS = {"undeclared-column", "missing-column", "incorrect-label", "extra-label", "missing-label",
                   "duplicate-label", "blank-label", "blank-header"}


def redact_columns(package, problems):
    """Guard and header problems made safe: a file without a header gets one problem that shows none of
    its first row, and a column name that looks like a value is replaced by its position."""
    headerless, declared = {}, {}
    for resource in package.resources:
        declared[resource["path"]] = {f["name"] for f in fields(resource)}
        problem = headerless_problem(package, resource)
        if problem:
            headerless[resource["path"]] = problem
    out, reported = [], set()
    for problem in problems:
        if problem.file in headerless and problem.type in HEADER_PROBLEMS:
            if problem.file not in reported:
                out.append(headerless[problem.file])
                reported.add(problem.file)
            continue
        if problem.type == "undeclared-column" and not looks_like_a_name(problem.field, declared.get(problem.file, ())):
            problem = Problem(problem.file, problem.row, None, problem.type,
                              problem.message + " (its name is not shown: it is not written like a column name "
                              "and may be a value)")
        elif (problem.type != "undeclared-column" and problem.field and problem.file in declared
              and problem.field not in declared[problem.file]):
            # a row's problem names its column by the file's first row: when that row is not the schema's
            # header (a file without one), the "name" is a value, perhaps a closed one, and is not shown
            problem = Problem(problem.file, problem.row, None, problem.type, problem.message)
        out.append(problem)
    return out


def involved_fields(error):
    """Names of the fields an error is about."""
    if getattr(error, "field_names", None):
        return list(error.field_names)
    name = getattr(error, "field_name", None)
    return [name] if name else []


def summarise(problems, cap=REPORT_CAP):
    """Human report: at most cap problems per file, then totals."""
    by_file = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    lines = []
    for file, items in by_file.items():
        lines += [p.line() for p in items[:cap]]
        if len(items) > cap:
            lines.append(f"{file}: ... and {len(items) - cap} more (see the JSON report)")
    lines.append(f"{len(problems)} problem(s) in {len(by_file)} file(s)")
    return "\n".join(lines)


def write_report(problems, path):
    """Write every problem as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.unlink(missing_ok=True)
    temp.write_text(json.dumps([asdict(p) for p in problems], indent=2) + "\n", encoding="utf-8")
    os.replace(temp, path)  # replaces a link at path rather than writing through it
