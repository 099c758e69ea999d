"""A foreign-data trial after the nineteenth session: realistic agency exports (an Access query with two status columns,
a roster with its code legend below it, class rosters whose columns say a row is no completion, course codes beside
course titles, placeholders for no agency, one officer's Acadis ID written with and without its leading zeros) that
were published wrongly without a word. Names are made up; no real officer is named."""
from .conftest import run_cli, settle_agency_disclosure, settle_ma_disclosure
from .test_importers import read_csv
from .test_release_trial import refused
from .test_third_trial import imported


def settled(root):
    """The Massachusetts grounds and the agencies' settled by the test letter, as a maintainer does before importing."""
    settle_ma_disclosure(root)
    settle_agency_disclosure(root)


def test_two_columns_that_may_both_be_the_licence_status_stop_the_import_until_one_is_chosen(small_package, tmp_path):
    """The trial: an Access export's "Status" (Active, Inactive: an employment status) was read as the licence status
    and its "Lic Status" dropped, so revoked officers were published as Inactive and left off the decertified list."""
    path = tmp_path / "access.csv"
    path.write_text('"Name","License Class","Lic Status","Status","Agency"\n'
                    '"Quillon, Ada","unknown","Revoked","Inactive",""\n'
                    '"Varga, Nell","unknown","Surrendered","Inactive",""\n', encoding="utf-8")
    report = imported(small_package, path)  # "Lic Status" is a name of the licence status: read before "Status"
    assert [r["license_status"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["Revoked", "Surrendered"]
    assert "dropped column 4" in report
    # two names of the officer's name holding two people's (a second attack run: one was published, the other dropped)
    names = tmp_path / "names.csv"
    names.write_text('Name,Licensee Name,License Status,License Class\n"Doe, Jane","Smith, Ann",Revoked,unknown\n'
                     '"Roe",Roe Richard,Revoked,unknown\n', encoding="utf-8")
    refused(small_package, names, "names.csv, row 2, field officer_name: two columns under names of officer_name hold "
            "different values", extra=("--received", "2024-01-01"))
    for other in ("Officer Status", "Cert Status"):  # a header that may be the licence status too: the import asks
        path.write_text(f'"Name","License Class","{other}","Status","Agency"\n'
                        '"Quillon, Ada","unknown","Revoked","Surrendered",""\n', encoding="utf-8")
        refused(small_package, path, f"access.csv: column 3 ('{other}') and column 4 ('Status') may both be "
                "license_status: say which to read with --column license_status=HEADER", extra=("--received", "2024-01-01"))
        result = run_cli(small_package, "import", "mo-roster", str(path), "--received", "2024-01-01",
                         "--column", f"license_status={other.upper()}")
        assert result.returncode == 0, result.stderr
        assert [r["license_status"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["Revoked"]
    path.write_text('"Name","License Class","Status","Status Date","Agency Code","Agency"\n'
                    '"Quillon, Ada","unknown","Revoked","2020-01-01","X1",""\n', encoding="utf-8")
    imported(small_package, path)  # a date's or a code's column beside them is no other candidate
    refused(small_package, path, "--column: 'licence_status' is not a field this importer reads",
            extra=("--received", "2024-01-01", "--column", "licence_status=Status"))
    refused(small_package, path, "access.csv: --column license_status=...: no column of the header row is headed so",
            extra=("--received", "2024-01-01", "--column", "license_status=Lic Status"))


def test_a_course_code_column_beside_the_course_s_description_stops_the_import_until_one_is_chosen(small_package, tmp_path):
    """The trial: "Course" held codes (BRC-19-03) and "Course Description" the titles; the codes were published as the
    course names and the titles dropped."""
    settled(small_package)
    path = tmp_path / "codes.csv"
    path.write_text("Acadis ID,Officer Name,Course,Course Description,Completion Date,Agency\n"
                    "555001,Ada Quillon,BRC-19-03,Basic Recruit Academy,06/14/2019,Dedham Police Department\n",
                    encoding="utf-8")
    refused(small_package, path, "codes.csv: column 4 ('Course Description') and column 3 ('Course') may both be "
            "course_name", source="ma-training", extra=("--received", "2024-01-01"))
    result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2024-01-01",
                     "--column", "course_name=Course Description")
    assert result.returncode == 0, result.stderr
    assert [r["course_name"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["Basic Recruit Academy"]


def test_a_certificate_not_issued_or_a_dismissal_leaves_the_row_out_and_an_officer_s_status_is_not_read(small_package, tmp_path):
    """The trial: "Certificate Issued" N and "Dismissed" Y rows were published as completed academies; an "Officer
    Status" column (Active, Retired) stopped the import as if it said whether a row is a completed training."""
    settled(small_package)
    path = tmp_path / "academy.csv"
    path.write_text("Acadis ID,Officer Name,Course Name,End Date,Certificate Issued,Dismissed,Agency\n"
                    "555001,Ada Quillon,Basic Recruit Academy,06/14/2019,Y,N,Dedham Police Department\n"
                    "555002,Nell Varga,Basic Recruit Academy,06/14/2019,N,Y,Dedham Police Department\n"
                    "555003,Pell Ostrander,Basic Recruit Academy,06/14/2019,Y,Y,Dedham Police Department\n",
                    encoding="utf-8")
    report = imported(small_package, path, "ma-training")
    assert [r["acadis_id"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["555001"]
    assert "say whether each row is a completed training: 1 row(s) read" in report, report
    path.write_text("Acadis ID,Officer Name,Officer Status,Course Name,Completion Date,Agency\n"
                    "555001,Ada Quillon,Active,Legal Updates,06/14/2023,Dedham Police Department\n"
                    "555002,Nell Varga,Retired,Legal Updates,06/14/2023,Dedham Police Department\n", encoding="utf-8")
    report = imported(small_package, path, "ma-training")
    assert [r["acadis_id"] for r in read_csv(small_package / "data" / "ma_training.csv")] == ["555001", "555002"]
    assert "dropped column 3" in report


def test_a_legend_of_codes_below_the_roster_is_not_read_as_officers(small_package, tmp_path):
    """The trial: below a roster written in status codes, a blank row and the codes' legend ("REV,Revoked"): three
    "officers" named ACT, INA and REV were published, and REV was on the decertified list."""
    statuses = small_package / "data" / "mo_license_statuses.csv"
    with open(statuses, "a", encoding="utf-8") as handle:
        handle.write("ACT,,A code of the release; its meaning is not stated in the source documents.,,,\n")
    path = tmp_path / "codes.csv"
    roster = ('Licensee Name,Status,Class,Agency\n"Quillon, Ada",ACT,unknown,Columbia Police Department\n'
              '"Varga, Nell",Revoked,unknown,\n')
    for legend in (",,,\nACT,Active,,\nREV,Revoked,,\n", ",,,\nStatus Codes,,,\nREV,Revoked,,\n"):
        path.write_text(roster + legend, encoding="utf-8")
        report = imported(small_package, path)
        assert [r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["Quillon, Ada", "Varga, Nell"]
        assert "a legend of codes; not shown" in report and "REV" not in report
    path.write_text(roster + ",,,\nREV,Revoked,unknown,\n", encoding="utf-8")  # a row a record fills whole: read
    imported(small_package, path)
    assert [r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")][-1] == "REV"


def test_placeholders_for_no_agency_are_read_as_none(small_package, tmp_path):
    """The trial: "NO COMMISSION ON FILE" and "NONE ON FILE" became agencies, revoked officers listed under them."""
    path = tmp_path / "roster.csv"
    path.write_text("Name,License Status,License Class,Commissioning Agency\n"
                    '"Quillon, Ada",Revoked,unknown,NO COMMISSION ON FILE\n"Varga, Nell",Revoked,unknown,NONE ON FILE\n'
                    '"Orly, Bram",Revoked,unknown,NO CURRENT EMPLOYER\n"Fenn, Lise",Revoked,unknown,UNAFFILIATED\n'
                    '"Ostrander, Pell",Revoked,unknown,Noel Police Department\n', encoding="utf-8")
    imported(small_package, path)
    assert [r["agency_id"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == [
        "", "", "", "", "MO-noel-police-department"]


def test_one_acadis_id_with_and_without_its_leading_zeros_is_refused_and_a_state_id_s_refusal_is_shown_whole(small_package, tmp_path):
    """The trial: 0045123 and 45123 in one release were published as two officers; a state ID of seven digits was
    refused with a message cut off as if it held a telephone number."""
    settled(small_package)
    path = tmp_path / "zeros.csv"
    path.write_text("Acadis ID,State ID,Officer Name,Course Name,Completion Date,Agency\n"
                    "0045123,,Ada Quillon,Firearms,2021-04-03,Quincy Police Department\n"
                    "45123,,Ada Quillon,Use of Force,2021-09-14,Quincy Police Department\n", encoding="utf-8")
    refused(small_package, path, "zeros.csv, rows 2 and 3, field acadis_id: one Acadis ID written with and without "
            "leading zeros", source="ma-training", extra=("--received", "2024-01-01"))
    path.write_text("Acadis ID,State ID,Officer Name,Course Name,Completion Date,Agency\n"
                    "45123,MA0045123,Ada Quillon,Firearms,2021-04-03,Quincy Police Department\n", encoding="utf-8")
    message = refused(small_package, path, "zeros.csv, row 2, field state_id: not a state ID as the schema's pattern "
                      "takes it", "Check the export's columns", source="ma-training", extra=("--received", "2024-01-01"))
    assert "withheld" not in message and "0045123" not in message


def test_a_web_page_saved_as_a_spreadsheet_is_named_as_one(small_package, tmp_path):
    """The trial: a report exported as HTML under an .xls name was refused for missing columns in its first rows."""
    for name, text in (("export.xls", "<html><body><table><tr><td>Name</td></tr></table></body></html>"),
                       ("export.csv", "\ufeff<!DOCTYPE html>\n<html><table><tr><th>Name</th></tr></table></html>")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        refused(small_package, path, f"{name}: a web page (HTML)", extra=("--received", "2024-01-01"))


def test_a_grouped_transcript_is_named_as_one_with_every_blank_row(small_package, tmp_path):
    """The trial: a transcript grouped by officer (ID and name on the first row of each) was refused at its first blank
    row alone, with no word of why."""
    settled(small_package)
    path = tmp_path / "grouped.csv"
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Agency\n"
                    "555001,Ada Quillon,Firearms,2021-04-03,Quincy Police Department\n"
                    ",,Use of Force,2021-09-14,Quincy Police Department\n,,Ethics,2021-10-14,Quincy Police Department\n"
                    "555002,Nell Varga,Firearms,2021-04-03,Quincy Police Department\n"
                    ",,Ethics,2021-10-14,Quincy Police Department\n", encoding="utf-8")
    refused(small_package, path, "grouped.csv, rows 3, 4, 6, field officer_name: the name is blank",
            "the report may be grouped by officer, naming each on their first row only", source="ma-training",
            extra=("--received", "2024-01-01"))
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Agency\n"  # a name, but not its Acadis ID
                    "555001,Ada Quillon,Firearms,2021-04-03,Quincy Police Department\n"
                    ",Ada Quillon,Use of Force,2021-09-14,Quincy Police Department\n"
                    ",Ada Quillon,Ethics,2021-10-14,Quincy Police Department\n", encoding="utf-8")
    refused(small_package, path, "grouped.csv, rows 3, 4, field acadis_id: the value is blank", source="ma-training",
            extra=("--received", "2024-01-01"))


def test_words_a_name_sets_apart_are_taken_out_at_import_and_reported(small_package, tmp_path):
    """An attack run after the nineteenth: notes of one word in brackets ("(DV)", "(OIS)", "(Grávida)", "(停职)")
    passed as nicknames and were published; no rule tells a note from a nickname, and neither is an open field. The
    importer takes out what brackets or quotes set apart, names the rows, shows none of it; an apostrophe in a name
    stays. A suffix column's note is refused."""
    path = tmp_path / "roster.csv"
    path.write_text("Name,License Status,License Class,Commissioning Agency\n"
                    '"Poe, Ed (DV)",Revoked,unknown,\n"Roe, Rita (Grávida)",Revoked,unknown,\n'
                    '"Smith, Robert ""Bob""",Revoked,unknown,\n"O\'Brien, Pat",Revoked,unknown,\n'
                    '"Kay, Bob (停职",Revoked,unknown,\n"Jones (Smith), Mary",Revoked,unknown,\n', encoding="utf-8")
    report = imported(small_package, path)
    names = [r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")]
    assert sorted(names) == sorted(["Poe, Ed", "Roe, Rita", "Smith, Robert", "O'Brien, Pat", "Kay, Bob", "Jones, Mary"])
    assert "5 name(s) held words in brackets or quotes" in report and "rows 2, 3, 4, 6, 7" in report
    for planted in ("DV", "Grávida", "Bob", "停职", "(Smith)"):
        assert planted not in report, planted
    path.write_text("Last Name,First Name,Suffix,License Status,License Class\nLee,Ann,LOA,Revoked,unknown\n"
                    "Lee,Al,Jr.,Revoked,unknown\n", encoding="utf-8")
    message = refused(small_package, path, "roster.csv, row 2, field name_suffix: not a name's suffix",
                      extra=("--received", "2024-01-01"))
    assert "LOA" not in message


def test_a_name_whose_surname_s_end_moved_does_not_keep_the_identifier(small_package, tmp_path):
    """An attack run after the nineteenth: "Nguyen, Van An" then "Nguyen Van, An" (another name, plausibly another
    person) kept MO-67527b8262-1, and the changes called it a name written otherwise. Case and punctuation alone
    still keep it."""
    path = tmp_path / "roster.csv"
    path.write_text('Name,License Status,License Class,Commissioning Agency\n"Nguyen, Van An",Revoked,unknown,\n'
                    '"Quillon, Ada",Revoked,unknown,\n',
                    encoding="utf-8")
    imported(small_package, path)
    first = nguyen(small_package)
    assert run_cli(small_package, "build").returncode == 0
    path.write_text('Name,License Status,License Class,Commissioning Agency\n"NGUYEN, VAN AN",Revoked,unknown,\n'
                    '"Quillon, Ada",Revoked,unknown,\n',
                    encoding="utf-8")
    imported(small_package, path)
    assert nguyen(small_package) == first
    path.write_text('Name,License Status,License Class,Commissioning Agency\n"Nguyen Van, An",Revoked,unknown,\n'
                    '"Quillon, Ada",Revoked,unknown,\n',
                    encoding="utf-8")
    imported(small_package, path)
    assert nguyen(small_package) != first
    assert first in (small_package / "data" / "mo_retired_ids.csv").read_text(encoding="utf-8")


def nguyen(root):
    return next(r["row_id"] for r in read_csv(root / "data" / "mo_officers.csv") if r["officer_name"].lower().startswith("nguyen"))


def test_a_strict_open_xml_workbook_is_named_as_one(small_package, tmp_path):
    """An attack run after the nineteenth: a workbook saved as Strict Open XML was refused as having no rows."""
    import zipfile
    import openpyxl
    path = tmp_path / "strict.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Name", "License Status", "License Class"])
    book.active.append(["Quillon, Ada", "Revoked", "unknown"])
    book.save(path)
    strict = tmp_path / "strict2.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(strict, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith(".xml"):
                data = data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                    b"http://purl.oclc.org/ooxml/spreadsheetml/main")
            target.writestr(item, data)
    refused(small_package, strict, 'strict2.xlsx: a workbook saved as "Strict Open XML Spreadsheet"',
            extra=("--received", "2024-01-01"))


def test_a_name_s_shape_is_refused_where_no_name_has_it_and_a_bracketed_suffix_is_kept(small_package, tmp_path):
    """A second attack run after the nineteenth: "Doe, Jane <Brady>", "_LOA_", "=IA=", a dagger, a note in another
    script, placeholders (VACANT, "Unknown, Unknown"), an agency's name in the name's column were published;
    "(Jr.)" and "(Sr.)" taken out made one name of two; the name itself in quotes beside a note lost the name."""
    header = "Name,License Status,License Class,Commissioning Agency\n"
    path = tmp_path / "roster.csv"
    for name, reason in (("Doe, Jane =Qz=", "a sign or a digit that no name holds"), ("Doe, Jane \u2020", "a sign or a digit"),
                         ("Doe, Jane в отпуске", "letters of two scripts"), ("VACANT", "a placeholder where a name should be"),
                         ("Unknown, Unknown", "a placeholder"), ("Columbia Police Department", "an agency's name where"),
                         ("'Doe, Jane' IA", "brackets or quotes around a part of the name that holds a comma")):
        path.write_text(header + f'"Quillon, Ada",Revoked,unknown,\n"{name}",Revoked,unknown,\n', encoding="utf-8")
        message = refused(small_package, path, "roster.csv, row 3, field officer_name: ", reason,
                          extra=("--received", "2024-01-01"))
        assert "Qz" not in message and "отпуске" not in message and "VACANT" not in message, message
    path.write_text(header + '"Harrowgate, Elias (Jr.)",Revoked,unknown,\n"Harrowgate, Elias (Sr.)",Revoked,unknown,\n'
                    '"Doe, Jane <Brady>",Revoked,unknown,\n"Roe, Richard \u201eIA\u201c",Revoked,unknown,\n', encoding="utf-8")
    imported(small_package, path)
    assert sorted(r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")) == [
        "Doe, Jane", "Harrowgate, Elias Jr.", "Harrowgate, Elias Sr.", "Roe, Richard"]


def test_one_acadis_id_under_two_unrelated_names_is_named_and_a_dnf_row_left_out(small_package, tmp_path):
    """The same run: 555009 under "Lena Park" and "Omar Haddad" was published without a word; DNF, Disqualified and
    Recycled columns were dropped and their rows published as completed trainings."""
    settled(small_package)
    path = tmp_path / "training.csv"
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date,DNF,Recycled\n"
                    "555009,Lena Park,Use of Force,2021-04-03,N,N\n555009,Omar Haddad,Firearms,2021-05-03,N,N\n"
                    "555010,Ann Lee,Firearms,2021-05-03,Y,N\n555011,Bo Kay,Firearms,2021-05-03,N,Y\n", encoding="utf-8")
    report = imported(small_package, path, "ma-training")
    assert "1 Acadis ID(s) carry names that share no word in this release (555009: rows 2, 3)" in report, report
    assert "Lena" not in report and "Omar" not in report
    assert sorted(r["acadis_id"] for r in read_csv(small_package / "data" / "ma_training.csv")) == ["555009", "555009"]


def test_a_column_chosen_for_a_field_may_not_be_another_field_s_column(small_package, tmp_path):
    """A foreign-data trial after the twentieth: a Massachusetts export without Acadis IDs could be imported by choosing
    its State ID column as the Acadis ID (the missing column's message offers --column): State IDs published as
    Acadis IDs, officer pages at the wrong numbers."""
    settled(small_package)
    path = tmp_path / "no-acadis.csv"
    path.write_text("State ID,Officer Name,Course Name,Completion Date\nMA123456,Ada Quillon,Ethics,2019-06-14\n",
                    encoding="utf-8")
    message = refused(small_package, path, "--column acadis_id='State ID': that header is a name of state_id",
                      "--blank-field acadis_id", source="ma-training",
                      extra=("--received", "2024-01-01", "--column", "acadis_id=State ID"))
    assert "MA123456" not in message


def test_a_header_naming_a_closed_category_beside_a_field_s_name_is_not_shown_and_the_refusal_is_whole(small_package, tmp_path):
    """An attack run after the twentieth: a column headed "Officer Name (DOB)" beside "Officer Name" stopped the import
    with a message withheld whole ("the rest of this message is withheld"): its header, shown, named a date of birth.
    The column is named by its place, the rest of the message given."""
    path = tmp_path / "h2.csv"
    path.write_text('"Officer Name","License Status","License Class","Officer Name (DOB)"\n'
                    '"Doe, Jane",Revoked,unknown,1970-01-02\n', encoding="utf-8")
    message = refused(small_package, path, "column 4 (its header is not shown) and column 1 ('Officer Name') may both be "
                      "officer_name", "--column officer_name=HEADER")
    assert "withheld" not in message and "1970" not in message


def test_a_column_chosen_for_a_field_is_read_before_one_under_the_field_s_own_name(small_package, tmp_path):
    """A second attack run after the twentieth: with --column license_status="Current Lic", the column headed "License
    Status" (the field's own name) was read all the same and the chosen one dropped: Revoked was published for an
    officer the chosen column called Surrendered."""
    path = tmp_path / "current.csv"
    path.write_text("Officer Name,License Status,Current Lic,License Class,Commissioning Agency\n"
                    '"Quillon, Ada",Revoked,Surrendered,unknown,\n', encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path), "--column", "license_status=Current Lic")
    assert result.returncode == 0, result.stderr
    assert [r["license_status"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["Surrendered"]
    assert "dropped column 2 (License Status, another column of license_status; column 3, chosen with --column" in result.stderr
