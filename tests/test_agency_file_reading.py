"""Reading an agency's file as it is: every workbook row where Excel puts it, and a CSV's text only in an encoding the
importer can tell (certdata/importers/formats.py). Names here are invented."""
import pytest

from certdata import importers
from certdata.importers import ImportError_, read_table, source_module, text_encoding

from .conftest import run_cli
from .test_workbook_attacks import MO_HEADER, MO_ROWS, mo_file, refused, sheet_xml, unchanged, workbook

HEADER = "Name,License Status,License Class,Commissioning Agency\n"


def roster(names):
    """A Missouri roster CSV's text: a row for each name (revoked, class unknown, no agency)."""
    return HEADER + "".join(f'"{name}",Revoked,unknown,\n' for name in names)


# 1. A workbook's rows and cells, placed as Excel places them or refused by row.

def rows_with(path, old, new):
    """A two-officer roster workbook whose sheet XML has old replaced by new (old None: rows 2 and 3 swapped)."""
    sheet = sheet_xml([MO_HEADER] + MO_ROWS)
    if old is None:
        second, third = sheet.index('<row r="2">'), sheet.index('<row r="3">')
        end = sheet.index("</sheetData>")
        return workbook(path, sheet[:second] + sheet[third:end] + sheet[second:third] + sheet[end:])
    assert old in sheet
    return workbook(path, sheet.replace(old, new, 1))


def test_a_row_numbered_zero_is_refused_by_its_place_not_dropped(small_package, tmp_path):
    """The attack run: <row r="0"> in place of <row r="2"> imported one officer of two, exit 0."""
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    result = run_cli(small_package, "import", "mo-roster", str(rows_with(tmp_path / "x_row_zero.xlsx", '<row r="2">',
                                                                         '<row r="0">')), "--received", "2026-11-01")
    refused(result, "x_row_zero.xlsx [sheet 1], the row after row 1:", "not a row number from 1 to 1,048,576",
            absent=("Doe", "Roe"))
    unchanged(small_package, before)


@pytest.mark.parametrize("old, new, expected", [
    ('<row r="2">', '<row r="-5">', "the row after row 1:"),
    ('<row r="2">', '<row r="two">', "the row after row 1:"),
    ('<row r="2">', '<row r="2.0">', "the row after row 1:"),
    ('<row r="2">', '<row r="1048577">', "the row after row 1:"),  # past Excel's last row
    ('<row r="3">', '<row r="2">', "row 2: the sheet's XML gives it after row 2"),  # two rows numbered 2
    (None, None, "row 2: the sheet's XML gives it after row 3"),  # rows out of order
    ('<row r="1">', '<row r="1" spans="1:4"><c r="A1"/>', "row 1, column 1:"),  # one cell given twice
    ('<c r="B2"', '<c r="A2"', "row 2, column 1:"),  # cells out of order
    ('<c r="B2"', '<c r="B5"', "row 2: a cell whose reference"),  # a cell of another row
    ('<c r="B2"', '<c r="b2"', "row 2: a cell whose reference"),
    ('<c r="B2"', '<c r="$B$2"', "row 2: a cell whose reference"),
    ('<c r="D3"', '<c r="D03"', "row 3: a cell whose reference"),  # (a column past XFD is refused before: far_cell)
    ('<c r="B3"', '<c r="B0"', "row 3: a cell whose reference"),
])
def test_a_row_or_cell_the_reader_cannot_place_is_refused_by_its_row(tmp_path, old, new, expected):
    path = rows_with(tmp_path / "roster.xlsx", old, new)
    with pytest.raises(ImportError_) as caught:
        read_table(path, source_module("mo-roster"), report=lambda message: None)
    assert str(caught.value).startswith(f"roster.xlsx [sheet 1], {expected}"), caught.value
    assert "Doe" not in str(caught.value) and "Roe" not in str(caught.value)


def test_rows_and_cells_that_leave_out_their_reference_follow_the_one_before(tmp_path):
    """Excel's own rule, as some exporters write: a <row> or <c> without r follows the one before it."""
    sheet = sheet_xml([MO_HEADER] + MO_ROWS).replace('<row r="3">', "<row>")
    for column in "ABCD":
        sheet = sheet.replace(f'<c r="{column}3"', "<c")
    _, headers, rows, first = read_table(workbook(tmp_path / "roster.xlsx", sheet), source_module("mo-roster"),
                                         report=lambda message: None)
    assert headers == MO_HEADER and first == 2
    assert [list(row) for row in rows] == MO_ROWS


def test_a_workbook_whose_rows_excel_numbers_so_is_imported(small_package, tmp_path):
    result = run_cli(small_package, "import", "mo-roster", str(mo_file(tmp_path / "roster.xlsx")),
                     "--received", "2026-11-01", "--retire-most")
    assert result.returncode == 0, result.stderr
    text = (small_package / "data" / "mo_officers.csv").read_text(encoding="utf-8")
    assert "Doe, Jane Q" in text and "Roe, Richard" in text


# 2. A CSV's encoding: UTF-8, or Windows-1252 only when it reads as text of one language.

def refusal(data, label="roster.csv"):
    with pytest.raises(ImportError_) as caught:
        text_encoding(label, data)
    return str(caught.value)


@pytest.mark.parametrize("encoding, name, likely", [
    ("cp1253", "Παπαδόπουλος, Γιώργος", "Windows-1253 (Greek)"),  # read as "Ðáðáäüðïõëïò, Ãéþñãïò"
    ("mac_roman", "Müller, Jürgen", "Mac Roman"),  # read as "MŸller, JŸrgen"
    ("mac_roman", "Schröder, Jörg", "Mac Roman"),
    ("mac_roman", "García, Martínez", "Mac Roman"),  # read as "Garc’a"
    ("mac_roman", "ÁLVAREZ, JOSÉ", "Mac Roman"),
    ("cp1251", "Иванова, Мария", "Windows-1251 (Cyrillic)"),
    ("koi8_r", "Иванова, Мария", "KOI8-R (Cyrillic)"),
    ("cp1250", "Nováček, Jiří", "Windows-1250 (Central European)"),
    ("cp1250", "Dvořák, Řehoř", "Windows-1250 (Central European)"),
    ("cp1250", "Wiśniewski, Łukasz", "Windows-1250 (Central European)"),
    ("shift_jis", "山田, 太郎", "Shift-JIS (Japanese)"),
])
def test_a_csv_in_another_encoding_is_refused_with_the_likely_one_not_published_garbled(encoding, name, likely):
    data = roster(["Roe, Richard", "Poe, Edgar", name]).encode(encoding)
    message = refusal(data)
    assert message.startswith("roster.csv, row 4: "), message
    assert f"probably in another encoding, {likely}" in message and "iconv -f " in message, message
    assert "CSV UTF-8" in message
    garbled = name.encode(encoding).decode("cp1252", "replace")
    for word in (name + " " + garbled).replace(",", " ").split():
        assert word not in message, (word, message)


def test_the_data_trial_s_greek_roster_is_refused_at_the_command_line(small_package, tmp_path):
    path = tmp_path / "x_greek.csv"
    path.write_bytes(roster(["Παπαδόπουλος, Γιώργος", "Roe, Richard"]).encode("cp1253"))
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2026-11-01")
    refused(result, "x_greek.csv, row 2:", "Windows-1253 (Greek)", absent=("Ðáðáäüðïõëïò", "Ãéþñãïò", "Παπαδόπουλος"))
    unchanged(small_package, before)


def test_a_one_character_chinese_surname_in_gb18030_is_refused_not_read_as_two_accented_letters():
    """An attack run after the twentieth: "王, Anna" in GB18030 read as Windows-1252 gave "Íõ, Anna", which passed as a
    word of Portuguese and was published."""
    message = refusal(roster(["Roe, Richard", "王, Anna"]).encode("gb18030"))
    assert message.startswith("roster.csv, row 3: ") and "GB18030 (Chinese)" in message and "Íõ" not in message, message


def test_utf_32_text_is_named_as_what_it_is(small_package, tmp_path):
    for encoding in ("utf-32", "utf-32-le"):
        path = tmp_path / "u32.csv"
        path.write_bytes(roster(["Roe, Richard"]).encode(encoding))
        refused(run_cli(small_package, "import", "mo-roster", str(path)), "u32.csv: the file is UTF-32 text")


@pytest.mark.parametrize("name", ["Núñez, José", "Müller, Jürgen", "Weiß, Anna", "O’Brien, Seán", "Conceição, João",
                                  "MÜLLER, JÖRG", "Hélène, Françoise Noël", "DeJesús, María", "Bjørn, Ærø",
                                  "Sheriff’s Office"])
def test_western_names_in_windows_1252_are_still_read(name):
    assert text_encoding("roster.csv", roster(["Roe, Richard", name]).encode("cp1252")) == "cp1252"
    assert text_encoding("roster.csv", roster(["Roe, Richard", name]).encode("utf-8")) == "utf-8-sig"


def test_a_utf8_file_with_one_windows_1252_row_is_refused_at_that_row():
    """The trial: a UTF-8 file with one Windows-1252 row at row 6 was refused naming row 3, a UTF-8 row, as probably
    Shift-JIS or GB18030."""
    data = (HEADER.encode() + b'"Roe, Richard",Revoked,unknown,\n' + '"Müller, Jürgen",Revoked,unknown,\n'.encode()
            + '"Ibáñez, Ana",Revoked,unknown,\n'.encode() + b'"Poe, Edgar",Revoked,unknown,\n'
            + '"Núñez, José",Revoked,unknown,\n'.encode("cp1252") + '"Weiß, Anna",Revoked,unknown,\n'.encode())
    message = refusal(data)
    assert message.startswith("roster.csv, row 6: the file mixes encodings"), message
    assert "probably in another encoding, Windows-1252 (Western European)" in message, message
    assert "Shift-JIS" not in message and "GB18030" not in message
    for word in ("Núñez", "José", "Müller", "Ibáñez", "Weiß"):
        assert word not in message


def test_a_windows_1252_file_is_judged_in_whole_lines_across_pieces(monkeypatch):
    """A word astride two decoded pieces is judged whole (its halves alone could look like another alphabet)."""
    line = '"Ibáñez, Ana",Revoked,unknown,\n'.encode("cp1252")
    data = HEADER.encode() + line * 5000
    monkeypatch.setattr(importers, "DECODE_PIECE", 1000)
    assert text_encoding("roster.csv", data) == "cp1252"
    greek = '"Παπαδόπουλος, Γιώργος",Revoked,unknown,\n'.encode("cp1253")
    assert refusal(data + greek).startswith(f"roster.csv, row {5000 + 2}: ")


@pytest.mark.parametrize("name, encoding", [("Němec, Petr", "cp1250"), ("Szőke, Anna", "cp1250"), ("Kalniņa, Ieva", "cp1257")])
def test_a_central_european_or_baltic_file_read_as_windows_1252_is_named_in_a_warning(small_package, tmp_path, name, encoding):
    """A second attack run after the twentieth: Czech, Hungarian and Latvian names in their Windows encodings were
    published garbled ("Nìmec"), each word a plausible one of another language, without a word. The import now warns,
    naming the rows and the encodings the letters read in too, never the letters."""
    path = tmp_path / "roster.csv"
    path.write_bytes(roster(["Roe, Richard", name]).encode(encoding))
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 0, result.stderr
    assert "the file is not UTF-8 and is read as Windows-1252" in result.stderr and "row(s) 3" in result.stderr
    garbled = name.encode(encoding).decode("cp1252")
    assert garbled.split(",")[0] not in result.stderr


@pytest.mark.parametrize("name", ["Núñez, José", "Hélène, Françoise Noël", "Conceição, João", "O’Brien, Seán"])
def test_a_western_file_gets_no_such_warning(small_package, tmp_path, name):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster(["Roe, Richard", name]).encode("cp1252"))
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 0 and "is read as Windows-1252" not in result.stderr, result.stderr


@pytest.mark.parametrize("name", ["Němec, Petr", "Stănescu, Ion", "Szőke, Anna"])
def test_text_converted_twice_from_central_european_letters_is_refused_as_garbled(small_package, tmp_path, name):
    """The same attack run: UTF-8 read as Windows-1252 and saved as UTF-8 again ("NÄ›mec", "StÄƒnescu") was published
    ("NÄ mec" too: its › was taken for a bracket)."""
    path = tmp_path / "roster.csv"
    path.write_text(roster(["Roe, Richard", name.encode("utf-8").decode("cp1252")]), encoding="utf-8")
    refused(run_cli(small_package, "import", "mo-roster", str(path)), "roster.csv, row 3, field officer_name: garbled text")
