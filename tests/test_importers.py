"""Importing an agency's release as received: mapped, trimmed, closed columns dropped, provenance kept."""
import csv
import hashlib
import json
import re

import openpyxl
from openpyxl.utils import get_column_letter
import pytest

from certdata.states import ma

from .conftest import acadis_export, run_cli, run_cli_peak, settle_ma_disclosure


def roster_workbook(path, rows, headers=("Name", "Date of Birth", "License Status", "License Class", "Commissioning Agency")):
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Read me"
    notes.append(["This workbook lists licensees."])
    sheet = workbook.create_sheet("Roster")
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


ROWS = [
    ("  Doe,   Jane Q ", "1970-01-02-SENTINEL", "SAMPLE STATUS A", "Sample class A", " Columbia Police Department "),
    ("Roe, Richard", "1965-03-04-SENTINEL", "revoked", "UNKNOWN", ""),
    ("Poe, Edgar", "1959-05-06-SENTINEL", "Surrendered ", "unknown", "Quillfeather County Sheriff's Office"),
]


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_mo_roster_workbook_is_normalised_and_the_closed_column_dropped(small_package, tmp_path):
    workbook = roster_workbook(tmp_path / "POST roster.xlsx", ROWS)
    result = run_cli(small_package, "import", "mo-roster", str(workbook), "--received", "2023-01-18")
    assert result.returncode == 0, result.stderr
    assert "dropped column 2 (Date of Birth)" in result.stderr
    assert "SENTINEL" not in result.stdout + result.stderr
    rows = read_csv(small_package / "data" / "mo_officers.csv")
    assert {(r["officer_name"], r["license_status"], r["license_class"], r["agency_id"]) for r in rows} == {
        ("Doe, Jane Q", "Sample status A", "Sample class A", "MO-columbia-police-department"),
        ("Roe, Richard", "Revoked", "unknown", ""),
        ("Poe, Edgar", "Surrendered", "unknown", "MO-quillfeather-county-sheriffs-office"),
    }
    everything = "".join(p.read_text(encoding="utf-8") for p in (small_package / "data").glob("*.csv"))
    assert "SENTINEL" not in everything and "1970-01-02" not in everything
    descriptor = json.loads((small_package / "datapackage.json").read_text())
    officers = next(r for r in descriptor["resources"] if r["name"] == "mo_officers")
    assert "pcr:synthetic" not in officers and officers["pcr:received"] == "2023-01-18"
    raw = small_package / officers["sources"][0]["path"]
    assert raw.is_file() and officers["sources"][0]["pcr:sha256"] == hashlib.sha256(workbook.read_bytes()).hexdigest()
    assert run_cli(small_package, "--quiet").returncode == 0


def test_status_outside_the_code_sheet_is_refused_and_nothing_changes(small_package, tmp_path):
    before = {p.name: p.read_bytes() for p in (small_package / "data").glob("*.csv")}
    workbook = roster_workbook(tmp_path / "r.xlsx", ROWS + [("Coe, Al", "x", "Lapsed", "unknown", "")])
    result = run_cli(small_package, "import", "mo-roster", str(workbook))
    assert result.returncode == 1
    assert "row 5, field license_status" in result.stderr and "(not shown) is not in the code sheet" in result.stderr
    assert "Lapsed" not in result.stderr  # a closed value (a residence) can sit in a misaligned column: never echoed
    assert {p.name: p.read_bytes() for p in (small_package / "data").glob("*.csv")} == before
    assert not (small_package / "data" / "raw").exists() or not list((small_package / "data" / "raw").iterdir())


@pytest.mark.parametrize("headers,message", [
    (("Name", "Status"), "missing column(s) license_class ("),
    (("Officer", "License Status", "License Class"), "missing column(s) officer_name ("),
])
def test_workbook_without_the_needed_columns_is_refused(small_package, tmp_path, headers, message):
    workbook = roster_workbook(tmp_path / "bad.xlsx", [("a",) * len(headers)], headers=headers)
    result = run_cli(small_package, "import", "mo-roster", str(workbook))
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert "split names need" in result.stderr or "officer_name" not in message


def test_a_release_whose_disclosure_is_still_pending_is_refused_and_nothing_changes(small_package, tmp_path):
    path = tmp_path / "acadis.csv"
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n555001,Ann Lee,Use of Force,2019-06-14\n")
    before = (small_package / "data" / "ma_training.csv").read_bytes()
    result = run_cli(small_package, "import", "ma-training", str(path))
    assert result.returncode == 1
    assert "still 'pending'" in result.stderr and "acadis_id" in result.stderr and "Traceback" not in result.stderr
    assert (small_package / "data" / "ma_training.csv").read_bytes() == before


def test_ma_training_windows_1252_csv_with_excel_and_us_dates(small_package, tmp_path):
    settle_ma_disclosure(small_package)
    text = ("Acadis ID,Officer Name,Date of Birth,City of Residence,Course Name,Completion Date,Employing Agency\r\n"
            "555001,José Núñez,01/02/1980,Quincy,Basic Recruit Academy,06/14/2019,Quincy Police Department\r\n"
            "555001,José Núñez,01/02/1980,Quincy,Use of Force,43831,Boston Police Department\r\n"
            "555002,Ann O'Malley,03/04/1975,Boston,Legal Updates,3/5/19,\r\n")
    path = tmp_path / "acadis.csv"
    path.write_bytes(text.encode("cp1252"))
    result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2023-10-01")
    assert result.returncode == 0, result.stderr
    assert "dropped column 3 (Date of Birth)" in result.stderr and "dropped column 4 (City of Residence)" in result.stderr
    rows = read_csv(small_package / "data" / "ma_training.csv")
    key = ma.record_key
    assert [(r["record_id"], r["officer_name"], r["completion_date"]) for r in rows] == [
        (f"MA-555001-{key('Basic Recruit Academy', '2019-06-14')}-1", "José Núñez", "2019-06-14"),
        (f"MA-555001-{key('Use of Force', '2020-01-01')}-1", "José Núñez", "2020-01-01"),
        (f"MA-555002-{key('Legal Updates', '2019-03-05')}-1", "Ann O'Malley", "2019-03-05")]
    assert "1980" not in (small_package / "data" / "ma_training.csv").read_text()


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_a_workbook_s_date_as_a_plain_number_counts_from_the_workbook_s_own_day_zero(small_package, tmp_path, epoch):
    """A foreign-data trial after the twentieth: in a workbook of Excel for the Mac's date system (date1904), a date
    column's plain number 42000 was published as 2014-12-27, counted from 1899-12-30; it is 2018-12-28. Its date cells
    and every other column's numbers (an Acadis ID) read as before."""
    import datetime
    settle_ma_disclosure(small_package)
    workbook = openpyxl.Workbook()
    if epoch == "1904":
        workbook.epoch = openpyxl.utils.datetime.MAC_EPOCH
    sheet = workbook.active
    sheet.append(["Acadis ID", "Officer Name", "Course Name", "Completion Date", "Employing Agency"])
    sheet.append([555001, "Ann Lee", "Legal Updates", 42000, ""])  # a number, formatted as one
    sheet.append([555001, "Ann Lee", "Use of Force", datetime.datetime(2019, 10, 4), ""])
    sheet["D3"].number_format = "yyyy-mm-dd"
    workbook.save(tmp_path / "acadis.xlsx")
    result = run_cli(small_package, "import", "ma-training", str(tmp_path / "acadis.xlsx"), "--received", "2023-10-01")
    assert result.returncode == 0, result.stderr
    rows = read_csv(small_package / "data" / "ma_training.csv")
    assert {(r["acadis_id"], r["course_name"], r["completion_date"]) for r in rows} == {
        ("555001", "Legal Updates", "2018-12-28" if epoch == "1904" else "2014-12-27"),
        ("555001", "Use of Force", "2019-10-04")}


def test_ma_training_dates_as_database_exports_and_people_write_them(small_package, tmp_path):
    """A foreign-data trial after the seventeenth: 2019-10-04T00:00:00, Oct 4, 2019 and 20191004 were refused as no date."""
    settle_ma_disclosure(small_package)
    written = ["2019-10-04T00:00:00", "2019-10-04 08:30:00", "2019-10-04T00:00:00Z", "Oct 4, 2019", "October 4, 2019",
               "4 Oct 2019", "20191004", "10-04-2019", "04-OCT-19"]  # (an Oracle report's, a foreign-data trial after the twentieth)
    path = acadis_export(tmp_path / "dates.csv", *(f'55500{i},Ann Lee,Course {i},"{d}",' for i, d in enumerate(written)))
    result = run_cli(small_package, "import", "ma-training", path, "--received", "2023-10-01")
    assert result.returncode == 0, result.stderr
    assert {r["completion_date"] for r in read_csv(small_package / "data" / "ma_training.csv")} == {"2019-10-04"}
    for wrong in ("2019-10-04T25:00", "Oct 2019", "2019-10-04 lunch"):
        path = acadis_export(tmp_path / "wrong.csv", f'555001,Ann Lee,Course,"{wrong}",')
        result = run_cli(small_package, "import", "ma-training", path, "--received", "2023-10-01", "--retire-most")
        assert result.returncode == 1 and "row 2, field completion_date: the value is not a date" in result.stderr, wrong
    path = acadis_export(tmp_path / "wrong.csv", '555001,Ann Lee,Course,"Oct 2019",', "555001,Ann Lee,Course B,2019-10-04,",
                         '555001,Ann Lee,Course C,"2019-10-04 lunch",')
    result = run_cli(small_package, "import", "ma-training", path, "--received", "2023-10-01", "--retire-most")
    assert "rows 2, 4, field completion_date: the value is not a date" in result.stderr  # every such row, in one run


def test_a_published_acadis_id_never_shows_another_person(small_package, tmp_path):
    """The thirteenth attack run: an Acadis ID published for one officer was published for another name in the next
    release (/officer/ma/555001 showed Carl Poe in place of Bob Roe), an id gained leading zeros (its page a 404), and
    a training record's identifier passed to another record when an earlier one appeared."""
    settle_ma_disclosure(small_package)
    def release(name, *lines):
        return acadis_export(tmp_path / name, *lines)
    first = release("first.csv", "123,Ann Lee,Legal Updates,2020-01-01,", "555001,Bob Roe,Firearms,2021-05-05,")
    assert run_cli(small_package, "import", "ma-training", first).returncode == 0
    published = {r["record_id"]: r for r in read_csv(small_package / "data" / "ma_training.csv")}
    before = (small_package / "data" / "ma_training.csv").read_bytes()
    for lines, expected in (
            (["000123,Ann Lee,Legal Updates,2020-01-01,", "555001,Bob Roe,Firearms,2021-05-05,"],
             "row 2, field acadis_id: the previous release has this Acadis ID with other leading zeros"),
            (["123,Ann Lee,Legal Updates,2020-01-01,", "555001,Carl Poe,Firearms,2021-05-05,"],
             "row 3, field officer_name: the previous release published this Acadis ID")):
        result = run_cli(small_package, "import", "ma-training", release("next.csv", *lines))
        assert result.returncode == 1 and expected in result.stderr, result.stderr
        assert "Carl" not in result.stderr and "Bob" not in result.stderr and "Traceback" not in result.stderr
        assert (small_package / "data" / "ma_training.csv").read_bytes() == before
    # a mistyped confirmation, and one for a roster whose identifiers are ours, are refused
    renamed = release("renamed.csv", "123,Ann Lee,Legal Updates,2020-01-01,", "555001,Robert Roe,Ethics,2019-02-02,",
                      "555001,Robert Roe,Firearms,2021-05-05,")
    result = run_cli(small_package, "import", "ma-training", renamed, "--same-officer", "555001", "--same-officer", "555002")
    assert result.returncode == 1 and "--same-officer 555002: no Acadis ID" in result.stderr, result.stderr
    result = run_cli(small_package, "import", "mo-roster", renamed, "--same-officer", "555001")
    assert result.returncode == 1 and "--same-officer applies to a release whose officer identifiers" in result.stderr
    # MPTC confirms: the name follows its officer, and the Firearms record keeps its identifier although an earlier
    # record (Ethics, 2019) came before it
    result = run_cli(small_package, "import", "ma-training", renamed, "--same-officer", "555001")
    assert result.returncode == 0, result.stderr
    now = {r["record_id"]: r for r in read_csv(small_package / "data" / "ma_training.csv")}
    for record_id, row in published.items():
        assert (now[record_id]["course_name"], now[record_id]["completion_date"]) == (row["course_name"], row["completion_date"])


@pytest.mark.parametrize("bad, expect", [
    (b'Name,License Status,License Class\n"Doe, Jane",Revoked,\xff\x81\n', "neither UTF-8 nor Windows-1252"),
    (b'Name,License Status,License Class,Commissioning Agency\n"Doe, Jane",Revoked,unknown,jdoe@example.com\n', "looks like an e-mail address"),
    (b'Name,License Status,License Class,Commissioning Agency\n"Doe, Jane",Revoked,unknown,573-555-1212\n', "telephone number"),
    (b'Name,License Status,License Class\n"Doe, Jane",SENTINEL-1969-07-20,unknown\n', "not in the code sheet"),
    # the fourth attack run: Shift-JIS read as Windows-1252 was imported garbled ("ŽR“c, ‘¾˜Y"), exit 0
    (b'Name,License Status,License Class\n"' + "山田, 太郎".encode("shift_jis") + b'",Revoked,unknown\n', "probably in another encoding"),
])
def test_hostile_roster_values_are_refused_by_row_and_field_never_echoed(small_package, tmp_path, bad, expect):
    path = tmp_path / "roster.csv"
    path.write_bytes(bad)
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 1 and expect in result.stderr and "row 2" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    for value in ("SENTINEL", "jdoe@", "555-1212"):
        assert value not in result.stderr + result.stdout


@pytest.mark.parametrize("shift", [-2, -1, 0, 1])
def test_the_encoding_is_found_piece_by_piece_with_the_row_of_a_bad_byte(shift):
    """The file is decoded a piece at a time (its text is never held whole beside its bytes): a character
    cut at a piece's end still reads as UTF-8, and a bad byte or an odd symbol further on is named by its
    row, counted across the pieces."""
    from certdata.importers import DECODE_PIECE, ImportError_, text_encoding
    line = "Núñez, José,Revoked,unknown\n".encode()
    lines = DECODE_PIECE // len(line) + 3
    body = b"Name,License Status,License Class\n" + line * lines
    cut = DECODE_PIECE + shift  # a two-byte character astride the first piece's end
    body = body[:cut - 1] + "é".encode() + body[cut + 1:]
    assert text_encoding("roster.csv", body) == "utf-8-sig"
    assert text_encoding("roster.csv", "Núñez".encode("cp1252") * (DECODE_PIECE // 3)) == "cp1252"
    plain = b"Name,License Status,License Class\n" + b"Doe, Jane,Revoked,unknown\n" * (2 * DECODE_PIECE // 26)
    assert len(plain) > 2 * DECODE_PIECE
    bad_row = plain.count(b"\n") + 1
    for tail, expect in ((b"\xff\x81", "neither UTF-8 nor Windows-1252"),
                         ("山田, 太郎".encode("shift_jis"), "probably in another encoding")):
        with pytest.raises(ImportError_) as caught:  # (UTF-8 accents read as Windows-1252 would be refused at row 2)
            text_encoding("roster.csv", plain + b"Doe " + tail + b",Revoked,unknown\n")
        assert f"roster.csv, row {bad_row}: " in str(caught.value) and expect in str(caught.value), caught.value


def test_received_must_be_a_date_not_a_path(small_package, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text('Name,License Status,License Class\n"Doe, Jane",Revoked,unknown\n')
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "../../../../tmp/ESCAPED")
    assert result.returncode == 1 and "YYYY-MM-DD" in result.stderr
    assert not list((tmp_path.parent).rglob("ESCAPED*"))
    # an attack run: a date after today was published as the day the release was received
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2099-12-31")
    assert result.returncode == 1 and "--received 2099-12-31 is after today" in result.stderr
    # and one before the state's request was filed (an attack run after the sixteenth: 1900-01-01 was published)
    before = (small_package / "datapackage.json").read_bytes()
    for day, state in (("1900-01-01", "mo-roster"), ("2022-12-31", "mo-roster"), ("2023-09-12", "ma-training")):
        result = run_cli(small_package, "import", state, str(path), "--received", day)
        assert result.returncode == 1 and f"--received {day} is before the request" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and (small_package / "datapackage.json").read_bytes() == before


def test_a_roster_with_split_name_columns_keeps_the_parts_and_the_search_uses_them(small_package, tmp_path):
    """A roster in Last / First / Middle / Suffix columns: the display name is composed, the parts are kept
    beside it, and the search knows where the surname ends and that a suffix is no given name."""
    import asyncio
    import sqlite3

    from certdata import datasette
    path = tmp_path / "split.csv"
    path.write_text("Last Name,First Name,Middle Name,Suffix,Date of Birth,License Status,License Class\n"
                    "Okafor,Chidi,,V,1970-01-02-SENTINEL,Sample status A,unknown\n"
                    "De La Cruz,Maria,T,,1971-01-02-SENTINEL,Revoked,unknown\n", encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2023-01-18")
    assert result.returncode == 0, result.stderr
    rows = {r["officer_name"]: r for r in read_csv(small_package / "data" / "mo_officers.csv")}
    assert set(rows) == {"Okafor, Chidi V", "De La Cruz, Maria T"}
    assert [rows["Okafor, Chidi V"][f] for f in ("surname", "given_names", "name_suffix")] == ["Okafor", "Chidi", "V"]
    assert [rows["De La Cruz, Maria T"][f] for f in ("surname", "given_names", "name_suffix")] == ["De La Cruz", "Maria T", ""]
    assert "SENTINEL" not in (small_package / "data" / "mo_officers.csv").read_text(encoding="utf-8")
    assert run_cli(small_package, "--quiet").returncode == 0
    database = small_package / "site" / "downloads" / "certification.db"
    with sqlite3.connect(database) as conn:
        keys = dict(conn.execute("select p.officer_name, n.surname_key || '|' || n.given_key from people p "
                                 "join people_names n on n.rowid = p.rowid where p.state = 'MO'"))
    assert keys == {"Okafor, Chidi V": "okafor|chidi", "De La Cruz, Maria T": "delacruz|maria t"}
    client = datasette.app(database, small_package / "site" / "datasette" / "metadata.json")
    body = asyncio.run(client.client.get("/search.json?q=chidi+okafor")).json()
    assert body["rows"][0]["officer_name"] == "Okafor, Chidi V" and body["rows"][0]["match"] == "full name"


def test_a_roster_with_only_a_full_name_leaves_the_parts_blank(small_package, tmp_path):
    workbook = roster_workbook(tmp_path / "POST roster.xlsx", ROWS)
    assert run_cli(small_package, "import", "mo-roster", str(workbook)).returncode == 0
    rows = read_csv(small_package / "data" / "mo_officers.csv")
    assert rows and all(r["surname"] == r["given_names"] == r["name_suffix"] == "" for r in rows)


def test_a_file_with_more_lines_than_rows_allowed_is_refused_before_it_is_parsed(small_package, tmp_path):
    """The fourth attack run: 30 MB of empty lines took 2.4 GB as parsed rows before the row limit
    refused them. The lines are counted first, on the bytes."""
    from certdata.importers import MAX_ROWS
    path = tmp_path / "roster.csv"
    path.write_bytes(b"Name,License Status,License Class\n" + b"\n" * (MAX_ROWS + 2))
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 1 and f"more than {MAX_ROWS:,} lines" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def import_peak(root, path):
    """(exit code, stderr, peak resident kilobytes) of `build.py import mo-roster path`."""
    result, peak = run_cli_peak(root, "import", "mo-roster", str(path))
    return result.returncode, result.stderr, peak


def sheet_xml(rows):
    cells = "".join(f'<row r="{n}">' + "".join(f'<c r="{ref}{n}" t="inlineStr"><is><t>{text}</t></is></c>' for ref, text in row)
                    + "</row>" for n, row in enumerate(rows, start=1))
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{cells}</sheetData></worksheet>")


def test_a_huge_line_or_cell_is_refused_before_the_file_is_decoded_and_parsed(small_package, tmp_path):
    """The sixth attack run: a 200 MB CSV of one cell took 2.4 GB (the text as a StringIO, four bytes
    a character, and the parsed cell) before the cell limit refused it. A line longer than any row
    within the limits is refused on the bytes; a long quoted cell stops the reader at the limit."""
    from certdata.importers import MAX_CELL, MAX_LINE
    header = b"Name,License Status,License Class,Commissioning Agency\n"
    small = tmp_path / "small.csv"
    small.write_bytes(header + b'"' + b"a" * (MAX_CELL + 1) + b'",Revoked,unknown,X\n')
    _, _, baseline = import_peak(small_package, small)
    size = 5 * MAX_LINE
    line = tmp_path / "one-line.csv"
    line.write_bytes(header + b'"' + b"a" * size + b'",Revoked,unknown,X\n')
    code, stderr, peak = import_peak(small_package, line)
    assert code == 1 and "one-line.csv, row 2: a line longer than" in stderr and "Traceback" not in stderr, stderr
    assert peak - baseline < 2 * size // 1024, (peak, baseline)  # the bytes once; it was 12 times, then 3
    cell = tmp_path / "quoted-cell.csv"  # short lines, one cell across them
    cell.write_bytes(header + b'"' + (b"a," * 500 + b"\n") * (size // 1001) + b'",Revoked,unknown,X\n')
    code, stderr, peak = import_peak(small_package, cell)
    assert code == 1 and f"quoted-cell.csv, row 2: a cell of more than {MAX_CELL:,} characters" in stderr, stderr
    assert peak - baseline < 2 * size // 1024, (peak, baseline)  # the bytes once; it was 12 times, then 3


def sparse_workbook(tmp_path, name, blank_rows, column):
    """A roster workbook: six officers, then blank_rows rows each holding one cell in the given column."""
    import zipfile
    roster = [[("A", "Name"), ("B", "License Status"), ("C", "License Class"), ("D", "Commissioning Agency")]]
    roster += [[("A", f"Okafor, Chidi {letter}"), ("B", "Sample status A"), ("C", "Sample class A"), ("D", "")] for letter in "BCDEFG"]
    rows = roster + [[(get_column_letter(column), "1")] for _ in range(blank_rows)]
    path = tmp_path / f"{name}.xlsx"
    template = roster_workbook(tmp_path / "template.xlsx", ROWS)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":  # the roster sheet; the notes sheet stays as it is
                data = sheet_xml(rows).encode()
            target.writestr(info.filename, data)
    return path


def test_a_sparse_workbook_is_read_in_memory_that_does_not_grow_with_its_blank_width(small_package, tmp_path):
    """The sixth attack run: 2M rows, each with one cell in the sheet's last column (XFD), took 3.5 GB
    and 184 s: every row was kept 201 cells wide. A cell past the column limit is refused on the XML,
    before openpyxl builds a row as wide as it; below the header, rows are kept no wider than its last
    mapped column, so 100,000 rows with a cell in column 150 cost next to nothing, and the officers import."""
    from certdata.importers import MAX_COLUMNS
    code, stderr, baseline = import_peak(small_package, sparse_workbook(tmp_path, "plain", 0, 1))
    assert code == 0, stderr
    code, stderr, peak = import_peak(small_package, sparse_workbook(tmp_path, "sparse", 100_000, MAX_COLUMNS - 50))
    assert code == 0, stderr
    assert peak - baseline < 40_000, (peak, baseline)  # kilobytes; 150-cell rows took 120 MB more
    assert len(read_csv(small_package / "data" / "mo_officers.csv")) == 6
    for column in (MAX_COLUMNS + 1, MAX_COLUMNS + 100, 16384):
        code, stderr, _ = import_peak(small_package, sparse_workbook(tmp_path, "far", 10, column))
        assert code == 1 and f"far.xlsx: a sheet has a cell beyond column {MAX_COLUMNS}" in stderr, (column, stderr)
    code, stderr, _ = import_peak(small_package, sparse_workbook(tmp_path, "edge", 10, MAX_COLUMNS))
    assert code == 0, stderr


@pytest.mark.parametrize("block", [1, 2, 5, 7, 64, 1 << 22])
def test_a_far_cell_reference_split_between_two_blocks_is_found(block):
    import io
    from certdata.importers import far_cell
    xml = b'<row r="2"><c r="A2"><v>1</v></c>' + b" " * 100 + b'<c r="XFD2" t="n"><v>1</v></c></row>'
    for cut in range(0, len(xml), 7):
        assert far_cell(xml[:cut], io.BytesIO(xml[cut:]), block)
    assert not far_cell(b"", io.BytesIO(xml.replace(b"XFD", b"GR")), block)
    styled = b'<row r="2"><c r="A2"><v>1</v></c>' + b" " * 100 + b'<c r="XFD2" s="3"/></row>'  # formatted, empty
    assert not far_cell(styled[:50], io.BytesIO(styled[50:]), block)


def test_a_wide_csv_is_read_in_memory_that_does_not_grow_with_its_unread_columns(small_package, tmp_path):
    """The seventh attack run: 60,000 rows of 200 two-letter cells (39 MB) took 1 GB: every row was kept
    whole. Rows below the header are kept no wider than its last mapped column; the officers import."""
    header = "Name,License Status,License Class,Commissioning Agency," + ",".join(f"Extra {i}" for i in range(190)) + "\n"
    officers = "".join(f"\"Okafor, Chidi {letter}\",Sample status A,Sample class A,," + ",".join(["ab"] * 190) + "\n" for letter in "BCDEFG")
    plain, wide = tmp_path / "plain.csv", tmp_path / "wide.csv"
    plain.write_text(header + officers)
    wide.write_text(header + officers + (",,,," + ",".join(["ab"] * 190) + "\n") * 30_000)
    code, stderr, baseline = import_peak(small_package, plain)
    assert code == 0, stderr
    code, stderr, peak = import_peak(small_package, wide)
    assert code == 0, stderr
    assert peak - baseline < 60_000, (peak, baseline)  # kilobytes; whole rows took 500 MB more
    assert len(read_csv(small_package / "data" / "mo_officers.csv")) == 6


@pytest.mark.parametrize("first, second", [("St. Louis County Police Department", "St Louis County Police Department"),
                                           ("Caf\u00e9 Police Department", "Cafe\u0301 Police Department")])
def test_agency_names_that_would_share_an_id_are_named_by_their_rows_in_the_release(small_package, tmp_path, first, second):
    """The eighth attack run: two spellings of one agency gave one agency id, and the error named row 75 of
    data/agencies.csv, a file the import writes and then rolls back. It names the rows of the agency's file."""
    path = tmp_path / "roster.csv"
    path.write_text("Name,License Status,License Class,Commissioning Agency\n"
                    f'"Doe, Jane",Revoked,unknown,{first}\n"Roe, Ann",Revoked,unknown,Other Police Department\n'
                    f'"Poe, Ed",Revoked,unknown,{second}\n', encoding="utf-8")
    before = (small_package / "data" / "agencies.csv").read_bytes()
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 1 and "roster.csv, rows 2 and 4, field agency_name" in result.stderr, result.stderr
    assert "agencies.csv" not in result.stderr
    assert repr(first) in result.stderr and repr(second) in result.stderr  # open names that passed the checks: shown
    assert (small_package / "data" / "agencies.csv").read_bytes() == before


def test_an_acadis_id_that_lost_its_leading_zeros_is_refused_so_no_officer_page_moves(small_package, tmp_path):
    """The eighth attack run: a CSV release with Acadis 000123, then a workbook whose number cell read 123,
    moved the officer from /officer/ma/000123 (then 404) to /officer/ma/123, with no word."""
    settle_ma_disclosure(small_package)
    first = tmp_path / "acadis.csv"
    first.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n000123,Ann Lee,Use of Force,2019-06-14\n"
                     "000200,Bea Lee,Use of Force,2019-06-14\n")
    assert run_cli(small_package, "import", "ma-training", str(first)).returncode == 0
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Acadis ID", "Officer Name", "Course Name", "Completion Date"])
    sheet.append(["000200", "Bea Lee", "Use of Force", "2019-06-14"])
    sheet.append([123, "Ann Lee", "Use of Force", "2019-06-14"])
    book.save(tmp_path / "acadis.xlsx")
    before = (small_package / "data" / "ma_training.csv").read_bytes()
    result = run_cli(small_package, "import", "ma-training", str(tmp_path / "acadis.xlsx"))
    assert result.returncode == 1 and "row 3, field acadis_id: the previous release has this Acadis ID with other leading zeros" in result.stderr, result.stderr
    assert (small_package / "data" / "ma_training.csv").read_bytes() == before


def repacked(path, method=None, encrypted=False):
    """The workbook with every part marked as packed by another method (9: Deflate64) or as encrypted."""
    import struct
    data = bytearray(path.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local headers, central directory
        start = data.find(signature)
        while start >= 0:
            if encrypted:
                data[start + flags_at] |= 1
            if method is not None:
                struct.pack_into("<H", data, start + flags_at + 2, method)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("how", [{"method": 9}, {"encrypted": True}])
def test_a_workbook_packed_in_a_way_that_cannot_be_read_is_refused_by_name(small_package, tmp_path, how):
    """The v6 attack run: a part packed with Deflate64 (as Windows writes large archives) or marked encrypted ended
    in "unexpected internal error (NotImplementedError)" or "(RuntimeError)", naming no file."""
    workbook = repacked(roster_workbook(tmp_path / "POST roster.xlsx", ROWS), **how)
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    result = run_cli(small_package, "import", "mo-roster", str(workbook))
    assert result.returncode == 1 and "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "POST roster.xlsx: not a readable Excel workbook" in result.stderr, result.stderr
    assert (small_package / "data" / "mo_officers.csv").read_bytes() == before


def test_an_import_stopped_by_a_full_disk_says_so_and_that_nothing_changed(small_package, tmp_path, monkeypatch):
    """The tenth attack run: an import stopped by a full disk ended with a bare "No space left on device", naming
    no file and not saying that nothing was changed (it was not)."""
    import errno

    from certdata import importers, pipeline
    before = {p: p.read_bytes() for p in (small_package / "data").glob("*.csv")}

    def full(target, data):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(importers, "replace_file", full)
    path = roster_workbook(tmp_path / "roster.xlsx", ROWS)
    with pytest.raises(pipeline.BuildFailed) as raised:
        pipeline.import_release("mo-roster", path, root=small_package, received="2026-01-01", progress=lambda *a: None)
    message = str(raised.value)
    assert "No space left on device" in message and "roster.xlsx" in message and "Nothing was changed." in message
    assert "SENTINEL" not in message
    assert {p: p.read_bytes() for p in (small_package / "data").glob("*.csv")} == before


def rewrite_sheet(path, member, change):
    """Put one member of a workbook through change (text -> text), in place."""
    import zipfile
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info.filename, change(data.decode()).encode() if info.filename == member else data)


def patched_workbook(path, change):
    """roster_workbook(path, ROWS) with its roster sheet's XML put through change (text -> text)."""
    import zipfile
    template = roster_workbook(path.with_name("template.xlsx"), ROWS)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = change(data.decode()).encode()
            target.writestr(info.filename, data)
    return path


def test_a_formula_the_workbook_did_not_compute_is_refused_by_row_and_field(small_package, tmp_path):
    """The eleventh attack run: a workbook written by a program that stores formulas without their values
    (openpyxl, some exporters) read as blanks, so an officer's agency was published as none. Such a cell is
    refused by row and field; so is one whose value the workbook saved (Excel may show another)."""
    import re
    agency = "Quillfeather County Sheriff's Office"
    uncomputed = patched_workbook(tmp_path / "uncomputed.xlsx", lambda xml: re.sub(
        r'<c r="E4" t="(?:s|inlineStr)"(.*?)</c>', '<c r="E4"><f>"Quill"&amp;"feather"</f><v></v></c>', xml))
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    result = run_cli(small_package, "import", "mo-roster", str(uncomputed))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "uncomputed.xlsx [sheet 2], row 4, field agency_name: a formula whose value the workbook did not save" in result.stderr
    assert (small_package / "data" / "mo_officers.csv").read_bytes() == before
    computed = patched_workbook(tmp_path / "computed.xlsx", lambda xml: re.sub(
        r'<c r="E4" t="(?:s|inlineStr)"(.*?)</c>', f'<c r="E4" t="str"><f>"Quill"&amp;"x"</f><v>{agency.replace(chr(39), "&apos;")}</v></c>', xml))
    result = run_cli(small_package, "import", "mo-roster", str(computed))  # refused too, since two attack runs after the
    # twenty-first: Excel computes it again on opening, and its saved value, here not the formula's, was published
    assert result.returncode == 1 and "row 4, field agency_name: a formula, which Excel computes again" in result.stderr
    assert agency not in result.stderr and (small_package / "data" / "mo_officers.csv").read_bytes() == before


def test_hidden_rows_are_imported_and_reported_and_hidden_open_columns_refused(small_package, tmp_path):
    """The eleventh attack run: rows hidden in the roster sheet (by hand or by a filter) were imported without
    a word, so the site showed officers a reader of the agency's workbook in Excel does not see. They are in
    the file the agency released, so they are imported, and the import names them; a hidden closed column
    (dropped anyway) is not reported, and an open one is refused."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Date of Birth", "License Status", "License Class", "Commissioning Agency"])
    for row in ROWS:
        sheet.append(list(row))
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["B"].hidden = True
    path = tmp_path / "filtered.xlsx"
    workbook.save(path)
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 0, result.stderr
    assert "1 row(s) hidden in the workbook (rows 3) are imported" in result.stderr
    assert "column(s) of" not in result.stderr and "SENTINEL" not in result.stderr
    assert len(read_csv(small_package / "data" / "mo_officers.csv")) == 3

    # an open column hidden, or zero wide, is refused (the twelfth attack run: a hidden "Officer Name" column before
    # the visible "Name" was published, the visible one dropped as a second name column)
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    sheet.column_dimensions["E"].hidden = True
    for how in ("hidden", "zero wide"):
        workbook.save(path)
        if how == "zero wide":  # (openpyxl leaves a zero width out: written in the sheet's XML instead)
            rewrite_sheet(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(  # column E's: visible, zero wide
                r'<col [^>]*min="5"[^>]*/>', '<col width="0" customWidth="1" min="5" max="5" />', xml))
        result = run_cli(small_package, "import", "mo-roster", str(path))
        assert result.returncode == 1 and "the column of agency_name is hidden in the workbook" in result.stderr, (how, result.stderr)
        assert (small_package / "data" / "mo_officers.csv").read_bytes() == before
    sheet.column_dimensions["E"].hidden = False
    sheet.insert_cols(1)
    sheet["A1"] = "Officer Name"
    sheet.column_dimensions["A"].hidden = True
    workbook.save(path)
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 1 and "the column of officer_name is hidden" in result.stderr, result.stderr


def test_merged_cells_and_excel_escapes_are_read_as_excel_shows_them(small_package, tmp_path):
    """The twelfth attack run: an agency merged down three rows imported as that agency on the first row and none
    on the others; "_x0040_", which Excel shows as @, and "_x202E_", a direction control, passed the checks as text."""
    def book(change):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Name", "License Status", "License Class", "Commissioning Agency"])
        for row in ROWS:
            sheet.append([row[0], row[2], row[3], row[4]])
        change(sheet)
        path = tmp_path / "release.xlsx"
        workbook.save(path)
        return path
    merged = book(lambda sheet: (sheet.__setitem__("D2", "Columbia Police Department"), sheet.merge_cells("D2:D4")))
    result = run_cli(small_package, "import", "mo-roster", str(merged))
    assert result.returncode == 1 and "rows 2-4, field agency_name: cells merged over several rows or columns" in result.stderr, result.stderr
    header_merge = book(lambda sheet: sheet.merge_cells("A1:B1"))  # a merge in the header row alone is no data's
    assert run_cli(small_package, "import", "mo-roster", str(header_merge)).returncode in (0, 1)
    for text, expected in (("Columbia Police jdoe_x0040_example.com", "e-mail address"),
                           ("_x202E_Columbia Police Department", "text-direction control")):
        escaped = book(lambda sheet, text=text: sheet.__setitem__("D2", text))
        result = run_cli(small_package, "import", "mo-roster", str(escaped))
        assert result.returncode == 1 and "row 2, field agency_name" in result.stderr and expected in result.stderr, result.stderr
        assert "jdoe" not in result.stderr
    literal = book(lambda sheet: sheet.__setitem__("D2", "Columbia _x005F_x0041_ Police"))  # an escaped underscore
    assert run_cli(small_package, "import", "mo-roster", str(literal)).returncode == 0
    assert "MO-columbia-x0041-police" in (small_package / "data" / "mo_officers.csv").read_text()


def test_what_excel_hides_by_size_or_merge_is_found_too(small_package, tmp_path):
    """A second attack on the hidden-column rule: a column of the sheet's default width when that is zero, or
    0.05 wide; rows zero high or of a zero default height; a <cols> after the rows; a merge across columns whose
    covered cell holds a value; and an escaped surrogate pair (which crashed the import)."""
    def book(sheet_xml_change, change=None):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Officer Name", "Name", "License Status", "License Class", "Commissioning Agency"])
        for row in ROWS:
            sheet.append([row[0], row[0], row[2], row[3], row[4]])
        if change:
            change(sheet)
        path = tmp_path / "release.xlsx"
        workbook.save(path)
        rewrite_sheet(path, "xl/worksheets/sheet1.xml", sheet_xml_change)
        return path

    def sheet_data(extra):
        return lambda xml: xml.replace("<sheetData>", extra + "<sheetData>", 1)
    hidden_column = {
        "a zero default width": sheet_data('<cols><col min="2" max="5" width="13" customWidth="1"/></cols>'),
        "all but zero wide": sheet_data('<cols><col min="1" max="1" width="0.05" customWidth="1"/></cols>'),
        "cols after the rows": lambda xml: xml.replace("</sheetData>", '</sheetData><cols><col min="1" max="1" hidden="1"/></cols>', 1),
    }
    for how, change in hidden_column.items():
        if how == "a zero default width":
            change = (lambda inner: lambda xml: re.sub(r"<sheetFormatPr [^>]*/>", '<sheetFormatPr baseColWidth="0" '
                                                       'defaultColWidth="0" defaultRowHeight="15"/>', inner(xml)))(change)
        result = run_cli(small_package, "import", "mo-roster", str(book(change)))
        assert result.returncode == 1 and "the column of officer_name is hidden" in result.stderr, (how, result.stderr)
    for how, change in {"zero high": lambda xml: xml.replace('<row r="3"', '<row r="3" ht="0" customHeight="1"', 1),
                        "zero default height": lambda xml: re.sub(r"<sheetFormatPr ([^>]*)/>", r'<sheetFormatPr \1 zeroHeight="1"/>', xml)
                        .replace('<row r="1"', '<row r="1" ht="15" customHeight="1"', 1).replace('<row r="2"', '<row r="2" ht="15" customHeight="1"', 1)}.items():
        result = run_cli(small_package, "import", "mo-roster", str(book(change)))
        assert result.returncode == 0 and "row(s) hidden in the workbook" in result.stderr, (how, result.stderr)
        assert ("rows 3" in result.stderr) if how == "zero high" else ("rows 3, 4" in result.stderr), (how, result.stderr)
    def covered(xml):  # the covered cell holding a value (openpyxl writes none for it)
        xml = re.sub(r'<c r="E2"[^>]*?(?:/>|>.*?</c>)', "", xml, flags=re.S)
        return re.sub(r'(<row r="2"[^>]*>.*?)(</row>)', r'\1<c r="E2" t="inlineStr"><is><t>Quincy Police Department</t></is></c>\2',
                      xml, count=1, flags=re.S)
    across = book(covered, lambda sheet: sheet.merge_cells("D2:E2"))
    result = run_cli(small_package, "import", "mo-roster", str(across))
    assert result.returncode == 1 and "cells merged over several rows or columns" in result.stderr, result.stderr
    for text in ("Doe, Jane _xD83D__xDE00_", "Doe, Jane _xD83D_"):  # a pair, one character; a lone one
        surrogates = book(lambda xml: xml, lambda sheet, text=text: sheet.__setitem__("A2", text))
        result = run_cli(small_package, "import", "mo-roster", str(surrogates))
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
        if text.endswith("D_"):
            assert result.returncode == 1 and "row 2, field officer_name: garbled text" in result.stderr, result.stderr


def test_a_name_the_agency_confirmed_as_the_same_officer_s_is_published(small_package, tmp_path):
    """A fact-check of the changes page: importing with --same-officer succeeded, but the next build refused the
    release (identifier-reassigned), so a corrected name MPTC confirmed could never be published. The confirmation is
    kept with the import (the resource's pcr:sameOfficer) and the build accepts it for that identifier alone; a later
    import without it confirms nothing, and a hand edit of another identifier is still refused."""
    settle_ma_disclosure(small_package)
    first = acadis_export(tmp_path / "first.csv", "123,Ann Lee,Legal Updates,2020-01-01,", "555001,Bob Roe,Firearms,2021-05-05,")
    assert run_cli(small_package, "import", "ma-training", first).returncode == 0
    assert run_cli(small_package, "build").returncode == 0
    renamed = acadis_export(tmp_path / "renamed.csv", "123,Ann Lee,Legal Updates,2020-01-01,",
                            "555001,Robert Roe,Firearms,2021-05-05,")
    assert run_cli(small_package, "import", "ma-training", renamed, "--same-officer", "555001").returncode == 0
    descriptor = json.loads((small_package / "datapackage.json").read_text(encoding="utf-8"))
    confirmed = next(r for r in descriptor["resources"] if r["name"] == "ma_training")["pcr:sameOfficer"]
    assert list(confirmed) == ["555001"] and "Robert" not in json.dumps(confirmed)  # bound to the name, as a digest
    result = run_cli(small_package, "build")
    assert result.returncode == 0, result.stderr
    names = {r["acadis_id"]: r["officer_name"] for r in read_csv(small_package / "site" / "downloads" / "ma_training.csv")}
    assert names["555001"] == "Robert Roe"
    # a hand edit of another identifier's name is still refused
    path = small_package / "data" / "ma_training.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Ann Lee", "Carl Poe"), encoding="utf-8")
    result = run_cli(small_package, "build")
    assert result.returncode == 1 and "identifier-reassigned" in result.stderr and "Carl" not in result.stderr
    path.write_text(path.read_text(encoding="utf-8").replace("Carl Poe", "Ann Lee"), encoding="utf-8")
    # nor another name under the confirmed identifier (an attack run after the nineteenth: "Zed Zulu" built)
    path.write_text(path.read_text(encoding="utf-8").replace("Robert Roe", "Zed Zulu"), encoding="utf-8")
    result = run_cli(small_package, "build")
    assert result.returncode == 1 and "identifier-reassigned" in result.stderr and "Zed" not in result.stderr
    path.write_text(path.read_text(encoding="utf-8").replace("Zed Zulu", "ROBERT ROE"), encoding="utf-8")
    assert run_cli(small_package, "build").returncode == 0  # the confirmed name in capitals is the same name
    path.write_text(path.read_text(encoding="utf-8").replace("ROBERT ROE", "Robert Roe"), encoding="utf-8")
    # a later import without a confirmation drops it
    again = acadis_export(tmp_path / "again.csv", "123,Ann Lee,Legal Updates,2020-01-01,", "555001,Robert Roe,Firearms,2021-05-05,")
    assert run_cli(small_package, "import", "ma-training", again).returncode == 0
    descriptor = json.loads((small_package / "datapackage.json").read_text(encoding="utf-8"))
    assert "pcr:sameOfficer" not in next(r for r in descriptor["resources"] if r["name"] == "ma_training")


def test_a_header_below_titles_with_an_unknown_spelling_is_named_with_how_to_map_it(small_package, tmp_path):
    """A foreign-data trial after the seventeenth: below two title rows, headers "Acadis #" and "Course Title" gave
    "none of its 1 header cell(s) is a known name" (the first title taken for the header), and no word on mapping."""
    settle_ma_disclosure(small_package)
    path = tmp_path / "titled.csv"
    path.write_text("MPTC Training Records\nRun date 2023-10-01\nAcadis Key,Student Name,Course Title,Completion Date\n"
                    "555001,Ann Lee,Firearms,2019-06-14\n", encoding="utf-8")
    result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2023-10-01")
    assert result.returncode == 1 and "missing column(s) acadis_id" in result.stderr, result.stderr
    assert "the header taken: row 3" in result.stderr and "COLUMNS (ma.py)" in result.stderr, result.stderr
    assert "recognised" in result.stderr and "Key" not in result.stderr  # an unknown header may be data: not shown
    path.write_text(path.read_text(encoding="utf-8").replace("Acadis Key", "Acadis #"), encoding="utf-8")
    result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2023-10-01")
    assert result.returncode == 0, result.stderr


def test_of_two_columns_for_one_field_the_one_under_the_more_specific_name_is_read(small_package, tmp_path):
    """An attack run after the seventeenth: a roster with "Status" before "License Status" was imported with the first
    read as the licence status: Revoked and Surrendered were published as the other column's status, and "License
    Status" was reported as "not an open field". The same for Agency before Commissioning Agency, Class before License
    Class and Name before Officer Name."""
    path = tmp_path / "two.csv"
    path.write_text("Name,Officer Name,Status,License Status,Class,License Class,Agency,Commissioning Agency\n"
                    '"Roe",Roe Richard,Sample status A,Revoked,Sample class A,unknown,Joplin Police Department,'
                    "Columbia Police Department\n", encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2026-01-01")
    assert result.returncode == 0, result.stderr
    rows = read_csv(small_package / "data" / "mo_officers.csv")
    assert [(r["officer_name"], r["license_status"], r["license_class"], r["agency_id"]) for r in rows] == [
        ("Roe Richard", "Revoked", "unknown", "MO-columbia-police-department")]
    assert "dropped column 3 (Status, another column of license_status; column 4, under a name listed before it, is read" \
        in result.stderr and "not an open field" not in result.stderr, result.stderr


def test_a_state_id_shaped_as_a_social_security_or_telephone_number_is_refused_at_import_and_build(small_package, tmp_path):
    """An attack run after the seventeenth: State ID 078051120 (a social security number's shape) was imported and
    published, and 6175550199 (a telephone number's, 555-01xx) written into ma_training.csv by hand was built and
    published, though the importer refuses it. MPTC's format is not in the record: these shapes wait until it is."""
    settle_ma_disclosure(small_package)
    path = tmp_path / "ids.csv"
    # and (an attack run after the eighteenth) with one hyphen, a letter or a label beside the digits, or a ZIP+4 code
    for value in ("078051120", "6175550199", "16175550199", "07805-1120", "078051120A", "SSN078051120", "02134-1234", "ssnA1",
                  # and (a second attack run after the eighteenth) a date as digits, a local telephone number, a label
                  "19700102", "01021970", "5550142", "555-0142", "DOB700102", "Tel5550142", "12345678901234"):
        path.write_text(f"Acadis ID,State ID,Officer Name,Course Name,Completion Date\n555001,{value},Ann Lee,Firearms,2019-06-14\n",
                        encoding="utf-8")
        result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2023-10-01")
        assert result.returncode == 1 and "row 2, field state_id" in result.stderr and value not in result.stderr, (value, result.stderr)
    path.write_text("Acadis ID,State ID,Officer Name,Course Name,Completion Date\n555001,MA123456,Ann Lee,Firearms,2019-06-14\n"
                    "555002,123456,Bo Roe,Firearms,2019-06-14\n", encoding="utf-8")
    assert run_cli(small_package, "import", "ma-training", str(path), "--received", "2023-10-01").returncode == 0
    data = small_package / "data" / "ma_training.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("MA123456", "6175550199"), encoding="utf-8")
    result = run_cli(small_package, "check")
    assert result.returncode == 1 and "ma_training.csv, row 2, field state_id" in result.stderr, result.stderr
    assert "6175550199" not in result.stderr


def test_a_release_file_named_with_a_contact_value_is_refused_without_echoing_it(small_package, tmp_path):
    """An attack run after the seventeenth: "MPTC export for jdoe@newsroom.example 617-555-0199.csv" was echoed in the
    import's success message; on failure every message was withheld whole, so the maintainer was told nothing."""
    path = tmp_path / "POST roster for jdoe@newsroom.example 573-555-0142.csv"
    path.write_text('Name,License Status,License Class\n"Doe, Jane",Revoked,unknown\n', encoding="utf-8")
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2026-01-01")
    assert result.returncode == 1 and "the file's name holds what looks like a telephone number" in result.stderr
    assert "jdoe" not in result.stderr and "0142" not in result.stderr and "withheld" not in result.stderr
    assert (small_package / "data" / "mo_officers.csv").read_bytes() == before
    renamed = path.rename(tmp_path / "POST roster 2026-01-01.csv")
    assert run_cli(small_package, "import", "mo-roster", str(renamed), "--received", "2026-01-01").returncode == 0


def test_an_unknown_column_with_a_more_specific_name_of_a_field_than_the_one_read_is_refused(small_package, tmp_path):
    """A second attack run after the seventeenth: "Name,Status,Current License Status,..." read the employment Status as
    the licence status (the unknown "Current License Status" dropped): Doe, Jane, Revoked, was published as Inactive."""
    path = tmp_path / "current.csv"
    path.write_text("Name,Status,Current License Status,License Class,Commissioning Agency\n"
                    '"Doe, Jane",Sample status A,Revoked,unknown,Joplin Police Department\n', encoding="utf-8")
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2026-01-01")
    assert result.returncode == 1 and "column 3 ('Current License Status', not a name we know)" in result.stderr, result.stderr
    assert "more specific name of license_status than column 2 (Status)" in result.stderr and "'License Status'" in result.stderr
    assert (small_package / "data" / "mo_officers.csv").read_bytes() == before
    path.write_text(path.read_text(encoding="utf-8").replace("Current License Status", "Oak Lane License Status"), encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2026-01-01")
    assert "column 3 (its header is not shown)" in result.stderr and "Oak" not in result.stderr, result.stderr  # not a column's words
    path.write_text(path.read_text(encoding="utf-8").replace("Oak Lane License Status", "License Status"), encoding="utf-8")
    assert run_cli(small_package, "import", "mo-roster", str(path), "--received", "2026-01-01").returncode == 0
    assert [r["license_status"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["Revoked"]
