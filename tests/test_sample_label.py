"""A program or a person who downloads the data is told it is a synthetic sample inside the data itself
(a saved or piped file loses its name and headers): every row of the JSON and CSV downloads while the
release holds a sample, a table in the SQLite file; a release with no sample carries none of it."""
import asyncio
import csv
import html
import json
import io
import re
import shutil
import sqlite3
import xml.etree.ElementTree as ET

import pytest

from certdata import datasette, pipeline, presentation
from certdata.package import Package

from .conftest import make_real_release

JSON = ["/decertified.json", "/export/mo_officers.json", "/export/people.json?q={name}", "/export/agencies.json",
        "/export/ma_training.json"]
CSV = ["/decertified.csv", "/search.csv?q={name}", "/certification/mo_officers.csv?_stream=on",
       "/certification/mo_officers.csv?_stream=on&_csv=exact", "/certification/people.csv?_size=max",
       "/certification/decertified_officers.csv", "/certification/agency_status_counts.csv",
       "/certification.csv?sql=select+officer_name+from+mo_officers"]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return make_real_release(tmp_path_factory.mktemp("real") / "pkg")


def app(root):
    return datasette.app(root / "site" / "downloads" / "certification.db", root / "site" / "datasette" / "metadata.json")


def fetch(client, path, name="smith"):  # the test release of make_real_release has no Smith: Doe
    response = asyncio.run(client.client.get(path.format(name=name)))
    assert response.status_code == 200, path
    return response


def csv_rows(client, path, name="smith"):
    return list(csv.reader(io.StringIO(fetch(client, path, name).content.decode("utf-8-sig"), newline="")))


def test_every_json_row_of_a_sample_says_so(built):
    client = app(built)
    for path in JSON:
        rows = fetch(client, path).json()
        assert rows and all(row["synthetic_sample"] is True for row in rows), path


DATASETTE_JSON = ["/certification/mo_officers.json?_size=2", "/certification/ma_training.json?_size=2",
                  "/certification/people.json?_size=2", "/certification/decertified_officers.json",
                  "/certification.json?sql=select+1+as+n"]


def test_datasette_s_own_json_of_a_sample_says_so_in_its_body(built):
    """A new user's walk: Datasette's JSON of a table, a row and a saved query said it held a sample in a header only,
    which a saved file loses. Its top level says so; the shapes whose top level is the rows themselves keep the
    header and the file name; a table of agency data says nothing."""
    client = app(built)
    row = fetch(client, "/certification/mo_officers.json?_size=1").json()["rows"][0][0]
    for path in DATASETTE_JSON + [f"/certification/mo_officers/{row}.json"]:
        assert fetch(client, path).json()["synthetic_sample"] is True, path
    for path in ("/certification/mo_officers.json?_size=2&_shape=array", "/certification/mo_officers.json?_size=2&_shape=object"):
        response = fetch(client, path)
        assert "synthetic_sample" not in response.text and response.headers["x-synthetic-sample"], path
    assert "synthetic_sample" not in fetch(client, "/certification/statutes.json").json()


def test_every_csv_row_of_a_sample_says_so_in_a_last_column(built):
    client = app(built)
    for path in CSV:
        header, *rows = csv_rows(client, path)
        assert header[-1] == "synthetic_sample" and "synthetic_sample" not in header[:-1], path
        assert rows and all(len(row) == len(header) and row[-1] == "true" for row in rows), path
    # no row more or less than the unlabelled answer, and the label never joins a cell
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    total = conn.execute("select count(*) from mo_officers").fetchone()[0]
    officers = csv_rows(client, "/certification/mo_officers.csv?_stream=on&_csv=exact")
    assert len(officers) == total + 1 and {"García, María", "O'Brien, Patrick J"} <= {r[1] for r in officers}
    headless = csv_rows(client, "/certification/mo_officers.csv?_size=5&_header=off")
    assert len(headless) == 5 and all(row[-1] == "true" for row in headless)


def test_the_search_never_says_a_sample_s_agencies_come_from_an_agency_s_records(built):
    """The fact-check: beside a sample's rows the search page said "Agency, Missouri: from the records of POST".
    While a state's officers are a sample, its caveat says so; a name that matches nothing says no search finds a
    real person."""
    client = app(built)
    page = asyncio.run(client.client.get("/search", params={"q": "smith"})).text
    caveats = re.findall(r'<p class="caveat">Agency, [^<]*', page)
    assert caveats and all("generated for testing (a synthetic sample" in c for c in caveats), caveats
    none = asyncio.run(client.client.get("/search", params={"q": "zzqqxx"})).text
    assert "a search finds no real person among them" in none


def test_tables_of_agency_data_carry_no_label_beside_a_sample(built):
    client = app(built)
    for path in ("/certification/statutes.csv", "/certification/request_items.csv?_csv=exact",
                 "/certification/package_resources.csv"):
        assert "synthetic_sample" not in csv_rows(client, path)[0][-1:], path
    # nor a saved file's name (the walk: statutes.csv was saved as SYNTHETIC-SAMPLE-statutes.csv), as a sample's has
    for path, labelled in (("/certification/statutes.csv?_dl=1", False), ("/certification/statutes/rsmo-590~2E180.json", False),
                           ("/certification/mo_officers.csv?_dl=1", True), ("/certification.json?sql=select+1", True)):
        disposition = fetch(client, path).headers.get("content-disposition", "")
        assert ("SYNTHETIC-SAMPLE-" in disposition) is labelled, (path, disposition)


def test_the_database_file_names_the_sample_in_a_table_of_its_own(built):
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    rows = dict(conn.execute("select resource, notice from synthetic_sample order by resource").fetchall())
    synthetic = Package.load(built).synthetic_resources()
    assert all(rows.pop(name).startswith("SYNTHETIC SAMPLE, NOT REAL OFFICERS") for name in synthetic)
    # and every table and view built from their rows (the fact-check: people and the views said nothing)
    derived = {"people", "people_names", "people_fts", "changes"} | set(presentation.read(built)["views"])
    assert derived <= set(rows) and all(n.startswith("BUILT FROM A SYNTHETIC SAMPLE") for n in rows.values())
    assert not {"package_resources", "package_fields", "build_info"} & set(rows)
    metadata = json.loads((built / "site" / "datasette" / "metadata.json").read_text())["databases"]["certification"]["tables"]
    assert all(metadata[name]["description"].startswith("BUILT FROM A SYNTHETIC SAMPLE") for name in derived & set(metadata))
    assert {"people", *presentation.read(built)["views"]} <= set(metadata)
    page = (built / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "its table <code>synthetic_sample</code>" in page


def test_a_sample_s_titles_say_so_wherever_a_program_or_a_reader_meets_them(built):
    """A walk: the published descriptor and the database's package_resources titled the sample "Missouri POST licence
    records" (only a flag said otherwise), and the Datasette's home, database and query pages, the decertified list's
    counts, the feed and the sample's documentation pages were titled as real data."""
    synthetic = Package.load(built).synthetic_resources()
    published = json.loads((built / "site" / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    assert "synthetic sample" in published["title"] and "SYNTHETIC SAMPLE" in published["description"]
    labelled = {r["name"]: (r["title"], r["description"]) for r in published["resources"] if r["name"] in synthetic}
    assert set(labelled) == set(synthetic)
    assert all("(synthetic sample)" in t and d.startswith("SYNTHETIC SAMPLE") for t, d in labelled.values()), labelled
    assert all("synthetic" not in r["title"] for r in published["resources"] if r["name"] not in synthetic)
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    rows = conn.execute("select resource, title, description from package_resources where synthetic_sample").fetchall()
    assert {r[0] for r in rows} == set(synthetic) and all("(synthetic sample)" in r[1] and r[2].startswith("SYNTHETIC") for r in rows)
    client = app(built)
    for path in ("/", "/certification", "/certification?sql=select+1"):
        title = re.search(r"<title>(.*?)</title>", fetch(client, path).text, re.S).group(1)
        assert "synthetic sample" in title, path
    counts = re.findall(r"<dt>[^<]*\(([^)]*records?[^)]*)\)</dt>", fetch(client, "/decertified").text)
    assert counts and all("synthetic sample" in c for c in counts), counts
    feed = ET.parse(built / "site" / "feeds" / "decertifications.xml").getroot()
    assert "SYNTHETIC SAMPLE" in feed.find("{http://www.w3.org/2005/Atom}title").text
    for name in synthetic:
        page = (built / "site" / "resources" / name / "index.html").read_text(encoding="utf-8")
        assert "(synthetic sample)" in re.search(r"<title>(.*?)</title>", page).group(1), name


def test_a_release_with_no_sample_carries_no_label(real):
    assert Package.load(real).synthetic_resources() == []
    client = app(real)
    for path in JSON:
        rows = fetch(client, path, "doe").json()
        assert rows and not [row for row in rows if "synthetic_sample" in row], path
    for path in DATASETTE_JSON:
        assert "synthetic_sample" not in fetch(client, path, "doe").json(), path
    for path in CSV:
        header, *rows = csv_rows(client, path, "doe")
        assert rows and "synthetic_sample" not in header, path
    conn = sqlite3.connect(real / "site" / "downloads" / "certification.db")
    assert not conn.execute("select name from sqlite_master where name = 'synthetic_sample'").fetchall()
    metadata = json.loads((real / "site" / "datasette" / "metadata.json").read_text())["databases"]["certification"]["tables"]
    assert not [name for name, t in metadata.items() if "SYNTHETIC" in t.get("description", "")]
    page = asyncio.run(client.client.get("/search", params={"q": "doe"})).text  # the agency caveat: the agency's records
    assert "from the records of" in page and "generated for testing" not in page and "synthetic sample" not in page
    assert "its table <code>synthetic_sample</code>" not in (real / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "on the synthetic sample" not in (real / "site" / "search" / "index.html").read_text(encoding="utf-8")


ROBOT_PAGES = ["/", "/search?q={name}", "/decertified", "/certification", "/certification/mo_officers",
               "/certification/statutes", "/agency/{agency}", "/officer/{officer}", "/search.json?q={name}"]


def robot_pages(root):
    conn = sqlite3.connect(root / "site" / "downloads" / "certification.db")
    officer, agency = conn.execute("select person_id, agency_id from people where agency_id is not null limit 1").fetchone()
    return [path.replace("{agency}", agency).replace("{officer}", officer) for path in ROBOT_PAGES]


def test_search_engines_are_asked_not_to_index_a_release_that_holds_a_sample(built):
    """Generated names must not turn up in a search engine as if they were officers: every answer of the
    Datasette says noindex in its headers, and every page in its HTML too, while the release holds a sample."""
    client = app(built)
    for path in robot_pages(built):
        response = fetch(client, path)
        assert response.headers.get("x-robots-tag") == "noindex", path
        if "html" in response.headers["content-type"]:
            assert '<meta name="robots" content="noindex">' in response.text, path
    missing = asyncio.run(client.client.get("/no-such-page"))
    assert missing.status_code == 404 and missing.headers.get("x-robots-tag") == "noindex"
    assert '<meta name="robots" content="noindex">' in missing.text


def test_a_release_with_no_sample_may_be_indexed(real):
    client = app(real)
    for path in robot_pages(real):
        response = fetch(client, path, "doe")
        assert "x-robots-tag" not in response.headers and 'name="robots"' not in response.text, path


def test_no_documentation_page_of_a_sample_is_indexed_and_no_sitemap_lists_them(built):
    pages = list((built / "site").rglob("*.html"))
    assert len(pages) > 15
    assert [p for p in pages if '<meta name="robots" content="noindex">' not in p.read_text()] == []
    assert not (built / "site" / "sitemap.xml").exists()


def test_the_documentation_of_a_real_release_may_be_indexed_and_has_a_sitemap_once_its_address_is_set(real, tmp_path, monkeypatch):
    assert [p for p in (real / "site").rglob("*.html") if '<meta name="robots"' in p.read_text()] == []
    assert not (real / "site" / "sitemap.xml").exists()  # no address, no sitemap: its entries would have none
    root = tmp_path / "pkg"
    shutil.copytree(real, root, symlinks=True)
    monkeypatch.setenv("CERTDATA_DOCS_URL", "https://docs.example/records/")
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    locations = [e.text for e in ET.parse(root / "site" / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://docs.example/records/law/" in locations and all(u.startswith("https://docs.example/records/") for u in locations)
    feed = ET.parse(root / "site" / "feeds" / "decertifications.xml").getroot()
    links = {e.get("rel"): e.get("href") for e in feed.findall("{http://www.w3.org/2005/Atom}link")}
    assert links == {"self": "https://docs.example/records/feeds/decertifications.xml",
                     "alternate": "https://docs.example/records/changes/"}


@pytest.mark.parametrize("path", ['/certification/mo_officers/x%22%3B%20filename*%3DUTF-8%27%27evil.html%3B%20a%3D%22.json',
                                  "/certification/mo_officers/%00.json", "/certification/mo_officers/a%0d%0aSet-Cookie:%20x.json"])
def test_a_download_s_file_name_never_carries_what_the_path_smuggles_in(built, path):
    """The fourth attack run: a quote in the path added a filename* parameter to Content-Disposition;
    a NUL, CR or LF broke the response (no HTTP header may carry them)."""
    response = asyncio.run(app(built).client.get(path))
    disposition = response.headers.get("content-disposition", "")
    if disposition:
        assert disposition.count('"') == 2 and "filename*" not in disposition and ";" not in disposition.split('"')[1]
        assert re.fullmatch(r'(inline|attachment); filename="[A-Za-z0-9._-]+"', disposition), disposition


def test_a_real_officer_is_not_labelled_a_sample_while_another_state_s_data_still_is(tmp_path):
    """A new user's walk: once Missouri's roster was imported, with Massachusetts still a sample, every real
    Missouri officer's page opened with "Synthetic sample, not real officers"."""
    from .conftest import make_package, run_cli
    root = make_package(tmp_path / "pkg", mo_active=40, ma_officers=10)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    roster = tmp_path / "roster.csv"
    roster.write_text('Name,License Status,License Class,Commissioning Agency\n"Doe, Jane",Revoked,unknown,'
                      "Columbia Police Department\n", encoding="utf-8")
    result = run_cli(root, "import", "mo-roster", str(roster), "--received", "2023-01-18")
    assert result.returncode == 0, result.stderr
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    assert "mo_officers" not in Package.load(root).synthetic_resources()
    client = app(root)
    conn = sqlite3.connect(root / "site" / "downloads" / "certification.db")
    real = conn.execute("select row_id from mo_officers").fetchone()[0]
    sample = conn.execute("select acadis_id from ma_training limit 1").fetchone()[0]
    page = fetch(client, f"/officer/mo/{real}").text
    assert "Synthetic sample, not real officers" not in page
    assert "POST's words" in page  # Revoked: POST's own words, quoted
    # an attack run: a cited address followed a namesake through an agency change and a blanked agency to "Revoked",
    # and the page did not say that the identifier follows the name (the rule it states is row_ids')
    assert "follows the name, not a number" in page
    # a walk at phone width: the status came a screen down, below the rule; what the record says comes first
    assert page.index("Licence status") < page.index("follows the name, not a number")
    # the fact-check: the date the file was received is not the date the status was true
    assert "the date POST produced the release is not stated in the record" in page and "received 2023-01-18" in page
    assert "Synthetic sample, not real officers" in fetch(client, f"/officer/ma/{sample}").text
    assert "Synthetic sample, not real officers" in fetch(client, "/").text  # the site as a whole still holds one
    # the real agency's page too (a walk: it was headed as a sample's), while a sample agency's keeps the banner
    agency = fetch(client, "/agency/MO-columbia-police-department").text
    assert "Synthetic sample, not real officers" not in agency and "(synthetic sample)" not in agency.split("</title>")[0]
    assert "Doe, Jane" in agency
    sample_agency = conn.execute("select agency_id from ma_training where agency_id is not null limit 1").fetchone()[0]
    page = fetch(client, f"/agency/{sample_agency}").text
    assert "Synthetic sample, not real officers" in page and "(synthetic sample)" in page.split("</title>")[0]
    # the same walk, next round: the search and the decertified list of the real state's rows were headed as a
    # sample's, and their downloads said synthetic_sample: true of every real row
    found = fetch(client, "/search?q=doe").text
    assert "Doe, Jane" in found and "Synthetic sample, not real officers" not in found
    assert "(synthetic sample)" not in found.split("</title>")[0] and 'class="sample-mark"' not in found
    sample_name = conn.execute("select officer_name from ma_training limit 1").fetchone()[0]
    surname = sample_name.split(",")[0].removeprefix("Sample-")
    both = fetch(client, f"/search?q={surname}").text
    assert "Synthetic sample, not real officers" in both and 'class="sample-mark"' in both
    rows = fetch(client, "/search.json?q=doe").json()["rows"]
    assert rows and all(r["synthetic_sample"] is False for r in rows if r["state"] == "MO")
    assert {r["synthetic_sample"] for r in fetch(client, f"/search.json?q={surname}").json()["rows"]} == {True}
    table = csv_rows(client, "/search.csv?q=doe")
    assert table[0][-1] == "synthetic_sample" and [r[-1] for r in table[1:]] == ["false"] * (len(table) - 1)
    listed = fetch(client, "/decertified").text
    assert "Doe, Jane" in listed and "Synthetic sample, not real officers" not in listed
    assert "describe no one" not in listed and "(synthetic sample)" not in listed.split("</title>")[0]
    download = fetch(client, "/decertified.csv")
    assert "SYNTHETIC-SAMPLE" not in download.headers["content-disposition"]
    assert "synthetic_sample" not in download.text and "Doe, Jane" in download.text
    assert all("synthetic_sample" not in row for row in fetch(client, "/decertified.json").json())
    # a trial's second release: a real officer's retired identifier answered under the sample's banner
    roster.write_text('Name,License Status,License Class,Commissioning Agency\n"Roe, Richard",Revoked,unknown,\n',
                      encoding="utf-8")
    result = run_cli(root, "import", "mo-roster", str(roster), "--received", "2023-02-18", "--retire-most",
                     "--blank-field", "agency_id")  # (Roe's row names no agency: every agency blank, deliberately)
    assert result.returncode == 0, result.stderr
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    gone = asyncio.run(app(root).client.get(f"/officer/mo/{real}"))
    assert gone.status_code == 410 and "Doe, Jane" in gone.text
    assert "Synthetic sample, not real officers" not in gone.text


def test_a_real_resource_s_page_tells_the_request_s_date_from_the_import_s(real):
    """The walk: one page said the requester's receipt of the release was "not stated in the record" and, two lines
    on, "As of: the agency's release received 2026-12-01", as if the record contradicted itself."""
    page = html.unescape(re.sub(r"<[^>]+>", "", (real / "site" / "resources" / "mo_officers" / "index.html").read_text()))
    assert ("As of: the date the agency produced the file is not stated in the record; the file imported here was "
            "received 2023-01-18 (the date recorded at import)") in page
    assert "the date the request's record gives for the requester's receipt of the release" in page


def test_a_real_release_s_descriptor_and_pages_say_nothing_of_a_sample_and_name_no_unpublished_file(real):
    """An attack run and a walk: with both releases imported, the home page still said "Officer-level resources are
    synthetic samples until ...", the published descriptor still listed the sample's generator as a source, and
    each imported resource's source named its file under data/raw/, which is never published."""
    text = (real / "site" / "downloads" / "datapackage.json").read_text(encoding="utf-8")
    assert "pcr:synthetic" not in text and "Synthetic sample written by" not in text and "data/raw" not in text
    published = json.loads(text)
    assert "synthetic" not in published["description"].lower() and "synthetic" not in published["title"]
    imported = [s for r in published["resources"] for s in r.get("sources", []) if "pcr:sha256" in s]
    assert imported and all("path" not in s for s in imported)
    for page in (real / "site").rglob("*.html"):
        assert "synthetic samples until" not in page.read_text(encoding="utf-8"), page
    # a walk: journalists found no citation of the data as a whole; the descriptor's words, nothing invented
    cite = html.unescape(re.sub(r"<[^>]+>", "", (real / "site" / "downloads" / "index.html").read_text(encoding="utf-8")))
    cite = cite[cite.index("How to cite this data"):]
    requesters = [c["title"] for c in published["contributors"] if "requester" in c.get("roles", [])]
    assert f"“{published['title']}”, version {published['version']}" in cite and requesters
    assert all(name in cite for name in requesters) and "Not as a whole yet" not in cite


def test_the_checksum_an_officer_page_gives_is_the_published_csv_s_and_says_so(real):
    """A walk: "File checksum" beside "Release received" read as the agency file's digest."""
    import hashlib
    conn = sqlite3.connect(real / "site" / "downloads" / "certification.db")
    officer = conn.execute("select row_id from mo_officers limit 1").fetchone()[0]
    page = html.unescape(fetch(app(real), f"/officer/mo/{officer}").text)
    digest = hashlib.sha256((real / "site" / "downloads" / "mo_officers.csv").read_bytes()).hexdigest()
    assert f"Checksum of the published CSV (SHA-256){digest}" in re.sub(r"<[^>]+>", "", page)
    assert "downloads/mo_officers.csv; not of a Datasette export of the table, nor of the agency's file as received" in \
        re.sub(r"<[^>]+>", "", page)


def test_a_sample_release_gives_no_citation_of_its_officer_records(built):
    page = html.unescape(re.sub(r"<[^>]+>", "", (built / "site" / "downloads" / "index.html").read_text(encoding="utf-8")))
    cite = page[page.index("How to cite this data"):]
    assert "Not as a whole yet" in cite and "accessed on the date" not in cite


def test_the_checksum_a_sample_s_pages_give_names_the_file_the_downloads_hold(built):
    """A walk: a sample build's officer pages, /decertified and table pages named downloads/mo_officers.csv beside
    the checksum, when the Downloads page holds only downloads/SYNTHETIC-SAMPLE-mo_officers.csv (whose digest it was)."""
    import hashlib
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    officer = conn.execute("select row_id from mo_officers limit 1").fetchone()[0]
    client = app(built)
    for path in (f"/officer/mo/{officer}", "/decertified", "/certification/mo_officers", "/certification/ma_training"):
        text = re.sub(r"<[^>]+>", "", html.unescape(fetch(client, path).text))
        named = re.findall(r"Checksum of the published CSV \(SHA-256\)([0-9a-f]{64}) .*?downloads/([^;\s]+);", text)
        assert named, path
        for digest, name in named:
            assert name.startswith("SYNTHETIC-SAMPLE-"), (path, name)
            assert hashlib.sha256((built / "site" / "downloads" / name).read_bytes()).hexdigest() == digest, path


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A release with Missouri's roster imported and Massachusetts still a synthetic sample (a partial release)."""
    from .conftest import make_package, run_cli
    dest = tmp_path_factory.mktemp("mixed")
    root = make_package(dest / "pkg", mo_active=40, ma_officers=10)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    roster = dest / "roster.csv"
    roster.write_text('Name,License Status,License Class,Commissioning Agency\n"Doe, Jane",Revoked,unknown,'
                      "Columbia Police Department\n", encoding="utf-8")
    result = run_cli(root, "import", "mo-roster", str(roster), "--received", "2023-01-18")
    assert result.returncode == 0, result.stderr
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    assert Package.load(root).synthetic_resources() == ["agencies", "ma_training"]
    return root


def page_text(client, path):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fetch(client, path).text)))


def test_a_table_of_several_states_labels_its_rows_by_their_state_while_one_state_is_real(mixed):
    """A new user's walk: with Missouri's roster imported and Massachusetts still a sample, the agencies table's page
    called POST's agencies generated for testing, gave the sample's generator as their source, and every export
    said synthetic_sample true of every Missouri row. Each row is now labelled by its state, in every export."""
    client = app(mixed)
    meta = json.loads((mixed / "site" / "datasette" / "metadata.json").read_text())["databases"]["certification"]["tables"]
    assert meta["agencies"]["description"].startswith("SYNTHETIC SAMPLE, NOT REAL OFFICERS, in the rows whose state is "
                                                      "MA (Massachusetts)")
    assert "The rows whose state is MO (Missouri) are from the agency's release" in meta["agencies"]["description"]
    assert meta["agencies"]["source"].startswith("rows whose state is MO: Missouri POST roster of licensees (as received); "
                                                 "rows whose state is MA: Synthetic sample written by")
    page = page_text(client, "/certification/agencies")
    assert "Synthetic sample, not real officers, in this table's rows whose state is MA (Massachusetts)." in page
    assert "The rows whose state is MO (Missouri) are from the agency's release" in page
    # a real state's row page carries no sample banner; a sample state's keeps it
    real_row = page_text(client, "/certification/agencies/MO-columbia-police-department")
    assert "Synthetic sample, not real officers" not in real_row and "(synthetic sample)" not in real_row
    assert "Synthetic sample, not real officers" in page_text(client, "/certification/agencies/MA-boston-police-department")
    expected = {"MO": False, "MA": True}
    rows = fetch(client, "/export/agencies.json").json()
    assert {r["state"] for r in rows} == {"MO", "MA"} and all(r["synthetic_sample"] is expected[r["state"]] for r in rows)
    for path in ("/certification/agencies.csv?_stream=on", "/certification/agencies.csv?_stream=on&_csv=exact",
                 "/certification/agencies.csv?_size=max", "/certification/agencies.csv?_size=max&_csv=exact",
                 "/certification/people.csv?_size=max", "/certification/people.csv?_stream=on"):
        header, *records = csv_rows(client, path)
        assert header[-1] == "synthetic_sample" and {r[header.index("state")] for r in records} == {"MO", "MA"}, path
        assert all(r[-1] == str(expected[r[header.index("state")]]).lower() for r in records), path
    # a CSV without the state column cannot tell: every row stays labelled the sample's
    header, *records = csv_rows(client, "/certification/agencies.csv?_col=agency_name&_size=max")
    assert "state" not in header and header[-1] == "synthetic_sample" and {r[-1] for r in records} == {"true"}
    for path in ("/certification/agencies.json?_size=max", "/certification/agencies.json?_shape=objects&_size=max"):
        answer = fetch(client, path).json()
        labels = [(r[1], r[-1]) if isinstance(r, list) else (r["state"], r["synthetic_sample"]) for r in answer["rows"]]
        assert answer["synthetic_sample"] is True and all(label is expected[state] for state, label in labels), path
    only_real = fetch(client, "/certification/agencies.json?state=MO").json()
    assert only_real["synthetic_sample"] is False and only_real["columns"][-1] == "synthetic_sample"
    assert fetch(client, "/certification/agencies/MO-columbia-police-department.json").json()["synthetic_sample"] is False
    # a table of one state's sample rows keeps its label on every row
    assert all(r["synthetic_sample"] is True for r in fetch(client, "/export/ma_training.json").json())


def test_the_published_descriptor_flags_a_shared_resource_by_its_sample_states_rows(mixed, built):
    """The walk: the published datapackage.json carried pcr:synthetic on agencies as a whole. A resource keeps the flag
    only while all its rows are a sample; one of several states' rows names the sample's states instead."""
    published = json.loads((mixed / "site" / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    agencies = next(r for r in published["resources"] if r["name"] == "agencies")
    assert "pcr:synthetic" not in agencies and agencies["pcr:syntheticRows"] == {"field": "state", "values": ["MA"]}
    assert agencies["description"].startswith("SYNTHETIC SAMPLE, NOT REAL OFFICERS, in the rows whose state is MA")
    assert "Missouri POST roster of licensees (as received)" in [s["title"] for s in agencies["sources"]]
    assert all("path" not in s for s in agencies["sources"])  # the agency's file as received is not published
    assert next(r for r in published["resources"] if r["name"] == "ma_training")["pcr:synthetic"] is True
    # a sample-only release: every resource of the sample keeps its flag, as before
    sample = json.loads((built / "site" / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    agencies = next(r for r in sample["resources"] if r["name"] == "agencies")
    assert agencies["pcr:synthetic"] is True and "pcr:syntheticRows" not in agencies
    metadata = json.loads((built / "site" / "datasette" / "metadata.json").read_text())
    assert metadata["plugins"]["certsearch"]["state_rows"] == {}
    assert metadata["databases"]["certification"]["tables"]["agencies"]["description"].startswith(
        "SYNTHETIC SAMPLE, NOT REAL OFFICERS: the agency's release file is not in our hands yet")


def test_an_officer_page_s_citation_names_the_package_s_publishers_and_none_invented(real, tmp_path):
    """A walk: the officer pages' "How to cite" named no publisher, while the Downloads page names the contributors
    with the role publisher. Both read them from datapackage.json; without one, none is named."""
    conn = sqlite3.connect(real / "site" / "downloads" / "certification.db")
    officer = conn.execute("select row_id from mo_officers limit 1").fetchone()[0]
    package = Package.load(real)
    title = package.descriptor["title"]
    cite = re.search(r"How to cite(.*?)\(accessed", page_text(app(real), f"/officer/mo/{officer}")).group(1)
    assert cite.strip().startswith(title) and package.contributors("publisher") == []
    package.descriptor["contributors"].append({"title": "Example Newsroom", "roles": ["publisher"]})
    metadata = datasette.write_metadata(package, tmp_path / "metadata.json")
    client = datasette.app(real / "site" / "downloads" / "certification.db", metadata)
    cite = re.search(r"How to cite(.*?)\(accessed", page_text(client, f"/officer/mo/{officer}")).group(1)
    assert cite.strip().startswith(f"Example Newsroom, {title}, version {package.version}"), cite
