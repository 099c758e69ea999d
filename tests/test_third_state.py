"""A maintainer adds a third state: its module, its template, its schema, its CSV and its package
entry, all from tests/fixtures/third_state/, and no edit to the core. The state is validated,
loaded, searchable, has officer pages, is documented and appears in the release diff."""
import asyncio
import json
import shutil

import pytest

from certdata import datasette, pipeline

from .conftest import ROOT, make_package, run_cli

FIXTURE = ROOT / "tests" / "fixtures" / "third_state"


def add_third_state(root):
    """What the README's "Adding a state" says: copy the files in, add the resource to datapackage.json."""
    shutil.copytree(FIXTURE / "states", root / "states", dirs_exist_ok=True)
    shutil.copytree(FIXTURE / "data", root / "data", dirs_exist_ok=True)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"].append(json.loads((FIXTURE / "resource.json").read_text(encoding="utf-8")))
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
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


def test_the_core_names_no_state_of_the_fixture():
    core = [*ROOT.glob("certdata/*.py"), *ROOT.glob("plugins/*.py"), *ROOT.glob("templates/datasette/*.html")]
    assert not [p for p in core if "xs_officers" in p.read_text(encoding="utf-8")]


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
                    + "XS-0004,\"Marchbanks, Iolanthe\",Sample status B\n", encoding="utf-8")
    pipeline.build(root=third, progress=pipeline.Progress(quiet=True))
    new = third / "site" / "downloads" / "certification.db"
    result = run_cli(third, "diff", str(old), str(new))
    assert result.returncode == 0, result.stderr
    assert "xs_officers: 1 added, 1 changed" in result.stdout
    changes = (third / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "xs_officers" in changes
