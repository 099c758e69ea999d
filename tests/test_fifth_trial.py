"""A foreign-data trial and an attack round after the twenty-first session: agency exports with an agency column the
importer did not know, name placeholders, and hostile values that were published wrongly without a word. Names are
made up; no real officer is named."""
import openpyxl

from .conftest import run_cli, settle_agency_disclosure, settle_ma_disclosure
from .test_importers import read_csv
from .test_release_trial import refused
from .test_third_trial import imported


def settled(root):
    settle_ma_disclosure(root)
    settle_agency_disclosure(root)


def test_a_file_without_a_column_a_release_is_expected_to_have_is_refused_while_an_unknown_column_may_be_it(small_package, tmp_path):
    """The trial: a first release whose agency column was headed "Employer" (or another name the importer did not know),
    or sat under an empty cell of a two-row heading, was published with no agency for any officer, and every officer
    page said the roster named none."""
    path = tmp_path / "unit.csv"
    path.write_text('Officer Name,License Status,License Class,Org Unit\r\n"Quillon, Ada",Revoked,unknown,Dedham Police Department\r\n',
                    encoding="utf-8")
    message = refused(small_package, path, "unit.csv: missing column(s) agency_name", "column(s) 4 are under a header the "
                      "importer does not know", "--blank-field agency_id", extra=("--received", "2024-01-01"))
    assert "Dedham" not in message
    empty = tmp_path / "empty.csv"
    empty.write_text('Officer Name,License Status,,License Class\r\n"Quillon, Ada",Revoked,Dedham Police Department,unknown\r\n',
                     encoding="utf-8")  # an empty header over values may be the agency too
    refused(small_package, empty, "column(s) 3 are under a header the importer does not know or an empty one",
            extra=("--received", "2024-01-01"))
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2024-01-01", "--column", "agency_name=Org Unit")
    assert result.returncode == 0, result.stderr
    assert [r["agency_id"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["MO-dedham-police-department"]
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2024-01-01", "--blank-field", "agency_id")
    assert result.returncode == 0, result.stderr
    assert [r["agency_id"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == [""]
    for header in ("Current Agency", "Agency/Department"):  # names of an agency column agencies' exports use ("Employer"
        # is not one: beside "Agency", the academy that held a course, it was read in its place, a second trial found)
        path.write_text(f'Officer Name,License Status,License Class,{header}\r\n"Quillon, Ada",Revoked,unknown,Dedham Police Department\r\n',
                        encoding="utf-8")
        imported(small_package, path)
        assert [r["agency_id"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["MO-dedham-police-department"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Officer", None, "License", None, "Commissioning Agency"])
    sheet.append(["Last", "First", "Status", "Class", None])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    sheet.merge_cells("E1:E2")
    sheet.append(["Quillon", "Ada", "Revoked", "unknown", "Dedham Police Department"])
    book.save(tmp_path / "two-rows.xlsx")
    assert "column(s) 5 have an empty header cell below a known column name" in imported(small_package, tmp_path / "two-rows.xlsx")
    assert [r["agency_id"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["MO-dedham-police-department"]
    settled(small_package)
    path = tmp_path / "acadis.csv"
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Agency at Time of Training\n555001,Ada Quillon,Ethics,"
                    "2019-06-14,Dedham Police Department\n", encoding="utf-8")
    imported(small_package, path, "ma-training")
    assert [r["agency_id"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["MA-dedham-police-department"]
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Unit\n555001,Ada Quillon,Ethics,"
                    "2019-06-14,Dedham Police Department\n", encoding="utf-8")
    refused(small_package, path, "previous release published values of agency_id", "--blank-field agency_id",
            source="ma-training", extra=("--received", "2024-01-01"))  # a later release: absent_fields asks


def test_no_middle_or_first_name_placeholders_are_no_part_of_a_name(small_package, tmp_path):
    """The trial: "NMN", "NMI", "NFN" in the name columns were published as names ("Doe, John NMN", "Sting, NFN NMN")."""
    path = tmp_path / "parts.csv"
    path.write_text("Last Name,First Name,Middle Name,License Status,License Class,Agency\r\n"
                    "Quillon,Ada,NMN,Revoked,unknown,Dedham Police Department\r\n"
                    "Varga,NFN,nmi,Revoked,unknown,Dedham Police Department\r\n"
                    "Orly,Bram,N.,Revoked,unknown,Dedham Police Department\r\n", encoding="utf-8")
    report = imported(small_package, path)
    names = [r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")]
    assert sorted(names) == ["Orly, Bram N.", "Quillon, Ada", "Varga"], names
    assert "NMN, NMI, NFN" in report
    path.write_text('Name,License Status,License Class,Agency\r\n"Quillon, Ada NMN",Revoked,unknown,Dedham Police Department\r\n'
                    '"Nmnova, Ada Nmi-Lee",Revoked,unknown,Dedham Police Department\r\n', encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2024-01-01",
                     "--blank-field", "surname", "--blank-field", "given_names", "--retire-most")  # full names this time
    assert result.returncode == 0, result.stderr
    report = result.stderr
    names = sorted(r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv"))
    assert names == ["Nmnova, Ada Nmi-Lee", "Quillon, Ada"], names
    assert "1 name(s) held NMN, NMI or NFN" in report


DISGUISED_NAMES = ["Roe, Richard \u01c0 hamile", "Roe, Richard \u01c1 pregnant", "Roe, Richard \u01c3 pregnant",
                   "Poe, Ann p\u0280egnant", "Lee, Kim \ua731\u029c\u1d07 \u026a\ua731 \u1d18\u0280\u1d07\u0262\u0274\u1d00\u0274\u1d1b",
                   "Fox, Ada pr\u00e9gnant", "Kay, Mia p r e g n a n t", "Doe, Jane P-R-E-G-N-A-N-T", "Doe, Jane d.e.c.e.a.s.e.d"]
DISGUISED_TEXTS = [("Columbia Police Department \u01c0 Jane's husband", False), ("Use of Force \u01c0 Jane pregnant", True),
                   ("Use of Force | officer pregnant", True), ("Use of Force (officer p\u0280egnant)", True),
                   ("Use of Force - \u1d18\u0280\u1d07\u0262\u0274\u1d00\u0274\u1d1b", True),
                   ("Columbia Police Department \ua731\u026a\u1d04\u1d0b", False), ("Quillfeather Sheriff \u2640", False),
                   ("Quillfeather Sheriff \U0001f930", False), ("Quillfeather Sheriff \u260e five five five", False),
                   ("Use of Force \u2640", True)]
PLAIN = ["Doe, J R R T Smith", "M\u00fcller, Jos\u00e9", "Nguy\u1ec5n, V\u0103n An", "O'Brien, Se\u00e1n", "Kealoha, Kai"]
PLAIN_TEXTS = [("D.A.R.E.\u00ae Officer Training", True), ("D\u00e9partement de S\u00e9curit\u00e9 Publique", False),
               ("Firearms | Qualification", True), ("Use of Force: Excused Absence Policy", True),
               ("Polic\u00eda Municipal de Nogales", False)]


def test_notes_disguised_in_letters_or_signs_drawn_alike_are_refused_and_names_with_accents_are_not():
    """The attack run: click letters drawn like | and ! (letters to Unicode) set no note apart, small capitals
    ("pʀegnant"), accents and letters one by one hid a note's word, and a sex sign, a telephone or an emoji in an agency's
    or a course's name were published."""
    from certdata.names import name_problem, text_refused
    assert [v for v in DISGUISED_NAMES if name_problem(v) is None] == []
    assert [v for v, session in DISGUISED_TEXTS if not text_refused(v, session=session)] == []
    assert [v for v in PLAIN if name_problem(v) is not None] == []
    assert [v for v, session in PLAIN_TEXTS if text_refused(v, session=session)] == []


def test_text_converted_twice_through_another_code_page_is_refused_and_an_okina_is_read(small_package, tmp_path):
    """The attack run: UTF-8 read as Windows-1250, Mac Roman or DOS 437 and saved again as UTF-8 ("JĂłĹşwiak",
    "D√©partement", "D├⌐partement") was published; the trial: a Hawaiian name with its ʻokina was refused."""
    path = tmp_path / "twice.csv"
    for name, agency in (("J\u0102\u0142\u0139\u015fwiak, Anna", "Dedham Police Department"),
                         ("Quillon, Ada", "D\u221a\u00a9partement de Police"), ("Quillon, Ada", "D\u251c\u2310partement de Police")):
        path.write_text(f'Name,License Status,License Class,Agency\r\n"{name}",Revoked,unknown,{agency}\r\n', encoding="utf-8")
        message = refused(small_package, path, "twice.csv, row 2, field", "garbled text", extra=("--received", "2024-01-01"))
        assert "partement" not in message and "wiak" not in message
    path.write_text('Name,License Status,License Class,Agency\r\n"Kealoha, Ka\u02bbiulani",Revoked,unknown,'
                    'D\u00e9partement de Police\r\n"W\u00f3jcik, \u0141ucja",Revoked,unknown,\r\n', encoding="utf-8")
    imported(small_package, path)
    assert sorted(r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")) == [
        "Kealoha, Ka\u02bbiulani", "W\u00f3jcik, \u0141ucja"]


def test_a_header_twice_whose_columns_disagree_stops_the_import(small_package, tmp_path):
    """The attack run: "License Status" twice, the second saying Surrendered where the first said Revoked, was imported
    from the first column with a line saying the second was dropped; two Agency columns alike."""
    path = tmp_path / "twice.csv"
    path.write_text('Name,License Status,License Class,License Status,Agency\r\n"Quillon, Ada",Revoked,unknown,Surrendered,\r\n',
                    encoding="utf-8")
    refused(small_package, path, "twice.csv, row 2, field license_status: two columns under names of license_status hold "
            "different values", extra=("--received", "2024-01-01"))
    path.write_text('Name,License Status,License Class,License Status,Agency\r\n"Quillon, Ada",Revoked,unknown,Revoked,\r\n',
                    encoding="utf-8")  # alike: read
    imported(small_package, path)


def test_a_workbook_holding_two_parts_of_one_name_is_refused(small_package, tmp_path):
    """The attack run: a second xl/worksheets/sheet1.xml (or Sheet1.xml) in the archive was the one published, while
    Excel shows another."""
    import zipfile
    book = openpyxl.Workbook()
    book.active.append(["Name", "License Status", "License Class", "Agency"])
    book.active.append(["Quillon, Ada", "Revoked", "unknown", ""])
    book.save(tmp_path / "clean.xlsx")
    with zipfile.ZipFile(tmp_path / "clean.xlsx") as source, zipfile.ZipFile(tmp_path / "two.xlsx", "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/worksheets/Sheet1.xml", source.read("xl/worksheets/sheet1.xml"))
    refused(small_package, tmp_path / "two.xlsx", "two parts of one name", extra=("--received", "2024-01-01"))


def rewritten(source, target, part, change):
    """A copy of the workbook source at target with one part's text changed by change."""
    import zipfile
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            new.writestr(item, change(data.decode("utf-8")).encode("utf-8") if item.filename == part else data)


def test_a_theme_that_draws_text_white_in_any_colour_form_is_refused(small_package, tmp_path):
    """The attack run: the theme's text colour written white as scrgbClr, hslClr or prstClr (srgbClr was caught) left
    every cell white on white, and the import published them."""
    import re
    book = openpyxl.Workbook()
    book.active.append(["Name", "License Status", "License Class", "Agency"])
    book.active.append(["Quillon, Ada", "Revoked", "unknown", ""])
    book.save(tmp_path / "plain.xlsx")
    imported(small_package, tmp_path / "plain.xlsx")
    for form in ('<a:scrgbClr r="100000" g="100000" b="100000"/>', '<a:hslClr hue="0" sat="0" lum="100000"/>',
                 '<a:prstClr val="white"/>', '<a:sysClr val="window"/>'):
        rewritten(tmp_path / "plain.xlsx", tmp_path / "white.xlsx", "xl/theme/theme1.xml",
                  lambda text, form=form: re.sub(r"<a:dk1>.*?</a:dk1>", f"<a:dk1>{form}</a:dk1>", text, flags=re.S))
        message = refused(small_package, tmp_path / "white.xlsx", "white.xlsx [sheet 1]", extra=("--received", "2024-01-01"))
        assert "Quillon" not in message  # (its header cells are unreadable too: no header row is found)


def test_a_report_naming_each_group_s_agency_once_is_warned_of(small_package, tmp_path):
    """The trial: a report grouped by agency printed the agency on each group's first row alone ("hide duplicates");
    the rest of each group were published with no agency, without a word."""
    path = tmp_path / "grouped.csv"
    path.write_text("Commissioning Agency,Name,License Status,License Class\r\n"
                    'Dedham Police Department,"Quillon, Ada",Revoked,unknown\r\n,"Varga, Nell",Revoked,unknown\r\n'
                    'Quincy Police Department,"Orly, Bram",Revoked,unknown\r\n,"Ostrander, Pell",Revoked,unknown\r\n',
                    encoding="utf-8")
    assert "warning: grouped.csv: 2 row(s) with no agency stand below rows of 2 agencies" in imported(small_package, path)
    path.write_text("Commissioning Agency,Name,License Status,License Class\r\n"  # no agency for some, not grouped
                    ',"Quillon, Ada",Revoked,unknown\r\nDedham Police Department,"Varga, Nell",Revoked,unknown\r\n'
                    'Quincy Police Department,"Orly, Bram",Revoked,unknown\r\n,"Ostrander, Pell",Revoked,unknown\r\n',
                    encoding="utf-8")
    assert "with no agency stand below" not in imported(small_package, path)


def test_a_descriptor_key_written_twice_is_refused(small_package):
    """The attack run: "version": "2.4.0", then "version": "9.9.9" in datapackage.json built with the second, which a
    reviewer reading the first would not see."""
    descriptor = small_package / "datapackage.json"
    text = descriptor.read_text(encoding="utf-8")
    descriptor.write_text(text.replace('"version":', '"version": "9.9.9", "version":', 1), encoding="utf-8")
    result = run_cli(small_package, "check")
    assert result.returncode == 1 and "the key 'version' is written twice" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_cells_drawn_in_symbols_indented_out_of_sight_or_in_a_sliver_of_a_row_are_not_published_unseen(small_package, tmp_path):
    """The attack run: a name in Wingdings (or a run of it), a run in 4-point superscript, a cell indented 250 and a row
    3.5 points high under an 11-point font were imported without a word, though Excel shows no such text."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.styles import Alignment, Font

    def book(change, name="looks.xlsx"):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Name", "License Status", "License Class", "Agency"])
        sheet.append(["Quillon, Ada", "Revoked", "unknown", "Dedham Police Department"])
        change(sheet)
        workbook.save(tmp_path / name)
        return tmp_path / name
    imported(small_package, book(lambda sheet: None))
    for change in (lambda sheet: setattr(sheet["A2"], "font", Font(name="Wingdings")),
                   lambda sheet: setattr(sheet["A2"], "alignment", Alignment(indent=250)),
                   lambda sheet: setattr(sheet["A2"], "value", CellRichText(["Quillon, Ada", TextBlock(InlineFont(rFont="Wingdings"), " Mormon")])),
                   lambda sheet: setattr(sheet["A2"], "value", CellRichText(["Quillon, Ada", TextBlock(InlineFont(sz=4, vertAlign="superscript"), " Mormon")]))):
        message = refused(small_package, book(change), "looks.xlsx [sheet 1], row 2, field officer_name", extra=("--received", "2024-01-01"))
        assert "Mormon" not in message and "Quillon" not in message

    def low(sheet):
        sheet.row_dimensions[2].height = 3.5
    assert "1 row(s) hidden in the workbook (rows 2)" in imported(small_package, book(low))


def test_a_formula_s_saved_value_is_refused_in_the_columns_read(small_package, tmp_path):
    """Two attack runs: a formula of "Quillon, Ada" whose saved value was "Quillon, Ada Mormon" was published while Excel,
    recomputing on opening (asked to by the workbook, in ways the first fix did not read, or because another program
    or version saved it), shows the formula's own value."""
    import re
    book = openpyxl.Workbook()
    book.active.append(["Name", "License Status", "License Class", "Agency", "Note"])
    book.active.append(["Quillon, Ada", "Revoked", "unknown", "Dedham Police Department", "x"])
    book.save(tmp_path / "plain.xlsx")
    cell = '<c r="A2" t="str"><f>"Quillon, Ada"</f><v>Quillon, Ada Mormon</v></c>'
    for name, calculation in (("asked.xlsx", 'fullCalcOnLoad="1"'), ("old.xlsx", 'calcId="1"'), ("none.xlsx", None)):
        rewritten(tmp_path / "plain.xlsx", tmp_path / "formula.xlsx", "xl/worksheets/sheet1.xml",
                  lambda text: re.sub(r'<c r="A2"[^>]*>.*?</c>', cell, text, flags=re.S))
        rewritten(tmp_path / "formula.xlsx", tmp_path / name, "xl/workbook.xml",
                  lambda text, calculation=calculation: re.sub(r"<calcPr[^>]*/>", f"<calcPr {calculation}/>" if calculation else "", text))
        message = refused(small_package, tmp_path / name, "row 2, field officer_name: a formula, which Excel computes again",
                          extra=("--received", "2024-01-01"))
        assert "Mormon" not in message and "exported as text" not in message
    formula = '<c r="E2" t="str"><f>"y"</f><v>y</v></c>'  # in a column not read: no matter
    rewritten(tmp_path / "plain.xlsx", tmp_path / "unread.xlsx", "xl/worksheets/sheet1.xml",
              lambda text: re.sub(r'<c r="E2"[^>]*>.*?</c>', formula, text, flags=re.S))
    imported(small_package, tmp_path / "unread.xlsx")


def test_dates_as_sql_server_and_oracle_write_them_and_a_report_s_page_lines_are_read(small_package, tmp_path):
    """The trial: "Jun 14 2013 12:00AM" (SQL Server), "03-APR-19 12.00.00.000000 AM" (an Oracle TIMESTAMP) and
    "Wednesday, April 3, 2019" were refused as no dates, and a CSV report's "Page 1 of 2" lines as lines cut short."""
    settled(small_package)
    path = tmp_path / "dates.csv"
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Agency\n"
                    "555001,Ada Quillon,Ethics,Jun 14 2013 12:00AM,Dedham Police Department\nPage 1 of 2\n"
                    "555001,Ada Quillon,Firearms,03-APR-19 12.00.00.000000 AM,Dedham Police Department\n"
                    '555001,Ada Quillon,Defensive Tactics,"Wednesday, April 3, 2019",Dedham Police Department\n', encoding="utf-8")
    report = imported(small_package, path, "ma-training")
    assert "row(s) 3: the header row again or a page's number" in report
    assert sorted(r["completion_date"] for r in read_csv(small_package / "data" / "ma_training.csv")) == [
        "2013-06-14", "2019-04-03", "2019-04-03"]
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Agency\n"  # a weekday that is not the date's
                    '555001,Ada Quillon,Ethics,"Thursday, April 3, 2019",Dedham Police Department\n', encoding="utf-8")
    refused(small_package, path, "row 2, field completion_date: the value is not a date", source="ma-training",
            extra=("--received", "2024-01-01"))


def test_an_excel_table_s_totals_row_below_the_records_is_a_footer(small_package, tmp_path):
    """The trial: an Excel table's built-in "Total" row (a count beside it) was refused as a record."""
    path = tmp_path / "table.csv"
    path.write_text('Name,License Status,License Class,Agency\r\n"Quillon, Ada",Revoked,unknown,Dedham Police Department\r\n'
                    '"Varga, Nell",Revoked,unknown,Dedham Police Department\r\nTotal,2,2,2\r\n', encoding="utf-8")
    assert "row(s) 4: below the last record, a report's footer" in imported(small_package, path)
    assert len(read_csv(small_package / "data" / "mo_officers.csv")) == 2
    path.write_text('Name,License Status,License Class,Agency\r\n"Quillon, Ada",Revoked,unknown,Dedham Police Department\r\n'
                    'Total,2,2,2\r\n"Varga, Nell",Revoked,unknown,Dedham Police Department\r\n', encoding="utf-8")
    refused(small_package, path, "row 3, field officer_name: a total or subtotal row")  # within the records: asked


def test_a_chart_or_picture_drawn_over_the_cells_read_is_refused_and_one_beside_them_is_not(small_package, tmp_path):
    """The attack run: a chart anchored over the names was imported without a word, though Excel shows it over them."""
    from openpyxl.chart import BarChart

    def book(where):
        workbook = openpyxl.Workbook()
        workbook.active.append(["Name", "License Status", "License Class", "Agency"])
        workbook.active.append(["Quillon, Ada", "Revoked", "unknown", "Dedham Police Department"])
        workbook.active.add_chart(BarChart(), where)
        workbook.save(tmp_path / "chart.xlsx")
        return tmp_path / "chart.xlsx"
    message = refused(small_package, book("A2"), "a picture, chart, shape or text box is drawn over cells of",
                      extra=("--received", "2024-01-01"))
    assert "officer_name" in message and "Quillon" not in message
    imported(small_package, book("H1"))  # beside the table: it covers none of them


def test_second_round_files_that_were_read_wrongly_without_a_word(small_package, tmp_path):
    """A second trial and attack run after the twenty-first: a header repeated in another column order swapped fields;
    revoked officers on a second sheet whose header lacked the class were left out; last officers after an Access
    autonumber, with no class, were read as a footer; "III" beside a Suffix column's "3rd" was written twice."""
    path = tmp_path / "swapped.csv"
    path.write_text('Name,License Status,License Class,Agency\r\n"Quillon, Ada",Revoked,unknown,Dedham Police Department\r\n'
                    'Agency,License Status,License Class,Name\r\nDedham Police Department,Revoked,unknown,"Varga, Nell"\r\n',
                    encoding="utf-8")
    refused(small_package, path, "swapped.csv, row 3: the header row again, its columns in another order")
    book = openpyxl.Workbook()
    book.active.append(["Licensee Name", "License Status", "License Class", "Commissioning Agency"])
    book.active.append(["Quillon, Ada", "Revoked", "unknown", "Dedham Police Department"])
    other = book.create_sheet("Revoked-Surrendered")
    other.append(["Licensee Name", "Status", "Effective Date", "Last Agency"])
    other.append(["Varga, Nell", "Surrendered", "2021-03-04", "Dedham Police Department"])
    book.save(tmp_path / "sheets.xlsx")
    refused(small_package, tmp_path / "sheets.xlsx", "sheets.xlsx: sheet(s) 2 hold officers' names under a header that lacks")
    path = tmp_path / "access.csv"
    path.write_text('ID,Licensee Name,License Status,License Class,Commissioning Agency\r\n'
                    '1,"Quillon, Ada",Revoked,unknown,Dedham Police Department\r\n2,"Varga, Nell",Surrendered,,\r\n',
                    encoding="utf-8")
    imported(small_package, path, )
    assert sorted(r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")) == ["Quillon, Ada", "Varga, Nell"]
    path.write_text("Name,Suffix,License Status,License Class,Agency\r\n"
                    '"Jones, William III",3rd,Revoked,unknown,Dedham Police Department\r\n'
                    '"Brown, James",Jr.,Revoked,unknown,Dedham Police Department\r\n', encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2024-01-01", "--retire-most")
    assert result.returncode == 0, result.stderr
    assert sorted(r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")) == [
        "Brown, James Jr.", "Jones, William III"]


def test_second_round_disguises_and_double_conversions_are_refused():
    """The second attack run: notes in Latin letters of other alphabets (ɑ, ɡ, ı), in Lisu letters drawn as Latin
    capitals, an e-mail address with a Cyrillic т, and text converted twice through ISO-8859-2, ISO-8859-16, EUC-KR
    or GBK were published."""
    from certdata.importers.formats import converted_twice
    from certdata.names import name_problem, text_refused
    names = ["Doe, Jane Pregn\u0251nt", "Doe, Jane Pre\u0261nant", "Doe, Jane D\u0131abetic",
             "\ua4d1\ua4f3\ua4f0, \ua4f0\ua4d3\ua4d6\ua4ee\ua4e3 \ua4d1\ua4e3\ua4f0\ua4d6\ua4e0\ua4ee\ua4e0\ua4d4"]
    assert [n for n in names if name_problem(n) is None] == []
    assert name_problem("Y\u0131ld\u0131z, I\u015f\u0131k") is None  # Turkish letters are a name's
    texts = [("Springfield Police jdoe \u0430\u0442 gmail dot com", False), ("Firearms - jdoe \u0251t gmail dot com", True),
             ("Firearms (wife is dispatcher)", True)]
    assert [t for t, session in texts if not text_refused(t, session=session)] == []
    garbled = ["Smith, Ren\u0102\u0160", "M\u0102\u0152ller, J\u0102\u0152rgen", "D\ucc55partement de Police",
               "Polic\u94c6a de Pe\u5e3duelas", "Ka\u00ca\u00bbiulani"]
    assert [g for g in garbled if not converted_twice(g)] == []


def test_second_round_dates_are_read_and_short_digit_runs_are_not_dates():
    from certdata.importers import ImportError_
    from certdata.states.ma import parse_date
    assert [parse_date(v, "x", 2) for v in ("14-JUN-19 12.00.00.000000 AM -05:00", "2019-06-14 00:00:00.0000000 +00:00",
                                            "Sept 14, 2019", "June 14th, 2019", "September 14, 2019")] == [
        "2019-06-14", "2019-06-14", "2019-09-14", "2019-06-14", "2019-09-14"]
    for value in ("201912", "2019111", "190614"):  # (were read as 2019-01-02, 2019-11-01, 1906-01-04)
        try:
            parse_date(value, "x", 2)
        except ImportError_:
            continue
        raise AssertionError(value)


def test_a_background_picture_or_an_unreadable_drawing_is_refused_and_a_logo_above_the_header_is_not(small_package, tmp_path):
    import re
    book = openpyxl.Workbook()
    book.active.append(["Name", "License Status", "License Class", "Agency"])
    book.active.append(["Quillon, Ada", "Revoked", "unknown", "Dedham Police Department"])
    from openpyxl.chart import BarChart
    chart = BarChart()
    chart.anchor = "A1"
    book.active.add_chart(chart)
    book.save(tmp_path / "chart.xlsx")
    rewritten(tmp_path / "chart.xlsx", tmp_path / "logo.xlsx", "xl/drawings/drawing1.xml",  # ends at the data's top-left
              lambda text: re.sub(r"<oneCellAnchor>.*?<ext[^>]*/>", '<twoCellAnchor><from><col>0</col><colOff>0</colOff>'
                                  '<row>0</row><rowOff>0</rowOff></from><to><col>4</col><colOff>0</colOff><row>1</row>'
                                  '<rowOff>0</rowOff></to>', text, flags=re.S).replace("</oneCellAnchor>", "</twoCellAnchor>"))
    imported(small_package, tmp_path / "logo.xlsx")  # it covers the header row's cells: none of the records' (the trial)
    rewritten(tmp_path / "chart.xlsx", tmp_path / "bad.xlsx", "xl/drawings/drawing1.xml", lambda text: "not <xml")
    refused(small_package, tmp_path / "bad.xlsx", "a drawing of the sheet (xl/drawings/drawing1.xml) is not readable XML",
            extra=("--received", "2024-01-01"))
    rewritten(tmp_path / "chart.xlsx", tmp_path / "background.xlsx", "xl/worksheets/_rels/sheet1.xml.rels",
              lambda text: text.replace("</Relationships>", '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
                                        'officeDocument/2006/relationships/image" Target="/xl/media/image1.png"/></Relationships>'))
    refused(small_package, tmp_path / "background.xlsx", "the sheet has a background picture", extra=("--received", "2024-01-01"))


def test_a_heading_of_two_rows_that_cannot_be_read_one_way_is_refused(small_package, tmp_path):
    """The second attack run: "Agency" above two columns (codes, then names) read the codes as the agency, and "Name"
    under "Agency" was read as the officer's name."""
    path = tmp_path / "heading.csv"
    path.write_text(',,,Agency,\r\nName,License Status,License Class,,\r\n"Quillon, Ada",Revoked,unknown,PD14,Dedham Police Department\r\n',
                    encoding="utf-8")
    refused(small_package, path, "the header cells of columns 4 and 5 are empty",
            extra=("--received", "2024-01-01"))
    path.write_text(',License,,Agency\r\nOfficer,License Status,License Class,Name\r\nQuillon,Revoked,unknown,Dedham Police Department\r\n',
                    encoding="utf-8")
    refused(small_package, path, "column 4 is under two known names", extra=("--received", "2024-01-01"))


def test_a_csv_whose_encoding_cannot_be_told_is_read_in_the_one_the_journalist_names(small_package, tmp_path):
    """The second trial: Windows-1252 files (Excel's "CSV (Comma delimited)") of Icelandic or Czech names, or of course
    titles with ®, §, ½, were refused whole, their encoding not told, and nothing could import them."""
    settled(small_package)
    path = tmp_path / "excel.csv"
    path.write_bytes("Acadis ID,Officer Name,Course Name,Completion Date,Agency\r\n"
                     "555001,\"\u00de\u00f3rsd\u00f3ttir, Gu\u00f0r\u00fan\",Narcan\u00ae Administration \u00bd Day,2019-06-14,"
                     "Dedham Police Department\r\n555002,\"\u0160imek, Pavel\",M.G.L. c. 265 \u00a7 13M,2019-06-14,"
                     "Dedham Police Department\r\n".encode("cp1252"))
    message = refused(small_package, path, "excel.csv, row", "--encoding NAME", source="ma-training",
                      extra=("--received", "2024-01-01"))
    assert "rsd" not in message
    result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2024-01-01", "--encoding", "cp1252")
    assert result.returncode == 0, result.stderr
    rows = read_csv(small_package / "data" / "ma_training.csv")
    assert sorted(r["officer_name"] for r in rows) == sorted(["\u0160imek, Pavel", "\u00de\u00f3rsd\u00f3ttir, Gu\u00f0r\u00fan"])
    assert "Narcan\u00ae Administration \u00bd Day" in {r["course_name"] for r in rows}
    refused(small_package, path, "excel.csv, row 2: a byte that is not utf-8", source="ma-training",
            extra=("--received", "2024-01-01", "--encoding", "utf-8"))
    refused(small_package, path, "--encoding 'nope': not an encoding", source="ma-training",
            extra=("--received", "2024-01-01", "--encoding", "nope"))


def test_a_certificate_s_number_a_score_or_a_kind_is_no_row_s_status(small_package, tmp_path):
    """The second trial: "Certificate #", "Qualification Score", "Qualification Type" and "Issued By" were read as a
    completion status, and the import stopped until their numbers and kinds were listed as its words."""
    settled(small_package)
    path = tmp_path / "scores.csv"
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Agency,Certificate #,Qualification Score,"
                    "Qualification Type,Issued By\n555001,Ada Quillon,Firearms,2019-06-14,Dedham Police Department,C-1203,"
                    "97,Handgun,MPTC\n", encoding="utf-8")
    imported(small_package, path, "ma-training")
    assert [r["course_name"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["Firearms"]
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Agency,Certificate Issued\n555001,Ada Quillon,"
                    "Firearms,2019-06-14,Dedham Police Department,No\n555001,Ada Quillon,Ethics,2019-06-14,Dedham Police "
                    "Department,Yes\n", encoding="utf-8")  # a status still: the row it says No of left out
    assert "left out" in run_cli(small_package, "import", "ma-training", str(path), "--received", "2024-01-01").stderr


def test_a_read_cell_merged_over_an_empty_spacer_column_is_read_as_excel_shows_it(small_package, tmp_path):
    """The second trial: a report's name cell merged over the empty spacer column beside it (one row) was refused."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", None, "License Status", "License Class", "Agency"])
    sheet.append(["Quillon, Ada", None, "Revoked", "unknown", "Dedham Police Department"])
    sheet.merge_cells("A2:B2")
    book.save(tmp_path / "spacer.xlsx")
    imported(small_package, tmp_path / "spacer.xlsx")
    assert [r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["Quillon, Ada"]
    sheet.unmerge_cells("A2:B2")
    sheet.merge_cells("B2:C2")  # a merge over a read cell: Excel shows B2's "Surrendered" over it, which is not its value
    sheet["B2"] = "Surrendered"
    book.save(tmp_path / "covered.xlsx")
    refused(small_package, tmp_path / "covered.xlsx", "row 2, field license_status", extra=("--received", "2024-01-01"))


def test_third_round_attacks_on_this_session_s_checks(small_package, tmp_path):
    """A third attack run after the twenty-first: a header repeated with a closed column in the agency's place published
    residences as agencies; a UTF-8 file read with --encoding published garbled names; "Did Not Complete": Y was read
    as completed; a name and surname "Senior, Paul" lost its Sr; a surname "Total" beside a given name was a footer."""
    path = tmp_path / "again.csv"
    path.write_text('Officer Name,License Status,License Class,Commissioning Agency\r\n"Quillon, Ada",Revoked,unknown,'
                    'Dedham Police Department\r\nOfficer Name,License Status,License Class,City of Residence\r\n'
                    '"Varga, Nell",Revoked,unknown,Quincy\r\n', encoding="utf-8")
    message = refused(small_package, path, "again.csv, row 3: the header row again, its columns in another order or named otherwise")
    assert "Quincy" not in message
    path.write_text('Officer Name,License Status,License Class,Commissioning Agency\r\n"Schr\u00f6der, Bj\u00f6rn",Revoked,'
                    'unknown,Dedham Police Department\r\n', encoding="utf-8")
    refused(small_package, path, "the file reads as UTF-8", extra=("--encoding", "iso8859-4"))
    refused(small_package, path, "--encoding unicode_escape: not an encoding a CSV is saved in", extra=("--encoding", "unicode_escape"))
    refused(small_package, path, "--encoding undefined: not an encoding", extra=("--encoding", "undefined"))
    path.write_text('Officer Name,License Status,License Class,Commissioning Agency\r\n'
                    '"\u0160imek, Petr"'.encode("utf-8").decode("cp1252") + ',Revoked,unknown,Dedham Police Department\r\n',
                    encoding="utf-8")  # converted twice, its no-break space a space once cleaned
    refused(small_package, path, "garbled text")
    path.write_text("Officer Name,Suffix,License Status,License Class,Commissioning Agency\r\n"
                    '"Senior, Paul",Sr,Revoked,unknown,Dedham Police Department\r\n"Smith, John V",5th,Revoked,unknown,Dedham Police Department\r\n',
                    encoding="utf-8")
    imported(small_package, path)
    assert sorted(r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")) == [
        "Senior, Paul Sr", "Smith, John V 5th"]
    path.write_text("Last Name,First Name,License Status,License Class,Commissioning Agency\r\n"
                    "Quillon,Ada,Revoked,unknown,Dedham Police Department\r\nTotal,Ann,Revoked,unknown,Dedham Police Department\r\n",
                    encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2024-01-01", "--retire-most")
    assert result.returncode == 0, result.stderr
    assert sorted(r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")) == ["Quillon, Ada", "Total, Ann"]


def test_third_round_row_statuses_that_say_no(small_package, tmp_path):
    settled(small_package)
    path = tmp_path / "status.csv"
    for header in ("Did Not Complete", "Unsuccessful", "Not Certified", "No Show"):  # Y: not completed
        path.write_text(f"Acadis ID,Officer Name,Course Name,Completion Date,Employing Agency,{header}\n"
                        "555001,Ada Quillon,Firearms,2019-03-05,Dedham Police Department,N\n"
                        "555002,Nell Varga,Use of Force,2020-04-06,Dedham Police Department,Y\n", encoding="utf-8")
        result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2024-01-01", "--retire-most")
        if result.returncode == 0:  # read: the row whose column says it was not completed is left out
            assert [r["officer_name"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["Ada Quillon"], header
        else:  # or the import stops and asks what the column's words mean
            assert "ROW_STATUS" in result.stderr and "Traceback" not in result.stderr, (header, result.stderr)
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Employing Agency,Enrollment Status Code\n"
                    "555001,Ada Quillon,Firearms,2019-03-05,Dedham Police Department,N\n"
                    "555002,Nell Varga,Use of Force,2020-04-06,Dedham Police Department,Y\n", encoding="utf-8")
    result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2024-01-01", "--retire-most")
    assert result.returncode == 0 and "left out" in result.stderr, result.stderr  # a status's code: read as one


def test_third_round_workbooks(small_package, tmp_path):
    """The third attack run: an array formula's other cells (no formula of their own) and a formula cell typed as an
    error were published; a merged page line and "Officer Name" over Last and First were refused; officers on a sheet
    under a header of no roster were left out without a word."""
    import re
    book = openpyxl.Workbook()
    book.active.append(["Row", "Name", "License Status", "License Class", "Agency"])
    book.active.append([1, "Quillon, Ada", "Revoked", "unknown", "Dedham Police Department"])
    book.active.append([2, "Varga, Nell", "Revoked", "unknown", "Dedham Police Department"])
    book.save(tmp_path / "plain.xlsx")
    rewritten(tmp_path / "plain.xlsx", tmp_path / "array.xlsx", "xl/worksheets/sheet1.xml", lambda text: re.sub(
        r'<c r="A2"[^>]*>.*?</c>', '<c r="A2"><f t="array" ref="A2:B3">{1,"Roe, Richard";2,"Poe, Edgar"}</f><v>1</v></c>', text, flags=re.S))
    refused(small_package, tmp_path / "array.xlsx", "row 2, field officer_name: a formula", extra=("--received", "2024-01-01"))
    rewritten(tmp_path / "plain.xlsx", tmp_path / "error.xlsx", "xl/worksheets/sheet1.xml", lambda text: re.sub(
        r'<c r="B3"[^>]*>.*?</c>', '<c r="B3" t="e"><f>"Roe, Richard"</f><v>Poe, Edgar</v></c>', text, flags=re.S))
    message = refused(small_package, tmp_path / "error.xlsx", "row 3, field officer_name: a formula", extra=("--received", "2024-01-01"))
    assert "Poe" not in message
    book.active.append(["Page 1 of 2"])
    book.active.merge_cells("A4:E4")
    book.active.append([3, "Orly, Bram", "Revoked", "unknown", "Dedham Police Department"])
    other = book.create_sheet("Revoked")
    other.append(["Name", "Date Revoked"])
    other.append(["Ostrander, Pell", "2021-03-04"])
    book.save(tmp_path / "pages.xlsx")
    report = imported(small_package, tmp_path / "pages.xlsx")
    assert "sheet(s) 2 hold something but no roster's header, and are not read" in report
    assert len(read_csv(small_package / "data" / "mo_officers.csv")) == 3
    book = openpyxl.Workbook()
    book.active.append(["Officer Name", None, "License Status", "License Class", "Agency"])
    book.active.append(["Last Name", "First Name", None, None, None])
    book.active.merge_cells("A1:B1")
    book.active.append(["Quillon", "Ada", "Revoked", "unknown", "Dedham Police Department"])
    book.save(tmp_path / "name.xlsx")
    message = run_cli(small_package, "import", "mo-roster", str(tmp_path / "name.xlsx"), "--received", "2024-01-01").stderr
    assert "under two known names" not in message


def test_fourth_round(small_package, tmp_path):
    """A fourth attack run after the twenty-first: more headers saying no completion read as completions; a stateful or
    multibyte --encoding accepted, utf-8-sig refused; a totals row with a count under First Name refused; a suffix the
    surname carries written twice."""
    from certdata.importers import with_parts
    assert with_parts("x", 2, {"officer_name": "Quillon Jr., Ada", "name_suffix": "Junior"})[0] == "Quillon Jr., Ada"
    assert with_parts("x", 2, {"officer_name": "Senior, Paul", "name_suffix": "Sr"})[0] == "Senior, Paul Sr"
    settled(small_package)
    path = tmp_path / "status.csv"
    for header in ("Uncompleted", "Not Successful", "Non-Completion", "Never Completed", "Not Issued", "Completion Denied"):
        path.write_text(f"Acadis ID,Officer Name,Course Name,Completion Date,Agency,{header}\r\n555001,Ada Quillon,Ethics,"
                        "2019-06-14,Dedham Police Department,Y\r\n555002,Bram Orly,Ethics,2019-06-14,Dedham Police Department,N\r\n",
                        encoding="utf-8")
        result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2024-01-01", "--retire-most")
        assert result.returncode == 0, (header, result.stderr)
        assert [r["officer_name"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["Bram Orly"], header
    path = tmp_path / "roster.csv"
    path.write_bytes(b'Name,License Status,License Class,Agency\r\n"Varga, Nell",Revoked,unknown,Dedham Police \x1b$B%3%s\x1b(BDepartment\r\n')
    refused(small_package, path, "--encoding iso2022_jp: the importer reads a CSV in UTF-8 or in an encoding of one byte",
            extra=("--encoding", "iso2022_jp"))
    path.write_text('Name,License Status,License Class,Agency\r\n"M\u00fcller, Jos\u00e9",Revoked,unknown,\r\n', encoding="utf-8")
    assert run_cli(small_package, "import", "mo-roster", str(path), "--encoding", "utf-8-sig", "--blank-field", "agency_id",
                   "--retire-most").returncode == 0
    path.write_text("Last Name,First Name,License Status,License Class,Agency\r\nQuillon,Ada,Revoked,unknown,Dedham Police "
                    "Department\r\nTotal,1,,,\r\n", encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path), "--retire-most")
    assert result.returncode == 0 and "below the last record, a report's footer" in result.stderr, result.stderr


def test_an_officer_s_name_heading_over_its_parts_is_read_as_one_header(small_package, tmp_path):
    """The fourth attack run: "Officer Name" merged over "Last Name" and "First Name", the other headings merged down
    both lines, was refused (its second line read as a record)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Officer Name", None, "License Status", "License Class", "Commissioning Agency"])
    sheet.append(["Last Name", "First Name", None, None, None])
    for merged in ("A1:B1", "C1:C2", "D1:D2", "E1:E2"):
        sheet.merge_cells(merged)
    sheet.append(["Quillon", "Ada", "Revoked", "unknown", "Dedham Police Department"])
    book.save(tmp_path / "name.xlsx")
    assert "the header is two lines" in imported(small_package, tmp_path / "name.xlsx")
    assert [r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["Quillon, Ada"]
