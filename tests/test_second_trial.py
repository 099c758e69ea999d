"""A second independent trial with hand-written release files (CSV and XLSX, as POST or MPTC might send them): a
later release that lacks a column, placeholders, footers, unknown code-sheet values, names in parts. Names and
agencies are made up; no real officer is named."""
from .conftest import run_cli, settle_agency_disclosure, settle_ma_disclosure
from .test_importers import read_csv
from .test_release_trial import refused

ROSTER = ("Name,License Status,License Class,Agency\n\"Thistlewood, Marcus\",Revoked,unknown,Quillfeather Police Department\n"
          "\"Quillon, Ada\",Surrendered,unknown,Varga County Sheriff's Office\n"
          "\"Quillon, Ada\",Revoked,unknown,Quillfeather Police Department\n")


def imported(root, path, *extra, source="mo-roster"):
    result = run_cli(root, "import", source, str(path), *extra)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_a_later_release_without_a_published_column_is_refused_unless_the_blanking_is_asked_for(small_package, tmp_path):
    """The trial: a second roster without its Agency column (or with it under a header POST renamed) blanked every
    officer's agency, took every Missouri agency out of agencies.csv and retired a namesake's identifier; an Acadis
    export without its State ID column blanked the published State IDs."""
    first = tmp_path / "first.csv"
    first.write_text(ROSTER, encoding="utf-8")
    imported(small_package, first, "--received", "2026-01-01")
    for name, header in (("no-agency.csv", "Name,License Status,License Class\n"),
                         ("renamed.csv", "Name,License Status,License Class,Commissioned By\n")):
        second = tmp_path / name
        lines = ROSTER.splitlines()[1:]
        second.write_text(header + "".join((line if "By" in header else line.rsplit(",", 1)[0]) + "\n" for line in lines),
                          encoding="utf-8")
        refused(small_package, second, f"{name}: the previous release published values of agency_id (agency_id in 3 of "
                "the previous release's 3 rows)", "COLUMNS in the state's module (mo.py)", "--blank-field agency_id",
                extra=("--received", "2026-02-01"))
    result = imported(small_package, tmp_path / "no-agency.csv", "--received", "2026-02-01", "--blank-field", "agency_id",
                      "--retire-most")
    assert {r["agency_id"] for r in read_csv(small_package / "data" / "mo_officers.csv")} == {""}, result
    refused(small_package, tmp_path / "no-agency.csv", "--blank-field state_id: not a field of mo_officers",
            extra=("--blank-field", "state_id"))
    settle_ma_disclosure(small_package)
    settle_agency_disclosure(small_package)
    training = tmp_path / "training.csv"
    training.write_text("Acadis ID,State ID,Officer Name,Course Name,Completion Date\n"
                        "555001,MA123456,Ada Quillon,Ethics,2019-06-14\n555002,,Nell Varga,Ethics,2019-06-14\n", encoding="utf-8")
    imported(small_package, training, "--received", "2024-01-01", source="ma-training")
    supplemental = tmp_path / "supplemental.csv"
    supplemental.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n555001,Ada Quillon,Ethics,2019-06-14\n"
                            "555002,Nell Varga,Ethics,2019-06-14\n", encoding="utf-8")
    refused(small_package, supplemental, "values of state_id (state_id in 1 of the previous release's 2 rows)",
            "--blank-field state_id", source="ma-training", extra=("--received", "2024-02-01"))


def test_a_roster_without_a_column_the_schema_does_not_require_is_imported_when_its_blanking_is_asked_for(small_package, tmp_path):
    """A foreign-data trial after the twentieth: a roster without a class column (the statute's open fields are name,
    status and agency; POST released the class too) could not be imported, --blank-field license_class or not: the
    importer required the column, and a sample's field was "not blanked by the import". A column the schema requires
    stays required; with chosen columns, the refusal of a blanked field is an error, not a traceback."""
    roster = tmp_path / "no-class.csv"
    roster.write_text("Name,Lic Stat,Agency\n\"Thistlewood, Marcus\",Revoked,Quillfeather Police Department\n", encoding="utf-8")
    refused(small_package, roster, "missing column(s) license_class", extra=("--column", "license_status=Lic Stat"))
    imported(small_package, roster, "--received", "2026-01-01", "--blank-field", "license_class",
             "--column", "license_status=Lic Stat")
    assert [(r["officer_name"], r["license_status"], r["license_class"]) for r in read_csv(
        small_package / "data" / "mo_officers.csv")] == [("Thistlewood, Marcus", "Revoked", "")]
    no_status = tmp_path / "no-status.csv"
    no_status.write_text("Name,License Class,Agency\n\"Quillon, Ada\",unknown,\n", encoding="utf-8")
    refused(small_package, no_status, "missing column(s) license_status", extra=("--blank-field", "license_status"))
    with_class = tmp_path / "with-class.csv"
    with_class.write_text("Name,Lic Stat,License Class,Agency\n\"Quillon, Ada\",Revoked,unknown,\n", encoding="utf-8")
    refused(small_package, with_class, "--blank-field license_class: the import does not blank this field",
            extra=("--blank-field", "license_class", "--column", "license_status=Lic Stat"))
    no_agency = tmp_path / "no-agency.csv"
    no_agency.write_text("Name,Lic Stat\n\"Thistlewood, Marcus\",Revoked\n", encoding="utf-8")
    refused(small_package, no_agency, "the previous release published values of agency_id",
            "COLUMNS in the state's module (mo.py)", extra=("--received", "2026-02-01", "--blank-field", "license_class",
                                                             "--column", "license_status=Lic Stat"))


def test_a_placeholder_for_no_agency_is_no_agency_and_a_placeholder_name_is_refused_as_blank(small_package, tmp_path):
    """The trial: N/A, NONE, No Agency and (blank) in the agency column became agencies MO-n-a, MO-none, MO-no-agency
    and MO-blank, with pages listing revoked officers; a lone dash was refused as a spreadsheet formula."""
    roster = tmp_path / "placeholders.csv"
    roster.write_text("Name,License Status,License Class,Agency\n" + "".join(
        f'"{name}",Revoked,unknown,{agency}\n' for name, agency in (
            ("Thistlewood, Marcus", "N/A"), ("Quillon, Ada", "NONE"), ("Varga, Nell", "No Agency"),
            ("Fennimore, Lise", "(blank)"), ("Ostrander, Pell", "-"), ("Na, Kim", "Quillfeather Police Department"))),
        encoding="utf-8")
    report = imported(small_package, roster, "--received", "2026-01-01")
    assert "5 cell(s) of agency_name hold a placeholder for no value" in report and "rows 2, 3, 4, 5, 6" in report, report
    rows = {r["officer_name"]: r["agency_id"] for r in read_csv(small_package / "data" / "mo_officers.csv")}
    assert rows["Thistlewood, Marcus"] == rows["Ostrander, Pell"] == "" and rows["Na, Kim"] == "MO-quillfeather-police-department"
    agencies = {r["agency_id"] for r in read_csv(small_package / "data" / "agencies.csv")}
    assert not agencies & {"MO-n-a", "MO-none", "MO-no-agency", "MO-blank", "MO-"}
    # a placeholder where a name or a status must be is refused as the blank it stands for, with that reason
    roster.write_text("Name,License Status,License Class\nN/A,Revoked,unknown\n", encoding="utf-8")
    refused(small_package, roster, "row 2, field officer_name: the name is blank (or a placeholder for none")
    roster.write_text("Name,License Status,License Class\n\"Quillon, Ada\",-,unknown\n", encoding="utf-8")
    message = refused(small_package, roster, "row 2, field license_status: the value is blank (or a placeholder")
    assert "formula" not in message
    settle_ma_disclosure(small_package)
    settle_agency_disclosure(small_package)
    training = tmp_path / "training.csv"
    training.write_text("Acadis ID,State ID,Officer Name,Course Name,Completion Date,Agency\n"
                        "555001,N/A,Ada Quillon,Ethics,2019-06-14,None\n", encoding="utf-8")
    imported(small_package, training, "--received", "2024-01-01", source="ma-training")
    assert [(r["state_id"], r["agency_id"]) for r in read_csv(small_package / "data" / "ma_training.csv")] == [("", "")]
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n555001,Ada Quillon,n/a,2019-06-14\n",
                        encoding="utf-8")
    refused(small_package, training, "row 2, field course_name: the value is blank (or a placeholder", source="ma-training")


def test_a_roster_s_words_for_no_agency_are_no_agency_and_the_class_unknown_stays(small_package, tmp_path):
    """A foreign-data trial after the seventeenth: "NOT COMMISSIONED" was published as the agency MO-not-commissioned
    with 1,110 officers; "Unknown", "Uncommissioned" and "*No Agency*" passed as agencies too. POST's class "unknown"
    is a value, and stays."""
    roster = tmp_path / "words.csv"
    roster.write_text("Name,License Status,License Class,Agency\n" + "".join(
        f'"{name}",Revoked,unknown,{agency}\n' for name, agency in (
            ("Thistlewood, Marcus", "NOT COMMISSIONED"), ("Quillon, Ada", "Unknown"), ("Varga, Nell", "*No Agency*"),
            ("Fennimore, Lise", "Uncommissioned"), ("Ostrander, Pell", "Unknown Police Department"))),
        encoding="utf-8")
    report = imported(small_package, roster, "--received", "2026-01-01")
    assert "4 cell(s) of agency_name hold a placeholder for no value" in report and "rows 2, 3, 4, 5" in report, report
    rows = {r["officer_name"]: (r["agency_id"], r["license_class"]) for r in read_csv(small_package / "data" / "mo_officers.csv")}
    assert {name: agency for name, (agency, _) in rows.items()} == {
        "Thistlewood, Marcus": "", "Quillon, Ada": "", "Varga, Nell": "", "Fennimore, Lise": "",
        "Ostrander, Pell": "MO-unknown-police-department"}
    assert {klass for _, klass in rows.values()} == {"unknown"}


def test_a_missing_column_is_named_with_the_file_when_closed_columns_are_beside_it(small_package, tmp_path):
    """The trial: headers "Licensee, DOB, License Status, ..." (or an Acadis export with Date of Birth, Gender, Race and
    City columns) gave only "error: import failed: (the rest of this message is withheld ...)": the safe message
    "... also DOB; 3 more not shown" was read as a date of birth. Closed columns' names and counts are no closed value."""
    roster = tmp_path / "licensees.csv"
    roster.write_text("Licensee,DOB,License Status,License Class,Gender,Notes,Remarks,Badge\n"
                      "\"Quillon, Ada\",01/02/1970,Revoked,unknown,F,x,y,z\n", encoding="utf-8")
    message = refused(small_package, roster, "licensees.csv: missing column(s) officer_name (for example 'Officer Name')",
                      "recognised License Status, License Class; also 'Notes', 'Remarks', 'Badge'; 1 more not shown",
                      "columns of closed categories (not read): DOB, Gender")
    assert "withheld" not in message and "1970" not in message
    settle_ma_disclosure(small_package)
    training = tmp_path / "acadis.csv"
    training.write_text("Acadis ID,Student,Date of Birth,Gender,Race,City,Course Name,Completion Date\n"
                        "555001,Ada Quillon,01/02/1970,F,W,Quincy,Ethics,2019-06-14\n", encoding="utf-8")
    message = refused(small_package, training, "acadis.csv: missing column(s) officer_name", "Date of Birth, Gender, "
                      "Race, City", source="ma-training")
    assert "withheld" not in message and "Quincy" not in message


def test_a_message_that_cannot_be_shown_whole_keeps_what_locates_it():
    from certdata import redaction
    line = redaction.safe_line("import failed: roster.xlsx [sheet 2], row 5, field agency_name: call 573-555-0142 now")
    assert line.startswith("import failed: roster.xlsx [sheet 2], row 5, field agency_name: (the rest of this message")
    assert "0142" not in line
    assert "1970" not in redaction.safe_line("import failed: born 1970-01-02: roster.xlsx")


def test_footers_repeated_headers_and_a_long_title_are_named_for_what_they_are(small_package, tmp_path):
    """The trial: "Total Licensees: 16" was refused as a date of birth or an age, "*** End of Report ***" and a header
    row repeated mid-file as values to add to the code sheet (which would publish an officer named "Name"), MPTC's
    "Record Count: 10" as a blank name, and a title of 11 rows as headers of no known name."""
    body = '"Quillon, Ada",Revoked,unknown\n"Varga, Nell",Surrendered,unknown\n'
    roster = tmp_path / "roster.csv"
    for footer in ("Total Licensees: 16", "*** End of Report ***"):  # not read, since the eighteenth's trial
        roster.write_text(f"Name,License Status,License Class\n{body}\n{footer},,\n", encoding="utf-8")
        result = run_cli(small_package, "import", "mo-roster", str(roster))
        assert result.returncode == 0 and "roster.csv, row(s) 5: below the last record, a report's footer" in result.stderr
        assert "code sheet" not in result.stderr and "birth" not in result.stderr and footer not in result.stderr
    roster.write_text(f"Name,License Status,License Class\n{body}Name,License Status,License Class\n{body}"
                      "NAME,STATUS,CLASS\n" + body, encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(roster))  # not read, since the twenty-first's trial
    assert result.returncode == 0 and "roster.csv, row(s) 4, 7: the header row again" in result.stderr
    assert "code sheet" not in result.stderr and len(read_csv(small_package / "data" / "mo_officers.csv")) == 6
    roster.write_text(f"Name,License Status,License Class\n{body}Page 1 of 2,,\n{body}", encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(roster))
    assert result.returncode == 0 and "roster.csv, row(s) 4: the header row again or a page's number" in result.stderr
    roster.write_text(f"Name,License Status,License Class\n{body}Revoked licensees,,\n{body}", encoding="utf-8")
    refused(small_package, roster, "roster.csv, row 4, field officer_name: the row's only cell (not shown)")
    roster.write_text("Licensee roster\n" * 11 + f"Name,License Status,License Class\n{body}", encoding="utf-8")
    refused(small_package, roster, "the header row is looked for in the first 10 rows only")
    settle_ma_disclosure(small_package)
    training = tmp_path / "training.csv"
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n555001,Ada Quillon,Ethics,2019-06-14\n"
                        "Record Count: 10,,,\n", encoding="utf-8")
    result = run_cli(small_package, "import", "ma-training", str(training))
    assert result.returncode == 0 and "training.csv, row(s) 3: below the last record" in result.stderr
    assert "blank" not in result.stderr


def test_every_value_the_code_sheets_do_not_hold_is_named_in_one_refusal(small_package, tmp_path):
    """The trial: a refusal named row 2's unknown status but not the second unknown value, at row 7; a maintainer
    learnt of it only after adding the first to the code sheet and importing again."""
    roster = tmp_path / "roster.csv"
    roster.write_text("Name,License Status,License Class\n" + "".join(f'"{name}",{status},{klass}\n' for name, status, klass in (
        ("Quillon, Ada", "Active", "unknown"), ("Varga, Nell", "Revoked", "unknown"), ("Ostrander, Pell", "ACTIVE", "unknown"),
        ("Fennimore, Lise", "Revoked", "Class Z"), ("Thistlewood, Marcus", "Revoked", "unknown"),
        ("Orly, Bram", "Inactive", "unknown"))), encoding="utf-8")
    message = refused(small_package, roster, "row 2, field license_status: the value (not shown) is not in the code sheet",
                      "row 5, field license_class: the value (not shown)", "row 7, field license_status: the value (not shown)",
                      "3 distinct value(s)", "data/mo_license_classes.csv and data/mo_license_statuses.csv")
    assert "row 4" not in message and "Active" not in message and "Inactive" not in message


def test_an_acadis_export_with_split_name_columns_is_read_as_missouri_s_is(small_package, tmp_path):
    """The trial: an Acadis export with Last, First, Middle and Suffix columns (and closed ones beside them) was
    refused for a missing name column; Missouri's importer composes such parts."""
    settle_ma_disclosure(small_package)
    training = tmp_path / "acadis.csv"
    training.write_text("Acadis ID,Last,First,Middle,Suffix,Date of Birth,Gender,Course Name,Completion Date\n"
                        "555001,Quillon,Ada,M,Jr.,01/02/1970,F,Ethics,2019-06-14\n555002,Varga,Nell,,,03/04/1975,F,Ethics,"
                        "2019-06-14\n", encoding="utf-8")
    report = imported(small_package, training, "--received", "2024-01-01", source="ma-training")
    assert "1970" not in report
    assert [r["officer_name"] for r in read_csv(small_package / "data" / "ma_training.csv")] == [
        "Quillon, Ada M Jr.", "Varga, Nell"]


def test_a_change_of_the_names_form_is_counted_in_one_refusal_not_found_one_officer_per_run(small_package, tmp_path):
    """The trial: MPTC names written "First Last" where the previous release had "Last, First" were refused one Acadis
    ID per run ("--same-officer 100234"), with no count of how many were affected."""
    settle_ma_disclosure(small_package)
    people = [("555001", "Quillon, Ada"), ("555002", "Varga, Nell"), ("555003", "Ostrander, Pell"), ("555004", "Orly, Bram")]
    training = tmp_path / "training.csv"

    def write(names):
        training.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n" + "".join(
            f'{acadis},"{name}",Ethics,2019-06-14\n' for acadis, name in names), encoding="utf-8")
    write(people)
    imported(small_package, training, "--received", "2024-01-01", source="ma-training")
    write([(acadis, " ".join(reversed(name.split(", ")))) if acadis != "555004" else (acadis, name) for acadis, name in people])
    message = refused(small_package, training, "training.csv: 3 of the 4 Acadis IDs the previous release published",
                      "row 2 (Acadis ID 555001), row 3 (Acadis ID 555002), row 4 (Acadis ID 555003)",
                      "a change of the names' form", source="ma-training", extra=("--received", "2024-02-01"))
    assert "Ada" not in message and "Quillon" not in message


def test_an_import_says_how_many_of_the_previous_release_s_records_it_no_longer_holds(small_package, tmp_path):
    """The trial: an Acadis export holding half of each officer's training records said only "retires 0 of the 7
    officer identifiers"."""
    settle_ma_disclosure(small_package)
    training = tmp_path / "training.csv"
    courses = ["Ethics", "Firearms", "Legal Updates", "First Aid"]
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n" + "".join(
        f"55500{i},Ada Quillon{'' if i == 1 else ' ' + 'Jr.'},{course},2019-06-1{n}\n"
        for i in (1, 2) for n, course in enumerate(courses)), encoding="utf-8")
    imported(small_package, training, "--received", "2024-01-01", source="ma-training")
    lines = training.read_text(encoding="utf-8").splitlines()
    training.write_text("\n".join(lines[:1] + lines[1::2]) + "\n", encoding="utf-8")
    report = imported(small_package, training, "--received", "2024-02-01", source="ma-training")
    assert "retires 0 of the 2 officer identifiers" in report, report
    assert "training.csv: 4 of the 8 records (rows) the previous release published are not in this one (by record_id): " \
           "check that the file holds the whole release" in report, report


def test_agency_names_that_differ_by_an_abbreviation_are_named_in_a_warning(small_package, tmp_path):
    """The trial: "St. Louis Metropolitan Police Department" and "ST. LOUIS METROPOLITAN POLICE DEPT" (and MPTC's
    "Quincy Police Department" and "Quincy Police Dept.") became two agencies without a word."""
    roster = tmp_path / "roster.csv"
    roster.write_text("Name,License Status,License Class,Agency\n"
                      '"Quillon, Ada",Revoked,unknown,St. Louis Metropolitan Police Department\n'
                      '"Varga, Nell",Revoked,unknown,Quillfeather Police Department\n'
                      '"Orly, Bram",Revoked,unknown,ST. LOUIS METROPOLITAN POLICE DEPT\n', encoding="utf-8")
    report = imported(small_package, roster, "--received", "2026-01-01")
    assert ('"St. Louis Metropolitan Police Department" (row 2) and "ST. LOUIS METROPOLITAN POLICE DEPT" (row 4)'
            in report), report
    assert "Quillfeather" not in report.split("warning:")[-1]
    settle_ma_disclosure(small_package)
    settle_agency_disclosure(small_package)
    training = tmp_path / "training.csv"
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Agency\n"
                        "555001,Ada Quillon,Ethics,2019-06-14,Quincy Police Department\n"
                        "555002,Nell Varga,Ethics,2019-06-14,Quincy Police Dept.\n", encoding="utf-8")
    report = imported(small_package, training, "--received", "2024-01-01", source="ma-training")
    assert '"Quincy Police Department" (row 2) and "Quincy Police Dept." (row 3)' in report, report
    # a state's name abbreviated, in the state module's words (a foreign-data trial after the twentieth)
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Agency\n"
                        "555001,Ada Quillon,Ethics,2019-06-14,Massachusetts State Police\n"
                        "555002,Nell Varga,Ethics,2019-06-14,Mass. State Police\n", encoding="utf-8")
    report = imported(small_package, training, "--received", "2024-02-01", "--retire-most", source="ma-training")
    assert '"Massachusetts State Police" (row 2) and "Mass. State Police" (row 3)' in report, report


def test_the_import_help_lists_the_registered_importers(small_package):
    """The trial: `build.py import --help` named no importer source; the names come from the registered states."""
    result = run_cli(small_package, "import", "--help")
    assert result.returncode == 0 and "a state's importer: mo-roster, ma-training" in result.stdout, result.stdout


def test_every_row_refused_for_a_value_is_named_in_one_run(small_package, tmp_path):
    """A foreign-data trial after the seventeenth: 336 course names refused one row per run (336 runs to find them).
    Every row refused for a value is named at once, grouped by field and reason, no value shown."""
    roster = tmp_path / "dated.csv"
    lines = [f'"Doe, Jane {d}",Revoked,unknown,Springfield Police Department' for d in ("4/5/1971", "5/6/1972", "6/7/1973")]
    lines.insert(1, '"Roe, Ann",Revoked,unknown,Springfield Police Department')
    lines.append('"Poe, Al",Revoked,unknown,Springfield Police 555-0142')
    roster.write_text("Name,License Status,License Class,Agency\n" + "\n".join(lines) + "\n", encoding="utf-8")
    message = refused(small_package, roster, "rows 2, 4, 5, field officer_name:", "row 6, field agency_name:", "not shown")
    assert not any(value in message for value in ("1971", "1972", "1973", "0142")), message


def test_two_spellings_of_one_agency_s_name_are_refused_and_shown(small_package, tmp_path):
    """A foreign-data trial after the twentieth: "Sheriff's" beside "Sheriffs" was refused as one agency written two
    ways with neither name shown, although agency names are open and both had passed the checks; a name refused by
    the checks (a date of birth beside it) is still not shown."""
    roster = tmp_path / "spellings.csv"
    roster.write_text("Name,License Status,License Class,Agency\n"
                      "\"Quillon, Ada\",Revoked,unknown,Varga County Sheriff's Office\n"
                      "\"Thistlewood, Marcus\",Revoked,unknown,Varga County Sheriffs Office\n", encoding="utf-8")
    refused(small_package, roster, "rows 2 and 3, field agency_name", "(\"Varga County Sheriff's Office\" and "
            "'Varga County Sheriffs Office'")
    roster.write_text("Name,License Status,License Class,Agency\n"
                      "\"Quillon, Ada\",Revoked,unknown,Varga County Sheriff's Office DOB 1970-01-02\n"
                      "\"Thistlewood, Marcus\",Revoked,unknown,Varga County Sheriffs Office\n", encoding="utf-8")
    message = refused(small_package, roster, "row 2, field agency_name")
    assert "1970" not in message and "Varga" not in message
