"""An independent trial with hand-written release files: what an import let through without a word, or refused with
advice that misled. Names are made up; no real officer is named."""
import openpyxl

from .conftest import run_cli, settle_ma_disclosure
from .test_importers import read_csv

HEADER = "Name,License Status,License Class,Commissioning Agency\n"


def unchanged(root):
    """The package's CSVs and descriptor, to compare after a refused import."""
    return {p.name: p.read_bytes() for p in [*(root / "data").glob("*.csv"), root / "datapackage.json"]}


def refused(root, path, *expected, source="mo-roster", extra=()):
    """Import path, expect a refusal whose message holds every expected text, and that nothing changed."""
    before = unchanged(root)
    result = run_cli(root, "import", source, str(path), *extra)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr, (text, result.stderr)
    assert unchanged(root) == before
    return result.stderr


def test_an_unclosed_quote_that_swallows_the_rows_after_it_is_refused_at_its_row_and_field(small_package, tmp_path):
    """The trial: row 3's agency opened a quote it never closed; the next three officers' rows went into its cell
    (line breaks folded to spaces), three officers were dropped and the import succeeded."""
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + '"Quillon, Ada",Revoked,unknown,Columbia Police Department\n'
                    'Tomas Brackwater,Revoked,unknown,"Millbrook Police Department\n'
                    "Lise Fennimore,Revoked,unknown,Columbia PD\nPell Ostrander,Surrendered,unknown,Columbia PD\n"
                    "Nell Varga,Revoked,unknown,Columbia PD\n", encoding="utf-8")
    stderr = refused(small_package, path, "roster.csv, row 3, field agency_name: a cell running from line 3 to line 6",
                     "a quote that is not closed")
    assert "Millbrook" not in stderr and "Fennimore" not in stderr
    # in a column that is not read, a cell over lines is kept out of the way (a note typed over two lines) unless
    # its lines are shaped as the file's rows: then rows would be lost
    path.write_text("Name,License Status,License Class,Notes\n"
                    '"Quillon, Ada",Revoked,unknown,"a note\ntyped over two lines"\n'
                    '"Varga, Nell",Revoked,unknown,"never closed\nLise Fennimore,Revoked,unknown,x\n'
                    "Pell Ostrander,Revoked,unknown,x\n", encoding="utf-8")
    refused(small_package, path, "roster.csv, row 3, column 4 (not read): a cell running from line 4 to line 6")
    path.write_text("Name,License Status,License Class,Notes\n"
                    '"Quillon, Ada",Revoked,unknown,"a note\ntyped over two lines"\n"Varga, Nell",Revoked,unknown,\n',
                    encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path), "--blank-field", "agency_id")  # (Notes may be no agency's)
    assert result.returncode == 0, result.stderr
    assert len(read_csv(small_package / "data" / "mo_officers.csv")) == 2


def test_a_suffix_column_beside_a_full_name_is_kept_in_the_name_and_other_parts_are_never_dropped(small_package, tmp_path):
    """The trial: a Suffix column beside a full Name column was dropped without a word: "Harrowgate, Elias" Jr. and
    Sr. were published as two indistinguishable officers (one of them revoked), and "II" left Oyelaran's name."""
    path = tmp_path / "roster.csv"
    path.write_text("Name,Suffix,License Status,License Class,Commissioning Agency\n"
                    '"Harrowgate, Elias",Jr.,Revoked,unknown,Columbia Police Department\n'
                    '"Harrowgate, Elias",Sr.,Surrendered,unknown,Columbia Police Department\n'
                    '"Oyelaran, Adebayo",II,Revoked,unknown,Columbia Police Department\n'
                    '"Quillon, Ada V",V,Revoked,unknown,Columbia Police Department\n', encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 0, result.stderr
    assert "3 name(s) of the full-name column take the suffix" in result.stderr, result.stderr
    names = sorted(r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv"))
    assert names == ["Harrowgate, Elias Jr.", "Harrowgate, Elias Sr.", "Oyelaran, Adebayo II", "Quillon, Ada V"]
    # a middle (or last, or first) name the full name does not hold cannot be placed in it: refused, not dropped
    path.write_text("Name,Middle Initial,License Status,License Class\n"
                    '"Harrowgate, Elias Q",Q.,Revoked,unknown\n"Harrowgate, Elias",T,Surrendered,unknown\n', encoding="utf-8")
    stderr = refused(small_package, path, "roster.csv, row 3, field middle_name: the file has a full-name column and a "
                     "middle_name column, and the name does not hold this middle_name")
    assert "Harrowgate" not in stderr


def test_a_question_mark_left_for_a_letter_is_refused_by_row_and_field(small_package, tmp_path):
    """The trial: "D?ng, Nguy?n", what a Latin-1 export writes for letters it lacks, was published; a replacement
    character or mojibake was already refused. A course's name may still end a question."""
    path = tmp_path / "roster.csv"
    for line, field in (('"D?ng, Nguy?n",Revoked,unknown,', "officer_name"),
                        ('"Quillon, Ada",Revoked,unknown,Ł?d? Police Department', "agency_name"),
                        ('"Quillon, Ada",Revoked,unknown,Columbia Police Department?', "agency_name")):
        path.write_text(HEADER + '"Varga, Nell",Revoked,unknown,\n' + line + "\n", encoding="utf-8")
        stderr = refused(small_package, path, f"roster.csv, row 3, field {field}: a question mark where a letter should "
                         "be", "UTF-8")
        assert "D?ng" not in stderr and "?d?" not in stderr
    settle_ma_disclosure(small_package)
    training = tmp_path / "training.csv"
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n"
                        "555001,Ada Quillon,Use of Force: When?,2019-06-14\n", encoding="utf-8")
    result = run_cli(small_package, "import", "ma-training", str(training), "--received", "2024-01-01")
    assert result.returncode == 0, result.stderr
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n"
                        "555001,Ada Quillon,Use of Force: When?,2019-06-14\n555001,Ada Quillon,Kurs j?zyka,2019-07-01\n",
                        encoding="utf-8")
    refused(small_package, training, "training.csv, row 3, field course_name: a question mark", source="ma-training",
            extra=("--received", "2024-01-01"))


def test_a_workbook_with_a_roster_on_two_sheets_is_refused_with_advice_that_keeps_both(small_package, tmp_path):
    """The trial: licensed and revoked officers on two sheets were refused with "keep the release's sheet alone in the
    workbook", which would drop every revoked officer."""
    workbook = openpyxl.Workbook()
    licensed = workbook.active
    revoked = workbook.create_sheet("Revoked")
    for sheet, row in ((licensed, ["Quillon, Ada", "Sample status A", "unknown"]), (revoked, ["Varga, Nell", "Revoked", "unknown"])):
        sheet.append(["Name", "License Status", "License Class"])
        sheet.append(row)
    workbook.save(tmp_path / "roster.xlsx")
    stderr = refused(small_package, tmp_path / "roster.xlsx", "roster.xlsx: sheets 1, 2 each hold a roster's header row",
                     "copy the rows of every roster sheet into the first")
    assert "alone" not in stderr


def test_a_title_above_the_header_a_utf16_export_and_another_delimiter_are_read_or_named(small_package, tmp_path):
    """The trial: a CSV with a title and a blank row above its header was refused as "row 3: 4 cells where the header
    has 1" (a workbook's header is looked for in its first rows), a UTF-16 export as "NUL byte; the file is not a text
    export", and a tab- or semicolon-separated file as a comma problem or unknown headers (now read)."""
    path = tmp_path / "roster.csv"
    path.write_text("Missouri POST roster of licensees\n\n" + HEADER + '"Quillon, Ada",Revoked,unknown,Columbia PD\n'
                    '"Varga, Nell",Revoked,unknown,Columbia PD\n', encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 0, result.stderr
    assert "roster.csv: the header is row 3; row(s) 1 above it (a title) are not read" in result.stderr, result.stderr
    assert len(read_csv(small_package / "data" / "mo_officers.csv")) == 2
    path.write_text("Missouri POST roster of licensees\n\n" + HEADER + '"Quillon, Ada",Revoked,unknown,Columbia PD\n'
                    '"Varga, 1970-01-02",Revoked,unknown,Columbia PD\n', encoding="utf-8")
    refused(small_package, path, "roster.csv, row 5, field officer_name")  # rows numbered as the file counts them
    workbook = openpyxl.Workbook()
    workbook.active.append(["Missouri POST roster of licensees"])
    workbook.active.append(HEADER.strip().split(","))
    workbook.active.append(["Quillon, Ada", "Revoked", "unknown", "Columbia PD"])
    workbook.save(tmp_path / "roster.xlsx")
    result = run_cli(small_package, "import", "mo-roster", str(tmp_path / "roster.xlsx"))
    assert result.returncode == 0, result.stderr
    assert "roster.xlsx [sheet 1]: the header is row 2; row(s) 1 above it (a title) are not read" in result.stderr
    text = 'Name\tLicense Status\tLicense Class\r\n"Quillon, Ada"\tRevoked\tunknown\r\n'
    for encoding in ("utf-16", "utf-16-le"):
        path.write_bytes(text.encode(encoding))
        stderr = refused(small_package, path, "roster.csv: the file is UTF-16 text", "CSV UTF-8 (Comma delimited)")
        assert "NUL byte" not in stderr
    for sign, name in (("\t", "tabs"), (";", "semicolons")):  # read with their sign since the eighteenth's trial
        path.write_text(f"Name{sign}License Status{sign}License Class\n\"Quillon, Ada\"{sign}Revoked{sign}unknown\n"
                        f"Nell Varga{sign}Revoked{sign}unknown\n", encoding="utf-8")
        result = run_cli(small_package, "import", "mo-roster", str(path), *(("--blank-field", "agency_id") if sign == "\t" else ()))
        assert result.returncode == 0 and f"roster.csv: its cells are separated by {name}, not commas" in result.stderr, result.stderr
        assert [r["officer_name"] for r in read_csv(small_package / "data" / "mo_officers.csv")] == ["Quillon, Ada", "Nell Varga"]


def test_placeholder_training_dates_are_named_and_one_after_the_release_was_received_refused(small_package, tmp_path):
    """The trial: completion dates 1/1/1900 and 2031-05-01 (after the release was received) were published
    without a word."""
    settle_ma_disclosure(small_package)
    path = tmp_path / "training.csv"
    lines = ["555001,Ada Quillon,Use of Force,1/1/1900", "555002,Pell Ostrander,Legal Updates,2019-05-01",
             "555003,Nell Varga,Legal Updates,1970-01-01", "555004,Lise Fennimore,Legal Updates,2031-05-01"]
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n" + "\n".join(lines) + "\n", encoding="utf-8")
    refused(small_package, path, "training.csv, row 5, field completion_date: a completion date after the day the "
            "release was received (2026-01-01)", source="ma-training", extra=("--received", "2026-01-01"))
    refused(small_package, path, "row 5, field completion_date: a completion date after today", source="ma-training")
    path.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n" + "\n".join(lines[:3]) + "\n", encoding="utf-8")
    result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2026-01-01")
    assert result.returncode == 0, result.stderr
    assert "warning: training.csv: 2 completion date(s) before 1950" in result.stderr, result.stderr
    assert "in row(s) 2, 4: published as released" in result.stderr
    dates = sorted(r["completion_date"] for r in read_csv(small_package / "data" / "ma_training.csv"))
    assert dates == ["1900-01-01", "1970-01-01", "2019-05-01"]


def test_an_import_says_how_many_published_identifiers_it_retires_and_refuses_to_retire_most(small_package, tmp_path):
    """The trial: a release writing "Marcus R Thistlewood" where the previous one had "Thistlewood, Marcus R" gave
    every Missouri officer a new identifier and retired every published one, without a word."""
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("Name,License Status,License Class\n" + "".join(
        f'"{last}, {given}",Revoked,unknown\n' for last, given in (("Thistlewood", "Marcus R"), ("Quillon", "Ada"),
                                                                  ("Varga", "Nell"), ("Fennimore", "Lise"))), encoding="utf-8")
    second.write_text("Name,License Status,License Class\nMarcus R Thistlewood,Revoked,unknown\nAda Quillon,Revoked,unknown\n"
                      "Nell Varga,Revoked,unknown\n\"Fennimore, Lise\",Revoked,unknown\n", encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(first), "--received", "2026-01-01")
    assert result.returncode == 0 and "retires" not in result.stderr, result.stderr  # a sample's ids: none published
    refused(small_package, second, "second.csv: the import would retire 3 of the 4 officer identifiers the previous "
            "release published, more than half", "--retire-most", extra=("--received", "2026-02-01"))
    result = run_cli(small_package, "import", "mo-roster", str(second), "--received", "2026-02-01", "--retire-most")
    assert result.returncode == 0, result.stderr
    assert "second.csv: retires 3 of the 4 officer identifiers the previous release published" in result.stderr
    assert len(read_csv(small_package / "data" / "mo_retired_ids.csv")) == 3
    # half or fewer: said, not refused
    third = tmp_path / "third.csv"
    third.write_text("Name,License Status,License Class\nMarcus R Thistlewood,Revoked,unknown\nAda Quillon,Revoked,unknown\n"
                     "\"Varga, Nell\",Revoked,unknown\n\"Fennimore, Lise\",Surrendered,unknown\n", encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(third), "--received", "2026-03-01")
    assert result.returncode == 0, result.stderr
    assert "third.csv: retires 1 of the 4 officer identifiers" in result.stderr, result.stderr
    # Massachusetts: a release holding part of the roster retires the Acadis IDs it lacks
    settle_ma_disclosure(small_package)
    training = tmp_path / "training.csv"
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n555001,Ada Quillon,Ethics,2019-06-14\n"
                        "555002,Nell Varga,Ethics,2019-06-14\n555003,Pell Ostrander,Ethics,2019-06-14\n", encoding="utf-8")
    assert run_cli(small_package, "import", "ma-training", str(training), "--received", "2024-01-01").returncode == 0
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n555001,Ada Quillon,Ethics,2019-06-14\n",
                        encoding="utf-8")
    refused(small_package, training, "would retire 2 of the 3 officer identifiers", source="ma-training",
            extra=("--received", "2024-02-01"))


def test_after_a_real_import_no_page_says_the_release_is_not_in_hand_nor_gives_the_sample_s_examples(small_package, tmp_path):
    """A trial after the sixteenth: after a real Massachusetts import, its resource's page still said MPTC's release
    "is not in our hands", its fields gave the sample's names as examples, and the release check passed both."""
    import json
    import re

    from certdata import pipeline
    settle_ma_disclosure(small_package)
    training = tmp_path / "training.csv"
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date\n"
                        "555001,Ada Quillon,Use of Force,2019-06-14\n555002,Bo Varga,Firearms,2019-06-15\n", encoding="utf-8")
    assert run_cli(small_package, "import", "ma-training", str(training), "--received", "2024-01-01").returncode == 0
    pipeline.build(root=small_package, progress=pipeline.Progress(quiet=True))
    site = small_package / "site"
    for page in ("resources/ma_training/index.html", "resources/ma_retired_ids/index.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert "not in our hands" not in text, page
        assert not re.findall(r"Example: [^<·]*\bSample\b", text), page
    dictionary = json.loads((site / "downloads" / "data-dictionary.json").read_text(encoding="utf-8"))
    assert not [e for e in dictionary if e["resource"] == "ma_training" and "Sample" in str(e["example"])]
    assert [e for e in dictionary if e["resource"] == "mo_officers" and "Sample" in str(e["example"])], \
        "a resource that is still the sample keeps its examples"
    # a description written before the import, that says what MPTC released is not described (a foreign-data trial
    # after the seventeenth), is named by the release check; rewritten from the letter, it passes
    result = run_cli(small_package, "release-check", "--partial", "true")
    assert result.returncode != 0 and "resource ma_training, description: says what the agency released is not described" \
        in result.stderr + result.stdout, result.stderr
    descriptor = json.loads((small_package / "datapackage.json").read_text(encoding="utf-8"))
    entry = next(r for r in descriptor["resources"] if r["name"] == "ma_training")
    entry["description"] = "Training records as MPTC's letter describes its release."
    (small_package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    result = run_cli(small_package, "release-check", "--partial", "true")
    assert "resource ma_training, description" not in result.stderr + result.stdout, result.stderr
    # a description that says the release is not in hand is named by the release check
    entry["description"] += " MPTC's release is not in our hands."
    (small_package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    result = run_cli(small_package, "release-check", "--partial", "true")
    assert result.returncode != 0 and "resource ma_training, description" in result.stderr + result.stdout, result.stderr


def test_an_agency_written_another_way_in_the_next_release_is_named_at_the_import(small_package, tmp_path):
    """A trial after the sixteenth: "Kansas City PD" written "Kansas City Police Dept." in the next release was
    published as its officers changing agency, without a word at the import."""
    officers = (("Thistlewood, Marcus R", "Revoked"), ("Quillon, Ada", "Revoked"), ("Varga, Nell", "Revoked"))
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(HEADER + "".join(f'"{n}",{s},unknown,Kansas City PD\n' for n, s in officers)
                     + '"Fennimore, Lise",Revoked,unknown,Joplin Police Department\n', encoding="utf-8")
    second.write_text(HEADER + "".join(f'"{n}",{s},unknown,Kansas City Police Dept.\n' for n, s in officers)
                      + '"Fennimore, Lise",Revoked,unknown,Joplin Police Department\n', encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(first), "--received", "2026-01-01")
    assert result.returncode == 0 and "written another way" not in result.stderr, result.stderr  # the sample's: nothing
    result = run_cli(small_package, "import", "mo-roster", str(second), "--received", "2026-02-01")
    assert result.returncode == 0, result.stderr
    assert ("warning: second.csv: no record of this release names the agency MO-kansas-city-pd, and 3 of its 3 "
            "officers (by name) are now under MO-kansas-city-police-dept, an agency new in this release") in result.stderr
    assert result.stderr.count("written another way") == 1  # Joplin's officer stayed where she was
    # one officer moving to a new agency is no re-spelling
    third = tmp_path / "third.csv"
    third.write_text(HEADER + "".join(f'"{n}",{s},unknown,Kansas City Police Dept.\n' for n, s in officers)
                     + '"Fennimore, Lise",Revoked,unknown,Carthage Police Department\n', encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(third), "--received", "2026-03-01")
    assert result.returncode == 0 and "written another way" not in result.stderr, result.stderr


def test_the_roster_s_counts_name_the_release_they_count_and_count_rows(small_package, tmp_path):
    """A foreign-data trial after the seventeenth: the figures page's roster tables, headed "Officers", counted rows
    (47 repeated rows among them) and named no release nor date."""
    from certdata import pipeline
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER + '"Quillon, Ada",Revoked,unknown,Joplin Police Department\n'
                      '"Quillon, Ada",Revoked,unknown,Joplin Police Department\n', encoding="utf-8")
    assert run_cli(small_package, "import", "mo-roster", str(roster), "--received", "2026-01-02").returncode == 0
    pipeline.build(root=small_package, progress=pipeline.Progress(quiet=True))
    page = (small_package / "site" / "mo-post-figures" / "index.html").read_text(encoding="utf-8")
    roster_part = page[page.index('id="the-roster'):]
    assert "received 2026-01-02" in roster_part and "(as received)" in roster_part
    assert "<th>Roster rows</th>" in roster_part and "<th>Officers</th>" not in roster_part
    assert "<td>Revoked</td><td>2</td>" in roster_part.replace("\n", "")
