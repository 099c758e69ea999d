"""The data package: valid, every field documented with its disclosure, every seed fact present."""
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from certdata import sample
from certdata.states import mo
from certdata.package import Package, fields

from .conftest import ROOT, SEEDS

PACKAGE = Package.load(ROOT)


def seed(prefix):
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def rows(name):
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_frictionless_cli_says_the_package_is_valid():
    result = subprocess.run([str(Path(sys.executable).with_name("frictionless")), "validate", "--json", "datapackage.json"],
                            cwd=ROOT, capture_output=True, text=True)
    report = json.loads(result.stdout)
    assert report["valid"] is True, result.stdout[:2000]
    assert {t["name"] for t in report["tasks"]} == {r["name"] for r in PACKAGE.resources}


def test_descriptor_has_what_a_reader_needs():
    d = PACKAGE.descriptor
    assert d["$schema"].startswith("https://datapackage.org/profiles/2.0/")
    assert re.fullmatch(r"\d+\.\d+\.\d+", d["version"])
    assert not any(s.get("path") for s in d["sources"]), "no address of a source page is in the source documents"
    assert any("program description" in s["title"] for s in d["sources"])
    documents = {s["pcr:id"]: s for s in d["sources"] if s.get("pcr:text")}
    assert set(documents) == {"mo-post-2023-01-03", "ma-mptc-2023-0293", "mo-post-program-description", "mo-act-590-1150"}
    assert all((ROOT / s["pcr:text"]).is_file() for s in documents.values())
    assert all("roles" in c and "title" in c for c in d["contributors"])


@pytest.mark.parametrize("resource", PACKAGE.resources, ids=lambda r: r["name"])
def test_every_field_has_title_description_example_and_disclosure(resource):
    schema = resource["schema"]
    assert schema["primaryKey"] and "missingValues" in schema
    for field in fields(resource):
        assert field.get("title") and field.get("description"), field["name"]
        assert "example" in field or field.get("constraints", {}).get("required") is not True, field["name"]
        assert field["pcr:disclosure"]["grounds"], field["name"]
        # an example is a value the field takes (a fact-check: the record identifier's example had kept an old form
        # after the identifier's form changed)
        constraints = field.get("constraints", {})
        if "example" in field and "pattern" in constraints:
            assert re.fullmatch(constraints["pattern"], str(field["example"])), (field["name"], field["example"])
        if "example" in field and "enum" in constraints:
            assert field["example"] in constraints["enum"], (field["name"], field["example"])


@pytest.mark.parametrize("resource", [r for r in PACKAGE.resources if not r.get("pcr:synthetic")], ids=lambda r: r["name"])
def test_an_example_of_our_own_tables_is_a_value_the_column_holds(resource):
    """A fact-check after the seventeenth: examples kept wording the rows had dropped (a status meaning
    "Decertified. …", a note crediting the statute with POST's list). An example is a value of the column,
    or its start, cut at "...". A table with no rows (retired identifiers, corrections) shows its example alone."""
    held = rows(resource["name"])
    if not held:
        pytest.skip("no rows: the example stands alone")
    for field in fields(resource):
        if "example" not in field:
            continue
        example, values = str(field["example"]), {row[field["name"]] for row in held}
        if isinstance(field["example"], bool):
            example = example.lower()
        if example.endswith(" ..."):
            assert any(v.startswith(example[:-4]) for v in values), (field["name"], example)
        else:
            assert example in values, (field["name"], example)


def test_every_figure_in_the_program_description_is_a_measure():
    text = seed("001")
    dates = r"(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}, )?(of )?\d{4}"
    for pattern in (dates, r"\d{1,2}/\d{1,2}/\d{4}", r"(CY|calendar years|Statutes of Missouri,) \d{4}",
                    r"HB Section\( 8\.075", r"Chapter 590", r"\*\*\d\. ", r"through \d{4}"):
        text = re.sub(pattern, " ", text)
    figures = {int(n.replace(",", "")) for n in re.findall(r"(?<![\w/.])\d[\d,]*\d|(?<![\w/.,])\d(?![\w/,])", text)}
    figures |= {11} if "eleven-member" in seed("001") else set()
    values = {int(m["value"]) for m in rows("mo_post_measures") if m["value"]}
    assert figures, "no figures parsed from the seed"
    assert figures - values == set()
    for day in re.findall(r"As of ((?:January|July) \d{1,2}, \d{4})", seed("001")):
        from datetime import datetime
        iso = datetime.strptime(day, "%B %d, %Y").date().isoformat()
        assert iso in {m["as_of"] for m in rows("mo_post_measures")}, day


def test_measure_sentences_and_agency_quotes_are_verbatim():
    corpus = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in SEEDS.glob("*.txt"))
    for m in rows("mo_post_measures"):
        assert " ".join(m["source_sentence"].split()) in corpus, m["measure_id"]
    for item in rows("request_items"):
        if item["agency_words"]:
            assert " ".join(item["agency_words"].split()) in corpus, item["item_id"]
    for code in rows("mo_license_statuses") + rows("mo_license_classes"):
        if code["agency_words"]:
            assert " ".join(code["agency_words"].split()) in corpus


def requested_bullets(text, after, before):
    section = text.split(after, 1)[1].split(before, 1)[0]
    return [line[2:].strip() for line in section.splitlines() if line.startswith("* ")]


def test_every_requested_element_is_a_request_item():
    items = rows("request_items")
    counts = {}
    for item in items:
        counts[(item["request_id"], item["list"])] = counts.get((item["request_id"], item["list"]), 0) + 1
    assert counts[("mo-post-2023-01-03", "certified")] == 17
    assert counts[("mo-post-2023-01-03", "decertified")] == 11
    assert counts[("mo-post-2023-01-03", "follow-up")] == 9
    assert counts[("ma-mptc-2023-0293", "original")] == 8
    assert counts[("ma-mptc-2023-0293", "added")] == 1
    ma = requested_bullets(seed("002"), "Acadis database", "If your training system")
    assert [i["element"] for i in items if i["request_id"] == "ma-mptc-2023-0293" and i["list"] == "original"] == ma


def test_missouri_open_fields_are_exactly_what_post_released():
    released = {i["our_field"] for i in rows("request_items")
                if i["request_id"] == "mo-post-2023-01-03" and i["disposition"] == "released"}
    parts = {"surname", "given_names", "name_suffix"}  # the released name, in the parts a release may give it in
    officer_fields = {f"mo_officers.{f['name']}" for f in fields(PACKAGE.resource("mo_officers"))
                      if f["name"] not in parts} - {"mo_officers.row_id"}
    assert officer_fields == released
    by_name = {f["name"]: f for f in fields(PACKAGE.resource("mo_officers"))}
    assert parts <= set(by_name)
    for part in parts:  # open exactly as the name is, on the same grounds
        assert by_name[part]["pcr:disclosure"] == by_name["officer_name"]["pcr:disclosure"], part


def test_synthetic_resources_are_flagged_in_sources_and_custom_property():
    for name in ("mo_officers", "ma_training", "agencies"):
        resource = PACKAGE.resource(name)
        assert resource["pcr:synthetic"] is True
        assert any(s.get("pcr:synthetic") for s in resource["sources"])


def test_generator_is_deterministic_and_sized_like_the_roster():
    first, second = sample.generate(mo_active=500, ma_officers=50), sample.generate(mo_active=500, ma_officers=50)
    assert first == second
    assert sample.generate(seed=1, mo_active=500, ma_officers=50) != first
    committed = {name: (ROOT / "data" / f"{name}.csv").read_text(encoding="utf-8") for name in first}
    assert sample.generate() == committed, "data/ holds the default sample: regenerate with `python build.py sample`"
    current = [r for r in rows("mo_officers") if r["license_status"] == mo.CURRENT]
    assert len(current) == mo.MO_ACTIVE


ODD = [5, -1.5, True, None, "x", [], [5], {}, {"a": 1}]


def shape_variants():
    """Every property of the descriptor, one resource, its schema, a field, its constraints and a foreign
    key, set in turn to a value of each JSON type (the attack runs' malformed descriptors, and their
    neighbours)."""
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "data" / "schemas" / "mo_officers.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "agencies")
    places = [("package", k) for k in [*descriptor, "profile", "keywords", "contributors"]]
    places += [("resource", k) for k in [*resource, "format", "encoding", "compression", "dialect", "bytes", "data"]]
    places += [("schema", k) for k in [*schema, "missingValues", "uniqueKeys"]]
    places += [("field", k) for k in [*schema["fields"][1], "format", "missingValues", "constraints"]]
    places += [("constraint", k) for k in ("required", "unique", "pattern", "enum", "minLength", "maxLength", "minimum", "maximum")]
    places += [("foreign key", k) for k in ("fields", "reference")]
    return [(where, key, value) for where, key in places for value in ODD]


@pytest.mark.parametrize("where,key,value", shape_variants(), ids=lambda x: repr(x))
def test_a_descriptor_of_any_shape_is_loaded_or_refused_with_a_message(tmp_path, where, key, value):
    """A malformed schema used to end in "unexpected internal error (TypeError)", naming neither file
    nor field; and inline data beside a path was published unchecked. Each property in turn takes a
    value of each JSON type: the package loads, or it is refused with a PackageError naming the place."""
    from certdata.package import PackageError
    root = tmp_path / "pkg"
    (root / "data" / "schemas").mkdir(parents=True)
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:  # schemas inline, so one file holds the whole edit
        resource["schema"] = json.loads((ROOT / resource["schema"]).read_text(encoding="utf-8"))
        (root / resource["path"]).write_bytes((ROOT / resource["path"]).read_bytes()[:2000])
    for source in descriptor["sources"]:
        if source.get("pcr:text"):
            (root / source["pcr:text"]).parent.mkdir(parents=True, exist_ok=True)
            (root / source["pcr:text"]).write_text("text")
    resource = next(r for r in descriptor["resources"] if r["name"] == "agencies")
    schema = next(r for r in descriptor["resources"] if r["name"] == "mo_officers")["schema"]
    target = {"package": descriptor, "resource": resource, "schema": schema, "field": schema["fields"][1],
              "constraint": schema["fields"][1].setdefault("constraints", {}), "foreign key": schema["foreignKeys"][0]}[where]
    target[key] = value
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    try:
        Package.load(root)
    except PackageError as error:
        assert "internal" not in str(error) and str(error).strip()


def test_a_disclosure_by_reference_takes_the_field_s_grounds_and_refuses_a_dangling_one(tmp_path):
    """A retired identifier's record holds values published in the officer resource: its fields refer to that
    resource's disclosures ({"as": "resource.field"}), written once, so that settling a pending disclosure settles
    both; a reference to no field, or to another reference, stops the build naming the field."""
    from certdata.package import PackageError

    from .conftest import make_package
    for name, field in ((r["name"], f) for r in PACKAGE.resources for f in r["schema"]["fields"]):
        raw = json.loads((ROOT / PACKAGE.schema_file(PACKAGE.resource(name))).read_text(encoding="utf-8"))
        written = next(f for f in raw["fields"] if f["name"] == field["name"])["pcr:disclosure"]
        if "as" in written:
            source, source_field = written["as"].split(".")
            assert field["pcr:disclosure"] == next(f for f in PACKAGE.resource(source)["schema"]["fields"]
                                                   if f["name"] == source_field)["pcr:disclosure"]
            assert "grounds" in field["pcr:disclosure"]
    root = make_package(tmp_path / "pkg")
    path = root / "data" / "schemas" / "ma_retired_ids.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for dangling in ("ma_training.no_such_field", "no_such_resource.officer_name", "ma_retired_ids.acadis_id"):
        schema["fields"][1]["pcr:disclosure"] = {"as": dangling}
        path.write_text(json.dumps(schema), encoding="utf-8")
        with pytest.raises(PackageError, match="resource 'ma_retired_ids', field 'officer_name': pcr:disclosure refers to"):
            Package.load(root)
