"""A maintainer adds a third state: its module, its template, its schema, its CSV and its package
entry, all from tests/fixtures/third_state/, and no edit to the core. The state is validated,
loaded, searchable, has officer pages, is documented and appears in the release diff."""
import asyncio
import json
import re
import shutil

import pytest

from certdata import datasette, pipeline

from .conftest import ROOT, make_package, run_cli

FIXTURE = ROOT / "tests" / "fixtures" / "third_state"


def add_third_state(root):
    """What the README's "Adding a state" says: copy the files in, add the resource to datapackage.json,
    its agencies to agencies.csv and its code to the agencies schema."""
    shutil.copytree(FIXTURE / "states", root / "states", dirs_exist_ok=True)
    shutil.copytree(FIXTURE / "data", root / "data", dirs_exist_ok=True)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"].append(json.loads((FIXTURE / "resource.json").read_text(encoding="utf-8")))
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    agencies = root / "data" / "agencies.csv"
    extra = (root / "data" / "xs_agencies.csv").read_text(encoding="utf-8").split("\n", 1)[1]
    agencies.write_text(agencies.read_text(encoding="utf-8") + extra, encoding="utf-8")
    (root / "data" / "xs_agencies.csv").unlink()
    schema_path = root / "data" / "schemas" / "agencies.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for field in schema["fields"]:
        constraints = field.get("constraints", {})
        if field["name"] == "state":
            constraints["enum"].append("XS")
        if field["name"] == "agency_id":
            constraints["pattern"] = constraints["pattern"].replace("MO|MA", "MO|MA|XS")
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def third(tmp_path_factory):
    root = add_third_state(make_package(tmp_path_factory.mktemp("third") / "pkg", mo_active=40, ma_officers=10))
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    return root


def get(ds, path):
    return asyncio.run(ds.client.get(path))


@pytest.fixture(scope="module")
def client(third):
    return datasette.app(third / "site" / "downloads" / "certification.db", third / "site" / "datasette" / "metadata.json")


CORE = [*ROOT.glob("certdata/*.py"), *ROOT.glob("certdata/importers/*.py"), *ROOT.glob("plugins/*.py"),
        *ROOT.glob("templates/datasette/*.html"), *ROOT.glob("templates/docs/*.j2")]


def test_the_core_names_no_state_of_the_fixture():
    assert not [p for p in CORE if "xs_officers" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("word", ["mo_", "ma_", "Missouri", "Massachusetts", "/officer/mo/", "/officer/ma/", "POST"])
def test_the_core_names_no_state_at_all(word):
    """The core loops over the states: no table, route or name of Missouri or Massachusetts is written in it
    (the states' own modules and templates are in certdata/states/, their data in data/)."""
    import re
    pattern = re.compile(rf"\b{re.escape(word)}" if word[0].isalpha() else re.escape(word))
    assert [p.relative_to(ROOT).as_posix() for p in CORE if pattern.search(p.read_text(encoding="utf-8"))] == []


def test_the_third_state_is_validated_and_loaded(third):
    assert run_cli(third, "check").returncode == 0
    broken = third.parent / "broken"
    shutil.copytree(third, broken, ignore=shutil.ignore_patterns("site", "build"))
    (broken / "data" / "xs_officers.csv").write_text("officer_id,officer_name,certification_status\nXS-1,,x\n", encoding="utf-8")
    result = run_cli(broken, "check")
    assert result.returncode == 1 and "xs_officers" in result.stderr and "Traceback" not in result.stderr


def test_the_third_state_is_searchable_with_officer_pages(client):
    body = get(client, "/search.json?q=quillbrook").json()
    assert {r["person_id"] for r in body["rows"]} == {"xs/XS-0001", "xs/XS-0003"}
    assert {r["state"] for r in body["rows"]} == {"XS"}
    assert get(client, "/search.json?q=quillbrook&state=XS").json()["total"] == 2
    row = next(r for r in body["rows"] if r["person_id"] == "xs/XS-0001")
    page = get(client, row["officer_path"])
    assert page.status_code == 200
    assert "Quillbrook, Ottoline" in page.text and "Example State certification record XS-0001" in page.text
    assert "A test fixture: no agency has released this element" in page.text  # the caveat comes from the schema
    assert "Synthetic sample" in page.text  # provenance from the package
    assert get(client, "/officer/xs/XS-9999").status_code == 404
    assert get(client, "/officer/xs/not-an-id").status_code == 404
    assert get(client, "/export/xs_officers.json").json()[0]["officer_id"] == "XS-0001"


def test_the_third_state_has_its_section_of_the_agency_page(client):
    page = get(client, "/agency/XS-sample-borough-01-police")
    assert page.status_code == 200
    assert "Sample Borough 01 Police" in page.text and "Example State law-enforcement agency" in page.text
    assert "Example State officers the fixture names with this agency" in page.text
    for key, name in (("XS-0001", "Quillbrook, Ottoline"), ("XS-0003", "Quillbrook, Ambrose")):
        assert f'href="/officer/xs/{key}">{name}</a>: Sample status A' in page.text
    assert "Vantreese" not in page.text  # no agency: on no agency page
    main = without_banner(page.text)  # the sample banner names every sample table, these among them
    assert "Missouri officers whose" not in main and "Massachusetts training records" not in main
    assert "/certification/xs_officers.csv?agency_id=XS-sample-borough-01-police" in page.text
    assert get(client, "/agency/XS-no-such-agency").status_code == 404
    # the other states' agency pages carry no section of the third state
    mo = get(client, "/search.json?q=garcia&state=MO").json()["rows"][0]["agency_id"]
    assert "Example State" not in without_banner(get(client, f"/agency/{mo}").text)


def test_the_third_states_names_link_to_its_officer_pages(client):
    table = get(client, "/certification/xs_officers")
    assert '<a class="officer-link" href="/officer/xs/XS-0001">Quillbrook, Ottoline</a>' in table.text
    row = get(client, "/certification/xs_officers/XS-0002")
    assert '<a class="officer-link" href="/officer/xs/XS-0002">Vantreese, Barnaby</a>' in row.text
    home = get(client, "/")
    assert 'href="/certification/xs_officers">Example State officers</a> (Example State;' in home.text


def without_banner(page):
    """A page without its sample banner (which names the sample's tables by their titles)."""
    return re.sub(r'<aside class="sample-banner".*?</aside>', "", page, flags=re.S)


def test_a_state_without_decertification_adds_nothing_to_the_decertified_page(client):
    page = get(client, "/decertified")
    assert page.status_code == 200 and "/officer/xs/" not in page.text
    # named once, among the states left out, and nowhere else
    main = without_banner(page.text)
    assert main.count("Example State") == 1 and re.search(r"Not listed: [^<]*Example State", main)
    rows = get(client, "/decertified.json").json()
    assert rows and {r["state"] for r in rows} == {"MO"}
    assert all(r["officer_page"] == "http://localhost/officer/" + r["person_id"] for r in rows)  # absolute


def test_the_existing_states_still_have_their_pages(client):
    mo = get(client, "/search.json?q=garcia&state=MO").json()["rows"][0]
    assert get(client, mo["officer_path"]).status_code == 200
    assert get(client, "/officer/ma/990001").status_code == 200


def test_the_third_state_is_documented(third):
    page = third / "site" / "resources" / "xs_officers" / "index.html"
    assert page.exists()
    text = page.read_text(encoding="utf-8")
    assert "Example State officers" in text and "Certification status" in text


def test_the_third_state_is_in_the_release_diff(third, tmp_path):
    old = tmp_path / "old.db"
    old.write_bytes((third / "site" / "downloads" / "certification.db").read_bytes())
    path = third / "data" / "xs_officers.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("XS-0002,\"Vantreese, Barnaby\",Sample status B", "XS-0002,\"Vantreese, Barnaby\",Sample status A")
                    + "XS-0004,\"Marchbanks, Iolanthe\",Sample status B,\n", encoding="utf-8")
    pipeline.build(root=third, progress=pipeline.Progress(quiet=True))
    new = third / "site" / "downloads" / "certification.db"
    result = run_cli(third, "diff", str(old), str(new))
    assert result.returncode == 0, result.stderr
    assert "xs_officers: 1 added, 1 changed" in result.stdout
    changes = (third / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "xs_officers" in changes


BROKEN_STATES = {  # what a maintainer's slip in the new state's module looks like, and what the message must name
    "syntax-error": (lambda t: t.replace("PAGE_QUERIES = {", "PAGE_QUERIES = {{"), ["xs.py, line", "not valid Python"]),
    "missing-declaration": (lambda t: t.replace("ID_PATTERN = ", "ID_PATTEN = "), ["xs.py", "missing ID_PATTERN"]),
    "raises-on-import": (lambda t: t + "\nraise RuntimeError('SECRET-VALUE')\n", ["xs.py, line", "cannot be loaded (RuntimeError)"]),
    "wrong-types": (lambda t: t.replace('ROUTE = "XS", "Example State", "xs"', 'ROUTE = "XS", "Example State", 7'),
                    ["xs.py", "ROUTE must be text"]),
    # a state module named a set of its own PLACEHOLDERS (the release check failed with an internal error)
    "placeholders-of-another-shape": (lambda t: t + "\nPLACEHOLDERS = frozenset({'1900-01-01'})\n",
                                      ["xs.py", "PLACEHOLDERS must map resource names to (field, values)"]),
    "search-sql-broken": (lambda t: t.replace("from xs_officers o", "from xs_officer o"),
                          ["xs.py", "SEARCH_SQL does not run", "no such table: xs_officer"]),
    "page-query-broken": (lambda t: t.replace("select * from xs_officers where", "select * from xs_officers whre"),
                          ["xs.py", "PAGE_QUERIES['officer'] does not run"]),
    "same-route-as-another": (lambda t: t.replace('"Example State", "xs"', '"Example State", "mo"'),
                              ["xs.py", "the same ROUTE 'mo'"]),
}
BROKEN_PRESENTATION = {
    "syntax-error": (lambda t: t + "\ntables: [unclosed\n", ["data/presentation.yml", "cannot read"]),
    "unknown-table": (lambda t: t.replace("  requests: {label_column: request_id}", "  requests: {label_column: request_id}\n"
                                          "  xs_officer: {sort: officer_name}"), ["data/presentation.yml", "'xs_officer' is not a resource"]),
    "wrong-type": (lambda t: t.replace("facets: [course_name]", "facets: course_name"),
                   ["data/presentation.yml", "ma_training: facets must be a list of column names"]),
    "unknown-option": (lambda t: t.replace("facets: [course_name]", "facet: [course_name]"),
                       ["data/presentation.yml", "unknown option 'facet'"]),
    "view-broken": (lambda t: t.replace("from mo_officers o join agencies a", "from mo_officer o join agencies a"),
                    ["data/presentation.yml", "views: agency_status_counts does not run", "no such table"]),
}


def broken_copy(third, tmp_path, path, edit):
    root = tmp_path / "broken"
    shutil.copytree(third, root, ignore=shutil.ignore_patterns("build"))
    target = root / path
    target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def assert_plain_failure(root, command, expected):
    result = run_cli(root, *command)
    output = result.stdout + result.stderr
    assert result.returncode == 1, (command, output[-2000:])
    assert "Traceback" not in output and "SECRET-VALUE" not in output and "unexpected internal error" not in output, output
    for words in expected:
        assert words in output, (command, words, output[-2000:])


@pytest.mark.parametrize("case", BROKEN_STATES, ids=str)
def test_a_broken_state_module_ends_every_command_in_a_plain_message(third, tmp_path, case):
    edit, expected = BROKEN_STATES[case]
    root = broken_copy(third, tmp_path, "states/xs.py", edit)
    site = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert_plain_failure(root, ("--quiet",), expected)
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == site  # nothing published
    if case in ("search-sql-broken", "page-query-broken"):
        return  # the module loads: only the build, which runs its SQL, can tell
    database = str(root / "site" / "downloads" / "certification.db")
    roster = tmp_path / "roster.csv"
    roster.write_text('Name,License Status,License Class\n"Doe, Jane",Revoked,unknown\n', encoding="utf-8")
    for command in (("check",), ("sample", "--out", str(tmp_path / "sample")), ("diff", database, database),
                    ("import", "mo-roster", str(roster))):
        assert_plain_failure(root, command, expected)


@pytest.mark.parametrize("case", BROKEN_PRESENTATION, ids=str)
def test_a_broken_presentation_file_ends_the_build_in_a_plain_message(third, tmp_path, case):
    edit, expected = BROKEN_PRESENTATION[case]
    root = broken_copy(third, tmp_path, "data/presentation.yml", edit)
    site = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert_plain_failure(root, ("--quiet",), expected)
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == site
    if case != "view-broken":  # a view is only known broken once the database exists
        assert_plain_failure(root, ("check",), expected)


def test_every_state_s_search_sql_runs_without_the_indexes(third, tmp_path):
    """The build runs each state's SEARCH_SQL before the tables' indexes exist (their names are parsed while
    the indexes are built): its plan without them must read each table once, never per officer (a correlated
    subquery) nor through an index SQLite would build for the statement."""
    import sqlite3

    from certdata import states
    from certdata.package import Package
    database = tmp_path / "unindexed.db"
    shutil.copyfile(third / "site" / "downloads" / "certification.db", database)
    conn = sqlite3.connect(database)
    for (name,) in conn.execute("select name from sqlite_master where type = 'index' and sql is not null").fetchall():
        conn.execute(f'drop index "{name}"')
    registered = states.of_package(Package.load(third))
    assert {s.CODE for s in registered} == {"MO", "MA", "XS"}
    for state in registered:
        plan = " | ".join(row[3] for row in conn.execute(f"explain query plan {state.SEARCH_SQL}"))
        assert "CORRELATED" not in plan and "AUTOMATIC" not in plan, (state.CODE, plan)
