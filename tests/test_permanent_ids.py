"""A cited officer URL never changes officer: ids are carried forward, namesakes get new ones, and
an id that cannot be matched with certainty is retired, answering with what became of it."""
import asyncio
import csv
import html
import io
import json

import openpyxl

from certdata import datasette, pipeline
from certdata.names import name_hash
from certdata.states import mo

from .conftest import run_cli

H = name_hash("Smith, John")


def rec(agency, status="Sample status A", klass="Sample class A"):
    return ("Smith, John", status, klass, agency)


def test_the_identical_record_keeps_its_id_when_a_namesake_appears():
    previous = [(f"MO-{H}-1", *rec("MO-a"))]
    ids, gone = mo.row_ids([rec("MO-b"), rec("MO-a")], previous)
    assert ids == [f"MO-{H}-2", f"MO-{H}-1"] and gone == []


def test_a_unique_name_keeps_its_id_through_a_change_of_status_or_agency():
    previous = [(f"MO-{H}-1", *rec("MO-a"))]
    ids, gone = mo.row_ids([rec("", status="Revoked")], previous)
    assert ids == [f"MO-{H}-1"] and gone == []


def test_a_unique_name_whose_class_or_both_status_and_agency_change_is_retired():
    """The second attack run: Foo PD and Revoked became Zed County and Surrendered: maybe another person."""
    previous = [(f"MO-{H}-1", *rec("MO-a", status="Revoked"))]
    ids, gone = mo.row_ids([rec("MO-z", status="Surrendered")], previous)
    assert gone == [f"MO-{H}-1"] and ids == [f"MO-{H}-2"]
    ids, gone = mo.row_ids([rec("MO-a", klass="unknown")], previous)
    assert gone == [f"MO-{H}-1"]


def test_the_same_words_in_another_order_are_another_name():
    """The third attack run: the id's hash ignores word order, so Thomas Ryan and Ryan Thomas share
    it; a previous record never passes its id to a different name."""
    previous = [(f"MO-{H}-1", *rec("MO-a", status="Revoked"))]
    swapped = ("John, Smith", "Revoked", "Sample class A", "MO-b")
    ids, gone = mo.row_ids([swapped], previous)
    assert gone == [f"MO-{H}-1"] and ids == [f"MO-{H}-2"]
    same_name_new_case = ("SMITH, JOHN", "Revoked", "Sample class A", "MO-b")  # formatting is not a new name
    assert mo.row_ids([same_name_new_case], previous) == ([f"MO-{H}-1"], [])


def test_names_in_other_scripts_or_with_letters_that_do_not_decompose_are_other_names():
    """The thirteenth attack run: the folding dropped every letter outside a-z, so "Иванов, Иван" and "Петров, Пётр"
    both folded to nothing and shared a hash, and "Weiß, Anna" and "Wei, Anna" one name: the only record of each
    took the other's id."""
    for old_name, new_name in (("Иванов, Иван", "Петров, Пётр"), ("Weiß, Anna", "Wei, Anna"), ("王伟", "李娜"),
                               ("Łaski, Ola", "Aski, Ola")):
        assert name_hash(old_name) != name_hash(new_name)
        h = name_hash(old_name)
        previous = [(f"MO-{h}-1", old_name, "Revoked", "Sample class A", "MO-a")]
        ids, gone = mo.row_ids([(new_name, "Revoked", "Sample class A", "MO-a")], previous)
        assert gone == [f"MO-{h}-1"] and ids == [f"MO-{name_hash(new_name)}-1"], (old_name, new_name)
    # what a reader types for them is the same name: ß as ss, Ł as L, ё as е, any case
    for written, typed in (("Weiß, Anna", "WEISS, ANNA"), ("Łaski, Ola", "Laski, Ola"), ("Пётр", "ПЕТР")):
        assert name_hash(written) == name_hash(typed)


def test_namesakes_that_both_change_are_retired_never_swapped():
    previous = [(f"MO-{H}-1", *rec("MO-a")), (f"MO-{H}-2", *rec("MO-b"))]
    ids, gone = mo.row_ids([rec("MO-c"), rec("MO-d")], previous)
    assert gone == [f"MO-{H}-1", f"MO-{H}-2"]
    assert sorted(ids) == [f"MO-{H}-3", f"MO-{H}-4"]


def test_the_namesake_left_after_pairing_an_identical_record_keeps_no_one_s_id():
    """The fourth attack run: Doe at Agency One and Agency Two, then Doe at Agency Three and Agency One.
    One kept its record; the other moved from Two to Three, or left while another Doe arrived: with two
    namesakes a side, the release cannot tell, so Agency Two's id is retired, never passed on."""
    previous = [(f"MO-{H}-1", *rec("MO-a")), (f"MO-{H}-2", *rec("MO-b"))]
    ids, gone = mo.row_ids([rec("MO-c"), rec("MO-a")], previous)
    assert ids == [f"MO-{H}-3", f"MO-{H}-1"] and gone == [f"MO-{H}-2"]


def test_a_retired_counter_is_never_used_again():
    ids, _ = mo.row_ids([rec("MO-a")], previous=[], retired=[f"MO-{H}-2"])
    assert ids == [f"MO-{H}-3"]


def test_a_record_that_left_the_release_is_retired():
    previous = [(f"MO-{H}-1", *rec("MO-a"))]
    ids, gone = mo.row_ids([("Doe, Jane", "Revoked", "unknown", "")], previous)
    assert gone == [f"MO-{H}-1"] and ids[0].startswith("MO-") and ids[0] != f"MO-{H}-1"


def roster(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "License Status", "License Class", "Commissioning Agency"])
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def test_a_cited_url_keeps_its_officer_across_releases_and_a_retired_one_says_what_happened(small_package, tmp_path):
    first = roster(tmp_path / "first.xlsx", [("Quill, Ada", "Sample status A", "Sample class A", "Sample City 001 Police Department"),
                                             ("Quill, Ada", "Revoked", "unknown", ""),
                                             ("Vane, Otto", "Sample status A", "Sample class A", "Sample City 002 Police Department")])
    assert run_cli(small_package, "import", "mo-roster", str(first), "--received", "2026-01-01").returncode == 0
    rows = {(r["license_status"], r["officer_name"]): r["row_id"] for r in csv.DictReader(open(small_package / "data" / "mo_officers.csv"))}
    cited_revoked, cited_vane = rows[("Revoked", "Quill, Ada")], rows[("Sample status A", "Vane, Otto")]
    cited_active = rows[("Sample status A", "Quill, Ada")]
    # the next release: a third Ada Quill appears, the active one moves agency (so the two cannot be told apart), Vane is revoked
    second = roster(tmp_path / "second.xlsx", [("Quill, Ada", "Sample status A", "Sample class A", "Sample City 003 Police Department"),
                                               ("Quill, Ada", "Sample status A", "Sample class B", "Sample City 004 Police Department"),
                                               ("Quill, Ada", "Revoked", "unknown", ""),
                                               ("Vane, Otto", "Revoked", "Sample class A", "")])
    result = run_cli(small_package, "import", "mo-roster", str(second), "--received", "2026-06-01")
    assert result.returncode == 0, result.stderr
    now = {r["row_id"]: r for r in csv.DictReader(open(small_package / "data" / "mo_officers.csv"))}
    assert now[cited_revoked]["license_status"] == "Revoked" and now[cited_revoked]["officer_name"] == "Quill, Ada"
    assert now[cited_vane]["officer_name"] == "Vane, Otto" and now[cited_vane]["license_status"] == "Revoked"
    assert cited_active not in now
    retired = {r["row_id"]: r for r in csv.DictReader(open(small_package / "data" / "mo_retired_ids.csv"))}
    assert retired[cited_active]["agency_id"] == "MO-sample-city-001-police-department"
    pipeline.build(root=small_package, progress=pipeline.Progress(quiet=True))
    app = datasette.app(small_package / "site" / "downloads" / "certification.db", small_package / "site" / "datasette" / "metadata.json")

    async def get(path):
        return await app.client.get(path)
    gone = asyncio.run(get(f"/officer/mo/{cited_active}"))
    assert gone.status_code == 410 and "is not in the current release" in gone.text and "Quill, Ada" in html.unescape(gone.text)
    # a retired identifier cited in capitals, or typed into the search, leads to the same account
    assert asyncio.run(get(f"/officer/mo/{cited_active.upper()}")).headers["location"] == f"/officer/mo/{cited_active}"
    searched = asyncio.run(app.client.get("/search", params={"q": cited_active}))
    assert searched.status_code == 302 and searched.headers["location"] == f"/officer/mo/{cited_active}"
    kept = asyncio.run(get(f"/officer/mo/{cited_revoked}"))
    assert kept.status_code == 200 and "3 records in this release carry this name" in kept.text
    citation = html.unescape(kept.text.split('class="citation">', 1)[1].split("</dd>", 1)[0])
    agency = asyncio.run(get("/agency/" + next(r["agency_id"] for r in now.values() if r["agency_id"])))
    assert "Listed from the records of" in agency.text and '<p class="caveat">Generated for testing' not in agency.text.split("agency-state--ma")[0]
    assert f"Missouri officer record {cited_revoked} (from the records of " in citation and f"/officer/mo/{cited_revoked} " in citation
    # a walk after the nineteenth: the citation named neither the agency whose records these are, nor the release
    assert "in answer to public-records request " in citation and "release received 2026-" in citation, citation


def test_the_namesake_count_counts_the_same_name_not_the_same_words_in_another_order(tmp_path):
    """The fact-check: "Thomas, Ryan" and "Ryan, Thomas" share an id's hash, but not a name."""
    from .conftest import make_package
    root = make_package(tmp_path / "pkg", mo_active=3, ma_officers=2, extra_mo=[
        ("Thomas, Ryan", "Sample status A", "Sample class A", ""), ("Thomas, Ryan", "Revoked", "unknown", ""),
        ("Ryan, Thomas", "Sample status A", "Sample class A", "")], extra_ma=[])
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    app = datasette.app(root / "site" / "downloads" / "certification.db", root / "site" / "datasette" / "metadata.json")
    ids = {(r["officer_name"], r["license_status"]): r["row_id"] for r in csv.DictReader(open(root / "data" / "mo_officers.csv"))}
    thomas = asyncio.run(app.client.get(f"/officer/mo/{ids[('Thomas, Ryan', 'Revoked')]}")).text
    ryan = asyncio.run(app.client.get(f"/officer/mo/{ids[('Ryan, Thomas', 'Sample status A')]}")).text
    assert "2 records in this release carry this name" in thomas
    assert "records in this release carry this name" not in ryan


def test_the_sample_never_writes_over_an_imported_release(tmp_path):
    """The v6 attack run: `build.py sample` on a package holding both releases overwrote them without a word, and
    the next import gave an id the real release had published to another person (a generated sample row stood in
    its place). The sample refuses to write over a release; written elsewhere (--out) it is fine."""
    from .conftest import make_real_release
    root = make_real_release(tmp_path / "pkg")
    before = {p: p.read_bytes() for p in (root / "data").glob("*.csv")}
    result = run_cli(root, "sample", "--size", "mo_active=20")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "data/mo_officers.csv" in result.stderr and "overwrite" in result.stderr, result.stderr
    assert {p: p.read_bytes() for p in (root / "data").glob("*.csv")} == before
    elsewhere = run_cli(root, "sample", "--size", "mo_active=20", "--out", str(tmp_path / "sample"))
    assert elsewhere.returncode == 0 and (tmp_path / "sample" / "mo_officers.csv").is_file(), elsewhere.stderr


def rewrite(path, change):
    """Edit a CSV of the package by its rows (dicts), keeping its header and line ends."""
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    fields = text.splitlines()[0].split(",")
    rows = change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n" if "\r\n" in text else "\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_a_hand_edit_that_would_give_a_cited_id_to_another_record_stops_the_build(small_package, tmp_path):
    """The tenth and eleventh attack runs: hand edits of data/mo_officers.csv or mo_retired_ids.csv (a correction, a
    contributor's pull request, a merge) were published under cited identifiers, and their addresses showed another
    person. Against the previous release, the build applies the importer's rule and refuses each; a change the
    importer lets an identifier follow (case, a status alone) still builds."""
    rows = [("Quill, Ada", "Sample status A", "Sample class A", "Sample City 001 Police Department"),
            ("Vane, Otto", "Revoked", "unknown", ""),
            ("Doe, John", "Sample status A", "Sample class A", "Sample City 002 Police Department"),
            ("Doe, John", "Revoked", "unknown", "")]
    assert run_cli(small_package, "import", "mo-roster", str(roster(tmp_path / "a.xlsx", rows)), "--received", "2026-01-01").returncode == 0
    vane_before = next(r["row_id"] for r in csv.DictReader(open(small_package / "data" / "mo_officers.csv")) if r["officer_name"] == "Vane, Otto")
    rows[1] = ("Vane, Otto", "Revoked", "Sample class A", "")  # another class: the importer retires his id
    assert run_cli(small_package, "import", "mo-roster", str(roster(tmp_path / "b.xlsx", rows)), "--received", "2026-02-01").returncode == 0
    assert run_cli(small_package, "build").returncode == 0
    path, retired = small_package / "data" / "mo_officers.csv", small_package / "data" / "mo_retired_ids.csv"
    database = small_package / "site" / "downloads" / "certification.db"
    original, retired_original, published = path.read_text(encoding="utf-8"), retired.read_text(encoding="utf-8"), database.read_bytes()
    assert vane_before in retired_original
    officers = list(csv.DictReader(original.splitlines()))
    quill = next(r for r in officers if r["officer_name"] == "Quill, Ada")
    row = officers.index(quill) + 2

    def edit_officer(name, **values):
        return lambda: rewrite(path, lambda rs: [dict(r, **values) if r["officer_name"] == name else r for r in rs])

    def swap_does(rs):
        does = [r for r in rs if r["officer_name"] == "Doe, John"]
        does[0]["row_id"], does[1]["row_id"] = does[1]["row_id"], does[0]["row_id"]
        return rs

    def reuse_retired(rs):  # the retirement deleted, and the identifier given to a new record
        return rs + [dict(quill, row_id=vane_before, officer_name="Vane, Otto", license_status="Surrendered")]
    refused = {
        "renamed": (edit_officer("Quill, Ada", officer_name="Quill, Adam"), [f"row {row}, field row_id", "identifier-reassigned"]),
        "words reordered": (edit_officer("Quill, Ada", officer_name="Ada, Quill"), [f"row {row}, field row_id", "identifier-reassigned"]),
        "status and agency": (edit_officer("Quill, Ada", license_status="Revoked", agency_id="MO-sample-city-002-police-department"),
                              [f"row {row}, field row_id", "identifier-reassigned"]),
        "namesakes swapped": (lambda: rewrite(path, swap_does), ["identifier-reassigned"]),
        "dropped": (lambda: rewrite(path, lambda rs: [r for r in rs if r is not None and r["officer_name"] != "Quill, Ada"]),
                    ["data/mo_officers.csv, field row_id", "identifier-dropped", quill["row_id"]]),
        "retired again": (lambda: rewrite(retired, lambda rs: rs + [dict(rs[0], row_id=quill["row_id"], officer_name="Quill, Ada")]),
                          [f"row {row}, field row_id", "identifier-reassigned"]),
        "retirement deleted, id reused": (lambda: (rewrite(retired, lambda rs: [r for r in rs if r["row_id"] != vane_before]),
                                                   rewrite(path, reuse_retired)), ["identifier-retirement-changed", vane_before]),
        "retirement rewritten": (lambda: rewrite(retired, lambda rs: [dict(r, officer_name="Black, Jack") if r["row_id"] == vane_before
                                                                      else r for r in rs]),
                                 ["data/mo_retired_ids.csv, row 2, field row_id", "identifier-retirement-changed", vane_before]),
        "a word put in a retirement": (lambda: rewrite(retired, lambda rs: [dict(r, officer_name="Vane, Otto Black") if r["row_id"] == vane_before
                                                                            else r for r in rs]), ["identifier-retirement-changed"]),
        "a retirement's status changed": (lambda: rewrite(retired, lambda rs: [dict(r, license_status="Surrendered") if r["row_id"] == vane_before
                                                                               else r for r in rs]), ["identifier-retirement-changed"]),
        # the twelfth: words dropped made another officer's name ("Smith, John Michael" into "Smith, John"): a word
        # taken out is replaced by the marker, which no officer's name holds
        "a word dropped from a retirement": (lambda: rewrite(retired, lambda rs: [dict(r, officer_name="Vane") if r["row_id"] == vane_before
                                                                                  else r for r in rs]), ["identifier-retirement-changed"]),
        # the thirteenth: the name's parts, which the search reads, made another person's under the same display name
        "name parts of another person": (edit_officer("Quill, Ada", surname="Roe", given_names="Richard"),
                                         [f"row {row}, field surname", "identifier-reassigned"]),
    }
    # a previous database that is not the one its SHA256SUMS lists is not compared with: the build stops, where it had
    # published the edit unchecked (the twelfth attack run)
    sums = small_package / "site" / "downloads" / "SHA256SUMS"
    listed = sums.read_text(encoding="utf-8")
    digest = next(line.split()[0] for line in listed.splitlines() if line.endswith("certification.db"))
    sums.write_text(listed.replace(digest, "0" * 64), encoding="utf-8")
    (small_package / "build" / "published.json").unlink(missing_ok=True)  # (the build's own record of the digest)
    edit_officer("Quill, Ada", officer_name="Quill, Adam")()
    result = run_cli(small_package, "build")
    assert result.returncode == 1 and "is not the one its SHA256SUMS lists" in result.stderr, result.stderr[-1500:]
    assert database.read_bytes() == published
    sums.write_text(listed, encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    for name, (edit, expected) in refused.items():
        edit()
        result = run_cli(small_package, "build")
        assert result.returncode != 0 and all(e in result.stderr for e in expected), (name, result.stderr[-1500:])
        assert "Traceback" not in result.stderr and database.read_bytes() == published, name
        path.write_text(original, encoding="utf-8")
        retired.write_text(retired_original, encoding="utf-8")
    # a redaction of a retirement builds (the twelfth attack run: a name published with an address in it, once retired,
    # could never be taken out): words of its name, or a value, taken out, none put in
    retired.write_text(retired_original, encoding="utf-8")
    rewrite(retired, lambda rs: [dict(r, officer_name="Vane, [withheld]", license_class="") if r["row_id"] == vane_before else r for r in rs])
    result = run_cli(small_package, "build")
    assert result.returncode == 0, result.stderr[-1500:]
    assert "Vane, Otto" not in (small_package / "site" / "downloads" / "mo_retired_ids.csv").read_text(encoding="utf-8")
    retired.write_text(retired_original, encoding="utf-8")  # and the words cannot be put back
    result = run_cli(small_package, "build")
    assert result.returncode == 1 and "identifier-retirement-changed" in result.stderr, result.stderr[-1500:]
    rewrite(retired, lambda rs: [dict(r, officer_name="Vane, [withheld]", license_class="") if r["row_id"] == vane_before else r for r in rs])
    for name, edit in {"case": edit_officer("Quill, Ada", officer_name="QUILL, ADA"),
                       "the name's own parts": edit_officer("Quill, Ada", surname="Quill", given_names="Ada"),
                       "a status alone": edit_officer("Quill, Ada", license_status="Revoked")}.items():
        path.write_text(original, encoding="utf-8")
        edit()
        assert path.read_text(encoding="utf-8") != original, name
        result = run_cli(small_package, "build")
        assert result.returncode == 0, (name, result.stderr[-1500:])
    # published Revoked, a record may not take the identifier back to another status (POST: "both permanent")
    path.write_text(original, encoding="utf-8")
    result = run_cli(small_package, "build")
    assert result.returncode == 1 and f"row {row}, field row_id" in result.stderr and "identifier-reassigned" in result.stderr



def test_a_closed_value_published_in_a_name_is_taken_out_by_importing_the_corrected_roster(small_package, tmp_path):
    """The twelfth attack run: a name published with an e-mail address in it (let through by an older check) could
    not be taken out by any route: the corrected roster's import would retire its identifier with the name as it
    was, which the name check refuses. The importer retires it with the closed words withheld."""
    from certdata.states import mo
    rows = [("Quill, Ada", "Sample status A", "Sample class A", "Sample City 001 Police Department"),
            ("Roe, Rick", "Revoked", "unknown", "")]
    assert run_cli(small_package, "import", "mo-roster", str(roster(tmp_path / "a.xlsx", rows)), "--received", "2026-01-01").returncode == 0
    assert run_cli(small_package, "build").returncode == 0
    path = small_package / "data" / "mo_officers.csv"  # as an older check let it through: the published name holds an address
    rewrite(path, lambda rs: [dict(r, officer_name="Roe, Rick rroe@example.com") if r["officer_name"] == "Roe, Rick" else r for r in rs])
    result = run_cli(small_package, "import", "mo-roster", str(roster(tmp_path / "b.xlsx", rows)), "--received", "2026-02-01")
    assert result.returncode == 0 and "rroe" not in result.stdout + result.stderr, result.stderr
    retired = (small_package / "data" / "mo_retired_ids.csv").read_text(encoding="utf-8")
    assert "rroe" not in retired and mo.REDACTED in retired
    result = run_cli(small_package, "build")  # a redaction of the record it last had: the identifier check passes
    assert result.returncode == 0, result.stderr[-1500:]


def test_an_acadis_id_a_later_release_drops_answers_with_what_became_of_it(small_package, tmp_path):
    """The thirteenth session's leftover: a Massachusetts Acadis ID that a later release no longer held answered
    "not found", and a hand edit could drop it, or give it another name, unnoticed. The importer retires it with its
    latest record; its address answers 410 with that record; a release that holds it again makes it an officer
    again; and the build refuses hand edits that would lose it or show another person under it."""
    from .conftest import acadis_export, settle_ma_disclosure
    settle_ma_disclosure(small_package)
    def release(name, *lines):
        return acadis_export(tmp_path / name, *lines)
    kept_line = "555002,Ann Lee,Legal Updates,2020-01-01,Sample Town 002 Police Department"
    first = release("first.csv", "555001,Bob Roe,Firearms,2019-05-05,Sample Town 009 Police Department",
                    "555001,Bob Roe,Ethics,2021-05-05,Sample Town 001 Police Department", kept_line)
    assert run_cli(small_package, "import", "ma-training", first, "--received", "2026-01-01").returncode == 0
    assert run_cli(small_package, "build").returncode == 0
    result = run_cli(small_package, "import", "ma-training", release("second.csv", kept_line), "--received", "2026-02-01")
    assert result.returncode == 0, result.stderr
    retired_path, training = small_package / "data" / "ma_retired_ids.csv", small_package / "data" / "ma_training.csv"
    assert [(r["acadis_id"], r["officer_name"], r["agency_id"]) for r in csv.DictReader(open(retired_path, encoding="utf-8"))] \
        == [("555001", "Bob Roe", "MA-sample-town-001-police-department")]  # the latest record's agency
    assert run_cli(small_package, "build").returncode == 0
    app = datasette.app(small_package / "site" / "downloads" / "certification.db", small_package / "site" / "datasette" / "metadata.json")

    async def get(path, **params):
        return await app.client.get(path, params=params or None)
    gone = asyncio.run(get("/officer/ma/555001"))
    text = html.unescape(gone.text)
    assert gone.status_code == 410 and "Identifier 555001 is not in the current release" in text and "Bob Roe" in text
    # the agency by the name the release published, kept listed for the retired record (not its identifier)
    assert "Sample Town 001 Police Department" in text and "MA-sample-town-001-police-department" not in text
    assert "009" not in text
    assert "Acadis IDs published in an earlier release" in text  # what the resource's description says it means
    searched = asyncio.run(get("/search", q="555001"))
    assert searched.status_code == 302 and searched.headers["location"] == "/officer/ma/555001"
    assert asyncio.run(get("/officer/ma/555009")).status_code == 404
    # hand edits against the published release: each stops the build, naming file, row and field, showing no name
    database = small_package / "site" / "downloads" / "certification.db"
    published, retired_text, training_text = database.read_bytes(), retired_path.read_text(encoding="utf-8"), training.read_text(encoding="utf-8")
    refused = {
        "renamed": (training, lambda rs: [dict(r, officer_name="Carl Poe") for r in rs],
                    ["data/ma_training.csv, row 2, field officer_name", "identifier-reassigned", "--same-officer 555002"]),
        "dropped": (training, lambda rs: [], ["data/ma_training.csv, field acadis_id", "identifier-dropped", "555002"]),
        "retirement deleted": (retired_path, lambda rs: [], ["data/ma_retired_ids.csv, field acadis_id", "identifier-retirement-changed"]),
        "retired with another name": (retired_path, lambda rs: [dict(r, officer_name="Carl Poe") for r in rs],
                                      ["data/ma_retired_ids.csv, row 2, field officer_name", "identifier-retirement-changed"]),
    }
    for name, (path, change, expected) in refused.items():
        rewrite(path, change)
        result = run_cli(small_package, "build")
        assert result.returncode == 1 and all(e in result.stderr for e in expected), (name, result.stderr[-1500:])
        assert "Carl" not in result.stderr and "Ann Lee" not in result.stderr and "Traceback" not in result.stderr, name
        assert database.read_bytes() == published, name
        retired_path.write_text(retired_text, encoding="utf-8")
        training.write_text(training_text, encoding="utf-8")
    # a release holding the ID again under another name is refused; under its name, the officer is back
    back = release("third.csv", "555001,Carl Poe,Firearms,2022-05-05,", kept_line)
    result = run_cli(small_package, "import", "ma-training", back, "--received", "2026-03-01")
    assert result.returncode == 1 and "row 2, field officer_name" in result.stderr and "Carl" not in result.stderr
    back = release("fourth.csv", "555001,Bob Roe,Firearms,2022-05-05,", kept_line)
    result = run_cli(small_package, "import", "ma-training", back, "--received", "2026-03-01")
    assert result.returncode == 0, result.stderr
    assert list(csv.DictReader(open(retired_path, encoding="utf-8"))) == []
    assert run_cli(small_package, "build").returncode == 0
    app = datasette.app(database, small_package / "site" / "datasette" / "metadata.json")
    assert asyncio.run(get("/officer/ma/555001")).status_code == 200
    # retired again, a closed value published in its name by mistake can be taken out of the retirement
    assert run_cli(small_package, "import", "ma-training", release("fifth.csv", kept_line), "--received", "2026-04-01").returncode == 0
    assert run_cli(small_package, "build").returncode == 0
    rewrite(retired_path, lambda rs: [dict(r, officer_name="Bob [withheld]") for r in rs])
    assert run_cli(small_package, "build").returncode == 0


def test_a_decertified_record_s_identifier_never_follows_the_name_to_another_status():
    """The data trial: "Doe, Jane", Revoked at Springfield, then the same name with another status at the same agency
    kept the identifier, so the cited address of a decertified officer showed one in good standing. POST's reply: "In
    Missouri, these are both permanent." The identifier is retired; Revoked to Surrendered, or to Revoked, keeps it."""
    revoked = [(f"MO-{H}-1", *rec("MO-springfield", status="Revoked", klass="unknown"))]
    decertified = frozenset({"Revoked", "Surrendered"})
    ids, gone = mo.row_ids([rec("MO-springfield", klass="unknown")], revoked, decertified=decertified)
    assert gone == [f"MO-{H}-1"] and ids == [f"MO-{H}-2"]
    for status, agency in (("Surrendered", "MO-springfield"), ("Revoked", "")):
        assert mo.row_ids([rec(agency, status=status, klass="unknown")], revoked, decertified=decertified) == ([f"MO-{H}-1"], [])
    assert "never from a status under which POST's reply" in mo.IDENTIFIERS


def test_the_rule_the_officer_page_states_is_the_rule_the_ids_follow():
    """The officer page says a later record keeps the identifier only as the only record of its name on both sides,
    with the same class and the same status or the same agency (or no agency). An attack run followed one address
    from an active officer at one agency, to another agency, to Revoked with none: each step is such a match."""
    first, _ = mo.row_ids([("Doe, John", "Active", "A", "MO-columbia")])
    second, _ = mo.row_ids([("Doe, John", "Active", "A", "MO-kansas-city")], previous=[(first[0], "Doe, John", "Active", "A", "MO-columbia")])
    third, _ = mo.row_ids([("Doe, John", "Revoked", "A", "")], previous=[(second[0], "Doe, John", "Active", "A", "MO-kansas-city")])
    assert first == second == third
    moved, gone = mo.row_ids([("Doe, John", "Revoked", "A", "MO-kansas-city")], previous=[(first[0], "Doe, John", "Active", "A", "MO-columbia")])
    assert moved != first and gone == [first[0]]  # status and agency both changed: retired
    other, gone = mo.row_ids([("Doe, John", "Active", "B", "MO-columbia")], previous=[(first[0], "Doe, John", "Active", "A", "MO-columbia")])
    assert other != first and gone == [first[0]]  # another class: retired
    two, gone = mo.row_ids([("Doe, John", "Active", "A", "MO-columbia"), ("Doe, John", "Active", "A", "MO-joplin")],
                           previous=[(first[0], "Doe, John", "Active", "A", "MO-columbia")])
    assert first[0] in two  # the identical record keeps it even beside a namesake


def test_a_cited_agency_a_later_release_drops_says_what_happened_to_it(small_package, tmp_path):
    """A walk: an agency a later release no longer lists answered a bare "Page not found / No such agency" at the
    address a journalist had cited, while a retired officer identifier's answered what became of it."""
    def release(name, text, *options):
        (tmp_path / name).write_text("Name,License Status,License Class,Commissioning Agency\n" + text, encoding="utf-8")
        result = run_cli(small_package, "import", "mo-roster", str(tmp_path / name), "--received", "2026-01-01", *options)
        assert result.returncode == 0, result.stderr
        pipeline.build(root=small_package, progress=pipeline.Progress(quiet=True))
        return datasette.app(small_package / "site" / "downloads" / "certification.db",
                             small_package / "site" / "datasette" / "metadata.json")

    first = release("first.csv", '"Quill, Ada",Revoked,unknown,Harbor Vale Police Department\n'
                                 '"Vane, Otto",Revoked,unknown,Oak Ridge Police Department\n')
    assert asyncio.run(first.client.get("/agency/MO-harbor-vale-police-department")).status_code == 200
    # a sample's agency, dropped by the first real release, was no real agency: it gets no such page
    assert asyncio.run(first.client.get("/agency/MO-sample-city-001-police-department")).status_code == 404
    # the next release names no agency for Ada Quill (her identifier kept), so no record, nor a retired one, names it
    later = '"Quill, Ada",Revoked,unknown,\n"Vane, Otto",Revoked,unknown,Oak Ridge Police Department\n'
    for app in (release("second.csv", later), release("second.csv", later)):
        gone = asyncio.run(app.client.get("/agency/MO-harbor-vale-police-department"))
        text = html.unescape(gone.text)
        assert gone.status_code == 410, gone.status_code
        assert "Harbor Vale Police Department is not in the current release" in text and "package version" in text
        assert "Synthetic sample, not real officers" not in text
        assert asyncio.run(app.client.get("/agency/MO-oak-ridge-police-department")).status_code == 200
        assert asyncio.run(app.client.get("/agency/MO-never-listed-police-department")).status_code == 404


def test_a_release_in_capitals_keeps_every_identifier_namesakes_and_decertified_included():
    """A foreign-data trial after the seventeenth: a roster written in capitals retired 304 identifiers of the
    5,246 it had published (namesakes, whose identical records were compared letter for letter), decertified
    officers' among them, and warned that the release held their names "with another status"."""
    decertified = frozenset({"Revoked"})
    previous = [(f"MO-{H}-1", *rec("MO-a", status="Revoked")), (f"MO-{H}-2", *rec("MO-b")), (f"MO-{H}-3", *rec("MO-c"))]
    upper = [("SMITH, JOHN", *r[2:]) for r in reversed(previous)]
    assert mo.row_ids(upper, previous, decertified=decertified) == ([f"MO-{H}-3", f"MO-{H}-2", f"MO-{H}-1"], [])
    apostrophe = name_hash("O'Brien, Ann")
    assert mo.row_ids([("OBRIEN, ANN", "Revoked", "A", "MO-a"), ("O'Brien, Ann", "Active", "A", "MO-b")],
                      [(f"MO-{apostrophe}-1", "O'Brien, Ann", "Revoked", "A", "MO-a"),
                       (f"MO-{apostrophe}-2", "O'Brien, Ann", "Active", "A", "MO-b")]) == (
        [f"MO-{apostrophe}-1", f"MO-{apostrophe}-2"], [])
    # the word order still counts: "John, Smith" is another name, its own counter
    ids, gone = mo.row_ids([("JOHN, SMITH", *rec("MO-b")[1:]), ("Smith, John", *rec("MO-a", status="Revoked")[1:]),
                            ("Smith, John", *rec("MO-c")[1:])], previous, decertified=decertified)
    assert gone == [f"MO-{H}-2"] and ids[1:] == [f"MO-{H}-1", f"MO-{H}-3"] and ids[0] == f"MO-{H}-4"


def test_namesakes_keep_their_identifiers_when_their_agency_is_written_another_way():
    """The same trial: "St. Louis Metropolitan Police Dept." written "...Department" moved all 142 of its officers
    to a new agency, and every namesake among them lost its identifier. An agency no record names any more, most
    of whose officers are now under one new agency, is that agency for matching; a real move of one namesake is not."""
    old, new = "St. Louis Metropolitan Police Dept.", "St. Louis Metropolitan Police Department"
    previous_rows = [("Smith, John", "Active", "A", old), ("Smith, John", "Revoked", "A", old),
                     ("Smith, John", "Active", "A", "Joplin PD"), ("Doe, Ann", "Active", "A", old)]
    previous = [(rid, *record) for rid, *record, _, _, _ in mo.table(previous_rows)[0]]
    respelled = [(n, s, c, new if a == old else a) for n, s, c, a in previous_rows]
    rows, gone = mo.table(respelled, previous, decertified=frozenset({"Revoked"}))
    assert gone == [] and sorted(r[0] for r in rows) == sorted(r[0] for r in previous)
    assert {r[4] for r in rows} == {mo.agency_id("MO", new), mo.agency_id("MO", "Joplin PD")}
    # one namesake of two moving to an agency that existed before is not a respelling: the release cannot tell
    moved = [("Smith, John", "Active", "A", "Joplin PD"), ("Smith, John", "Active", "A", "Joplin PD")]
    _, gone = mo.table(moved + [("Smith, John", "Revoked", "A", old), ("Doe, Ann", "Active", "A", old)], previous)
    assert len(gone) == 1


def test_a_release_in_capitals_or_with_an_agency_re_spelled_builds_with_namesakes_keeping_their_identifiers(small_package, tmp_path):
    """An attack run after the seventeenth: the importer kept the identifiers of three namesakes through a roster in
    capitals (and of two through their agency re-spelled), and the build then refused the release ("keeps a record that
    changed more than the importer lets one identifier follow"): the build's check compared names letter for letter."""
    people = [("Doe, John", "Revoked", "unknown", "Kansas City Police Department"),
              ("Doe, John", "Sample status A", "Sample class A", "Kansas City Police Department"),
              ("Doe, John", "Sample status A", "Sample class A", "Joplin Police Department"),
              ("Park, Al", "Sample status A", "Sample class A", "Kansas City Police Department")]
    first = roster(tmp_path / "first.xlsx", people)
    assert run_cli(small_package, "import", "mo-roster", str(first), "--received", "2026-01-01").returncode == 0
    pipeline.build(root=small_package, progress=pipeline.Progress(quiet=True))
    before = {r["row_id"]: r for r in csv.DictReader(open(small_package / "data" / "mo_officers.csv"))}
    second = roster(tmp_path / "second.xlsx", [(n.upper(), s, c, a.replace("Police Department", "PD")) for n, s, c, a in people])
    result = run_cli(small_package, "import", "mo-roster", str(second), "--received", "2026-06-01")
    assert result.returncode == 0, result.stderr
    after = {r["row_id"]: r for r in csv.DictReader(open(small_package / "data" / "mo_officers.csv"))}
    assert set(after) == set(before)
    assert all(after[i]["license_status"] == before[i]["license_status"] for i in before)
    pipeline.build(root=small_package, progress=pipeline.Progress(quiet=True))  # no identifier-reassigned


def test_a_namesake_never_takes_another_agency_s_namesake_s_identifier_through_a_merger():
    """An attack run after the eighteenth: two Jane Does (Columbia, Boone); every Columbia officer then listed under a
    new "Mid-Missouri Regional Police", one Jane Doe among them: the merger was read as a respelling and she took the
    Columbia Doe's identifier, though she may be the Boone one. For namesakes only an agency with its abbreviations
    written out is the same agency; a unique name still follows a merger."""
    doe = name_hash("Doe, Jane")
    previous_rows = [("Doe, Jane", "Active", "A", "Columbia Police Department"),
                     ("Doe, Jane", "Active", "A", "Boone County Sheriff's Office"),
                     ("Roe, Ann", "Active", "A", "Columbia Police Department"),
                     ("Poe, Al", "Active", "A", "Columbia Police Department")]
    previous = [(rid, *record) for rid, *record, _, _, _ in mo.table(previous_rows)[0]]
    merged = [("Doe, Jane", "Active", "A", "Mid-Missouri Regional Police"), ("Roe, Ann", "Active", "A", "Mid-Missouri Regional Police"),
              ("Poe, Al", "Active", "A", "Mid-Missouri Regional Police")]
    rows, gone = mo.table(merged, previous)
    ids = {r[1]: r[0] for r in rows}
    assert sorted(gone) == sorted(rid for rid, name, *_ in previous if name == "Doe, Jane")
    assert ids["Doe, Jane"] == f"MO-{doe}-3"
    assert ids["Roe, Ann"] in {rid for rid, *_ in previous} and ids["Poe, Al"] in {rid for rid, *_ in previous}
    # written out, the agency is the same: both namesakes keep theirs
    spelt = [(n, s, c, a.replace("Department", "Dept.")) for n, s, c, a in previous_rows]
    assert mo.table(spelt, previous)[1] == []


def test_a_retirement_names_the_published_release_that_last_held_the_record_not_a_version_bumped_since(small_package, tmp_path):
    """An attack run after the eighteenth: the version bumped to 2.4.0 before importing the next release, an identifier
    last published in 2.3.2 was retired "last in package version 2.4.0", a release that never held it."""
    first = roster(tmp_path / "first.xlsx", [("Quill, Ada", "Sample status A", "Sample class A", "Sample City 001 Police Department"),
                                             ("Vane, Otto", "Sample status A", "Sample class A", "Sample City 002 Police Department")])
    assert run_cli(small_package, "import", "mo-roster", str(first), "--received", "2026-01-01").returncode == 0
    pipeline.build(root=small_package, progress=pipeline.Progress(quiet=True))
    published = json.loads((small_package / "site" / "downloads" / "datapackage.json").read_text())["version"]
    descriptor = json.loads((small_package / "datapackage.json").read_text())
    descriptor["version"] = "99.0.0"
    (small_package / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    second = roster(tmp_path / "second.xlsx", [("Vane, Otto", "Sample status A", "Sample class A", "Sample City 002 Police Department")])
    assert run_cli(small_package, "import", "mo-roster", str(second), "--received", "2026-06-01", "--retire-most").returncode == 0
    retired = list(csv.DictReader(open(small_package / "data" / "mo_retired_ids.csv")))
    assert [r["retired_with"] for r in retired if r["officer_name"] == "Quill, Ada"] == [f"last in package version {published}"]
    assert published != "99.0.0"
