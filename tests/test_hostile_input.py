"""A generated corpus of messy and hostile input, run through `build.py` and `build.py import`.

Each case either builds correctly (odd but valid input) or fails with exit 1 and a
message naming the file, row and field, leaving the previous release and data
byte-identical. No output ever contains SENTINEL, the marker planted in values
that are not open.
"""
import csv
import hashlib
import io
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from datetime import datetime

import openpyxl
import pytest

from certdata import pipeline, publish

from .conftest import ROOT, make_package, run_cli, settle_ma_disclosure

SENTINEL = "SENTINEL-1969-07-20"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = make_package(tmp_path_factory.mktemp("released") / "pkg")
    settle_ma_disclosure(root)  # so that Massachusetts imports can be tried (see test_importers)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    return root


def hashes(directory):
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(directory).rglob("*")) if p.is_file()}


def rows_of(root, name):
    with open(root / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(root, name, rows, encoding="utf-8", newline="\n", bom=False):
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    data = out.getvalue().encode(encoding)
    (root / "data" / f"{name}.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def set_cell(name, row, column, value):
    def mutate(root, tmp):
        rows = rows_of(root, name)
        rows[row][rows[0].index(column)] = value
        write_rows(root, name, rows)
    return mutate


def raw(name, transform):
    def mutate(root, tmp):
        path = root / "data" / f"{name}.csv"
        path.write_bytes(transform(path.read_bytes()))
    return mutate


def rows_edit(name, edit, **options):
    def mutate(root, tmp):
        write_rows(root, name, edit(rows_of(root, name)), **options)
    return mutate


def add_column(header, value):
    return lambda rows: [rows[0] + [header]] + [r + [value] for r in rows[1:]]


def rows_read(root):
    """The import read MO_ROWS' officers, nothing of a footer."""
    with open(root / "data" / "mo_officers.csv", encoding="utf-8", newline="") as f:
        assert [r["officer_name"] for r in csv.DictReader(f)] == [row[0] for row in MO_ROWS]


@dataclass
class Case:
    name: str
    mutate: object = None
    expect: list = field(default_factory=list)  # empty: must succeed
    importer: tuple = None  # (source, maker(tmp) -> file)
    command: tuple = ()  # build.py arguments when not a build (e.g. release-check)
    absent: list = field(default_factory=list)  # besides SENTINEL, text no output may contain (a value planted)
    verify: object = None  # verify(root, tmp): what else must hold afterwards (e.g. a file outside untouched)

    def __repr__(self):
        return self.name


def workbook(tmp, sheets, name="release.xlsx", hidden=(), merged=(), hidden_sheets=()):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        if title in hidden_sheets:
            sheet.sheet_state = "hidden"
        for row in rows:
            sheet.append(list(row))
        for letter in hidden:
            sheet.column_dimensions[letter].hidden = True
        for cells in merged:
            sheet.merge_cells(cells)
    path = tmp / name
    book.save(path)
    return path


def text_file(tmp, text, name="release.csv", encoding="utf-8", prefix=b""):
    path = tmp / name
    path.write_bytes(prefix + text.encode(encoding))
    return path


MO_HEADER = ["Name", "Date of Birth", "License Status", "License Class", "Commissioning Agency"]
MO_ROWS = [["Núñez, José", SENTINEL, "Sample status A", "Sample class A", "Columbia Police Department"],
           ["O'Brien, Pat", SENTINEL, "revoked", "unknown", ""]]
MA_HEADER = "Acadis ID,Officer Name,Date of Birth,City of Residence,Course Name,Completion Date,Agency\n"


def ma_csv(date):
    return MA_HEADER + f"777001,Zoë Adébáyọ̀,{SENTINEL},{SENTINEL},Use of Force,{date},Boston Police Department\n"


def mo_csv(rows):
    return "\n".join(",".join(f'"{c}"' for c in r) for r in [MO_HEADER] + rows) + "\n"


CASES = [
    # --- build: odd but valid ---
    Case("utf8-bom", raw("mo_officers", lambda b: b"\xef\xbb\xbf" + b)),
    Case("crlf-line-ends", raw("mo_officers", lambda b: b.replace(b"\n", b"\r\n"))),
    Case("bom-and-crlf", raw("ma_training", lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"))),
    Case("accented-names-utf8", set_cell("mo_officers", 3, "officer_name", "Nguyễn, Zoë Ångström-Ðặng")),
    Case("formula-leading-name", set_cell("mo_officers", 3, "officer_name", '=HYPERLINK("x","click")')),
    Case("plus-cmd-name", set_cell("mo_officers", 4, "officer_name", "+SUM(1+1)*cmd|' /C calc'!A")),  # two digits: a name holds at most two
    # an @ in a name is an address's (the eleventh attack run), also at a formula's start
    Case("at-sum-name", set_cell("mo_officers", 4, "officer_name", "@SUM(1+1)*cmd|' /C calc'!A"),
         ["data/mo_officers.csv, row 5, field officer_name", "constraint"]),
    Case("real-looking-name-in-data", set_cell("mo_officers", 5, "officer_name", "Ó Súilleabháin-D'Arcy, Seán III")),
    # a link in a name (an attack run after the sixteenth: "https://evil.example/phish" was published as an agency)
    Case("javascript-link-agency", set_cell("agencies", 2, "agency_name", "javascript:alert(document.domain)"),
         ["data/agencies.csv, row 3, field agency_name", "pattern"], absent=["alert", "document.domain"]),
    Case("web-link-agency", set_cell("agencies", 2, "agency_name", "https://evil.example/phish"),
         ["data/agencies.csv, row 3, field agency_name", "pattern"], absent=["evil.example"]),
    Case("long-but-allowed-name", set_cell("mo_officers", 6, "officer_name", "A" * 199)),
    Case("header-only-officers", raw("mo_officers", lambda b: b.split(b"\n", 1)[0] + b"\n")),
    # --- build: errors ---
    Case("windows-1252-accents", raw("mo_officers", lambda b: re.sub(r'"[^"]+"', '"Núñez, José"', b.decode("utf-8"), count=1).encode("cp1252", errors="replace")),
         ["data/mo_officers.csv, row", "encoding-error"]),
    Case("ragged-extra-cell", rows_edit("mo_officers", lambda r: r[:3] + [r[3] + [SENTINEL]] + r[4:]),
         ["data/mo_officers.csv, row 4", "extra-cell"]),
    Case("ragged-missing-cell", rows_edit("mo_officers", lambda r: r[:3] + [r[3][:-2]] + r[4:]),
         ["data/mo_officers.csv, row 4", "missing-cell"]),
    Case("extra-column", rows_edit("mo_officers", add_column("notes", "x")), ["data/mo_officers.csv", "notes"]),
    Case("date-of-birth-column-slipped-in", rows_edit("mo_officers", add_column("date_of_birth", SENTINEL)),
         ["data/mo_officers.csv", "date_of_birth", "closed category"]),
    Case("home-zip-column-slipped-in", rows_edit("ma_training", add_column("Home Zip", SENTINEL)),
         ["data/ma_training.csv", "column 8", "closed category"]),
    Case("missing-column", rows_edit("mo_officers", lambda r: [x[:3] + x[4:] for x in r]), ["data/mo_officers.csv", "license_class"]),
    Case("renamed-column", rows_edit("mo_officers", lambda r: [["row_id", "name"] + r[0][2:]] + r[1:]),
         ["data/mo_officers.csv", "officer_name"]),
    Case("duplicate-header", rows_edit("agencies", lambda r: [r[0][:2] + ["state"]] + r[1:]), ["data/agencies.csv", "state"]),
    Case("wrong-type-integer", set_cell("mo_post_measures", 3, "value", "about 7,400"),
         ["data/mo_post_measures.csv, row 4, field value", "type-error"]),
    Case("negative-fee", set_cell("requests", 1, "fee_cap_usd", "-5"), ["data/requests.csv, row 2, field fee_cap_usd", "constraint"]),
    Case("date-unknown", set_cell("ma_training", 2, "completion_date", "unknown"),
         ["data/ma_training.csv, row 3, field completion_date", "type-error"]),
    Case("date-zeros", set_cell("ma_training", 3, "completion_date", "00/00/0000"),
         ["data/ma_training.csv, row 4, field completion_date"]),
    Case("date-excel-serial", set_cell("ma_training", 4, "completion_date", "43831"),
         ["data/ma_training.csv, row 5, field completion_date"]),
    Case("date-two-digit-year", set_cell("ma_training", 5, "completion_date", "3/5/19"),
         ["data/ma_training.csv, row 6, field completion_date"]),
    # the eighth attack run: the state ID had no pattern, so an e-mail address or a date written into it by
    # hand was published; and a retired id's row could hold anything
    Case("state-id-email", set_cell("ma_training", 2, "state_id", f"jane.doe@{SENTINEL}.com"),
         ["data/ma_training.csv, row 3, field state_id", "constraint"]),
    Case("state-id-date", set_cell("ma_training", 2, "state_id", SENTINEL), ["data/ma_training.csv, row 3, field state_id"]),
    Case("hangul-filler-name", set_cell("mo_officers", 2, "officer_name", "\u3164"), ["data/mo_officers.csv, row 3, field officer_name"]),
    Case("digit-shape-control-agency", set_cell("agencies", 2, "agency_name", "Alpha\u206ePolice Department"),
         ["data/agencies.csv, row 3, field agency_name"]),
    Case("blank-rows", rows_edit("mo_officers", lambda r: r[:3] + [[], ["", "", "", "", ""]] + r[3:]),
         ["data/mo_officers.csv, row 5", "blank-row"]),
    Case("duplicate-key", rows_edit("mo_officers", lambda r: r[:3] + [r[2]] + r[3:]), ["data/mo_officers.csv, row 4", "primary-key"]),
    Case("duplicate-agency", rows_edit("agencies", lambda r: r + [r[1]]), ["data/agencies.csv", "primary-key"]),
    Case("orphan-agency", set_cell("mo_officers", 2, "agency_id", "MO-no-such-police-department"),
         ["data/mo_officers.csv, row 3, field agency_id", "foreign-key"]),
    Case("status-outside-code-sheet", set_cell("mo_officers", 2, "license_status", "Lapsed"),
         ["data/mo_officers.csv, row 3, field license_status", "foreign-key"]),
    Case("status-wrong-case", set_cell("mo_officers", 2, "license_status", "revoked"), ["row 3, field license_status"]),
    Case("status-trailing-space", set_cell("mo_officers", 2, "license_status", "Revoked "), ["row 3, field license_status"]),
    Case("bad-row-id-pattern", set_cell("mo_officers", 2, "row_id", "officer 12"), ["row 3, field row_id", "constraint"]),
    Case("bad-state-enum", set_cell("agencies", 2, "state", "XX"), ["data/agencies.csv, row 3, field state"]),
    Case("blank-required-name", set_cell("mo_officers", 2, "officer_name", ""), ["row 3, field officer_name", "constraint"]),
    # a name must hold a letter and no invisible or direction-changing character, in data/ as in an import
    Case("rtl-override-name", set_cell("mo_officers", 5, "officer_name", "Smith\u202e, John\u202c"),
         ["data/mo_officers.csv, row 6, field officer_name", "constraint"]),
    Case("isolate-in-agency-name", set_cell("agencies", 2, "agency_name", "Sample Agency \u2067Q\u2069"),
         ["data/agencies.csv, row 3, field agency_name", "constraint"]),
    Case("date-as-name-in-data", set_cell("mo_officers", 2, "officer_name", "1969-07-20"),
         ["data/mo_officers.csv, row 3, field officer_name", "constraint"], absent=["1969-07-20"]),
    Case("marker-and-date-as-name-in-data", set_cell("mo_officers", 3, "officer_name", SENTINEL),
         ["data/mo_officers.csv, row 4, field officer_name", "constraint"]),
    Case("date-in-split-name-in-data", set_cell("mo_officers", 3, "given_names", "Jane 7/20/69"),
         ["data/mo_officers.csv, row 4, field given_names", "constraint"], absent=["7/20/69"]),
    Case("numbers-in-agency-name-in-data", set_cell("agencies", 2, "agency_name", "Sample County 911 District 12")),
    Case("zero-width-space-in-course", set_cell("ma_training", 2, "course_name", "Use of\u200bForce"),
         ["data/ma_training.csv, row 3, field course_name", "constraint"]),
    Case("ten-megabyte-field", set_cell("mo_officers", 2, "officer_name", "X" * (10 * 1024 * 1024)), ["data/mo_officers.csv", "row 3"]),
    # what the importer refuses in a name is refused in a hand-edited CSV too (the sixth attack run published these)
    Case("month-date-in-a-name", set_cell("mo_officers", 2, "officer_name", "Doe, Jane born April 23"),
         ["data/mo_officers.csv", "row 3", "officer_name", "a closed value in the wrong column?"], absent=["April 23"]),
    Case("address-in-a-surname", set_cell("mo_officers", 3, "surname", "Doe 12 Larkspur Lane"),
         ["data/mo_officers.csv", "row 4", "surname"], absent=["Larkspur"]),
    Case("e-mail-in-a-name", set_cell("mo_officers", 2, "officer_name", "jdoe@example.com"),
         ["data/mo_officers.csv", "row 3", "officer_name"], absent=["jdoe@example.com"]),
    Case("nul-bytes", raw("mo_officers", lambda b: b.replace(b"Sample status B", b"Sample st\x00atus B", 1)), ["data/mo_officers.csv, row", "nul-byte"]),
    Case("empty-file", raw("agencies", lambda b: b""), ["data/agencies.csv", "empty-file"]),
    Case("missing-file", lambda root, tmp: (root / "data" / "statutes.csv").unlink(), ["data/statutes.csv", "missing-file"]),
    Case("unclosed-quote", raw("mo_officers", lambda b: b.replace(b'",', b',', 1)), ["data/mo_officers.csv"]),
    Case("broken-descriptor", lambda root, tmp: (root / "datapackage.json").write_text("{not json"), ["datapackage.json"]),
    Case("closed-field-value-in-error", lambda root, tmp: close_and_break(root), ["field completion_date", "closed-field"]),
    # --- import: odd but valid ---
    Case("import-workbook-sheets-merged-hidden", importer=("mo-roster", lambda tmp: workbook(
        tmp, {"Notes": [["Roster exported 2023"]], "Roster": [["POST roster", None, None, None, None], MO_HEADER] + MO_ROWS},
        hidden=("B",), merged=("A1:E1",)))),
    Case("import-windows-1252-csv", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS), encoding="cp1252"))),
    Case("import-bom-crlf-csv", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS).replace("\n", "\r\n"), prefix=b"\xef\xbb\xbf"))),
    Case("import-excel-serial-date", importer=("ma-training", lambda tmp: text_file(tmp, ma_csv("43831")))),
    Case("import-two-digit-year", importer=("ma-training", lambda tmp: text_file(tmp, ma_csv("3/5/19")))),
    Case("import-stray-spaces-mixed-case", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(
        [["  Doe,  Jane ", SENTINEL, " SURRENDERED ", " UNKNOWN", "  Quillfeather County Sheriff's Office "]])))),
    # --- import: errors ---
    # the tenth attack run: a hidden sheet was imported in place of the visible roster, a second roster sheet was
    # passed over, Excel's error values became officers and agencies, a line cut short was imported with blanks,
    # and a Cyrillic letter in an agency's name made a second agency
    Case("import-roster-on-a-hidden-sheet", importer=("mo-roster", lambda tmp: workbook(
        tmp, {"Notes": [["Exported 2023"]], "Roster": [MO_HEADER] + MO_ROWS}, hidden_sheets=("Roster",))),
         expect=["release.xlsx [sheet 2]", "hidden sheet"]),
    Case("import-hidden-roster-beside-the-visible-one", importer=("mo-roster", lambda tmp: workbook(
        tmp, {"Old": [MO_HEADER] + MO_ROWS[:1], "Roster": [MO_HEADER] + MO_ROWS}, hidden_sheets=("Old",))),
         expect=["release.xlsx: sheets 1, 2 each hold a roster"]),
    Case("import-two-roster-sheets", importer=("mo-roster", lambda tmp: workbook(
        tmp, {"A": [MO_HEADER] + MO_ROWS, "B": [MO_HEADER] + MO_ROWS})), expect=["sheets 1, 2 each hold a roster"]),
    Case("import-excel-error-cell", importer=("mo-roster", lambda tmp: workbook(
        tmp, {"Roster": [MO_HEADER, ["Doe, Jane", SENTINEL, "Sample status A", "Sample class A", "#N/A"]]})),
         expect=["row 2, field agency_name", "Excel error value"]),
    Case("import-excel-error-text-in-csv", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(
        [["#NAME?", SENTINEL, "Sample status A", "Sample class A", ""]]))), expect=["row 2, field officer_name", "Excel error value"]),
    # a foreign-data trial after the seventeenth: footers of two cells were "a line cut short" and "an Excel number
    # cell where text is expected"
    # read without it (a foreign-data trial after the eighteenth: refusing made the journalist edit the agency's file)
    Case("import-csv-record-count-footer", importer=("mo-roster", lambda tmp: text_file(
        tmp, mo_csv(MO_ROWS) + "Record Count: 2\n\n")), absent=["cut short", "Record Count"], verify=lambda root, tmp: rows_read(root)),
    Case("import-workbook-total-records-footer", importer=("mo-roster", lambda tmp: workbook(
        tmp, {"Roster": [MO_HEADER] + MO_ROWS + [["Total records:", None, 2]]})),
         absent=["Excel number cell", "Total records"], verify=lambda root, tmp: rows_read(root)),
    # a second attack run after the seventeenth: totals rows within the table were imported as officers
    Case("import-totals-rows-within-the-table", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(
        MO_ROWS[:1] + [["Grand Total", SENTINEL, "Sample status A", "Sample class A", ""],
                       ["Subtotal Columbia PD", SENTINEL, "Sample status A", "Sample class A", ""]] + MO_ROWS[1:]))),
         expect=["release.csv, rows 3, 4, field officer_name: a total or subtotal row"]),
    Case("import-row-cut-short", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS) + '"Doe, Jane",' + SENTINEL + "\n")),
         expect=["release.csv, row 4", "where the header has 5"]),
    # the eleventh: a comma inside a cell not quoted moved the agency's name; a word of Cyrillic lookalikes
    Case("import-row-with-an-unquoted-comma", importer=("mo-roster", lambda tmp: text_file(
        tmp, mo_csv(MO_ROWS) + '"Doe, Jane",' + SENTINEL + ',Revoked,unknown,Police Department, City of Springfield\n')),
         expect=["release.csv, row 4", "6 cells where the header has 5"]),
    Case("import-name-in-cyrillic-lookalikes", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(
        MO_ROWS + [["Brown, \u0410\u04cf\u0456\u0441\u0435", SENTINEL, "Sample status A", "Sample class A", ""]]))),
         expect=["row 4, field officer_name", "mixes letters of the Latin alphabet"]),
    Case("import-agency-with-a-cyrillic-letter", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(
        MO_ROWS + [["Doe, Jane", SENTINEL, "Sample status A", "Sample class A", "C\u043elumbia Police Department"]]))),
         expect=["row 4, field agency_name", "mixes letters of the Latin alphabet"]),
    Case("import-date-unknown", importer=("ma-training", lambda tmp: text_file(tmp, ma_csv("unknown"))),
         expect=["row 2, field completion_date", "not a date"]),
    Case("import-date-superscript-digits", importer=("ma-training", lambda tmp: text_file(tmp, ma_csv("²²²²²"))),
         expect=["row 2, field completion_date", "not a date"]),
    Case("import-date-zeros", importer=("ma-training", lambda tmp: text_file(tmp, ma_csv("00/00/0000"))),
         expect=["row 2, field completion_date"]),
    Case("import-empty-file", importer=("mo-roster", lambda tmp: text_file(tmp, "")), expect=["release.csv", "empty"]),
    # a foreign-data trial after the seventeenth: an .xls workbook was "row 5: NUL byte; the file is not a text export"
    Case("import-xls-workbook", importer=("mo-roster", lambda tmp: text_file(
        tmp, "\x00" * 64 + SENTINEL, name="roster.xls", prefix=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")),
         expect=["roster.xls", "Excel 97-2003 workbook (.xls)", ".xlsx"]),
    Case("import-workbook-named-csv", importer=("mo-roster", lambda tmp: text_file(tmp, "garbage" + SENTINEL, prefix=b"PK\x03\x04")),
         expect=["release.csv", "zip archive", "name it .xlsx"]),
    Case("import-header-only", importer=("mo-roster", lambda tmp: text_file(tmp, ",".join(MO_HEADER) + "\n")), expect=["no data rows"]),
    Case("import-nul-bytes", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS).replace("Sample status A", "Act\x00ive"))),
         expect=["release.csv, row 2", "NUL"]),
    Case("import-not-a-workbook", importer=("mo-roster", lambda tmp: text_file(tmp, "PK\x03\x04garbage", name="x.xlsx")),
         expect=["x.xlsx", "not a readable Excel workbook"]),
    Case("import-wrong-sheet", importer=("mo-roster", lambda tmp: workbook(tmp, {"Summary": [["Total", 5]]})),
         expect=["missing column(s) officer_name, license_status, license_class"]),
    Case("import-missing-column", importer=("mo-roster", lambda tmp: text_file(tmp, "Name,License Status\nDoe,Sample status A\n")),
         expect=["missing column(s) license_class"]),
    Case("import-status-outside-code-sheet", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS + [["Coe, Al", SENTINEL, "Lapsed", "unknown", ""]]))),
         expect=["row 4, field license_status", "not in the code sheet"], absent=["Lapsed"]),
    Case("import-unknown-source", importer=("tx-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS))), expect=["unknown source"]),
]


def edit_schema(name, edit):
    def mutate(root, tmp):
        path = root / "data" / "schemas" / f"{name}.json"
        schema = json.loads(path.read_text())
        edit(schema)
        path.write_text(json.dumps(schema))
    return mutate


def edit_descriptor(edit):
    def mutate(root, tmp):
        path = root / "datapackage.json"
        descriptor = json.loads(path.read_text())
        edit(descriptor, root, tmp)
        path.write_text(json.dumps(descriptor))
    return mutate


def resource_of(descriptor, name):
    return next(r for r in descriptor["resources"] if r["name"] == name)


OPEN = {"grounds": [{"kind": "editorial", "note": "Test fixture."}]}


def new_field(name, kind="string", **more):
    return dict({"name": name, "type": kind, "title": name, "description": name, "pcr:disclosure": OPEN}, **more)


def add_resource(name, header, rows, fields, **schema):
    """A new resource, as a maintainer adds one: its CSV, its inline schema, title and description."""
    def edit(descriptor, root, tmp):
        write_rows(root, name, [header] + rows)
        major, minor, _ = descriptor["version"].split(".")
        descriptor["version"] = f"{major}.{int(minor) + 1}.0"  # a new resource is a minor release
        descriptor["resources"].append({"name": name, "path": f"data/{name}.csv", "title": name, "description": name,
                                        "schema": dict({"fields": fields}, **schema)})
    return edit_descriptor(edit)


def both(*mutations):
    def mutate(root, tmp):
        for m in mutations:
            m(root, tmp)
    return mutate


def outside_file(tmp):
    path = tmp / "outside.csv"
    path.write_text(f"agency_id,state,agency_name\nMO-x,MO,{SENTINEL}\n")
    return path


def symlink_out(root, tmp):
    target = root / "data" / "agencies.csv"
    target.unlink()
    target.symlink_to(outside_file(tmp))


def declared_dimension(tmp, ref, name):
    """A roster workbook whose sheets declare the dimension ref, whatever rows they hold."""
    import zipfile
    path = workbook(tmp, {"Roster": [MO_HEADER] + MO_ROWS}, name=name)
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    for part, data in parts.items():
        if part.startswith("xl/worksheets/"):
            parts[part] = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="' + ref + b'"', data)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)
    return path


def edit_descriptor_json(root, edit):
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text())
    edit(descriptor)
    path.write_text(json.dumps(descriptor))


def sparse_file(path, size=600 * 1024 * 1024):
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def write_file(path, data):
    path.write_bytes(data)
    return path


def replace_with_pipe(path):
    if path.exists():
        path.unlink()
        os.mkfifo(path)


def shared_strings_bomb(tmp, renamed=None):
    """A roster workbook whose table of texts is padded past the limit (it compresses to little); renamed:
    the part under another name, which the workbook's content types declare (the eighth attack run's
    xl/texts.xml had passed the check of names)."""
    import zipfile
    from certdata.importers import MAX_SHARED_STRINGS
    path = workbook(tmp, {"Roster": [MO_HEADER] + MO_ROWS}, name="sst.xlsx")
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    name = renamed or "xl/sharedStrings.xml"
    if renamed:
        parts.pop("xl/sharedStrings.xml", None)
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"/xl/sharedStrings.xml", b"/" + renamed.encode())
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"sharedStrings.xml", renamed.split("/")[-1].encode())
    parts[name] = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   + b"<si><t>ab</t></si>" * (MAX_SHARED_STRINGS // 18 + 1) + b"</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)
    return path


def dimension_bomb(tmp):
    return declared_dimension(tmp, b"A1:XFD1048576", "bomb.xlsx")


def short_dimension(tmp):
    """Fewer rows declared than held (A1:E2): a reader that trusts the declaration drops the rest."""
    return declared_dimension(tmp, b"A1:E2", "short.xlsx")


def every_roster_row_imported(root, tmp):
    rows = [r for r in csv.DictReader(open(root / "data" / "mo_officers.csv", encoding="utf-8"))]
    names = {r["officer_name"] for r in rows}
    assert {r[0] for r in MO_ROWS} <= names, names


def zip_bomb(tmp):
    import zipfile
    path = workbook(tmp, {"Roster": [MO_HEADER] + MO_ROWS}, name="zipbomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/padding.xml", "w", force_zip64=True) as out:
        block = b" " * (1 << 20)
        for _ in range(520):
            out.write(block)
    return path


def malformed_workbook(tmp):
    import zipfile
    path = workbook(tmp, {"Roster": [MO_HEADER] + MO_ROWS}, name="malformed.xlsx")
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    for name in parts:
        if name.startswith("xl/worksheets/"):
            parts[name] = parts[name].replace(b"</sheetData>", f"<row r=\"9\"><c r=\"A9\" t=\"n\"><v>{SENTINEL}</v></c></row>".encode())
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


SPLIT_HEADER = ["Last Name", "First Name", "Middle Name", "Suffix", "Date of Birth", "License Status", "License Class"]
BROKEN = lambda root, tmp: (root / "datapackage.json").write_text("{not json")  # noqa: E731

SPEC_CASES = [
    # --- valid under the Data Package and Table Schema specs: must build ---
    Case("spec-no-primary-key", add_resource("cases", ["case_no", "officer"], [["C1", "A"], ["C1", "B"]],
                                             [new_field("case_no"), new_field("officer")])),
    Case("spec-composite-keys", add_resource("cases", ["case_no", "officer", "parent_case", "parent_officer"],
                                             [["C1", "A", "", ""], ["C1", "B", "C1", "A"], ["C2", "A", "C1", "B"]],
                                             [new_field("case_no"), new_field("officer"), new_field("parent_case"),
                                              new_field("parent_officer")], primaryKey=["case_no", "officer"],
                                             foreignKeys=[{"fields": ["parent_case", "parent_officer"],
                                                           "reference": {"resource": "", "fields": ["case_no", "officer"]}}])),
    Case("spec-keys-as-strings", add_resource("cases", ["case_no", "agency_id"], [["C1", "MO-columbia-police-department"]],
                                              [new_field("case_no"), new_field("agency_id")], primaryKey="case_no",
                                              foreignKeys=[{"fields": "agency_id", "reference": {"resource": "agencies", "fields": "agency_id"}}])),
    Case("spec-true-false-values", add_resource("cases", ["case_no", "sustained"], [["C1", "Y"], ["C2", "N"], ["C3", ""]],
                                                [new_field("case_no"), new_field("sustained", "boolean", trueValues=["Y"], falseValues=["N"])])),
    Case("spec-missing-values-objects", add_resource("cases", ["case_no", "officers"], [["C1", "NA"], ["C2", "3"]],
                                                     [new_field("case_no"), new_field("officers", "integer")],
                                                     missingValues=[{"value": "", "label": "blank"}, {"value": "NA", "label": "not available"}])),
    Case("spec-field-without-example-title-in-schema", edit_schema("mo_officers", lambda s: [f.pop("example") for f in s["fields"]])),
    Case("spec-declared-skip-initial-space", both(edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(dialect={"skipInitialSpace": True})),
                                                  raw("agencies", lambda b: b.replace(b",MO,", b", MO,", 1)))),
    Case("spec-pipe-quote-value", set_cell("agencies", 2, "agency_name", "|'q'|")),
    # --- what the project requires beyond the spec, and what a build refuses ---
    Case("no-resource-title", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").pop("title")), ["resource agencies", "'title'"]),
    Case("no-field-disclosure", edit_schema("agencies", lambda s: s["fields"][2].pop("pcr:disclosure")),
         ["resource agencies: schema data/schemas/agencies.json: field agency_name", "pcr:disclosure"]),
    Case("path-as-list", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(path=["data/agencies.csv"])),
         ["resource agencies", "multi-part"]),
    Case("remote-path", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(path="https://example.invalid/a.csv")),
         ["resource agencies", "remote paths are refused"]),
    # the fourth attack run: a profile URL made `check` connect to it (the validator fetches a profile it
    # does not know); the known specs' profiles are checked offline
    Case("package-profile-url", edit_descriptor(lambda d, r, t: d.update(profile="http://127.0.0.1:9/p.json")),
         ["profile 'http://127.0.0.1:9/p.json' is not a profile of the specs"], command=("check",)),
    Case("resource-profile-url", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update({"$schema": "https://example.invalid/r.json"})),
         ["resource agencies", "is not a profile of the specs"]),
    Case("source-text-outside", edit_descriptor(lambda d, r, t: next(s for s in d["sources"] if s.get("pcr:text")).update({"pcr:text": "/etc/passwd"})),
         ["pcr:text", "inside the package"]),
    Case("dialect-url", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(dialect="https://example.invalid/d.json")),
         ["resource agencies", "remote paths are refused"]),
    Case("path-escapes-package", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(path="../../etc/passwd")),
         ["resource agencies", "inside the package"]),
    Case("path-outside-via-dot-dot", both(lambda r, t: outside_file(t),
                                          edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(path="../outside.csv"))),
         ["resource agencies", "inside the package"]),
    Case("symlink-out-of-package", symlink_out, ["resource agencies", "outside the package"]),
    Case("leading-space-enum", set_cell("agencies", 2, "state", " MA"), ["data/agencies.csv, row 3, field state", "constraint"]),
    Case("blank-line-before-header", raw("agencies", lambda b: b"\n" + b), ["data/agencies.csv"]),
    Case("trailing-newline-pattern", set_cell("agencies", 2, "agency_name", "Agawam Police Department\n"),
         ["data/agencies.csv, row 3, field agency_name"]),
    Case("integer-underscore", set_cell("mo_post_measures", 3, "value", "1_000"), ["data/mo_post_measures.csv, row 4, field value", "type-error"]),
    Case("integer-arabic-indic", set_cell("mo_post_measures", 3, "value", "\u0661\u0662"), ["data/mo_post_measures.csv, row 4, field value"]),
    Case("integer-full-width", set_cell("mo_post_measures", 3, "value", "\uff11\uff12"), ["data/mo_post_measures.csv, row 4, field value"]),
    Case("integer-spaces", set_cell("mo_post_measures", 3, "value", " 12"), ["data/mo_post_measures.csv, row 4, field value"]),
    Case("date-unpadded", set_cell("ma_training", 2, "completion_date", "2023-1-5"), ["data/ma_training.csv, row 3, field completion_date"]),
    Case("headerless-csv", rows_edit("mo_officers", lambda r: [[SENTINEL] * len(r[0])] + r[1:]),
         ["data/mo_officers.csv", "not a header"]),
    # the fourth attack run: the header dropped and a closed value appended to the first row, which then
    # stood as the header: every row's missing cell was reported under "field <that value>"
    Case("headerless-csv-with-an-extra-cell",
         raw("mo_officers", lambda b: b.split(b"\n", 1)[1].replace(b"\n", b"," + SENTINEL.encode() + b"\n", 1)),
         ["data/mo_officers.csv", "not a header"]),
    Case("value-like-extra-column", rows_edit("mo_officers", add_column(SENTINEL, "x")), ["data/mo_officers.csv", "not shown"]),
    # the eighth attack run: an e-mail address written like a column name was printed as one
    Case("name-like-email-extra-column", rows_edit("mo_officers", add_column("jane_doe_example_com", "x")),
         ["data/mo_officers.csv", "not shown"], absent=["jane_doe"]),
    # the v6 attack run: a telephone number or an e-mail address typed into a hand-edited table's free text, or into
    # the corrections log, was published
    *[Case(f"contact-in-{table}-{column}", set_cell(table, 1, column, f"{value} call 573-555-0142 or jane.doe@example.com"),
           [f"data/{table}.csv, row 2, field {column}", "telephone number or an e-mail address"],
           absent=["573-555-0142", "jane.doe"])
      for table, column, value in (("mo_license_statuses", "meaning", "Placeholder."), ("statutes", "citation", "RSMo"),
                                   ("requests", "responding_agency", "POST"), ("mo_post_measures", "measure", "Officers"),
                                   ("mo_license_classes", "meaning", "Placeholder."))],
    Case("contact-in-the-corrections-log", rows_edit("corrections", lambda r: r + [
        ["1", "2026-12-01", "mo_officers", "MO-0002e3ea15-1", "jane at example dot com", "agency's letter", "mo-post-2023-01-03", "", "false"]]),
         ["data/corrections.csv, row 2, field what_changed", "telephone number or an e-mail address"], absent=["jane at"]),
    # the twelfth: a date of birth, a street address or a post box in the corrections log's free text
    *[Case(f"closed-value-in-the-corrections-log-{n}", rows_edit("corrections", lambda r, what=what, why=why, source=source: r + [
        ["1", "2026-12-01", "mo_officers", "MO-0002e3ea15-1", what, why, source, "", "false"]]),
           [f"data/corrections.csv, row 2, field {field}", expected], absent=[planted])
      for n, (what, why, source, field, expected, planted) in enumerate([
          ("officer born 1980-05-04", "agency's letter", "mo-post-2023-01-03", "what_changed", "date of birth", "1980-05-04"),
          ("name corrected", "date of birth 05/04/1980", "mo-post-2023-01-03", "why", "date of birth", "05/04/1980"),
          ("name corrected, lives at 12 Larkspur Lane", "agency's letter", "mo-post-2023-01-03", "what_changed",
           "street address", "Larkspur"),
          ("name corrected", "agency's letter", "PO Box 44", "source", "post box", "Box 44")])],
    # the thirteenth: a schema edit switched the check of the corrections log off (a pattern that admits anything, an
    # enum, type any), and a field's description or an enum's value was published unchecked
    *[Case(f"closed-value-after-a-schema-edit-{n}", both(edit_schema("corrections", lambda s, edit=edit: [
        edit(f) for f in s["fields"] if f["name"] == "why"]), rows_edit("corrections", lambda r: r + [
            ["1", "2026-12-01", "mo_officers", "MO-0002e3ea15-1", "name corrected", "call 555-555-0142, 4417 Larkspur Lane",
             "mo-post-2023-01-03", "", "false"]])),
           ["data/corrections.csv, row 2, field why", "closed-value-in-text"], absent=["0142", "Larkspur"])
      for n, edit in enumerate([lambda f: f.setdefault("constraints", {}).update(pattern="[\\s\\S]*"),
                                lambda f: f.update(type="any"),
                                lambda f: f.setdefault("constraints", {}).update(
                                    enum=["name corrected", "call 555-555-0142, 4417 Larkspur Lane"])])],
    Case("closed-value-in-a-field-description", edit_schema("corrections", lambda s: s["fields"][0].update(
        description="Ask jane.doe@example.com")), ["data/schemas/corrections.json", "closed-value-in-schema"], absent=["jane.doe"]),
    Case("closed-value-in-an-enum", edit_schema("requests", lambda s: [f.setdefault("constraints", {}).update(
        enum=["POST", "4417 Larkspur Lane"]) for f in s["fields"] if f["name"] == "released_format"]),
         ["data/schemas/requests.json", "closed-value-in-schema"], absent=["Larkspur"]),
    # the fourteenth attack run: the sample's marks taken off the descriptor, nothing imported: published as real
    Case("sample-unmarked", edit_descriptor(lambda d, r, t: (resource_of(d, "mo_officers").pop("pcr:synthetic"),
                                                              resource_of(d, "mo_officers").update(sources=[{"title": "A release"}]))),
         ["data/mo_officers.csv, row 2, field officer_name", "sample-published-as-real"]),
    # the fourteenth attack run: the check read a fixed list of keys; anything else the package publishes went out
    *[Case(f"closed-value-in-{where}", mutate, [file, "closed-value-in-"], absent=["555-0142", "custodian@"]) for where, mutate, file in [
        ("a-source-title", edit_descriptor(lambda d, r, t: d["sources"][0].update(title="Letter (call (314) 555-0142)")), "datapackage.json"),
        ("a-contributor", edit_descriptor(lambda d, r, t: d.setdefault("contributors", []).append(
            {"title": "A custodian", "email": "custodian@example.com"})), "datapackage.json"),
        ("a-keyword", edit_descriptor(lambda d, r, t: d.setdefault("keywords", []).append("call 314-555-0142")), "datapackage.json"),
        ("a-resource-source", edit_descriptor(lambda d, r, t: resource_of(d, "agencies")["sources"].append(
            {"title": "custodian@example.com"})), "datapackage.json"),
        ("a-canned-query", lambda root, tmp: (root / "data" / "presentation.yml").write_text(
            (root / "data" / "presentation.yml").read_text().replace(
                "    title: Officers by name\n", "    title: Officers by name (custodian@example.com)\n", 1)),
         "data/presentation.yml")]],
    # the v6 attack run: a telephone number in words, written like a column name
    Case("digits-in-words-extra-column", rows_edit("ma_training", add_column("five_five_five_zero_one_four_two", "x")),
         ["data/ma_training.csv", "not shown"], absent=["five_five"]),
    Case("words-extra-column", rows_edit("mo_officers", add_column("agency_name", "x")),
         ["data/mo_officers.csv", "field agency_name: undeclared-column"]),
    # the sixth attack run: a header cell written like words ("Larkspur Lane", an address) was printed
    # as the column's name; only names written as the schemas write them, or a declared name in other
    # case or spacing, are shown
    Case("word-like-extra-column", rows_edit("mo_officers", add_column("Quimby Larkspur Lane", "x")),
         ["data/mo_officers.csv", "not shown"], absent=["Larkspur"]),
    Case("name-like-extra-column-headerless-row", rows_edit("mo_officers", lambda r: [r[0] + ["Quimby Ulrike"]] + [x + ["x"] for x in r[1:]]),
         ["data/mo_officers.csv", "not shown"], absent=["Quimby"]),
    Case("declared-name-in-other-spacing", rows_edit("mo_officers", lambda r: [[h if h != "agency_id" else "Agency ID " for h in r[0]]] + r[1:]),
         ["data/mo_officers.csv", "field Agency ID : undeclared-column"]),
    # the sixth attack run: schemas of the wrong shape ended in "unexpected internal error (TypeError...)"
    # naming neither file nor field, and inline data beside a path was published in datapackage.json
    Case("schema-unknown-type", edit_schema("agencies", lambda s: s["fields"][2].update(type="foo")),
         ["schema data/schemas/agencies.json: field agency_name", '"foo" is not supported'], absent=["internal error"]),
    Case("schema-max-length-text", edit_schema("agencies", lambda s: s["fields"][2].setdefault("constraints", {}).update(maxLength="abc")),
         ["schema data/schemas/agencies.json: field agency_name", "constraints/maxLength"], absent=["internal error"]),
    Case("schema-pattern-not-a-regex", edit_schema("agencies", lambda s: s["fields"][2]["constraints"].update(pattern="[a-")),
         ["field agency_name", "not a regular expression"], absent=["internal error"]),
    # the twelfth attack run: a pattern with a flag not at its start, which frictionless (compiling "^pattern$")
    # cannot compile, and one with a repeat count past Python's limit, crashed the build with no file or field named
    *[Case(f"schema-pattern-{name}", edit_schema("agencies", lambda s, pattern=pattern: s["fields"][2]["constraints"].update(pattern=pattern)),
           ["field agency_name", "not a regular expression"], absent=["internal error"])
      for name, pattern in (("flag-inside", "(?x) a b # comment"), ("huge-repeat", "a{4294967295}"))],
    # the second attack run of the fourth session: a pattern like (a|aa)+ held the build for ever; and the
    # names' own pattern took 30 s on a 64,000-letter cell (66 s for three), so patterns whose matching can
    # take more than linear time are refused when the schema is read
    Case("schema-pattern-exponential", edit_schema("agencies", lambda s: s["fields"][2]["constraints"].update(pattern="(?:[A-Za-z]+ ?)+")),
         ["schema data/schemas/agencies.json: field agency_name", "could take minutes on one long value"], absent=["internal error"]),
    Case("schema-pattern-quadratic", edit_schema("agencies", lambda s: s["fields"][2]["constraints"].update(pattern=".*[A-Za-z].*")),
         ["schema data/schemas/agencies.json: field agency_name", "could take minutes on one long value"], absent=["internal error"]),
    Case("schema-enum-not-a-list", edit_schema("agencies", lambda s: s["fields"][1]["constraints"].update(enum="MO")),
         ["field state", "constraints/enum"], absent=["internal error"]),
    Case("schema-minimum-as-text", edit_schema("mo_post_measures", lambda s: s["fields"][3]["constraints"].update(minimum="0")),
         ["schema data/schemas/mo_post_measures.json: field value", "'minimum'", "integer"], absent=["internal error"]),
    Case("schema-minimum-not-a-date", edit_schema("ma_training", lambda s: next(f for f in s["fields"] if f["type"] == "date")
                                                   .setdefault("constraints", {}).update(minimum="2020-13-45")),
         ["schema data/schemas/ma_training.json: field", "'minimum'", "date"], absent=["internal error"]),
    Case("schema-foreign-keys-an-object", edit_schema("mo_officers", lambda s: s.update(foreignKeys=s["foreignKeys"][0])),
         ["schema data/schemas/mo_officers.json", "foreignKeys"], absent=["internal error"]),
    Case("schema-foreign-key-without-reference", edit_schema("mo_officers", lambda s: s["foreignKeys"][0].pop("reference")),
         ["schema data/schemas/mo_officers.json: foreign key 1", "'reference'"], absent=["internal error"]),
    Case("schema-missing-values-a-string", edit_schema("agencies", lambda s: s.update(missingValues="NA")),
         ["schema data/schemas/agencies.json", "missingValues"], absent=["internal error"]),
    Case("schema-primary-key-a-number", edit_schema("agencies", lambda s: s.update(primaryKey=5)),
         ["schema data/schemas/agencies.json", "primaryKey"], absent=["internal error"]),
    Case("schema-constraints-a-list", edit_schema("agencies", lambda s: s["fields"][2].update(constraints=["required"])),
         ["field agency_name", "constraints"], absent=["internal error"]),
    Case("disclosure-not-an-object", edit_schema("agencies", lambda s: s["fields"][2].update({"pcr:disclosure": "open"})),
         ["field agency_name", "bad-disclosure"], absent=["internal error"]),
    Case("disclosure-grounds-not-a-list", edit_schema("agencies", lambda s: s["fields"][2].update({"pcr:disclosure": {"grounds": 5}})),
         ["field agency_name", "bad-disclosure"], absent=["internal error"]),
    # the sixth attack run: with fieldsMatch "equal", frictionless matched columns by name while the load
    # read them by position: swapped columns were published, course names as officers' names
    Case("schema-fields-match-equal-columns-swapped", both(edit_schema("ma_training", lambda s: s.update(fieldsMatch="equal")),
                                                           rows_edit("ma_training", lambda r: [x[:1] + [x[3], x[2], x[1]] + x[4:] for x in r])),
         ["schema data/schemas/ma_training.json", "fieldsMatch 'equal' is not supported"]),
    Case("schema-fields-match-partial", edit_schema("mo_officers", lambda s: s.update(fieldsMatch="partial")),
         ["fieldsMatch 'partial' is not supported"]),
    # the sixth attack run: names that clash in SQLite ended in "the database could not be written (table
    # people already exists); check free disk space" or an internal error; dialect values of the wrong type
    # in a TypeError or were taken as true; deeply nested JSON in a RecursionError
    Case("resource-named-as-a-build-table", add_resource("people", ["case_no"], [["C1"]], [new_field("case_no")]),
         ["resource", "'people' is taken by a table the build makes"], absent=["internal error", "disk space"]),
    Case("resource-named-build-info", add_resource("build_info", ["case_no"], [["C1"]], [new_field("case_no")]),
         ["'build_info' is taken by a table the build makes"], absent=["internal error", "disk space"]),
    Case("resource-named-as-an-fts-shadow-table", add_resource("people_fts_data", ["case_no"], [["C1"]], [new_field("case_no")]),
         ["'people_fts_data' is taken"], absent=["internal error", "disk space"]),
    Case("resource-named-as-sqlite-s", add_resource("sqlite_stat1", ["case_no"], [["C1"]], [new_field("case_no")]),
         ["'sqlite_stat1' is taken"], absent=["internal error", "disk space"]),
    Case("fields-equal-ignoring-case", both(edit_schema("agencies", lambda s: s["fields"].append(dict(s["fields"][2], name="Agency_Name"))),
                                            rows_edit("agencies", add_column("Agency_Name", "x"))),
         ["field Agency_Name: another field has the same name in other case"], absent=["internal error", "disk space"]),
    # the seventh: field names with a quote, a line break or nothing at all were published as columns
    Case("field-name-with-a-line-break", both(edit_schema("agencies", lambda s: s["fields"].append(dict(s["fields"][2], name="notes\nmore"))),
                                              rows_edit("agencies", add_column("notes\nmore", "x"))),
         ["field 4: its name must be ASCII letters, digits, spaces, hyphens and underscores"]),
    Case("field-name-empty", edit_schema("agencies", lambda s: s["fields"].append(dict(s["fields"][2], name=""))),
         ["field 4: its name must be ASCII letters, digits, spaces, hyphens and underscores"]),
    # the seventh: uniqueKeys were published unchecked (frictionless 5 does not check them): both validators do
    Case("unique-keys-repeated", edit_schema("agencies", lambda s: s.update(uniqueKeys=[["state"]])),
         ["data/agencies.csv, row 3, field state", "unique"]),
    Case("unique-keys-of-request-items-repeated", rows_edit("request_items", lambda r: r + [[r[1][0] + "-copy"] + r[1][1:]]),
         ["data/request_items.csv", "unique"]),
    Case("unique-keys-naming-no-field", edit_schema("agencies", lambda s: s.update(uniqueKeys=[["agency_name", "nope"]])),
         ["unique key field 'nope' is not a field of the schema"]),
    Case("dialect-null-sequence", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(dialect={"nullSequence": "NA"})),
         ["dialect property 'nullSequence' is not supported"]),
    Case("descriptor-infinite-number", lambda root, tmp: (root / "datapackage.json").write_text(
        (root / "datapackage.json").read_text().replace('{', '{"pcr:x": 1e999, ', 1)),
         ["datapackage.json: cannot read the package descriptor (1e999 (too large a number) is not a JSON value)"]),
    Case("integer-past-64-bits", set_cell("mo_post_measures", 3, "value", "9" * 30),
         ["data/mo_post_measures.csv, row 4, field value"], absent=["internal error"]),
    # the seventh: a pipe at the previous release's path hung the build (open() waits for a writer)
    Case("previous-release-a-pipe", lambda root, tmp: replace_with_pipe(root / "site" / "downloads" / "certification.db")),
    Case("import-shared-strings-too-large", importer=("mo-roster", lambda tmp: shared_strings_bomb(tmp)),
         expect=["sst.xlsx: a part of the workbook that is not a sheet", "unpacks to"]),
    Case("import-shared-strings-renamed", importer=("mo-roster", lambda tmp: shared_strings_bomb(tmp, "xl/texts.xml")),
         expect=["sst.xlsx: a part of the workbook that is not a sheet", "unpacks to"]),
    # the eighth attack run: a 2.5 GB file was read whole before its NUL bytes were found (a sparse file here)
    Case("import-file-too-large", importer=("mo-roster", lambda tmp: sparse_file(tmp / "huge.csv")),
         expect=["huge.csv:", "bytes; the limit is"]),
    Case("import-cr-line-ends", importer=("mo-roster", lambda tmp: write_file(tmp / "mac.csv", (
        "Name,License Status,License Class\r" + '"Doe, Jane",Revoked,unknown\r' * 30000).encode())),
         expect=["mac.csv: its lines end with a carriage return alone"]),
    Case("cr-line-ends", raw("agencies", lambda b: b.replace(b"\n", b"\r") * (70_000 // len(b) + 1)),
         ["data/agencies.csv", "carriage return alone"]),
    Case("presentation-too-large", lambda root, tmp: (root / "data" / "presentation.yml").write_text(
        "views:\n" + "".join(f"  v{i}: select 1\n" for i in range(20_000))), ["data/presentation.yml", "the limit is"]),
    Case("presentation-too-many-views", lambda root, tmp: (root / "data" / "presentation.yml").write_text(
        "views:\n" + "".join(f"  v{i}: select {i}\n" for i in range(1_001))), ["data/presentation.yml", "'views' has 1,001 entries"]),
    Case("too-many-resources", lambda root, tmp: edit_descriptor_json(root, lambda d: d["resources"].extend(
        dict(d["resources"][0], name=f"copy_{i}") for i in range(401))), ["datapackage.json", "resources; the limit is 400"]),
    Case("schema-enum-too-long", edit_schema("agencies", lambda s: s["fields"][1]["constraints"].update(enum=[f"S{i}" for i in range(10_001)])),
         ["schema data/schemas/agencies.json: field state", "'enum' lists 10,001 values"], absent=["internal error"]),
    Case("schema-too-large", lambda root, tmp: (root / "data" / "schemas" / "agencies.json").write_text(
        json.dumps({"fields": [{"name": "x", "description": "y" * 5_000_000}]})),
         ["data/schemas/agencies.json: the Table Schema has", "the limit is"], absent=["pytest-of", "/tmp/"]),
    Case("declared-bytes-wrong", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(bytes=99)),
         ["data/agencies.csv: byte-count", "the descriptor's 'bytes' says 99"]),
    Case("declared-hash-wrong", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(hash="sha256:" + "0" * 64)),
         ["data/agencies.csv: hash-count"]),
    Case("declared-hash-and-bytes-right", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(
        hash="sha256:" + hashlib.sha256((r / "data" / "agencies.csv").read_bytes()).hexdigest(),
        bytes=(r / "data" / "agencies.csv").stat().st_size))),
    Case("dialect-escape-char-a-number", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(dialect={"escapeChar": 5})),
         ["resource agencies", "dialect 'escapeChar' must be one character"], absent=["internal error"]),
    Case("dialect-double-quote-a-word", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(dialect={"doubleQuote": "no"})),
         ["resource agencies", "dialect 'doubleQuote' must be true or false"]),
    Case("descriptor-nested-too-deeply", lambda root, tmp: (root / "datapackage.json").write_text("[" * 200_000 + "]" * 200_000),
         ["datapackage.json: cannot read the package descriptor (its JSON is nested too deeply)"], absent=["internal error"]),
    Case("schema-nested-too-deeply", lambda root, tmp: (root / "data" / "schemas" / "agencies.json").write_text("{\"a\":" * 100_000 + "1" + "}" * 100_000),
         ["agencies.json: cannot read the Table Schema (its JSON is nested too deeply)"], absent=["internal error"]),
    Case("field-property-nested-500-deep", edit_schema("agencies", lambda s: s["fields"][2].update(example=json.loads("[" * 500 + "]" * 500))),
         ["agencies.json: cannot read the Table Schema (its JSON is nested too deeply)"], absent=["internal error", "unexpectedly"]),
    Case("descriptor-property-nested-900-deep", edit_descriptor(lambda d, r, t: d.update(keywords=json.loads("[" * 900 + "]" * 900))),
         ["datapackage.json: cannot read the package descriptor (its JSON is nested too deeply)"], absent=["internal error", "unexpectedly"]),
    Case("schema-nan-limit", lambda root, tmp: (root / "data" / "schemas" / "mo_post_measures.json").write_text(
        (root / "data" / "schemas" / "mo_post_measures.json").read_text().replace('"minimum": 0', '"minimum": NaN', 1)),
         ["mo_post_measures.json: cannot read the Table Schema (NaN is not a JSON value)"], absent=["internal error"]),
    Case("presentation-nested-too-deeply", lambda root, tmp: (root / "data" / "presentation.yml").write_text("tables:\n  agencies: " + "[" * 5000 + "]" * 5000 + "\n"),
         ["data/presentation.yml: cannot read the presentation choices (nested too deeply)"], absent=["internal error"]),
    Case("presentation-alias-bomb", lambda root, tmp: (root / "data" / "presentation.yml").write_text(
        "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(12))
        + "tables:\n  agencies: {facets: *m}\n"),
         ["data/presentation.yml: cannot read the presentation choices (ComposerError)"], absent=["internal error"]),
    Case("view-named-as-a-resource", lambda root, tmp: (root / "data" / "presentation.yml").write_text(
        (root / "data" / "presentation.yml").read_text().replace("views:\n", "views:\n  agencies: select 1\n", 1)),
         ["data/presentation.yml: views: 'agencies' is the name of a resource"], absent=["internal error", "disk space"]),
    Case("source-copy-with-a-telephone-number", lambda root, tmp: (root / "data" / "sources" / "000_97e49bf8d1fdd6b1.txt").write_text(
        (root / "data" / "sources" / "000_97e49bf8d1fdd6b1.txt").read_text(encoding="utf-8") + "\nCall (573) 555-0142\n", encoding="utf-8"),
         ["data/sources/000_97e49bf8d1fdd6b1.txt", "contact-in-source-copy"], absent=["555-0142", "internal error"]),
    # the fourteenth attack run: a letter not saved as UTF-8 was skipped by the check and published with its contacts
    *[Case(f"source-copy-in-{encoding}", edit_descriptor(lambda d, r, t, encoding=encoding: (
        (r / "data" / "sources" / "009_extra.txt").write_bytes(
            "Dear requester, the custodian\u2019s line is (314) 555-0142, e-mail custodian@example.com.\n".encode(encoding)),
        d["sources"].append({"title": "Extra letter", "pcr:id": "extra-letter", "pcr:text": "data/sources/009_extra.txt"}))),
        ["data/sources/009_extra.txt", "unreadable-source-copy"], absent=["555-0142", "example.com", "internal error"])
      for encoding in ("cp1252", "utf-16")],
    Case("view-without-description", lambda root, tmp: (root / "data" / "presentation.yml").write_text(
        (root / "data" / "presentation.yml").read_text().replace("views:\n", "views:\n  agency_names: select agency_name from agencies\n", 1)),
         ["data/presentation.yml: views: 'agency_names' has no description"], absent=["internal error"]),
    Case("resource-path-and-inline-data", edit_descriptor(lambda d, r, t: resource_of(d, "agencies").update(data=[["agency_id"], [SENTINEL]])),
         ["resource agencies", "inline 'data' is not supported"], absent=["internal error"]),
    Case("megabyte-agency-name", set_cell("agencies", 2, "agency_name", "A" * (1 << 20)), ["data/agencies.csv, row 3, field agency_name"]),
    Case("too-many-columns", rows_edit("agencies", lambda r: [r[0] + [f"c{i}" for i in range(1001)]] + r[1:]),
         ["data/agencies.csv", "too-many-columns"]),
    Case("broken-descriptor-release-check", BROKEN, ["datapackage.json"], command=("release-check", "--demo", "true")),
    Case("broken-descriptor-check", BROKEN, ["datapackage.json"], command=("check",)),
    Case("broken-descriptor-import", BROKEN, ["datapackage.json"], importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS)))),
    Case("broken-previous-descriptor", lambda r, t: (t / "previous.json").write_text("[1, 2"),
         ["previous.json"], command=("release-check", "--demo", "true", "--previous", "../previous.json")),
    # the v6 attack run: a previous release's version in words or of 5,000 digits, or its JSON nested 100,000 deep,
    # ended in "unexpected internal error (ValueError)" or "(RecursionError)", naming no file
    *[Case(f"previous-descriptor-{name}", lambda r, t, version=version: (t / "previous.json").write_text(
        json.dumps(dict(json.loads((r / "datapackage.json").read_text()), version=version))),
        ["previous.json", "MAJOR.MINOR.PATCH"], absent=["internal error"],
        command=("release-check", "--demo", "true", "--previous", "../previous.json"))
      for name, version in (("version-in-words", "two.one.one"), ("version-5000-digits", "1" * 5000 + ".0.0"))],
    Case("previous-descriptor-nested-too-deeply", lambda r, t: (t / "previous.json").write_text("[" * 100_000 + "]" * 100_000),
         ["previous.json", "nested too deeply"], absent=["internal error"],
         command=("release-check", "--demo", "true", "--previous", "../previous.json")),
    Case("version-5000-digits", edit_descriptor(lambda d, r, t: d.update(version="1" * 5000 + ".0.0")),
         ["datapackage.json", "MAJOR.MINOR.PATCH"], absent=["internal error"], command=("release-check", "--demo", "true")),
]

ABUSE_CASES = [
    Case("import-split-name-columns", importer=("mo-roster", lambda tmp: text_file(tmp, "\n".join(",".join(r) for r in [
        SPLIT_HEADER, ["Núñez", "José", "A", "Jr", SENTINEL, "Sample status A", "Sample class A"], ["Doe", "Jane", "", "", SENTINEL, "Revoked", "unknown"]]) + "\n"))),
    Case("import-duplicate-rows", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS + MO_ROWS)))),
    Case("import-headerless-csv-named", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS).split("\n", 1)[1])),
         expect=["missing column(s) officer_name, license_status, license_class", "not shown"]),
    Case("import-mojibake-name", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["JosÃ© NÃºÃ±ez", SENTINEL, "Sample status A", "unknown", ""]]))),
         expect=["release.csv, row 2, field officer_name", "garbled", "converted twice"]),
    Case("import-replacement-character", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Jos\ufffd N", SENTINEL, "Sample status A", "unknown", ""]]))),
         expect=["release.csv, row 2, field officer_name", "U+FFFD"]),
    Case("import-declared-dimension-short", importer=("mo-roster", short_dimension), verify=every_roster_row_imported),
    Case("import-declared-dimension-bomb", importer=("mo-roster", dimension_bomb), expect=["bomb.xlsx", "declares 1,048,576 rows by 16,384 columns"]),
    Case("import-zip-bomb", importer=("mo-roster", zip_bomb), expect=["zipbomb.xlsx", "unpacks to"]),
    Case("import-malformed-workbook", importer=("mo-roster", malformed_workbook), expect=["malformed.xlsx"]),
    Case("import-cell-too-long", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["X" * 20_000, SENTINEL, "Sample status A", "unknown", ""]]))),
         expect=["release.csv, row 2", "a cell of more than 10,000 characters", "limit"]),
    # a date of birth (or other digits) where the name should be: refused by row and field, never shown
    Case("import-marker-and-date-as-name", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS + [[SENTINEL, "x", "Revoked", "unknown", ""]]))),
         expect=["release.csv, row 4, field officer_name", "a date, an address or a run of digits"]),
    Case("import-bare-date-as-name", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["07/20/1969", SENTINEL, "Revoked", "unknown", ""]]))),
         expect=["release.csv, row 2, field officer_name", "no letter"], absent=["07/20/1969"]),
    Case("import-full-name-column-of-dates", importer=("mo-roster", lambda tmp: text_file(tmp, f"Full Name,License Status,License Class\n{SENTINEL},Revoked,unknown\n")),
         expect=["release.csv, row 2, field officer_name"]),
    Case("import-name-with-digit-run", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, Jane 4455 SENTINEL", SENTINEL, "Revoked", "unknown", ""]]))),
         expect=["release.csv, row 2, field officer_name", "digits"], absent=["4455"]),
    Case("import-full-width-date-in-name", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, Jane \uff11\uff19\uff16\uff19", SENTINEL, "Revoked", "unknown", ""]]))),
         expect=["release.csv, row 2, field officer_name", "digits"]),
    Case("import-split-name-part-without-letter", importer=("mo-roster", lambda tmp: text_file(tmp, "\n".join(",".join(r) for r in [
        SPLIT_HEADER, ["Doe", "07.20.69", "", "", SENTINEL, "Revoked", "unknown"]]) + "\n")), expect=["release.csv, row 2, field first_name"], absent=["07.20.69"]),
    Case("import-date-as-agency", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, Jane", SENTINEL, "Revoked", "unknown", "1969-07-20"]]))),
         expect=["release.csv, row 2, field agency_name"], absent=["1969-07-20"]),
    Case("import-workbook-date-cell-as-name", importer=("mo-roster", lambda tmp: workbook(tmp, {"Roster": [
        MO_HEADER, [datetime(1969, 7, 20), SENTINEL, "Revoked", "unknown", ""]]})),
         expect=["release.xlsx [sheet 1], row 2, field officer_name", "Excel date cell"], absent=["1969"]),
    Case("import-workbook-number-cell-as-name", importer=("mo-roster", lambda tmp: workbook(tmp, {"Roster": [
        MO_HEADER, ["Doe, Jane", SENTINEL, "Revoked", "unknown", ""], [25404, SENTINEL, "Revoked", "unknown", ""]]})),
         expect=["release.xlsx [sheet 1], row 3, field officer_name", "Excel number cell"], absent=["25404"]),
    # the sixth attack run: a date without separators or in full-width digits passed as an agency's name,
    # and a date of birth or a street address as a Massachusetts course's name, and were published
    Case("import-compact-date-as-agency", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, Jane", SENTINEL, "Revoked", "unknown", "Quimby 19690720"]]))),
         expect=["row 2, field agency_name", "not an agency's name"], absent=["19690720", "Quimby"]),
    Case("import-full-width-date-as-agency", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, Jane", SENTINEL, "Revoked", "unknown",
                                                                                                  "Quimby \uff11\uff19\uff16\uff19-\uff10\uff17-\uff12\uff10"]]))),
         expect=["row 2, field agency_name"], absent=["Quimby"]),
    Case("import-arabic-indic-date-as-agency", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, Jane", SENTINEL, "Revoked", "unknown",
                                                                                                    "Quimby \u0661\u0669\u0666\u0669/\u0660\u0667/\u0662\u0660"]]))),
         expect=["row 2, field agency_name"], absent=["Quimby"]),
    Case("import-date-of-birth-as-course", importer=("ma-training", lambda tmp: text_file(
        tmp, MA_HEADER + f"777001,Zoë Adébáyọ̀,{SENTINEL},{SENTINEL},Quimby DOB 1969-07-20,2023-01-05,Boston Police Department\n")),
         expect=["row 2, field course_name", "not a course's name"], absent=["Quimby"]),
    Case("import-address-as-course", importer=("ma-training", lambda tmp: text_file(
        tmp, MA_HEADER + f"777001,Zoë Adébáyọ̀,{SENTINEL},{SENTINEL},Quimby 12 Larkspur Lane,2023-01-05,Boston Police Department\n")),
         expect=["row 2, field course_name"], absent=["Quimby", "Larkspur"]),
    Case("compact-date-in-agency-name-hand-edited", set_cell("agencies", 2, "agency_name", "Quimby Police 19690720"),
         ["data/agencies.csv, row 3, field agency_name"], absent=["Quimby"]),
    Case("email-in-agency-name-hand-edited", set_cell("agencies", 2, "agency_name", "Quimby Police quimby@example.org"),
         ["data/agencies.csv, row 3, field agency_name"], absent=["Quimby"]),
    Case("telephone-in-course-name-hand-edited", set_cell("ma_training", 2, "course_name", "Quimby course 573-555-0100"),
         ["data/ma_training.csv, row 3, field course_name"], absent=["Quimby"]),
    Case("import-full-width-at-e-mail-as-name", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, quimby\uff20example.com", SENTINEL, "Revoked", "unknown", ""]]))),
         expect=["row 2, field officer_name"], absent=["quimby"]),
    Case("import-workbook-date-cell-as-agency", importer=("mo-roster", lambda tmp: workbook(tmp, {"Roster": [
        MO_HEADER, ["Doe, Jane", SENTINEL, "Revoked", "unknown", datetime(1969, 7, 20)]]})),
         expect=["row 2, field agency_name", "Excel date cell"], absent=["1969"]),
    Case("import-workbook-number-cell-as-ma-name", importer=("ma-training", lambda tmp: workbook(tmp, {"Export": [
        ["Acadis ID", "Officer Name", "Course Name", "Completion Date"], [777001, 19690720, "Use of Force", datetime(2019, 6, 14)]]})),
         expect=["row 2, field officer_name", "Excel number cell"], absent=["19690720"]),
    Case("import-workbook-rows-numbered-as-the-sheet", importer=("mo-roster", lambda tmp: workbook(tmp, {"Roster": [
        ["POST roster"], [], MO_HEADER, ["Doe, Jane", SENTINEL, "Revoked", "unknown", ""], ["Roe, Al", SENTINEL, "Sample status A", "unknown", "5/6/1970"]]})),
         expect=["[sheet 1], row 5, field agency_name"]),
    # real names pass: apostrophes, hyphens, accents, other scripts, suffixes, initials, an ordinal
    Case("import-real-looking-names", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([[n, SENTINEL, "Revoked", "unknown", ""] for n in REAL_NAMES])))),
    Case("import-real-looking-split-names", importer=("mo-roster", lambda tmp: text_file(tmp, "\n".join(",".join(r) for r in [
        SPLIT_HEADER, ["Ó Súilleabháin", "Seán", "P.", "III", SENTINEL, "Revoked", "unknown"], ["Nguyễn", "Thị Minh", "", "Jr.", SENTINEL, "Revoked", "unknown"],
        ["D'Angelo-Smith", "Mary-Kate", "", "2nd", SENTINEL, "Revoked", "unknown"]]) + "\n"))),
    Case("import-workbook-numeric-acadis-id-and-date-cells", importer=("ma-training", lambda tmp: workbook(tmp, {"Export": [
        ["Acadis ID", "Officer Name", "Course Name", "Completion Date", "Date of Birth"],
        [777001, "Zoë Adébáyọ̀", "Use of Force", datetime(2019, 6, 14), datetime(1969, 7, 20)]]}))),
    # invisible and text-direction control characters: a name can be made to display as another
    Case("import-bidi-override-in-name", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, Jane\u202eSENTINEL", SENTINEL, "Revoked", "unknown", ""]]))),
         expect=["release.csv, row 2, field officer_name", "text-direction control"]),
    Case("import-bidi-isolate-in-agency", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, Jane", SENTINEL, "Revoked", "unknown", "Sample \u2067Agency\u2069"]]))),
         expect=["release.csv, row 2, field agency_name", "text-direction control"]),
    Case("import-right-to-left-mark-in-split-name", importer=("mo-roster", lambda tmp: text_file(tmp, "\n".join(",".join(r) for r in [
        SPLIT_HEADER, ["Doe\u200f", "Jane", "", "", SENTINEL, "Revoked", "unknown"]]) + "\n")), expect=["release.csv, row 2, field last_name"]),
    Case("import-course-without-a-letter", importer=("ma-training", lambda tmp: text_file(tmp, ma_csv("2019-06-14").replace("Use of Force", "07/20/1969"))),
         expect=["release.csv, row 2, field course_name", "no letter"], absent=["07/20/1969"]),
    Case("import-zero-width-space-in-course", importer=("ma-training", lambda tmp: text_file(tmp, ma_csv("2019-06-14").replace("Use of Force", "Use of\u200bForce"))),
         expect=["release.csv, row 2, field course_name", "invisible"]),
    # no cell, header or sheet title is ever quoted: any of them may hold a closed value
    Case("import-residence-in-status", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, Jane", SENTINEL, "Oak Road Residence", "unknown", ""]]))),
         expect=["release.csv, row 2, field license_status", "not shown"], absent=["Oak Road"]),
    Case("import-residence-in-class", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv([["Doe, Jane", SENTINEL, "Revoked", "Oak Road", ""]]))),
         expect=["release.csv, row 2, field license_class", "not shown"], absent=["Oak Road"]),
    Case("import-value-as-header", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS).replace("Date of Birth", "Oak Road Apt"))),
         absent=["Oak Road"]),
    Case("import-value-as-header-with-missing-column", importer=("mo-roster", lambda tmp: text_file(tmp, "Name,Oak Road Apt,License Status\nDoe,x,Revoked\n")),
         expect=["missing column(s) license_class", "recognised Name, License Status", "1 more not shown"], absent=["Oak Road"]),
    Case("import-known-closed-header-named", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(MO_ROWS).replace("Date of Birth", "DATE-OF-BIRTH"))),
         absent=["DATE-OF-BIRTH"]),
    Case("import-sheet-title-is-a-value", importer=("mo-roster", lambda tmp: workbook(tmp, {SENTINEL: [MO_HEADER, ["Doe, Jane", "x", "Oak Road", "unknown", ""]]})),
         expect=["release.xlsx [sheet 1], row 2, field license_status"], absent=["Oak Road"]),
    Case("import-sheet-title-is-a-value-no-columns", importer=("mo-roster", lambda tmp: workbook(tmp, {"Oak Road 12": [["x", "y"]], SENTINEL: [["a"]]})),
         expect=["release.xlsx [sheet 1]", "missing column(s)"], absent=["Oak Road"]),
    Case("import-name-too-long-named-by-its-row-in-the-file", importer=("mo-roster", lambda tmp: text_file(tmp, mo_csv(
        MO_ROWS + [["Doe, " + "Jane" * 60, SENTINEL, "Revoked", "unknown", ""]]))),
         expect=["release.csv, row 4, field officer_name", "more than the 200"]),
    Case("import-a-folder", importer=("mo-roster", lambda tmp: (tmp / "folder.csv").mkdir() or tmp / "folder.csv"), expect=["folder.csv: a folder, not a file"]),
    # an attack run after the sixteenth: a pipe and a device were reported as "no such file"
    Case("import-a-fifo", importer=("mo-roster", lambda tmp: os.mkfifo(tmp / "roster.csv") or tmp / "roster.csv"),
         expect=["roster.csv: not a regular file"]),
    Case("import-a-device", importer=("mo-roster", lambda tmp: Path("/dev/zero")), expect=["/dev/zero: not a regular file"]),
    # the import never writes through a symbolic link, nor outside the package
    Case("import-raw-copy-name-is-a-link-outside", mutate=lambda root, tmp: plant_raw_link(root, tmp, ROSTER), importer=("mo-roster", lambda tmp: ROSTER(tmp)),
         expect=["is a symbolic link", "Nothing was changed"], verify=lambda root, tmp: outside_untouched(root, tmp)),
    Case("import-raw-folder-is-a-link-outside", mutate=lambda root, tmp: plant_folder_link(root, tmp), importer=("mo-roster", lambda tmp: ROSTER(tmp)),
         expect=["data/raw is a symbolic link"], verify=lambda root, tmp: outside_untouched(root, tmp)),
    Case("import-data-file-is-a-link-inside", lambda root, tmp: link_inside(root, "mo_retired_ids"), importer=("mo-roster", lambda tmp: ROSTER(tmp)),
         expect=["data/mo_retired_ids.csv is a symbolic link"], verify=lambda root, tmp: link_kept(root, "mo_retired_ids")),
    Case("import-data-file-is-a-link-outside", symlink_out, importer=("mo-roster", lambda tmp: ROSTER(tmp)),
         expect=["data/agencies.csv", "outside the package"], verify=lambda root, tmp: outside_untouched(root, tmp)),
]

REAL_NAMES = ["O'Brien, Patrick J", "Núñez-García, José María", "Smith, John III", "St. John, Theodore Jr.", "Nguyễn, Thị Minh",
              "D’Angelo, Mary-Kate", "van der Berg, Jan 2nd", "王, 小明", "al-Hakim, Zayd", "Ng, K.", "Ó Súilleabháin, Seán",
              "Smith (Bob), Robert", "Łukasiewicz, Zoë", "Ngũgĩ, wa Thiong'o"]


def ROSTER(tmp):  # noqa: N802 (a fixture maker, named like the Cases' constants)
    path = tmp / "roster.csv"
    if not path.exists():
        path.write_text(mo_csv(MO_ROWS), encoding="utf-8")
    return path


def raw_name(path, resource="mo_officers"):
    return f"{resource}-undated-{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}{path.suffix}"


def plant_raw_link(root, tmp, make):
    """data/raw/<the name the import will give its copy> already exists, as a link to a file outside."""
    (root / "data" / "raw").mkdir(exist_ok=True)
    (root / "data" / "raw" / raw_name(make(tmp))).symlink_to(outside_file(tmp))


def plant_folder_link(root, tmp):
    (tmp / "outside-folder").mkdir()
    outside_file(tmp)
    (root / "data" / "raw").symlink_to(tmp / "outside-folder")


def link_inside(root, name):
    """data/NAME.csv a link to a copy elsewhere in the package (the package loads: it stays inside)."""
    copy = root / "data" / "sources" / f"{name}-copy.csv"
    (root / "data" / f"{name}.csv").rename(copy)
    (root / "data" / f"{name}.csv").symlink_to(copy)
    (root / "data" / "sources" / "copy-digest").write_text(hashlib.sha256(copy.read_bytes()).hexdigest())


def link_kept(root, name):
    assert (root / "data" / f"{name}.csv").is_symlink()
    copy = root / "data" / "sources" / f"{name}-copy.csv"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == (root / "data" / "sources" / "copy-digest").read_text()


def outside_untouched(root, tmp):
    assert (tmp / "outside.csv").read_text() == f"agency_id,state,agency_name\nMO-x,MO,{SENTINEL}\n"
    assert not (tmp / "outside-folder").exists() or not list((tmp / "outside-folder").iterdir())
    assert not list(root.rglob("*.importing"))

CASES += SPEC_CASES + ABUSE_CASES + [
    Case("misplaced-residence-in-a-foreign-key", set_cell("mo_officers", 3, "agency_id", SENTINEL + " Elm Street"),
         ["data/mo_officers.csv", "row 4", "agency_id", "not shown"]),
    Case("huge-cell-in-an-open-column", set_cell("mo_officers", 3, "agency_id", SENTINEL + "x" * 5_000_000),
         ["data/mo_officers.csv", "row 4", "longer than 65,536 bytes"]),
    # the sixth round: a 48 MB cell over many short lines (no long line) took the build to 3 GB and
    # 25 s, the load parsing it as an agency's name word by word while validation ran beside it
    Case("huge-cell-over-short-lines", set_cell("agencies", 2, "agency_name", SENTINEL + ("word " * 19 + "\n") * 20_000),
         ["data/agencies.csv, row 3, field agency_name: cell-too-long"]),
    Case("huge-cell-over-short-lines-in-an-undeclared-column", rows_edit("agencies", lambda r: [r[0] + ["notes"]] + [
        x + [SENTINEL + "a\n" * 40_000 if i == 5 else ""] for i, x in enumerate(r[1:], start=2)]),
         ["data/agencies.csv", "undeclared-column"]),
    Case("duplicate-resource-name", edit_descriptor(lambda d, root, tmp: d["resources"].append(dict(resource_of(d, "requests")))),
         ["resource", "the name 'requests' is used by an earlier resource"]),
]


@pytest.mark.parametrize("command", [("--quiet",), ("serve", "--get", "/")])
@pytest.mark.parametrize("damage", ["database", "metadata"])
def test_a_damaged_release_in_site_is_named_not_a_traceback(released, tmp_path, command, damage):
    """A rebuild compares with the release in site/, and serve serves it: a damaged one is named."""
    root = tmp_path / "pkg"
    shutil.copytree(released, root, ignore=shutil.ignore_patterns("build"))
    target = root / "site" / ("downloads/certification.db" if damage == "database" else "datasette/metadata.json")
    target.write_bytes(b"SQLite format 3\x00" + b"\x17" * 3000 if damage == "database" else b"{not json")
    before = hashes(root / "site")
    result = run_cli(root, *command)
    output = result.stdout + result.stderr
    if command == ("--quiet",):  # the build reads no metadata from site/, and a database whose digest is not
        # its SHA256SUMS entry is no previous release: the build is a full one, and replaces it
        assert result.returncode == 0, output[-2000:]
        assert damage != "database" or target.read_bytes().startswith(b"SQLite format 3\x00") and len(target.read_bytes()) > 3016
        return
    assert result.returncode == 1 and "Traceback" not in output, output[-2000:]
    assert str(target.relative_to(root)) in output and "cannot be read" in output, output
    assert hashes(root / "site") == before


def close_and_break(root):
    """A field declared exempt with a bad value: the error must name it without echoing the value."""
    path = root / "data" / "schemas" / "ma_training.json"
    schema = json.loads(path.read_text())
    for f in schema["fields"]:
        if f["name"] == "completion_date":
            f["pcr:disclosure"]["grounds"] = [{"kind": "agency-caveat", "source": "ma-mptc-2023-0293",
                                               "quote": "Information like officer’s dates of birth and residency are exempt"}]
    path.write_text(json.dumps(schema))
    set_cell("ma_training", 2, "completion_date", SENTINEL)(root, None)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case, released, tmp_path):
    root = tmp_path / "pkg"
    shutil.copytree(released, root, ignore=shutil.ignore_patterns("build"))
    site_before, data_before = hashes(root / "site"), hashes(root / "data")
    if case.mutate:
        case.mutate(root, tmp_path)
    imported = ""
    if case.importer:
        source, make = case.importer
        result = run_cli(root, "import", source, str(make(tmp_path)))
        if not case.expect:
            assert result.returncode == 0, result.stderr
            imported = result.stdout + result.stderr
            result = run_cli(root, "--quiet")
    else:
        result = run_cli(root, *(case.command or ("--quiet",)))
    output = imported + result.stdout + result.stderr
    report = root / "build" / "validation-report.json"
    assert SENTINEL not in output and (not report.exists() or SENTINEL not in report.read_text())
    for planted in case.absent:
        assert planted not in output and (not report.exists() or planted not in report.read_text()), (planted, output[-3000:])
    if case.verify:
        case.verify(root, tmp_path)
    if not case.expect:
        assert result.returncode == 0, output[-3000:]
        published = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (root / "site" / "downloads").glob("*.csv"))
        assert SENTINEL not in published
        assert SENTINEL.encode() not in (root / "site" / "downloads" / "certification.db").read_bytes()
        return
    assert result.returncode == 1, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    for expected in case.expect:
        assert expected in output, (expected, output[-3000:])
    assert hashes(root / "site") == site_before
    if case.importer and not case.mutate:
        assert hashes(root / "data") == data_before


def test_spreadsheet_copies_defuse_formulas_and_raw_copies_keep_the_value(tmp_path):
    root = make_package(tmp_path / "pkg", extra_mo=[('=HYPERLINK("x","y"), Evil', "Sample status A", "Sample class A", ""),
                                                    ("-SUM(1), Other", "Sample status A", "Sample class A", ""),
                                                    ("+1-2, Plus", "Sample status A", "Sample class A", "")])
    edit_schema("mo_officers", lambda schema: schema["fields"][1].update(description='=HYPERLINK("http://x","described")'))(root, tmp_path)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    downloads = root / "site" / "downloads"
    safe = {r[1] for r in csv.reader(open(downloads / "spreadsheet" / "SYNTHETIC-SAMPLE-mo_officers.csv", encoding="utf-8"))}
    rawnames = {r[1] for r in csv.reader(open(downloads / "SYNTHETIC-SAMPLE-mo_officers.csv", encoding="utf-8"))}
    assert {"'=HYPERLINK(\"x\",\"y\"), Evil", "'-SUM(1), Other", "'+1-2, Plus"} <= safe
    assert publish.spreadsheet_safe("@SUM(1)") == "'@SUM(1)"  # (no name holds an @ now: refused as an address's)
    assert '=HYPERLINK("x","y"), Evil' in rawnames
    assert not [n for n in safe if n[:1] in "=+-@"]
    sums = (downloads / "SHA256SUMS").read_text()
    assert "  spreadsheet/SYNTHETIC-SAMPLE-mo_officers.csv" in sums
    # the data dictionary too (its descriptions are the package's text): the third attack run
    dictionary = (downloads / "spreadsheet" / "data-dictionary.csv").read_bytes()
    assert dictionary.startswith(b"\xef\xbb\xbf") and b"'=HYPERLINK(\"\"http://x\"\",\"\"described\"\")" in dictionary
    assert b'"=HYPERLINK(""http://x"",""described"")"' in (downloads / "data-dictionary.csv").read_bytes()
    assert "  spreadsheet/data-dictionary.csv" in sums


@pytest.mark.parametrize("case", [c for c in CASES if c.mutate and not c.importer and not c.command], ids=lambda c: c.name)
def test_fast_path_gives_the_same_verdict_as_frictionless(case, released, tmp_path):
    from certdata import fastcheck
    from certdata.package import Package, PackageError
    from certdata.validate import frictionless_problems, pre_check_files
    root = tmp_path / "pkg"
    shutil.copytree(released, root, ignore=shutil.ignore_patterns("build", "site"))
    case.mutate(root, tmp_path)
    try:
        package = Package.load(root)
    except PackageError:
        pytest.skip("the descriptor itself is unreadable: neither validator runs")
    reference = not frictionless_problems(package) if (root / "data" / "statutes.csv").exists() else False
    fast = not pre_check_files(package) and fastcheck.package_is_valid(package)  # validate_package's fast path
    assert fast == reference


@pytest.mark.parametrize("block_size", [1, 2, 3, 5, 1 << 22])
def test_the_formula_scan_sees_a_cell_start_split_between_blocks(tmp_path, block_size):
    from certdata.publish import BOM, copy_unless_formula
    clean, hostile = tmp_path / "clean.csv", tmp_path / "hostile.csv"
    clean.write_bytes(BOM + b"name,agency\r\n\"Smith, John\",A-1\r\nDoe,B 2=3\r\n")
    hostile.write_bytes(b"name,agency\r\nSmith,\"=HYPERLINK(1)\"\r\n")
    assert copy_unless_formula(clean, tmp_path / "out.csv", block_size) is False
    assert (tmp_path / "out.csv").read_bytes() == clean.read_bytes()  # the mark once, the bytes as released
    assert copy_unless_formula(hostile, tmp_path / "out2.csv", block_size) is True


@pytest.mark.parametrize("where", ["during the check", "between two writes", "by SIGTERM during the check", "by a failing write"])
def test_an_import_stopped_at_any_point_is_undone(released, tmp_path, monkeypatch, where):
    """Ctrl-C (or a termination signal, or any error) while an import writes or checks: every file it changed
    is restored and every file it created removed, so that data/ and the descriptor are as before."""
    import os
    import signal

    from certdata import importers
    root = tmp_path / "pkg"
    shutil.copytree(released, root, ignore=shutil.ignore_patterns("build"))
    before = hashes(root / "data") | {"datapackage.json": hashlib.sha256((root / "datapackage.json").read_bytes()).hexdigest()}
    roster = text_file(tmp_path, mo_csv(MO_ROWS))
    stop = OSError if where == "by a failing write" else KeyboardInterrupt
    if where.endswith("during the check"):
        def check(*args, **kwargs):
            assert hashes(root / "data") != before  # the import has written: there is something to undo
            if where.startswith("by SIGTERM"):
                os.kill(os.getpid(), signal.SIGTERM)
            raise stop()
        monkeypatch.setattr(pipeline, "check", check)
    else:
        real, calls = importers.replace_file, []

        def replace_file(target, data):
            calls.append(target)
            if len(calls) == 3:  # the raw copy and one CSV written, the rest not
                raise stop()
            return real(target, data)
        monkeypatch.setattr(importers, "replace_file", replace_file)

    def unhandled(number, frame):  # had the import not taken SIGTERM over, it would end here, not undone
        raise RuntimeError("SIGTERM reached the test's own handler")
    previous = signal.signal(signal.SIGTERM, unhandled)
    try:
        with pytest.raises(KeyboardInterrupt if stop is KeyboardInterrupt else pipeline.BuildFailed) as stopped:
            pipeline.import_release("mo-roster", roster, root=root, progress=lambda message: None)
        assert signal.getsignal(signal.SIGTERM) is unhandled  # the import's handler lasts as long as the import
    finally:
        signal.signal(signal.SIGTERM, previous)
    if stop is KeyboardInterrupt:
        assert "the import was undone" in str(stopped.value)
    else:  # a failing write (a full disk): says where the import wrote, and that nothing was changed
        assert "Nothing was changed." in str(stopped.value)
    after = hashes(root / "data") | {"datapackage.json": hashlib.sha256((root / "datapackage.json").read_bytes()).hexdigest()}
    assert after == before
    assert not (root / "data" / "raw").exists() and not list(root.rglob("*.importing"))


KILLED_IMPORT = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from certdata import importers, pipeline
where, root, roster = sys.argv[2], sys.argv[3], sys.argv[4]
if where == "during the check":
    pipeline.check = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
elif where == "while recording the journal":
    real_link = pipeline._link_or_copy
    def link(source, target):
        if target.name == "1":
            os.kill(os.getpid(), signal.SIGKILL)
        real_link(source, target)
    pipeline._link_or_copy = link
else:
    real, calls = importers.replace_file, []
    def replace_file(target, data):
        calls.append(target)
        if len(calls) == 3:  # the raw copy and one CSV written, the rest not
            os.kill(os.getpid(), signal.SIGKILL)
        return real(target, data)
    importers.replace_file = replace_file
pipeline.import_release("mo-roster", roster, root=root, progress=lambda message: None)
"""


@pytest.mark.parametrize("where", ["between two writes", "during the check", "while recording the journal"])
@pytest.mark.parametrize("next_command", ["check", "import"])
def test_an_import_killed_outright_is_undone_by_the_next_command(released, tmp_path, where, next_command):
    """SIGKILL cannot be caught: the import keeps a journal on disk before it writes, and the next
    command that reads data/ puts back what it saved and removes what it created."""
    import subprocess
    import sys

    root = tmp_path / "pkg"
    shutil.copytree(released, root, ignore=shutil.ignore_patterns("build"))

    def state():
        return hashes(root / "data") | {"datapackage.json": hashlib.sha256((root / "datapackage.json").read_bytes()).hexdigest()}
    before = state()
    roster = text_file(tmp_path, mo_csv(MO_ROWS))
    killed = subprocess.run([sys.executable, "-c", KILLED_IMPORT, str(ROOT), where, str(root), str(roster)],
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9
    if where != "while recording the journal":
        assert state() != before  # the killed import had written: there is something to undo
    if next_command == "check":
        result = run_cli(root, "check")
        assert result.returncode == 0, result.stderr
        assert state() == before
    else:  # the next import starts from the package as it was, and completes
        result = run_cli(root, "import", "mo-roster", str(roster))
        assert result.returncode == 0, result.stderr
    assert ("stopped before it finished" in result.stdout + result.stderr) == (where != "while recording the journal")
    assert not (root / "build" / "import-journal").exists() and not (root / "build" / "import-journal.new").exists()
    assert not list(root.rglob("*.importing"))


def test_the_import_does_not_write_through_a_leftover_link_at_its_temporary_name(tmp_path):
    from certdata import importers
    target, outside = tmp_path / "data.csv", tmp_path / "outside.txt"
    target.write_text("old")
    outside.write_text("outside")
    import os
    (tmp_path / f".data.csv.{os.getpid()}.importing").symlink_to(outside)
    importers.replace_file(target, b"new")
    assert target.read_text() == "new" and outside.read_text() == "outside" and not target.is_symlink()


def test_what_the_importer_accepts_as_a_name_the_build_accepts_and_the_reverse_for_what_it_refuses():
    """One rule for names, in two places: the importer (names.name_problem) and the schema pattern the
    validators apply. A name the importer takes passes the schema; an invisible character or a name
    without a letter fails both."""
    import re

    from certdata import names
    from certdata.package import Package
    package = Package.load(ROOT)
    patterns = {(r["name"], f["name"]): f["constraints"]["pattern"] for r in package.resources for f in r["schema"]["fields"]
                if f["name"] in ("officer_name", "surname", "given_names", "name_suffix")}
    assert ("mo_officers", "officer_name") in patterns and set(patterns.values()) == {names.NAME_PATTERN}, patterns
    assert package.resource("agencies")["schema"]["fields"][2]["constraints"]["pattern"] == names.TEXT_PATTERN
    schema = re.compile(names.NAME_PATTERN)
    for name in REAL_NAMES + ["X", "Smith, John III", "Mary-Kate", "2nd"]:
        assert names.name_problem(name) is None and schema.fullmatch(name), name
    for bad in ["1969-07-20", "07/20/1969", "---", "", "12", "Smith\u202e, John", "Smith\u2066John\u2069", "Doe\u200b", "Doe\u200f",
                "Doe\x1b[31m", "Doe\ufeff", "Doe 1969-07-20", "Doe, John 4455", "SENTINEL 19690720", "Doe 07.20.69", "Doe \uff11\uff19\uff16",
                "Doe 1-2-3"]:
        assert names.name_problem(bad) and not schema.fullmatch(bad), repr(bad)


def test_the_closed_headers_the_importer_names_are_closed_categories_to_the_guard():
    from certdata.guard import closed_categories
    from certdata.importers import CLOSED_HEADERS
    assert [h for h in CLOSED_HEADERS if not closed_categories(h)] == []


def test_a_problem_never_names_a_column_the_schema_does_not_declare(released):
    """The fourth attack run: with the header dropped and a date of birth appended to the first row,
    frictionless took that row for the header and reported each row's missing cell under "field
    1967-04-23" (8 times on stderr, 9,991 in the report). A problem names a declared field or none."""
    from certdata import validate
    from certdata.package import Package
    package = Package.load(released)
    problems = [validate.Problem("data/mo_officers.csv", 3, SENTINEL, "missing-cell", "Missing Cell"),
                validate.Problem("data/mo_officers.csv", 4, "officer_name", "missing-cell", "Missing Cell")]
    redacted = validate.redact_columns(package, problems)
    assert [(p.row, p.field) for p in redacted] == [(3, None), (4, "officer_name")]
    assert SENTINEL not in validate.summarise(redacted)


DISGUISES = ["23-Apr-67", "April 23, 1967", "Foo 1967\u201004\u201023", "4417 Larkspur Lane, Jefferson City",
                                   "12 Oak St", "7 March 1969", "Foo 19670423", "Foo \uff11\uff19\uff16\uff17-\uff10\uff14-\uff12\uff13",
                                   "Foo \u0967\u096f\u096c\u096d/\u0966\u096a/\u0968\u0969", "Foo 573.555.0100",
                                   # the seventh attack run's disguises: any separators, joiners between digits, 年月日,
                                   # a street's kind not listed before, a lettered house number
                                   "Foo 1971 04 05", "Foo 4 5 71", "Foo 123 45 6789", "Foo 573/555/0142", "Foo 573 \u2013 555 \u2013 0142",
                                   "Foo 1\u200d9\u200d7\u200d1\u200d0\u200d4\u200d0\u200d5", "Foo 1971\u5e744\u67085\u65e5",
                                   "Quincy 4417 Larkspur Trail", "4417-A Larkspur Lane",
                                   # the eighth: a month in another language, the house number after the street,
                                   # digits one by one
                                   "Foo 5 avril 1971", "Foo 5 de abril de 1971", "Foo 5. April 1971", "Foo abril 5, 1971",
                                   "Foo 1er mai 1970", "Hauptstraße 12", "Foo Larkspur Lane 4417", "12 rue de la Paix",
                                   "Calle Mayor 5, Madrid", "Foo 1 9 7 1 0 4 0 5", "Foo 5-7-3-5-5-5-0-1-4-2",
                                   # the ninth: a post box, a date in words or after "born", digits in words, confusable
                                   # letters, digits in 4-4 or 3-4 groups, a year-first short date, more street kinds
                                   "PO Box 4417 Sheriff's Office", "Police P.O. Box 12", "Foo born 5 avril 1971", "Foo DOB",
                                   "Foo born April the fifth", "the fifth of April Foo", "Foo 1971-0405", "Foo 555-0142",
                                   "Foo five five five zero one four two", "4417 L\u0430rkspur L\u0430ne", "Foo 5. M\u00e4rz 1971",
                                   "4417 Larkspur Strasse", "4417 Larkspur Pike", "4417 Larkspur Ridge", "Foo 71.4.5",
                                   "Foo (417) 555-O142",
                                   # a year-first date with one-digit month and day
                                   "Foo 1971-4-5", "Foo 1971 4 5", "Foo 1971/4/5",
                                   # the v6 attack run: digits in French, Spanish, German words; tens and "oh"; a house
                                   # number in words
                                   "Foo cinq sept trois cinq cinq cinq zéro un quatre deux",
                                   "Foo cinco siete tres cinco cinco cinco cero uno cuatro dos",
                                   "Foo fünf sieben drei fünf fünf fünf null eins vier zwei",
                                   "Foo five seven three five fifty five oh one forty two",
                                   "Foo forty four seventeen Larkspur Lane Springfield",
                                   # the tenth: dingbat digits, a date in words, signs and digits spelled out beside
                                   # digits, a circled a for the @, Roman numeral signs, a Dutch post box
                                   "Foo \u278e\u278e\u278e \u278a\u278b\u278c \u278d\u278e\u278f\u2790",
                                   "Foo \u277a\u277a\u277a \u2776\u2777\u2778 \u2779\u277a\u277b\u277c",
                                   "January first nineteen seventy Foo", "Foo 555 dash 123 dash 4567",
                                   "Foo 5five5 one2three 4five67", "Foo \u2164 \u2164 \u2164 \u2160 \u2161 \u2162 \u2163 \u2164 \u2165 \u2166",
                                   "Police Department Postbus 12",
                                   # the eleventh: post boxes written POB, P.O.B., a rural route's box
                                   "Police POB 12", "Police P.O.B. 12", "Police RR 2 Box 5",
                                   # the twelfth: a day with "of", a day in words, Spanish words, Roman numerals
                                   "Foo 5th of April", "Foo fifth april", "Foo cinco de abril", "Foo IV-V-MCMLXXI", "Foo MCMLXX",
                                   # and its second look: an ordinal day after a month, a day in words either side of
                                   # a month, a year in words, Roman numerals with digits, a month and a year
                                   "Foo April 5th", "Foo April fifth", "Foo April the 5th", "Foo five April", "Foo April five",
                                   "Foo cinq avril", "Foo nineteen seventy one", "Foo IV-V-LXXI", "Foo MDCCCCLXX",
                                   "Foo 5.IV.1971", "Foo 5 IV 1971", "Foo 1971.IV.5", "Foo April 1971",
                                   # after a word that numbers a section or a class (which passes "Class 2023-001"): a
                                   # telephone number's shape, a date's digits, more than eight digits
                                   "Class 555-0142", "Class #555 0142", "RSMo 1-314-555-0142", "Class 1971-0405",
                                   "Section 0405-1971", "Class 31-45-550-142", "Foo 71.4.5 Section"]


@pytest.mark.parametrize("value", DISGUISES)
def test_a_date_of_birth_or_an_address_in_the_agency_column_is_refused(value):
    """The fourth attack run: dates with a month's name or a Unicode hyphen, and a street address, passed
    as agency names and were published. An agency's real name passes."""
    from certdata import importers, names
    assert importers.value_problem("agency_name", value)
    assert importers.value_problem("officer_name", f"Doe, John {value}")
    if value != "Foo April 1971":  # in a course's title, a month beside a year is the session's (since the eighteenth)
        assert importers.value_problem("course_name", value)
    for name in ("Columbia Police Department", "St. Louis County Police Department", "1st District Court",
                 "Kansas City Missouri School District Police Department", "Boone County Sheriff's Office",
                 "Troop 7, Missouri State Highway Patrol", "Police Department of the 3rd Ward"):
        assert importers.value_problem("agency_name", name) is None
    for course in ("Use of Force", "In-Service Training 2019", "40-Hour Crisis Intervention", "Module 3 of 12 (Part 2)",
                   "Legal Update 17.5.2", "Use of Force Policy 5.1.2", "Chapter 90 Update 2.1.0", "8 Hour Defensive Drive",
                   "2019-2020 In-Service", "Taser Gen 2 Recertification 2019", "Legal Update via Zoom 2020",
                   "Defensive Drive 2", "Firearms Set 3 of 2019", "Mars 2 Sim Training", "1 2 3 4 5 Drill",
                   "One Team One Mission", "Born to Lead", "Airborne Unit", "5 Mile Run", "Route 66 Task Force",
                   "Birthing Emergencies", "Box Elder County", "The First Step", "May First Responders",
                   "Seven Mile Road Safety", "Ten Mile Run", "Route One Task Force", "Officer «at large» Program",
                   # a section's, a standard's or a class's number (the twelfth attack run's second look)
                   "CALEA 41.2.2 Review", "RSMo 590.080.1 Update", "Academy Class 2023-001", "Class #2023-001",
                   "MGL c. 6E Section 71.4.5", "Policy 2023-0001"):
        assert importers.value_problem("course_name", course) is None, course
    for name in ("Division 4 Municipal Court", "Precinct 2 Family Court", "District 1 Police Way",
                 # the twelfth attack run refused these: a number after "Dept." or before "Hr", models, not a date
                 "Dept. 12 Circuit Court", "Judicial Circuit 12 Circuit Court", "Court 12 Juvenile Court",
                 "16 Hr Crisis Intervention Team Walk", "Glock 17/19/26 Armorer"):
        assert importers.value_problem("agency_name", name) is None, name
    for name in ("Smith, Una Mae Lane", "van der Berg, Jan 2nd", "Smith, May", "Dec, Ann", "Marshall, Sean Q", "April Jones", "Juniper, June", "Smith, Dot",
                 "Nguyen, Mai", "Avril, Jane", "March, Fredric", "Abril, Jose", "At, Mary", "Born, Max", "Box, Ann",
                 "Smith, Jane (n\u00e9e Doe)", "Nine, Lee", "Cinq-Mars, Jean", "Dos Santos, Maria",
                 "Sept, Anne", "Un, Ho", "\u0412\u0430\u0441\u0438\u043b\u044c\u0435\u0432, \u0418\u0432\u0430\u043d"):
        assert importers.value_problem("officer_name", name) is None
        assert not importers.name_contact(name) and not names.person_name_refused(name)


# Other ways to write the same characters: digits of other forms (superscript, circled, full-width, mathematical,
# Arabic-Indic) and full-width letters, which read as ASCII once compatibility forms are folded.
DIGIT_FORMS = {"superscript": "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079",
               "circled": "\u24ea\u2460\u2461\u2462\u2463\u2464\u2465\u2466\u2467\u2468",
               "full-width": "".join(chr(0xff10 + d) for d in range(10)), "mathematical": "".join(chr(0x1d7ce + d) for d in range(10)),
               "arabic-indic": "".join(chr(0x660 + d) for d in range(10)),
               "dingbat": "\U0001f10c" + "".join(chr(0x278a + d) for d in range(9)),
               "negative circled": "\u24ff" + "".join(chr(0x2776 + d) for d in range(9))}


def rewritten(value, form):
    if form == "full-width letters":
        return "".join(chr(ord(c) - 0x41 + 0xff21) if "A" <= c <= "Z" else chr(ord(c) - 0x61 + 0xff41) if "a" <= c <= "z" else c
                       for c in value)
    return value.translate(str.maketrans("0123456789", DIGIT_FORMS[form]))


@pytest.mark.parametrize("form", [*DIGIT_FORMS, "full-width letters"])
def test_a_disguise_written_in_other_forms_of_its_characters_is_refused_by_the_importer_and_the_validators(form):
    """Superscript or circled digits and full-width words passed the validators' first look (a digit, a sign or a
    trigger word), which read the value as written, so that a hand-edited CSV published "Smith, John" and a
    telephone number in superscript digits (the importer refused it), and an agency's name holding one was imported. Every disguise
    above, in every form, is refused by the importer and by the rule both validators apply."""
    from certdata import importers, names
    for value in DISGUISES:
        disguised = rewritten(value, form)
        if disguised == value:
            continue
        assert importers.value_problem("agency_name", disguised), disguised
        assert importers.value_problem("officer_name", f"Doe, John {disguised}"), disguised
        assert names.text_refused(disguised), disguised
        assert names.person_name_refused(f"Doe, John {disguised}"), disguised


@pytest.mark.parametrize("value", ["jane at example dot com", "jane(at)example(dot)org", "Jane [at] example [dot] co [dot] uk",
                                   "jane.doe at mail.example.com", "j_doe AT example DOT gov", "jdoe＠example.com",
                                   "jane.doe@example\u3002com", "jane@example", "jane%40example.com", "jane&#64;example.com",
                                   "jane-at-example-dot-com", "jane_at_example_dot_com", "jane/at/example/dot/com",
                                   "jane.at.example.dot.com", "ｊａｎｅ ａｔ ｅｘａｍｐｌｅ ｄｏｔ ｃｏｍ", "jane.doe«at»example«dot»com",
                                   # the tenth attack run: a circled a for the @, an @ with spaces around it
                                   "jdoe \u24d0 example \u24d3\u24de\u24e3 com", "jane @ example.com",
                                   # the eleventh: a parenthesized or squared a, the @'s name in Spanish
                                   "jdoe \u249c example dot com", "jdoe \U0001f130 example dot com", "jane arroba example dot com",
                                   # the twelfth: an @ wrapped, doubled or spaced on one side, named in HTML; a domain's
                                   # ending not listed, spelled with dots; a domain alone
                                   "jdoe(@)example.com", "jdoe[@]example.com", "jdoe@@example.com", "jdoe@ example.com",
                                   "jdoe @example.com", "jdoe&commat;example.com", "jdoe&#64example.com",
                                   "jdoe at example dot ru", "jdoe at example dot email", "jdoe_at_gmail.com",
                                   "jdoe a.t gmail d.o.t com",
                                   "jdoe[at]example[.]com", "jdoe arroba example punto com", "jdoe (a) example (.) com",
                                   "jdoe at sign example dot com", "jdoe a t example d o t com", "jdoe at example period com"])
def test_an_e_mail_address_spelled_out_is_refused_in_every_open_column(value):
    """The eighth attack run: "jane at example dot com" passed as an agency's, a course's and an officer's
    name. Written out, an address is refused like one written with an @; "at" in a name is not."""
    from certdata import importers, names
    assert importers.name_contact(value) and importers.name_contact(f"Doe, John {value}")
    assert importers.value_problem("agency_name", f"Police {value}") and importers.value_problem("course_name", value)
    assert names.person_name_refused(f"Doe, {value}")
    for fine in ("Training at Police Academy", "Smith, Dot", "Officer at Large Program", "Cat dot com", "Meet-at-Noon Training"):
        assert not importers.name_contact(fine) and importers.value_problem("course_name", fine) is None, fine


def test_the_long_line_search_finds_what_reading_every_line_finds(tmp_path):
    """The stride search for a line past the limit (validate.line_shape) against reading every line, on
    files whose lines sit around the limit, with carriage returns, without a final line break, empty."""
    import random

    from certdata import validate

    def every_line(data, limit):
        lines = data.split(b"\n")
        long = next((number for number, line in enumerate(lines, start=1) if len(line) > limit), None)
        return data.count(b"\n"), long

    rng = random.Random(17)
    path = tmp_path / "lines.csv"
    for trial in range(400):
        limit = rng.choice([1, 5, 16, 64])
        data = b"\n".join(bytes(rng.choice(b"ab\r,") for _ in range(max(0, int(rng.gauss(limit * 0.8, limit / 3)))))
                          for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.5:
            data += b"\n"
        path.write_bytes(data)
        assert validate.line_shape(path, limit) == every_line(data, limit), (trial, limit, data)


def test_nothing_outside_the_package_is_read_run_or_written_through_a_link(tmp_path):
    """A pipe named as a data file is refused, not read forever; presentation.yml or a state module that
    links out of the package is refused, not read or run; the validation report replaces a link at its path
    instead of writing through it."""
    import os
    outside = tmp_path / "outside"
    outside.mkdir()
    root = make_package(tmp_path / "pkg", mo_active=30)

    pipe_root = make_package(tmp_path / "pipe", mo_active=30)
    target = pipe_root / "data" / "mo_post_measures.csv"
    target.unlink()
    os.mkfifo(target)
    result = run_cli(pipe_root, "check", timeout=120)
    assert result.returncode == 1 and "not a regular file" in result.stderr and "Traceback" not in result.stderr, result.stderr

    presentation = root / "data" / "presentation.yml"
    (outside / "presentation.yml").write_bytes(presentation.read_bytes())
    presentation.unlink()
    presentation.symlink_to(outside / "presentation.yml")
    result = run_cli(root, "check")
    assert result.returncode == 1 and "data/presentation.yml" in result.stderr and "outside the package" in result.stderr, result.stderr
    presentation.unlink()
    presentation.write_bytes((outside / "presentation.yml").read_bytes())

    (outside / "zz.py").write_text(f"open({str(outside / 'RAN')!r}, 'w').close()\n")
    (root / "states").mkdir(exist_ok=True)
    (root / "states" / "zz.py").symlink_to(outside / "zz.py")
    result = run_cli(root, "check")
    assert result.returncode == 1 and "outside the package" in result.stderr, result.stderr
    assert not (outside / "RAN").exists()
    (root / "states" / "zz.py").unlink()

    (outside / "precious.txt").write_text("kept")
    (root / "build").mkdir(exist_ok=True)
    (root / "build" / "validation-report.json").symlink_to(outside / "precious.txt")
    set_cell("agencies", 2, "agency_name", "")(root, tmp_path)  # a required field emptied: a report is written
    result = run_cli(root, "check")
    assert result.returncode == 1 and (outside / "precious.txt").read_text() == "kept", result.stderr
    assert not (root / "build" / "validation-report.json").is_symlink()


def test_a_huge_cell_costs_the_build_next_to_nothing(released, tmp_path):
    """The sixth round: a 48 MB quoted cell over short lines took the build's process to 3 GB. Every
    reader stops at cells.MAX_CELL_CHARS; the build's own peak grows by less than the cell's size."""
    from .conftest import run_cli_peak
    root = tmp_path / "pkg"
    shutil.copytree(released, root, ignore=shutil.ignore_patterns("build"))
    result, baseline = run_cli_peak(root, "--quiet")
    assert result.returncode == 0, result.stderr
    size = 20_000_000
    set_cell("agencies", 2, "agency_name", ("word " * 19 + "\n") * (size // 96))(root, tmp_path)
    result, peak = run_cli_peak(root, "--quiet")
    assert result.returncode == 1 and "cell-too-long" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert peak - baseline < size // 1024, (peak, baseline)


@pytest.mark.parametrize("where", ["declared", "undeclared", "after-multiline-rows"])
def test_a_long_cell_is_located_by_record_and_field_without_being_read_whole(released, tmp_path, where):
    from certdata import cells, validate
    from certdata.package import Package
    root = tmp_path / "pkg"
    shutil.copytree(released, root, ignore=shutil.ignore_patterns("build", "site"))
    rows = rows_of(root, "agencies")
    long = "x\n" * cells.MAX_CELL_CHARS
    if where == "undeclared":
        rows = [rows[0] + ["notes"]] + [r + [""] for r in rows[1:]]
        rows[4][3] = long
    else:
        if where == "after-multiline-rows":
            rows[1][2] = rows[1][2] + "\nand a second line"
            rows[2][2] = rows[2][2] + "\r\nand a third"
        rows[4][2] = long
    write_rows(root, "agencies", rows)
    package = Package.load(root)
    expected = (5, "column 4" if where == "undeclared" else "agency_name")
    assert validate.long_cell(package, package.resource("agencies")) == expected
    assert validate.long_cell(package, package.resource("mo_officers")) is None


def test_every_character_that_shows_nothing_is_refused_in_names_by_the_importer_and_the_schema():
    """The eighth attack run: a Hangul filler as a whole name was published (its id the hash of an empty
    name), and U+206A-206F, U+1D173, U+13430, U+2028 passed. Every format character (Unicode's Cf),
    line and paragraph separator, and letter or mark that shows nothing is refused; the zero-width
    joiner and non-joiner, which some scripts write names with, are not."""
    import re
    import sys
    import unicodedata

    from certdata import importers, names
    schema = re.compile(names.NAME_PATTERN)
    blank = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x2800, 0x3164, 0xFFA0, 0xFFFC,
             *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}
    shown_nothing = [c for c in range(sys.maxunicode + 1) if c in blank or unicodedata.category(chr(c)) in ("Cf", "Zl", "Zp", "Cc")]
    for code in shown_nothing:
        value = f"Doe, Ja{chr(code)}ne"
        if code in (0x200C, 0x200D):
            assert importers.value_problem("officer_name", value) is None and schema.fullmatch(value), hex(code)
            continue
        assert importers.value_problem("officer_name", value) and not schema.fullmatch(value), hex(code)
        assert importers.value_problem("agency_name", f"Alpha{chr(code)}Police") and not schema.fullmatch(chr(code)), hex(code)


def test_a_profile_nested_too_deeply_is_refused_by_name(tmp_path, monkeypatch):
    """The v6 attack run: data/profile.json nested 200,000 deep ended in "unexpected internal error (RecursionError)"."""
    from certdata import disclosure
    from certdata.package import PackageError
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "profile.json").write_text("[" * 200_000 + "]" * 200_000)
    monkeypatch.setattr(disclosure, "ROOT", tmp_path)
    disclosure.profile.cache_clear()
    try:
        with pytest.raises(PackageError, match="data/profile.json: cannot read the package's profile"):
            disclosure.profile()
    finally:
        disclosure.profile.cache_clear()


def test_a_closed_value_in_a_hand_written_page_stops_the_build(tmp_path):
    """The fourteenth attack run: docs/about.md with a telephone number went out on the about page and in the
    site's search index. The guard reads every line of the hand-written pages (here a copy with one added)."""
    from certdata import guard
    from certdata.package import Package
    page = tmp_path / "about.md"
    page.write_text((ROOT / "docs" / "about.md").read_text(encoding="utf-8") + "\nCall the custodian at (314) 555-0142.\n")
    package = Package.load(ROOT)
    assert not guard.schema_text_problems(package)  # the pages as they are pass
    problems = guard.schema_text_problems(package, pages=[page])
    assert [(p.file, p.type) for p in problems] == [("docs/about.md", "closed-value-in-page")]
    assert problems[0].row == len(page.read_text().splitlines()) and "555" not in problems[0].message
