"""A foreign-data trial after the eighteenth session: realistic agency exports (an enrollment roster, report footers,
tab- and semicolon-separated text, titles wrapped over two lines) that were published wrongly or refused for no good
reason. Names are made up; no real officer is named."""
import openpyxl

from .conftest import run_cli, settle_agency_disclosure, settle_ma_disclosure
from .test_importers import read_csv
from .test_release_trial import refused

HEADER = "Name,License Status,License Class,Commissioning Agency\n"
BODY = '"Quillon, Ada",Revoked,unknown,Columbia Police Department\n"Varga, Nell",Surrendered,unknown,Columbia Police Department\n'


def imported(root, path, source="mo-roster"):
    result = run_cli(root, "import", source, str(path), "--received", "2024-01-01")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def test_an_enrollment_status_column_leaves_out_what_is_no_completed_training_and_stops_at_an_unknown_word(small_package, tmp_path):
    """The trial: a class roster's "Enrollment Status" (Withdrawn, Failed, Incomplete) was dropped as an unknown column,
    and 67 enrollments no one completed were published as completed trainings."""
    settle_ma_disclosure(small_package)
    path = tmp_path / "enrollment.csv"
    rows = [("555001", "Quillon, Ada", "Ethics", "2019-06-14", "Completed"),
            ("555002", "Varga, Nell", "Ethics", "2019-06-14", "Withdrawn"),
            ("555003", "Ostrander, Pell", "Ethics", "2019-06-14", "FAILED"),
            ("555004", "Orly, Bram", "Ethics", "2019-06-14", "passed")]
    header = "Acadis ID,Student Name,Class Name,End Date,Enrollment Status\n"

    def write(rows):
        path.write_text(header + "".join(",".join(f'"{c}"' for c in row) + "\n" for row in rows), encoding="utf-8")
    write(rows)
    report = imported(small_package, path, "ma-training")
    assert [r["acadis_id"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["555001", "555004"]
    assert "column 5 (Enrollment Status) says whether each row is a completed training: 2 row(s) read" in report, report
    assert "Failed 1 (rows 4)" in report and "Withdrawn 1 (rows 3)" in report
    assert "dropped column 5" not in report
    before = (small_package / "data" / "ma_training.csv").read_bytes()
    for other in ("Audited", ""):  # a word no list holds, and a blank: the import stops, the value unshown
        write(rows + [("555005", "Fennimore, Lise", "Ethics", "2019-06-14", other)])
        message = refused(small_package, path, "enrollment.csv, row 6: a value (not shown, or blank) of column 5 "
                          "(Enrollment Status)", "ROW_STATUS (ma.py)", source="ma-training",
                          extra=("--received", "2024-01-01"))
        assert "Audited" not in message
    assert (small_package / "data" / "ma_training.csv").read_bytes() == before
    # a second attack run: every such column must say so ("Result" beside "Enrollment Status"), one whose header holds
    # such a word ("Attendance Status"), and Y or N in a "Completed?" column
    path.write_text("Acadis ID,Student Name,Class Name,End Date,Enrollment Status,Result\n"
                    '555001,"Quillon, Ada",Ethics,2019-06-14,Completed,Passed\n555002,"Varga, Nell",Ethics,2019-06-14,Completed,Failed\n',
                    encoding="utf-8")
    report = imported(small_package, path, "ma-training")
    assert "column 5 (Enrollment Status) and column 6 (Result) say whether each row is a completed training: 1 row(s) read" in report
    assert [r["acadis_id"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["555001"]
    for header, yes, no in (("Attendance Status", "Completed", "Withdrawn"), ("Completed?", "Y", "N")):
        path.write_text(f"Acadis ID,Student Name,Class Name,Completion Date,{header}\n"
                        f'555001,"Quillon, Ada",Ethics,2019-06-14,{yes}\n555003,"Orly, Bram",Ethics,2019-06-14,{yes}\n'
                        f'555004,"Ostrander, Pell",Ethics,2019-06-14,{no}\n', encoding="utf-8")
        report = imported(small_package, path, "ma-training")
        assert [r["acadis_id"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["555001", "555003"], (header, report)


def test_a_footer_below_the_records_is_reported_and_not_read_and_a_workbook_s_too(small_package, tmp_path):
    """The trial: "Total Records: 3009" and a notice below a roster were refused, so the journalist edited the agency's
    file (and the copy kept under data/raw/ was no longer the one received)."""
    path = tmp_path / "roster.csv"
    notice = "This report is confidential under RSMo 590.180"
    path.write_text(HEADER + BODY + f"Total Records: 2,,,\n\n{notice},,,\n", encoding="utf-8")
    report = imported(small_package, path)
    assert "roster.csv, row(s) 4, 6: below the last record, a report's footer" in report, report
    assert notice not in report and "Total Records" not in report
    assert [r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["Quillon, Ada", "Varga, Nell"]
    path.write_text(HEADER + BODY + "Record Count: 2\n", encoding="utf-8")  # a line with fewer cells
    assert "row(s) 4: below the last record" in imported(small_package, path)
    # a footer's words within the table are still a line cut short, and a one-cell row there a heading
    path.write_text(HEADER + "Record Count: 2\n" + BODY, encoding="utf-8")
    refused(small_package, path, "roster.csv, row 2: 1 cell(s) where the header has 4")
    path.write_text(HEADER + BODY.replace("\n", "\n,,,Heading\n", 1), encoding="utf-8")
    refused(small_package, path, "roster.csv, row 3, field agency_name: the row's only cell (not shown)")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Missouri POST licensee roster"])
    sheet.append(HEADER.strip().split(","))
    sheet.append(["Quillon, Ada", "Revoked", "unknown", "Columbia Police Department"])
    sheet.append([])
    sheet.append(["Total Records:", 1])
    sheet.append(["CONFIDENTIAL - FOR OFFICIAL USE ONLY"])
    workbook.save(tmp_path / "roster.xlsx")
    report = imported(small_package, tmp_path / "roster.xlsx")
    assert "row(s) 5, 6: below the last record, a report's footer" in report, report
    assert len(read_csv(small_package / "data" / "mo_officers.csv")) == 1


def test_a_tab_semicolon_or_bar_separated_export_is_read_with_its_own_sign(small_package, tmp_path):
    """The trial: a tab-delimited text (what the request asked for) and a semicolon CSV with a byte-order mark were
    refused, with advice to re-save them through Excel, which alters leading zeros and dates."""
    path = tmp_path / "roster.txt"
    for sign, name in (("\t", "tab"), (";", "semicolon"), ("|", "vertical bar")):
        text = f"Name{sign}License Status{sign}License Class{sign}Commissioning Agency\n"
        text += f'"Quillon, Ada"{sign}Revoked{sign}unknown{sign}Columbia Police Department\n'
        text += f'Varga, Nell{sign}Surrendered{sign}unknown{sign}"Columbia Police Department"\n'
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        report = imported(small_package, path)
        assert f"its cells are separated by {name}s, not commas; read so" in report, report
        rows = read_csv(small_package / "data" / "mo_officers.csv")
        assert [(r["officer_name"], r["license_status"]) for r in rows] == [("Quillon, Ada", "Revoked"), ("Varga, Nell", "Surrendered")]
        assert {r["agency_id"] for r in rows} == {rows[0]["agency_id"]} and rows[0]["agency_id"]
    # a cell holding the sign unquoted moves the cells after it: refused, the sign named
    path.write_text("Name\tLicense Status\tLicense Class\nQuillon, Ada\tRevoked\tunknown\textra\tcells\n", encoding="utf-8")
    refused(small_package, path, "roster.txt, row 2: 5 cells where the header has 3: a tab inside a cell that is not quoted")


def test_a_title_wrapped_over_lines_is_read_with_a_space_and_an_unclosed_quote_still_refused(small_package, tmp_path):
    """The trial: course titles typed over two lines in a quoted cell (valid CSV) were refused as "a quote that is not
    closed", one row a run."""
    settle_ma_disclosure(small_package)
    path = tmp_path / "training.csv"
    path.write_text('Acadis ID,Officer Name,Course Name,Completion Date\n555001,"Quillon, Ada","Crisis Intervention\n'
                    'Team Training",2019-06-14\n555002,"Varga, Nell","Legal\r\nUpdates",2019-06-14\n', encoding="utf-8")
    report = imported(small_package, path, "ma-training")
    assert "training.csv: row(s) 2, 3: a line break inside a cell of a field that is read, taken for a space" in report, report
    assert [r["course_name"] for r in read_csv(small_package / "data" / "ma_training.csv")] == [
        "Crisis Intervention Team Training", "Legal Updates"]
    path.write_text('Acadis ID,Officer Name,Course Name,Completion Date\n555001,"Quillon, Ada","Crisis Intervention,'
                    '2019-06-14\n555002,Varga Nell,Legal Updates,2019-06-14\n555003,"Orly, Bram",Ethics,2019-06-14\n',
                    encoding="utf-8")
    refused(small_package, path, "training.csv, row 2, field course_name: a cell running from line 2 to line",
            "a quote that is not closed", source="ma-training", extra=("--received", "2024-01-01"))


def test_a_dropped_column_is_named_by_its_header_when_shaped_as_a_column_name(small_package, tmp_path):
    """The trial: "Course Code", "Hours" and "DPS ID" were named by position alone; a header that may be a value (a
    date, a telephone number, an address) still is."""
    path = tmp_path / "roster.csv"
    path.write_text("Name,License Status,License Class,Commissioning Agency,DPS ID,1970-01-02,Apt 4417 Larkspur Lane 65101\n"
                    + BODY.replace("\n", ",1,2,3\n"), encoding="utf-8")
    report = imported(small_package, path)
    assert "dropped column 5 ('DPS ID', not a column name we know)" in report, report
    assert "dropped column 6 (its header is not shown" in report and "1970" not in report
    assert "dropped column 7 (its header is not shown" in report and "Larkspur" not in report


def test_a_surname_that_is_a_footer_s_word_below_the_records_is_no_footer(small_package, tmp_path):
    """Page, Count, Notice are surnames: a last row "Page, John" with a cell missing is a record cut short (refused),
    not a footer left unread."""
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + BODY + '"Page, John",Revoked\n', encoding="utf-8")
    refused(small_package, path, "roster.csv, row 4: 2 cell(s) where the header has 4")
    path.write_text(HEADER + BODY + '"Page, John",,,\n', encoding="utf-8")
    refused(small_package, path, "roster.csv, row 4, field officer_name: the row's only cell")
    path.write_text(HEADER + BODY + '"Count, Ann",Revoked,unknown,\n', encoding="utf-8")
    assert "footer" not in imported(small_package, path)
    assert "Count, Ann" in [r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")]


def test_a_header_is_shown_only_when_made_of_a_column_name_s_words_never_a_value_s():
    """A second attack run after the eighteenth: headers "AGE 45", "Sex M", "DOB MAY" and "MAIN STREET" were echoed."""
    from certdata.importers import shown_header
    for header in ("Course Code", "Hours", "DPS ID", "Badge #", "Credit Hours", "Enrollment Status"):
        assert shown_header(header) == header
    for header in ("AGE 45", "Sex M", "DOB MAY", "MAIN STREET", "Oak Road Apt", "Address Line 1", "Jane Doe", "1970-01-02"):
        assert shown_header(header) is None, header


def test_a_workbook_s_status_column_is_read_and_a_refusal_naming_the_first_rows_is_shown_whole(small_package, tmp_path):
    """A second foreign-data trial after the eighteenth: in a workbook the status columns were let go of as unread, so
    every Acadis workbook with an "Enrollment Status" was refused; and the refusal, naming rows 2, 3, 4, 5, 6, 7, 8, was
    withheld whole as a telephone number's digits."""
    settle_ma_disclosure(small_package)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Acadis ID", "Student Name", "Class Name", "Completion Date", "Enrollment Status"])
    sheet.append(["555001", "Quillon, Ada", "Ethics", "2019-06-14", "Completed"])
    sheet.append(["555002", "Varga, Nell", "Ethics", "2019-06-14", "Withdrawn"])
    workbook.save(tmp_path / "roster.xlsx")
    report = imported(small_package, tmp_path / "roster.xlsx", "ma-training")
    assert "1 row(s) read" in report and "Withdrawn 1" in report, report
    assert [r["acadis_id"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["555001"]
    path = tmp_path / "attended.csv"
    path.write_text("Acadis ID,Student Name,Class Name,Completion Date,Attendance Status\n" + "".join(
        f'55500{i},"Quillon, Ada",Ethics,2019-06-14,Attended\n' for i in range(1, 8)), encoding="utf-8")
    message = refused(small_package, path, "attended.csv, rows 2, 3, 4, 5, 6, 7, 8: a value (not shown, or blank) of column 5",
                      source="ma-training", extra=("--received", "2024-01-01"))
    assert "withheld" not in message


def test_a_report_grouped_by_agency_names_every_heading_and_subtotal_in_one_run(small_package, tmp_path):
    """A second foreign-data trial after the eighteenth: a report grouped by agency ("Agency: X" rows, "Subtotal for X:"
    with a count) took 14 runs to clean, one row named a run, and its subtotals were refused as a date of birth's cell."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "License Status", "License Class", "Commissioning Agency"])
    for agency, people in (("Columbia Police Department", ["Quillon, Ada", "Varga, Nell"]), ("Joplin Police Department", ["Orly, Bram"])):
        sheet.append([f"Agency: {agency}"])
        for person in people:
            sheet.append([person, "Revoked", "unknown", agency])
        sheet.append([f"Subtotal for {agency}:", None, len(people)])
    workbook.save(tmp_path / "grouped.xlsx")
    message = refused(small_package, tmp_path / "grouped.xlsx", "rows 2, 6, field officer_name: the row's only cell",
                      "row 5, field officer_name: a total or subtotal row")  # (row 8, below the last record: a footer)
    assert "date of birth" not in message and "Columbia" not in message


def test_a_missing_column_s_message_names_the_ordinary_headers_it_saw(small_package, tmp_path):
    """A second foreign-data trial after the eighteenth: the refusal of a class-roster layout hid "Enrollment Status",
    "Class Start Date" and "Class End Date" as "N more not shown", ordinary column names the journalist needed."""
    settle_ma_disclosure(small_package)
    path = tmp_path / "classes.csv"
    path.write_text("Acadis ID,Student Name,Class Start Date,Class End Date,Enrollment Status,1970-01-02\n"
                    '555001,"Quillon, Ada",2019-06-10,2019-06-14,Completed,x\n', encoding="utf-8")
    message = refused(small_package, path, "missing column(s) course_name, completion_date",
                      "also 'Class Start Date', 'Class End Date', 'Enrollment Status'; 1 more not shown",
                      source="ma-training", extra=("--received", "2024-01-01"))
    assert "1970" not in message


def test_a_last_row_whose_name_is_a_footer_s_word_is_read_and_a_status_column_s_yes_reads_its_header(small_package, tmp_path):
    """A final attack run after the eighteenth: "Tom Page;Revoked;;" and "Mary Count;Surrendered;;" at the end of a
    roster were left unread as footers (both decertified officers); MA columns headed "Passed", "P/F", "Withdrawn" were
    dropped and their N, F and Y rows published as completed trainings."""
    path = tmp_path / "roster.csv"
    path.write_text("Name;License Status;License Class;Commissioning Agency\n"
                    '"Quillon, Ada";Revoked;unknown;Columbia Police Department\n'
                    "Tom Page;Revoked;;\nMary Count;Surrendered;;\n", encoding="utf-8")
    report = imported(small_package, path)
    assert "footer" not in report, report
    assert {"Tom Page", "Mary Count"} <= {r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")}
    settle_ma_disclosure(small_package)
    settle_agency_disclosure(small_package)
    training = tmp_path / "training.csv"
    for header, read, left in (("Passed", "Y", "N"), ("P/F", "P", "F"), ("Withdrawn", "N", "Y"), ("Failed?", "No", "Yes")):
        training.write_text(f"Acadis ID,Officer Name,Course Name,Completion Date,{header}\n"
                            f'555001,"Quillon, Ada",Ethics,2019-06-14,{read}\n555002,"Varga, Nell",Ethics,2019-06-14,{left}\n',
                            encoding="utf-8")
        result = run_cli(small_package, "import", "ma-training", str(training), "--received", "2024-01-01", "--retire-most")
        assert result.returncode == 0, (header, result.stderr)
        assert [r["acadis_id"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["555001"], header
        assert f" {left} 1 (rows 3)" in result.stderr, result.stderr  # the file's word (a Withdrawn's Y was said "N")



def test_a_missing_column_s_message_names_an_export_s_abbreviated_headers_and_the_column_option(small_package, tmp_path):
    """A foreign-data trial after the twentieth: an Access export's "Lic Stat", "LAST_NM" and "FIRST_NM" were "6 more not
    shown", and the message offered renaming the file's columns, not --column."""
    path = tmp_path / "access.csv"
    path.write_text("LAST_NM,FIRST_NM,Lic Stat,License Type,Agency/Dept,DOB\n"
                    "Quillon,Ada,ACT,Peace Officer,Columbia Police Department,1970-01-02\n", encoding="utf-8")
    message = refused(small_package, path, "'LAST_NM', 'FIRST_NM', 'Lic Stat'", "--column FIELD=HEADER")
    assert "1970" not in message and "Quillon" not in message
