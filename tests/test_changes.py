"""Release diff: exactly the rows and status changes that differ, on the page, in the feed and the CLI."""
import csv
import hashlib
import json
import html
import re
import sqlite3
import xml.etree.ElementTree as ET

from certdata import diff, pipeline

from .conftest import make_package, run_cli


def edit_officers(root, edit):
    path = root / "data" / "mo_officers.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows = edit(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_one_status_change_gives_one_diff_entry_page_row_and_feed_item(tmp_path):
    root = make_package(tmp_path / "pkg")
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    old_db = tmp_path / "old.db"
    old_db.write_bytes((root / "site" / "downloads" / "certification.db").read_bytes())
    state = {}

    def change(rows):
        active = [r for r in rows if r["license_status"] == "Sample status A"]
        state["revoked"], state["moved"], state["removed"], state["blanked"] = active[0], active[1], active[2], active[3]
        state["blanked"]["before"], state["blanked"]["agency_id"] = state["blanked"]["agency_id"], ""
        state["revoked"]["license_status"] = "Revoked"
        state["moved"]["agency_id"] = "MO-columbia-police-department" if state["moved"]["agency_id"] != "MO-columbia-police-department" else "MO-kansas-city-police-department"
        reinstated = next(r for r in rows if r["license_status"] == "Surrendered")
        reinstated["license_status"] = "Sample status A"
        state["reinstated"] = reinstated
        return [r for r in rows if r is not state["removed"]]

    edit_officers(root, lambda rows: [{k: v for k, v in r.items() if k != "before"} for r in change(rows)])
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    conn = sqlite3.connect(root / "site" / "downloads" / "certification.db")
    kinds = dict(conn.execute("select row_id, kind from changes where kind is not null").fetchall())
    assert kinds == {state["revoked"]["row_id"]: "status changed to a decertification status",
                     state["moved"]["row_id"]: "changed agency", state["blanked"]["row_id"]: "changed agency",
                     state["reinstated"]["row_id"]: "status changed from a decertification status",
                     state["removed"]["row_id"]: "removed (identifier retired)"}
    assert conn.execute("select resource, row_id, change from changes where change != 'changed'").fetchall() == [
        ("mo_officers", state["removed"]["row_id"], "removed")]
    assert {r[0] for r in conn.execute("select distinct resource from changes")} == {"mo_officers"}

    feed = ET.parse(root / "site" / "feeds" / "decertifications.xml").getroot()
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert [e.find("{http://www.w3.org/2005/Atom}id").text.rsplit(":", 1)[1] for e in entries] == [state["revoked"]["row_id"]]
    page = (root / "site" / "changes" / "index.html").read_text()
    assert state["revoked"]["row_id"] in page and "status changed to a decertification status" in page
    # a trial's release: an agency blanked showed the officer's status as its After, and Before the agency's identifier
    cells = re.search(rf"<code>{state['blanked']['row_id']}</code></td><td>(.*?)</td><td>(.*?)</td>", page).groups()
    before = conn.execute("select agency_name from agencies where agency_id = ?", [state["blanked"]["before"]]).fetchone()[0]
    assert cells == (html.escape(before, quote=False), "none named"), cells

    result = run_cli(root, "diff", str(old_db), str(root / "site" / "downloads" / "certification.db"))
    assert result.returncode == 0
    assert "mo_officers: 4 changed, 1 removed" in result.stdout
    assert f"status changed to a decertification status: {state['revoked']['row_id']} (Sample status A -> Revoked)" in result.stdout


def test_diff_refuses_a_database_whose_resource_is_a_view_instead_of_running_it(built, tmp_path):
    """The eighth attack run: `build.py diff` on an old database whose mo_license_statuses was a view
    running an endless recursive query never returned. A resource that is a view is no release."""
    import shutil
    database = built / "site" / "downloads" / "certification.db"
    old = tmp_path / "old.db"
    shutil.copy(database, old)
    with sqlite3.connect(old) as conn:
        conn.execute("drop table mo_license_statuses")
        conn.execute("create view mo_license_statuses as with recursive n(i) as (select 1 union all select i + 1 from n) "
                     "select i as license_status, 1 as decertified from n")
    result = run_cli(built, "diff", str(old), str(database), timeout=60)
    assert result.returncode == 1 and "old.db: not a release database" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_diff_does_not_print_a_closed_value_an_old_release_holds(built, tmp_path):
    """An attack run: the diff the README makes the review step printed an old release's name holding a date of
    birth and a telephone number (a value published by mistake, the kind a correction takes out) whole."""
    import shutil
    database = built / "site" / "downloads" / "certification.db"
    old = tmp_path / "old.db"
    shutil.copy(database, old)
    with sqlite3.connect(old) as conn:
        conn.execute("update mo_officers set officer_name = officer_name || ' (DOB 1970-01-02) 573-555-0199' "
                     "where rowid = (select min(rowid) from mo_officers)")
    result = run_cli(built, "diff", str(old), str(database), timeout=60)
    assert result.returncode == 0, result.stderr
    assert "changed" in result.stdout
    assert "1970-01-02" not in result.stdout and "555-0199" not in result.stdout


def test_diff_refuses_an_empty_database_another_program_s_or_a_file_that_is_no_database(built, tmp_path):
    """The v6 attack run: an empty SQLite file, or one of 50,000 unrelated tables, compared as "no changes" (exit 0)
    either way round; a text file was reported as "the database could not be written ... check free disk space"."""
    database = built / "site" / "downloads" / "certification.db"
    empty, other, text = tmp_path / "empty.db", tmp_path / "other.db", tmp_path / "text.db"
    sqlite3.connect(empty).close()
    with sqlite3.connect(other) as conn:
        conn.executescript("".join(f"create table t{n} (a);" for n in range(50)))
    text.write_text("not a database\n" * 100)
    for path, message in ((empty, "not a release database"), (other, "not a release database"), (text, "not a SQLite database")):
        for old, new in ((path, database), (database, path)):
            result = run_cli(built, "diff", str(old), str(new), timeout=60)
            assert result.returncode == 1 and f"{path.name}: {message}" in result.stderr, (path, result.stderr)
            assert "Traceback" not in result.stderr and "disk space" not in result.stderr


def test_the_changes_page_and_feed_list_a_bounded_number_of_each_kind_and_count_them_all(tmp_path, monkeypatch):
    """The v6 attack run: a release of two million rows replacing the sample made a 26 MB changes page and took
    the documentation build to 9 GB. Each kind of officer change lists at most LISTED_CHANGES (first by name); the
    page counts them all and points to the changes table."""
    from certdata import states
    monkeypatch.setattr(states, "LISTED_CHANGES", 3)
    root = make_package(tmp_path / "pkg")
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    revoked = []

    def change(rows):
        for row in [r for r in rows if r["license_status"] == "Sample status A"][:7]:
            row["license_status"] = "Revoked"
            revoked.append(row)
        return rows

    edit_officers(root, change)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    page = (root / "site" / "changes" / "index.html").read_text()
    listed = [r["row_id"] for r in sorted(revoked, key=lambda r: (r["officer_name"], r["row_id"]))]
    assert all(row_id in page for row_id in listed[:3]) and not any(row_id in page for row_id in listed[3:])
    assert "the first 3 of each kind" in page and "Missouri: status changed to a decertification status: 7" in page and "certification/changes?kind__notblank=1" in page
    feed = ET.parse(root / "site" / "feeds" / "decertifications.xml").getroot()
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 3


def test_a_closed_value_taken_out_of_a_release_is_not_republished_in_its_changes(tmp_path):
    """The twelfth attack run: a name published with an e-mail address in it, then corrected, stayed in the next
    release's changes table, as the old value of the corrected name and as the key of the agency that was removed
    (an agency's identifier is made from its name). A previous value the field's pattern now refuses is withheld."""
    import sqlite3

    from certdata import load
    from certdata.package import Package
    from .conftest import ROOT
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        conn.execute("create table agencies (agency_id text primary key, state text, agency_name text)")
        conn.executemany("insert into agencies values (?, ?, ?)",
                         [("MO-columbia-police-jdoe-example-com", "MO", "Columbia Police jdoe@example.com"),
                          ("MO-boone-county-sheriff", "MO", "Boone County Sheriff")])
    conn = sqlite3.connect(":memory:")
    conn.execute("attach database ? as old", [str(old)])
    changes = [{"resource": "agencies", "row_id": "MO-columbia-police-jdoe-example-com", "change": "removed", "field": None,
                "old_value": None, "new_value": None, "kind": None},
               {"resource": "agencies", "row_id": "MO-boone-county-sheriff", "change": "removed", "field": None,
                "old_value": None, "new_value": None, "kind": None},
               {"resource": "mo_officers", "row_id": "MO-0123456789-1", "change": "changed", "field": "officer_name",
                "old_value": "Doe, Jane 5th of April", "new_value": "Doe, Jane", "kind": None},
               {"resource": "mo_officers", "row_id": "MO-0123456789-2", "change": "changed", "field": "officer_name",
                "old_value": "Doe, Jane Q", "new_value": "Doe, Jane", "kind": None},
               {"resource": "mo_officers", "row_id": "MO-0123456789-3", "change": "changed", "field": "agency_id",
                "old_value": "MO-columbia-police-jdoe-example-com", "new_value": "MO-boone-county-sheriff", "kind": None}]
    out = load.withheld_old_values(conn, Package.load(ROOT), changes)
    text = repr(out)
    assert "jdoe" not in text and "April" not in text
    assert [c["row_id"] for c in out[:2]] == [load.WITHHELD, "MO-boone-county-sheriff"]
    assert [c["old_value"] for c in out[2:]] == [load.WITHHELD, "Doe, Jane Q", load.WITHHELD]  # the agency's key too


def test_the_first_release_replacing_a_sample_announces_no_change_and_the_next_one_does(tmp_path):
    """The walk: the first real roster, compared with the synthetic sample it replaced, listed every Revoked officer
    as "decertified" on the changes page and in the feed. A resource whose previous release was a sample is a first
    release: nothing of it is compared, and the page says why; the release after it is compared as ever."""
    root = make_package(tmp_path / "pkg")
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    roster = tmp_path / "roster.csv"

    def release(*rows):
        roster.write_text("Name,License Status,License Class,Commissioning Agency\n"
                          + "".join(f'"{n}",{s},{c},{a}\n' for n, s, c, a in rows), encoding="utf-8")
        return str(roster)
    first = [("Quill, Ada", "Revoked", "unknown", ""), ("Vane, Otto", "Sample status A", "Sample class A", "Sample City 001 Police Department")]
    assert run_cli(root, "import", "mo-roster", release(*first), "--received", "2026-01-01").returncode == 0
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    conn = sqlite3.connect(root / "site" / "downloads" / "certification.db")
    assert conn.execute("select count(*) from changes where resource = 'mo_officers'").fetchone()[0] == 0
    feed = ET.parse(root / "site" / "feeds" / "decertifications.xml").getroot()
    assert feed.findall("{http://www.w3.org/2005/Atom}entry") == []
    page = (root / "site" / "changes" / "index.html").read_text()
    assert "<code>mo_officers</code>: the release before held a synthetic sample in its place" in page
    assert "Quill" not in page
    conn.close()
    # the next release is compared with this one: Vane's revocation is announced
    assert run_cli(root, "import", "mo-roster", release(first[0], ("Vane, Otto", "Revoked", "Sample class A", "")),
                   "--received", "2026-02-01", "--blank-field", "agency_id").returncode == 0  # no agency left in it
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    conn = sqlite3.connect(root / "site" / "downloads" / "certification.db")
    assert "status changed to a decertification status" in [r[0] for r in conn.execute("select kind from changes where kind is not null")]
    page = (root / "site" / "changes" / "index.html").read_text()
    assert "Vane, Otto" in page and "synthetic sample in its place" not in page
    conn.close()


def test_the_changes_page_tells_a_release_built_with_nothing_to_compare_from_one_that_is_unchanged(tmp_path):
    """A new user's walk: a fresh clone's first build said "No changes", as if the data were the same as before."""
    root = make_package(tmp_path / "pkg")
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    page = (root / "site" / "changes" / "index.html").read_text()
    assert "Nothing to compare with" in page and "No changes" not in page
    descriptor = json.loads((root / "datapackage.json").read_text())
    version = descriptor["version"]
    descriptor["version"] = "99.0.0"  # a new release of the same data
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    page = (root / "site" / "changes" / "index.html").read_text()
    assert f"No changes: the data is the same as in release {version}." in page and "Nothing to compare with" not in page


def test_a_build_before_the_version_bump_does_not_compare_a_release_with_itself(tmp_path):
    """A new user's walk: building a changed release before bumping the version read "Changes in release 2.4.0
    compared with release 2.4.0"."""
    root = make_package(tmp_path / "pkg")
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    version = json.loads((root / "datapackage.json").read_text())["version"]
    edit_officers(root, lambda rows: [dict(r, license_status="Revoked") if i == 0 else r for i, r in enumerate(rows)])
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    page = html.unescape((root / "site" / "changes" / "index.html").read_text())
    assert f"compared with release {version}" not in page
    assert f"Changes in this build of release {version} compared with the database it replaced, which has the same version number" in page


def release_roster(path, rows):
    path.write_text("Name,License Status,License Class,Commissioning Agency\n"
                    + "".join(f'"{n}",{s},{c},"{a}"\n' for n, s, c, a in rows), encoding="utf-8")
    return str(path)


def training_export(path, *lines):
    path.write_text("Acadis ID,State ID,Officer Name,Course Name,Completion Date,Employing Agency\r\n"
                    + "".join(line + "\r\n" for line in lines), encoding="utf-8")
    return str(path)


def page_rows(page):
    """The officer-change rows of the changes page: (kind, officer cell, row id, before, after), unescaped."""
    found = re.findall(r"<tr><td>([^<]*)</td><td>(.*?)</td><td><code>([^<]*)</code></td><td>(.*?)</td><td>(.*?)</td></tr>", page)
    return [tuple(html.unescape(cell) for cell in row) for row in found]


def test_a_second_release_lists_every_state_s_changes_by_name_as_each_release_published_them(tmp_path):
    """The data trial (a first, then a later hand-written release of each state): a namesake's new Revoked record was
    listed as "decertified"; Before showed an agency's identifier, or its later spelling; Massachusetts' name, agency
    and State ID changes and Missouri's retirements were not listed by name; names linked to no page; and a Revoked
    record's identifier followed the name to another status without a word."""
    import asyncio

    from certdata import datasette

    from .conftest import settle_agency_disclosure, settle_ma_disclosure
    root = make_package(tmp_path / "pkg")
    settle_ma_disclosure(root)
    settle_agency_disclosure(root)
    a, klass = "Sample status A", "Sample class A"
    first_mo = [("Roe, Rita", a, klass, "Kansas City Police Department"),
                ("Smith, John A", a, klass, "Columbia Police Department"),
                ("Poe, Ed", a, klass, "Boone County Sheriff's Office"),
                ("Lee, Ann", a, klass, "Boone County Sheriff's Office"),
                ("Doe, Jane", "Revoked", "unknown", "Springfield Police Department"),
                ("Gray, Amy", a, klass, "Joplin Police Department"),
                ("Stone, Tim", "Surrendered", "unknown", ""), ("Fox, Ida", a, klass, "Joplin Police Department"),
                ("Kent, Al", a, klass, "Joplin Police Department")]
    first_ma = ["555001,MA100001,\"Nguyễn, Văn\",Firearms,2020-01-01,Sample Town 001 Police Department",
                "555002,MA100002,ALVES,Firearms,2020-01-01,Sample Town 002 Police Department",
                "555003,MA100003,Bob Roe,Firearms,2020-01-01,Sample Town 003 Police Department",
                "555004,,Cy Dee,Ethics,2020-02-02,Sample Town 004 Police Department"]
    for args in (("mo-roster", release_roster(tmp_path / "mo1.csv", first_mo)),
                 ("ma-training", training_export(tmp_path / "ma1.csv", *first_ma))):
        result = run_cli(root, "import", *args, "--received", "2026-01-01")
        assert result.returncode == 0, result.stderr
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    ids = {r["officer_name"]: r["row_id"] for r in csv.DictReader(open(root / "data" / "mo_officers.csv", encoding="utf-8"))}
    descriptor = json.loads((root / "datapackage.json").read_text())
    old_version, descriptor["version"] = descriptor["version"], "99.0.0"
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    second_mo = [("Roe, Rita", a, klass, "Independence Police Department"),
                 ("Smith, John A", "Revoked", klass, ""), ("Smith, John A", a, klass, "Joplin Police Department"),
                 ("Poe, Ed", a, klass, "Springfield Police Department"),
                 ("Lee, Ann", a, klass, "Boone County Sheriffs Office"),
                 ("Doe, Jane", a, "unknown", "Springfield Police Department"),
                 ("Gray-Hale, Amy", a, klass, "Joplin Police Department"),
                 ("Fox, Ida", "Revoked", klass, "Joplin Police Department"), ("KENT, AL", a, klass, "Joplin PD")]
    second_ma = ["555001,,\"Nguyen, Van\",Firearms,2020-01-01,Sample Town 001 Police Department",
                 "555002,MA100002,Alves,Firearms,2020-01-01,Sample Town 002 Police Department",
                 "555003,MA100003,Bob Roe,Firearms,2020-01-01,Sample Town 005 Police Department"]
    imported = run_cli(root, "import", "mo-roster", release_roster(tmp_path / "mo2.csv", second_mo), "--received",
                       "2026-02-01", "--retire-most")
    assert imported.returncode == 0, imported.stderr
    said = imported.stdout + imported.stderr
    assert "WARNING" in said and ids["Doe, Jane"] in said and "both permanent" in said  # said loudly, by identifier
    result = run_cli(root, "import", "ma-training", training_export(tmp_path / "ma2.csv", *second_ma), "--received",
                     "2026-02-01")
    assert result.returncode == 0, result.stderr
    now = {r["row_id"]: r for r in csv.DictReader(open(root / "data" / "mo_officers.csv", encoding="utf-8"))}
    assert ids["Doe, Jane"] not in now  # a Revoked record's identifier never shows a record in another status
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    # each feed entry is dated by the release it was found in (a trial after the sixteenth: the descriptor's
    # hand-written creation date, release after release)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.parse(root / "site" / "feeds" / "decertifications.xml").getroot().findall(f"{atom}entry")
    assert entries and {e.find(f"{atom}updated").text for e in entries} == {"2026-02-01T00:00:00Z"}
    database = root / "site" / "downloads" / "certification.db"
    conn = sqlite3.connect(database)
    added = [r[0] for r in conn.execute("select kind from changes where change = 'added' and resource = 'mo_officers'")]
    assert added and set(added) == {"added"}  # a record new to the release is added, whatever its status
    conn.close()
    page = (root / "site" / "changes" / "index.html").read_text()
    rows = page_rows(page)
    assert f"compared with release {old_version}" in html.unescape(page) and "No officer's status or agency changed" not in page

    def row(kind, name, *more):
        found = [r for r in rows if r[0] == kind and re.sub("<[^>]+>", "", r[1]) == name and all(m in r for m in more)]
        assert found, (kind, name, more, rows)
        return found[0]
    new_smith = next(i for i, r in now.items() if r["officer_name"] == "Smith, John A" and r["license_status"] == "Revoked")
    assert row("added", "Smith, John A", new_smith)[3:] == ("", "Revoked")
    assert not [r for r in rows if r[2] == new_smith and "decertif" in r[0]]
    assert row("changed agency", "Roe, Rita")[3:] == ("Kansas City Police Department", "Independence Police Department")
    assert row("changed agency", "Poe, Ed")[3:] == ("Boone County Sheriff's Office", "Springfield Police Department")
    for name in ("Smith, John A", "Stone, Tim", "Gray, Amy", "Doe, Jane"):  # retirements, by name, linked to their pages
        officer = row("removed (identifier retired)", name, ids[name])[1]
        assert f'href="/officer/mo/{ids[name]}"' in officer
    assert row("removed (identifier retired)", "Smith, John A")[3] == "Sample status A, Columbia Police Department"
    # a name written otherwise only in case or accents is said so, apart from the names changed (a foreign-data trial after
    # the eighteenth: a roster in capitals listed 2,948 "name changed")
    assert 'href="/officer/ma/555001"' in row("name written otherwise", "Nguyen, Van")[1]
    row("name written otherwise", "Alves")
    assert row("name written otherwise", "KENT, AL")[2] == ids["Kent, Al"]
    assert row("agency's name written otherwise", "KENT, AL")[3:] == ("Joplin Police Department", "Joplin PD")
    assert not [r for r in rows if r[0] == "name changed"]
    row("State ID blanked", "Nguyen, Van")
    assert row("changed agency", "Bob Roe")[3:] == ("Sample Town 003 Police Department", "Sample Town 005 Police Department")
    assert 'href="/officer/ma/555004"' in row("Acadis ID retired", "Cy Dee")[1]
    # a retired identifier's page names the agency as it was published, not by its identifier
    app = datasette.app(database, root / "site" / "datasette" / "metadata.json")
    for path, agency, identifier in ((f"/officer/mo/{ids['Smith, John A']}", "Columbia Police Department",
                                      "MO-columbia-police-department"),
                                     ("/officer/ma/555004", "Sample Town 004 Police Department",
                                      "MA-sample-town-004-police-department")):
        text = html.unescape(asyncio.run(app.client.get(path)).text)
        assert agency in text and identifier not in text, path


def test_a_rebuild_of_the_same_release_keeps_its_changes_and_its_feed(tmp_path):
    """A trial after the sixteenth: a push that changed only the documentation rebuilt the release against the live
    one, of the same version, and its changes page and feed lost the revocation the release had published."""
    root = make_package(tmp_path / "pkg")
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    version = json.loads((root / "datapackage.json").read_text())["version"]
    edit_officers(root, lambda rows: [dict(r, license_status="Revoked") if i == 0 else r for i, r in enumerate(rows)])
    descriptor = json.loads((root / "datapackage.json").read_text())
    descriptor["version"] = "99.0.0"
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))

    def published():
        conn = sqlite3.connect(root / "site" / "downloads" / "certification.db")
        changes = conn.execute("select * from changes order by change_id").fetchall()
        compared = conn.execute("select value from build_info where key = 'compared_with'").fetchone()
        conn.close()
        feed = ET.parse(root / "site" / "feeds" / "decertifications.xml").getroot()
        ids = [e.find("{http://www.w3.org/2005/Atom}id").text for e in feed.findall("{http://www.w3.org/2005/Atom}entry")]
        page = html.unescape((root / "site" / "changes" / "index.html").read_text())
        return changes, compared, ids, page
    changes, compared, ids, page = published()
    assert changes and compared == (version,) and len(ids) == 1 and f"compared with release {version}" in page
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))  # nothing changed: the same release, rebuilt
    again = published()
    assert again[:3] == (changes, compared, ids)
    assert f"compared with release {version}" in again[3] and "No changes" not in again[3]
    # a value a stricter check refuses now, recorded by an earlier build, is withheld where it is carried on
    conn = sqlite3.connect(root / "site" / "downloads" / "certification.db")
    conn.execute("update changes set officer_name = 'Doe, Jane home Elm Street', old_value = 'call 5550142'")
    conn.commit()
    conn.close()
    sums = root / "site" / "downloads" / "SHA256SUMS"  # (a database its SHA256SUMS does not list is not compared with)
    digest = hashlib.sha256((root / "site" / "downloads" / "certification.db").read_bytes()).hexdigest()
    sums.write_text(re.sub(r"(?m)^[0-9a-f]{64}(?=  certification\.db$)", digest, sums.read_text()))
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    changes, carried, _, page = published()
    assert changes and carried == (version,)
    assert "Elm Street" not in page and "5550142" not in page and "Elm Street" not in str(changes)


def test_diff_prints_an_identifier_made_of_numerals_and_still_withholds_a_closed_value(built, tmp_path):
    """A foreign-data trial after the eighteenth: `build.py diff` withheld every line naming a Missouri identifier whose
    ten hex digits were all numerals (about 1% of them), read as a telephone number."""
    import shutil
    database = built / "site" / "downloads" / "certification.db"
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    for path, status in ((old, None), (new, "Revoked")):
        shutil.copy(database, path)
        with sqlite3.connect(path) as conn:
            conn.execute("update mo_officers set row_id = 'MO-1110116863-1'" + (", license_status = ?" if status else "")
                         + " where rowid = (select min(rowid) from mo_officers)", [status] if status else [])
            # and a Massachusetts training record's identifier, its Acadis ID of seven numerals (a walk: withheld too)
            conn.execute("update ma_training set record_id = 'MA-1000567-7936ea96-1'" + (
                ", agency_id = (select max(agency_id) from agencies where agency_id like 'MA-%')" if status else "")
                + " where rowid = (select min(rowid) from ma_training)")
    result = run_cli(built, "diff", str(old), str(new), timeout=60)
    assert result.returncode == 0, result.stderr
    assert "MO-1110116863-1 (" in result.stdout and "withheld" not in result.stdout, result.stdout
    assert "MA-1000567-7936ea96-1" in result.stdout
    with sqlite3.connect(new) as conn:  # a telephone number beside it is still withheld
        conn.execute("update mo_officers set license_status = 'Revoked 573-555-0199' where row_id = 'MO-1110116863-1'")
    result = run_cli(built, "diff", str(old), str(new), timeout=60)
    assert "555-0199" not in result.stdout and "withheld" in result.stdout, result.stdout


def test_a_closed_value_the_checks_miss_is_withheld_from_its_correction_by_the_corrections_log(tmp_path):
    """A word no check knows ("Xylofane", a made-up stand-in for any closed description the word lists lack), published
    in a name by mistake and corrected: the next release's changes table, its changes page, the site's search index
    and `build.py diff` had all shown the old name. A correction marked old_value_withheld withholds it everywhere."""
    root = make_package(tmp_path / "pkg")
    rows = {}

    def plant(rows_):
        rows["row"] = row = next(r for r in rows_ if r["license_status"] == "Sample status A")
        rows["name"] = row["officer_name"]
        row["officer_name"] = row["officer_name"] + " Xylofane"
        return rows_
    edit_officers(root, plant)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    old_db = tmp_path / "old.db"
    old_db.write_bytes((root / "site" / "downloads" / "certification.db").read_bytes())
    edit_officers(root, lambda rows_: [dict(r, officer_name=rows["name"]) if r["row_id"] == rows["row"]["row_id"] else r
                                       for r in rows_])
    with open(root / "data" / "corrections.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["1", "2026-12-01", "mo_officers", rows["row"]["row_id"], "officer_name: a word that is no name taken out",
             "The word described the officer", "the agency's release", "officer_name", "true"])
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    new_db = root / "site" / "downloads" / "certification.db"
    conn = sqlite3.connect(new_db)
    changed = conn.execute("select old_value, new_value from changes where row_id = ? and field = 'officer_name'",
                           [rows["row"]["row_id"]]).fetchall()
    assert changed == [(diff.WITHHELD, rows["name"])]
    assert not conn.execute("select count(*) from changes where old_value like '%Xylofane%' or old_shown like '%Xylofane%' "
                            "or officer_name like '%Xylofane%'").fetchone()[0]
    for page in ("changes/index.html", "corrections/index.html", "search/search_index.json"):
        assert "Xylofane" not in (root / "site" / page).read_text(), page
    assert "the old value is withheld" in (root / "site" / "corrections" / "index.html").read_text()
    result = run_cli(root, "diff", str(old_db), str(new_db))
    assert result.returncode == 0 and "Xylofane" not in result.stdout + result.stderr


def test_a_correction_naming_a_field_its_resource_lacks_is_refused_by_row_and_field(tmp_path):
    root = make_package(tmp_path / "pkg")
    with open(root / "data" / "corrections.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["1", "2026-12-01", "mo_officers", "MO-0002e3ea15-1", "a word taken out", "a mistake", "the agency's release",
             "officer_nmae", "true"])
    result = run_cli(root, "check")
    assert result.returncode != 0
    assert "data/corrections.csv, row 2, field field: unknown-field" in result.stderr, result.stderr[-1500:]


def test_a_build_s_refusal_naming_an_identifier_made_of_numerals_is_shown_whole(tmp_path):
    """A foreign-data trial after the nineteenth: a build's refusal naming MO-3863364704-1 (ten numerals in its hash,
    about 1% of identifiers) was withheld as a telephone number's digits; `diff` alone read the package's own
    identifiers as no value. Once the package is loaded as every command loads it, every message does."""
    from certdata import redaction
    from certdata.validate import Problem
    root = make_package(tmp_path / "pkg")
    message = "the previous release published MO-3863364704-1, which this one neither holds nor retires"
    try:
        redaction.use_identifiers(None)
        assert "withheld" in Problem("data/mo_officers.csv", None, "row_id", "identifier-dropped", message).message
        pipeline.configured_package(root)
        assert Problem("data/mo_officers.csv", None, "row_id", "identifier-dropped", message).message == message
        beside = Problem("data/mo_officers.csv", None, "row_id", "identifier-dropped", message + " (573-555-0199)").message
        assert "555-0199" not in beside and "withheld" in beside  # a telephone number beside it still is withheld
    finally:
        redaction.use_identifiers(None)
