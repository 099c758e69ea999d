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
