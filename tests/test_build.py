"""build.py end to end: a checked, reproducible release; bad input changes nothing."""
import hashlib
import json
import os

import pytest

from certdata import datasette
from certdata.package import Package

from .conftest import ROOT, make_package, run_cli


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(directory):
    return {str(p.relative_to(directory)): sha(p) for p in sorted(directory.rglob("*")) if p.is_file()}


def test_build_writes_site_downloads_and_checksums(built):
    downloads = built / "site" / "downloads"
    for name in ("certification.db", "datapackage.json", "SHA256SUMS", "SYNTHETIC-SAMPLE-mo_officers.csv", "statutes.csv", "data-dictionary.csv"):
        assert (downloads / name).is_file(), name
    sums = dict(reversed(line.split("  ")) for line in (downloads / "SHA256SUMS").read_text().splitlines())
    for name, digest in sums.items():
        assert sha(downloads / name) == digest, name
    descriptor = json.loads((downloads / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        path = downloads / resource["path"]
        assert resource["bytes"] == path.stat().st_size
        assert resource["hash"] == "sha256:" + sha(path)
    officers = next(r for r in descriptor["resources"] if r["name"] == "mo_officers")
    assert any(i["element"].startswith("Officer’s date of birth") and i["basis"] == "rsmo-590.180"
               for i in officers["pcr:notPublished"])


def test_same_inputs_give_the_same_database(tmp_path):
    root = make_package(tmp_path / "a")
    first = run_cli(root, "--quiet")
    assert first.returncode == 0, first.stderr
    digest = sha(root / "site" / "downloads" / "certification.db")
    second = run_cli(root, "--quiet")
    assert second.returncode == 0, second.stderr
    assert sha(root / "site" / "downloads" / "certification.db") == digest


def break_csv(root, resource, row_index, field, value):
    import csv
    path = root / "data" / f"{resource}.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row_index][rows[0].index(field)] = value
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize("resource,row,field,value,error", [
    ("mo_post_measures", 3, "value", "many", "type-error"),
    ("mo_officers", 5, "row_id", "DUPLICATE", "primary-key"),
    ("mo_officers", 7, "agency_id", "MO-no-such-agency", "foreign-key"),
])
def test_broken_csv_fails_with_file_row_field_and_leaves_the_release_alone(tmp_path, resource, row, field, value, error):
    root = make_package(tmp_path / "pkg")
    assert run_cli(root, "--quiet").returncode == 0
    before = tree_hashes(root / "site")
    if value == "DUPLICATE":
        import csv
        value = list(csv.reader(open(root / "data" / f"{resource}.csv", encoding="utf-8")))[row - 1][0]
    break_csv(root, resource, row, field, value)
    result = run_cli(root, "--quiet")
    assert result.returncode == 1
    assert f"data/{resource}.csv, row {row + 1}" in result.stderr
    assert field in result.stderr and error in result.stderr
    assert tree_hashes(root / "site") == before
    report = json.loads((root / "build" / "validation-report.json").read_text())
    assert report and report[0]["file"] == f"data/{resource}.csv"


def test_check_is_quiet_about_a_valid_package_and_fails_on_a_closed_field(small_package):
    assert run_cli(small_package, "check").returncode == 0
    schema_path = small_package / "data" / "schemas" / "mo_officers.json"
    schema = json.loads(schema_path.read_text())
    schema["fields"][1]["pcr:disclosure"]["grounds"] = [{"kind": "agency-caveat", "quote": "x", "source": "mo-post-2023-01-03"}]
    schema_path.write_text(json.dumps(schema))
    result = run_cli(small_package, "check")
    assert result.returncode == 1
    assert "closed-field" in result.stderr and "officer_name" in result.stderr


def test_validation_messages_never_echo_a_value_of_a_field_that_is_not_open(small_package):
    from .test_hostile_input import close_and_break
    close_and_break(small_package)  # completion_date declared exempt, and a SENTINEL value in row 3
    result = run_cli(small_package, "check")
    assert result.returncode == 1
    assert "data/ma_training.csv, row 3, field completion_date: type-error" in result.stderr
    assert "SENTINEL" not in result.stdout + result.stderr
    assert "SENTINEL" not in (small_package / "build" / "validation-report.json").read_text()


def test_datasette_metadata_matches_the_golden_file(built):
    """The metadata is generated from the package; a change to it must be deliberate. The package's version,
    bumped by every release, is checked apart, so that a data release alone does not touch the golden file."""
    metadata = json.loads((built / "site" / "datasette" / "metadata.json").read_text())
    certsearch = metadata["plugins"]["certsearch"]
    assert certsearch["package_version"] == Package.load(built).version
    certsearch["package_version"] = "(the package's version)"
    golden_path = ROOT / "tests" / "golden" / "datasette-metadata.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden_path.write_text(json.dumps(metadata, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    assert metadata == json.loads(golden_path.read_text()), "metadata changed: review, then rerun with UPDATE_GOLDEN=1"


def test_metadata_warns_on_every_synthetic_table_and_describes_every_column(built):
    package = Package.load(built)
    metadata = datasette.build_metadata(package)
    tables = metadata["databases"]["certification"]["tables"]
    for resource in package.resources:
        table = tables[resource["name"]]
        assert set(table["columns"]) == {f["name"] for f in resource["schema"]["fields"]}
        assert table["description"].startswith("SYNTHETIC SAMPLE") == bool(resource.get("pcr:synthetic"))


def test_second_concurrent_build_is_refused_with_a_clear_message(small_package):
    from certdata.publish import build_lock
    with build_lock(small_package / "build"):
        result = run_cli(small_package, "--quiet")
    assert result.returncode == 1
    assert "another build is running" in result.stderr


def test_value_counts_from_the_load_s_statistics_equal_a_count_of_the_rows(built):
    """The figures page counts statuses and classes from the statistics the load stored (no scan of a
    million rows): the same counts as a group-by, for code columns and, counted, for a column with
    more values than the statistics keep."""
    import sqlite3

    from certdata.load import TOP_VALUES, value_counts
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    checked = set()
    for table, field in conn.execute("select resource, field from package_fields where resource in ('mo_officers', 'ma_training')"):
        for blank in (None, "(blank)"):
            expected = sorted(((blank if v is None else str(v)), n) for v, n in conn.execute(
                f'select "{field}", count(*) from "{table}" group by 1') if v is not None or blank is not None)
            got = sorted((r[field], r["n"]) for r in value_counts(conn, table, field, blank))
            assert got == expected, (table, field, blank)
            first = value_counts(conn, table, field, blank, limit=1)
            assert len(first) == min(1, len(expected)) and (not first or first[0]["n"] == max(n for _, n in expected))
            distinct = conn.execute(f'select count(distinct "{field}") from "{table}"').fetchone()[0]
            checked.add(distinct <= TOP_VALUES)
    conn.close()
    assert checked == {True, False}  # both ways of counting were exercised


def test_release_files_prepared_beside_the_load_are_the_ones_written_after_it(built, tmp_path):
    """The validation process writes the CSV release files while the build loads (publish.prepare_downloads):
    the documentation step links them, and the result is byte for byte what it writes itself; a prepared
    copy of a file changed since is not used."""
    from certdata import publish
    package = Package.load(built)
    database = built / "site" / "downloads" / "certification.db"
    prepared = tmp_path / "prepared"
    publish.prepare_downloads(package, prepared)
    publish.write_downloads(package, database, tmp_path / "linked", prepared=prepared)()
    publish.write_downloads(package, database, tmp_path / "written")()
    assert tree_hashes(tmp_path / "linked") == tree_hashes(tmp_path / "written")
    name = publish.download_name(package.resource("mo_officers"))
    for path in (name, f"spreadsheet/{name}"):
        assert os.path.samefile(tmp_path / "linked" / path, prepared / path), path  # linked, not written again

    source = package.path(package.resource("statutes"))
    original = source.read_bytes()
    try:
        source.write_bytes(original.replace(b"\n", b"\r\n", 1))  # a change after the preparation
        publish.write_downloads(package, database, tmp_path / "changed", prepared=prepared)()
        assert (tmp_path / "changed" / "statutes.csv").read_bytes() == source.read_bytes() != (prepared / "statutes.csv").read_bytes()
        sums = (tmp_path / "changed" / "SHA256SUMS").read_text()
        assert f"{sha(source)}  statutes.csv" in sums
    finally:
        source.write_bytes(original)


def test_every_table_the_build_makes_is_a_name_no_resource_may_take(built):
    """package.BUILD_TABLES is what the descriptor check refuses as a resource's or a view's name: it must
    hold every table the build makes, or a resource of that name would end in a clash inside SQLite."""
    import sqlite3
    from certdata.package import Package, reserved_name
    from certdata.presentation import read
    package = Package.load(built)
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    names = {name for (name,) in conn.execute("select name from sqlite_master where type in ('table', 'view')")}
    conn.close()
    made = names - {r["name"] for r in package.resources} - set(read(built)["views"])
    assert made and all(reserved_name(name) for name in made), sorted(n for n in made if not reserved_name(n))


def test_a_relative_package_root_builds(small_package):
    """The seventh attack run: CERTDATA_ROOT given relative (cases/relroot) made mkdocs look for the docs
    under the repository's folder. The root is made absolute first."""
    import os
    import subprocess
    import sys
    from .conftest import ROOT
    env = {"CERTDATA_ROOT": small_package.name, "PATH": f"{sys.prefix}/bin:/usr/bin:/bin"}
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--quiet"], cwd=small_package.parent, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (small_package / "site" / "index.html").is_file() and os.path.isfile(small_package / "site" / "downloads" / "certification.db")


def test_a_date_in_a_format_of_its_own_is_published_as_a_date(small_package):
    """The fourth session's attack run: a date field with a non-default format was published as written
    ("04/05/1971" sorts after "12/01/1970"). It is read as the format says and published as ISO text; an
    integer field with bareNumber false ("$100") is published as the number."""
    import csv
    import sqlite3
    root = small_package
    schema_path = root / "data" / "schemas" / "ma_training.json"
    schema = json.loads(schema_path.read_text())
    field = next(f for f in schema["fields"] if f["name"] == "completion_date")
    field.update(format="%m/%d/%Y", example="06/14/2019")
    schema_path.write_text(json.dumps(schema))
    path = root / "data" / "ma_training.csv"
    rows = list(csv.DictReader(path.open(newline="", encoding="utf-8")))
    iso = {r["record_id"]: r["completion_date"] for r in rows}
    for r in rows:
        y, m, d = r["completion_date"].split("-")
        r["completion_date"] = f"{m}/{d}/{y}"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    requests = root / "data" / "schemas" / "requests.json"
    schema = json.loads(requests.read_text())
    next(f for f in schema["fields"] if f["name"] == "fee_cap_usd").update(bareNumber=False, example=100)
    requests.write_text(json.dumps(schema))
    table = root / "data" / "requests.csv"
    rows = list(csv.DictReader(table.open(newline="", encoding="utf-8")))
    fees = {r["request_id"]: int(r["fee_cap_usd"]) for r in rows if r["fee_cap_usd"]}
    for r in rows:
        r["fee_cap_usd"] = f"${r['fee_cap_usd']}" if r["fee_cap_usd"] else ""
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = run_cli(root, "--quiet")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(root / "site" / "downloads" / "certification.db") as db:
        published = dict(db.execute("select record_id, completion_date from ma_training"))
        published_fees = {r: (v, t) for r, v, t in db.execute("select request_id, fee_cap_usd, typeof(fee_cap_usd) from requests "
                                                               "where fee_cap_usd is not null")}
    assert published == iso
    assert fees and published_fees == {r: (v, "integer") for r, v in fees.items()}


def test_the_source_documents_are_published_in_full_without_contact_details(built):
    """A new user's walk: the full documents were not among the downloads, only passages. Each copy is published
    under downloads/sources/, named in the release descriptor and in SHA256SUMS, and holds no telephone number or
    e-mail address (the build refuses a copy that holds one)."""
    import json

    from certdata import sources
    from certdata.package import Package
    downloads = built / "site" / "downloads"
    copies = sources.source_copies(Package.load(built))
    assert copies
    descriptor = json.loads((downloads / "datapackage.json").read_text())
    named = {s["pcr:id"]: s["pcr:text"] for s in descriptor["sources"] if s.get("pcr:text")}
    sums = (downloads / "SHA256SUMS").read_text()
    for source_id, copy in copies.items():
        published = downloads / named[source_id]
        assert published.read_bytes() == copy.read_bytes() and f"  {named[source_id]}\n" in sums
        text = published.read_text(encoding="utf-8")
        assert sources.redact(text) == text


def test_the_usage_names_every_command_and_every_option():
    """As sqlite-utils tests its CLI's documentation: an option added to build.py and left out of its usage (what
    --help prints first) fails here. The README points to --help for the rest."""
    import argparse
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_cli", ROOT / "build.py")
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    parser, usage = cli.make_parser(), cli.__doc__
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options = [o for a in parser._actions for o in a.option_strings if o not in ("-h", "--help")]
    for name, sub in commands.choices.items():
        assert f"python build.py {name}" in usage or (name == "build" and "python build.py [build" in usage), name
        options += [o for a in sub._actions for o in a.option_strings if o not in ("-h", "--help")]
    missing = [o for o in options if o not in usage]
    assert not missing, missing
