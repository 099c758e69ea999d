"""The guard and the closed-text checks against the attack run after the fifteenth: contact values and a date of birth in
new disguises in the corrections log and a letter's copy, closed fields added as "derived", descriptions in a person's
name, and a sample published as real once its flag was taken off. Planted values are 555-01xx numbers and example.com
addresses only; the names are invented."""
import csv
import json

import pytest

from certdata import guard, names, sources

from .conftest import make_package
from .test_closed_text import CORRECTIONS_HEADER, check_output, copy_of
from .test_name_checks import growth, passes_as_name, refused_as_name


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A small package that passes the check."""
    return make_package(tmp_path_factory.mktemp("guard-attacks") / "pkg", mo_active=20, ma_officers=5)


# 1 and 2: the corrections log's free text and a letter's copy

DISGUISES = ["call 555.0142", "call 0015735550142", "call +1 573 555 0142", "mail jdoe\\u0040example.com",
             "mail jdoe\\u{40}example.com", "mail jdoe\\x40example.com", "born on the fourth of July",
             "born the 4th of July", "date of birth: the fourth of July", "five five five dot oh one four two",
             "five five five dash oh one four two", "call 55501-42", "call 573555014 2", "call 555 01 42", "ext. 0142",
             "desk x0142", "extension #142"]


@pytest.mark.parametrize("value", DISGUISES)
def test_a_contact_value_or_a_birth_date_in_a_new_disguise_is_refused_in_free_text(value):
    assert names.free_text_problem(value), value


@pytest.mark.parametrize("value", DISGUISES + ["jdoe\u2024example.com", "jdoe\u2022example.gov", "jdoe@example\u2024com"])
def test_a_letter_s_copy_holding_a_contact_value_in_a_new_disguise_is_refused(value):
    assert sources.text_holds_contact(f"Dear requester,\n{value}\nSincerely"), value


@pytest.mark.parametrize("value", [
    "known as sections 590.1150 and 590.1152, to read as follows:", "590.1152.  Notwithstanding any other provision",
    "records of peace officers.\n590.180. 1. No arrest shall be", "records of peace officers. 590.180. 1. No arrest",
    "RSMo 590.1150, 590.1152", "rsmo-590.1150", "beyond 590.180, 590.1150 and 590.1152", "RSMo 590.180.2",
    "As of January 18, 2023, 15,049 users", "Reference 10001 20002", "2023-01-03 to 2023-09-13", "on 1/18/2023",
    "January 3, 2023 10:15:33 AM", "HB Section 8.075", "Totals\n12\n31\n2023\n7", '<a title="x">&#x2716;</a>',
    "the officer's date of birth or, if not releasable, year of birth or current age", "Max Born wrote on May 5"])
def test_the_package_s_own_numbers_and_words_pass_as_free_text_and_in_a_copy(value):
    assert not names.free_text_problem(value), value
    assert not sources.text_holds_contact(value), value


def test_the_package_s_free_text_and_copies_pass():
    """Every source copy of the package passes the copies' check, and no cell of a hand-edited table the free-text check."""
    from .conftest import ROOT
    for path in (ROOT / "data" / "sources").glob("*.txt"):
        assert not sources.text_holds_contact(path.read_text(encoding="utf-8")), path.name
    for path in (ROOT / "data").glob("*.csv"):
        if path.name in ("mo_officers.csv", "ma_training.csv", "agencies.csv"):
            continue  # generated identifiers, checked by their patterns
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for name, value in row.items():
                    assert not names.free_text_problem(value or ""), (path.name, name)


def test_the_corrections_log_s_disguised_contact_values_are_refused_by_row_and_field(small, tmp_path):
    root = copy_of(small, tmp_path)
    rows = [[str(n), "2026-12-01", "mo_officers", "MO-0002e3ea15-1", "name corrected", why, "mo-post-2023-01-03", "", "false"]
            for n, why in enumerate(["call 555.0142", "jdoe\\u0040example.com", "born on the fourth of July",
                                     "five five five dot oh one four two", "0015735550142"], start=1)]
    with open(root / "data" / "corrections.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([CORRECTIONS_HEADER, *rows])
    message, report = check_output(root)
    for row in range(2, 7):
        assert f"data/corrections.csv, row {row}, field why: closed-value-in-text" in message, (row, message)
    for planted in ("0142", "jdoe", "fourth of July", "five five", "0015735550142"):
        assert planted not in message and planted not in report, planted


def test_a_letter_s_copy_with_a_disguised_address_is_refused_without_showing_it(small, tmp_path):
    root = copy_of(small, tmp_path)
    path = root / "data" / "sources" / "000_97e49bf8d1fdd6b1.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nWrite to jdoe\u2024example.com, desk x0142.\n",
                    encoding="utf-8")
    message, report = check_output(root)
    assert "data/sources/000_97e49bf8d1fdd6b1.txt: contact-in-source-copy" in message, message
    assert "jdoe" not in message and "0142" not in message and "jdoe" not in report


def test_the_free_text_checks_cost_a_long_value_in_its_length():
    for value_of in (lambda k: "555.0142 " * 2000 * k, lambda k: "born " * 3000 * k, lambda k: "\\u0040" * 3000 * k,
                     lambda k: "five dot " * 3000 * k):
        assert growth(names.free_text_problem, value_of) < 9
    assert growth(sources.text_holds_contact, lambda k: "555.0142 x\n" * 200 * k) < 9


# 3: a closed field added as "derived"


def add_field(root, field, values, version_bump=True):
    """The package at root with field added to mo_officers (schema, each row's value) and its version bumped."""
    path = root / "data" / "schemas" / "mo_officers.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"].append(field)
    path.write_text(json.dumps(schema), encoding="utf-8")
    table = root / "data" / "mo_officers.csv"
    with open(table, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows = [rows[0] + [field["name"]]] + [row + [values] for row in rows[1:]]
    with open(table, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    major, minor, _ = descriptor["version"].split(".")
    descriptor["version"] = f"{major}.{int(minor) + 1}.0"
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def derived(name, value, source="officer_name", kind="string", **extra):
    return {"name": name, "type": kind, "title": name, "description": "Ours.", **extra,
            "pcr:disclosure": {"grounds": [{"kind": "derived", "from": [source], "note": "Ours."}]}}, value


@pytest.mark.parametrize("field,value", [
    derived("sexo", "Hispanic"), derived("genero", "F"), derived("origen", "Hispanic"), derived("b_year", "1985", kind="integer"),
    # the neighbours: a word no list holds, derived from the identifier, with a pattern of its own
    derived("x1", "Hispanic"), derived("x1", "Hispanic", source="row_id", constraints={"pattern": "[A-Za-z]+"}),
    derived("x1", "1985", source="row_id", constraints={"pattern": "[0-9]+"}),
    derived("x1", "last in package version Hispanic", source="row_id", constraints={"pattern": "last in package version .+"})])
def test_a_field_derived_by_hand_in_a_record_about_a_person_is_refused(small, tmp_path, field, value):
    """A derived field of a record about a person is one our code computes (the identifier, or its retirement's record):
    whatever its name, its source field or its pattern, a field a maintainer fills is refused, and its value not shown."""
    root = copy_of(small, tmp_path)
    add_field(root, field, value)
    message, report = check_output(root)
    assert "derived-not-ours" in message or "closed-category" in message, message
    assert f"field {field['name']}" in message, message
    assert "Hispanic" not in message and "1985" not in message and "Hispanic" not in report


@pytest.mark.parametrize("name,category", [
    ("sexo", "demographics"), ("genero", "demographics"), ("género", "demographics"), ("origen", "demographics"),
    ("Geschlecht", "demographics"), ("ethnicity_code", "demographics"), ("religion", "demographics"),
    ("b_year", "date of birth"), ("yr_b", "date of birth"), ("birthYear", "date of birth"),
    ("fecha_nacimiento", "date of birth"), ("date_de_naissance", "date of birth")])
def test_a_closed_column_s_name_in_another_language_or_abbreviated_looks_closed(name, category):
    assert category in guard.closed_categories(name), name


@pytest.mark.parametrize("name", ["license_status", "license_class", "agency_id", "row_id", "retired_with", "course_name",
                                  "completion_date", "record_id", "general_note", "original_title"])
def test_the_package_s_column_names_look_open(name):
    assert not guard.closed_categories(name), name


def test_the_package_s_own_derived_fields_pass(small):
    """The identifiers and the retirements' records of the package are derived fields our code computes."""
    from certdata.package import Package
    package = Package.load(small)
    assert not [p for p in guard.guard_package(package) if p.kind == "derived-not-ours"]


# 4: descriptions in a person's name

DESCRIBED = [
    "Doe, Jane Lives Springfield", "Doe, Jane Apt Twelve B", "Doe, Jane Lot Seven Block Four", "Doe, Jane Unit Nine",
    "Doe, Jane Elm St Apt", "Doe, Jane Elm St", "Doe, Jane Oak Ave", "Doe, Jane Jdoe Example Com", "Doe, Jane Jdoe At Example",
    "Doe, Jane Jdoe Example Org", "Doe, Jane Undocumented", "Doe, Jane Juvenile", "Doe, Jane Widow", "Doe, Jane Veteran",
    "Doe, Jane Married", "Doe, Jane Divorced", "Doe, Jane Lesbian", "Doe, Jane Refugee", "Doe, Jane Elderly",
    "Doe, Jane Hindu", "Doe, Jane D O B", "Doe, Jane D.O.B", "Doe, Jane S S N", "Doe, Jane Geburtsdatum",
    "Doe, Jane Fecha De Nacimiento", "Doe, Jane Ssn Last Four", "Doe, Jane Dob", "Doe, Jane Gay Female",
    "Doe, John Muslim Male", "Doe, John Young Man", "Doe, Jane Single Woman", "Jane Doe Lives Springfield"]


@pytest.mark.parametrize("value", DESCRIBED)
def test_a_name_holding_a_residence_a_contact_a_descriptor_or_a_label_is_refused(value):
    assert refused_as_name(value), value
    problem = names.name_problem(value)
    assert problem and not {"Doe", "Jane", "Springfield", "Jdoe", "Example"} & set(problem.split()), problem


# Surnames and given names of the Census Bureau's lists that are also such words: Gay, Young, Muslim, Christian, Single,
# Minor, Senior, Citizen, Lot, Block, Apt, Street, Elm, Baptist, Catholic, Mormon, Army, Net, Edu; and "Lives"
@pytest.mark.parametrize("value", [
    "Gay, Mary", "Mary Gay", "Doe, Mary Gay", "Young, John", "John Young", "Doe, John Young", "Smith, John Christian Young",
    "Muslim, Ali", "Doe, Ali Muslim", "Christian, Jane", "Single, Tom", "Minor, Ann", "Senior, Tom", "Citizen, Ann",
    "Lot, Kim", "Block, Tom", "Tom Block", "Doe, Tom Block", "Apt, Bob", "Bob Apt", "Street, Ann", "Elm, Joe",
    "Baptist, John", "Catholic, Ann", "Mormon, Joe", "Net, Anna", "Edu, Joe", "Lives, Anna", "Anna Lives", "Doe, Mary St Clair",
    "St John, Mary", "St. Clair, Ann", "Doe, Mary Lot", "Doe, Ann Block", "Doe, J D Oakes", "Smith, D O Bob",
    "Doe, S S Nguyen", "Doe, Jane Young Gay", "Married, Ann"])
def test_real_names_that_are_also_such_words_pass(value):
    assert passes_as_name(value), value


def test_the_new_name_words_cost_a_long_name_in_its_length():
    for value_of in (lambda k: "Doe, " + "Gay Young " * 2000 * k, lambda k: "Doe, " + "D O " * 3000 * k,
                     lambda k: "Doe, " + "Apt Lot " * 2000 * k):
        assert growth(names.person_name_refused, value_of) < 9


# 5: the synthetic flag taken off by hand


def unflag(root, strip_names=True):
    """mo_officers with its pcr:synthetic deleted from the descriptor and, with strip_names, "Sample-" off its names."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "mo_officers")
    resource.pop("pcr:synthetic")
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    if strip_names:
        table = root / "data" / "mo_officers.csv"
        table.write_text(table.read_text(encoding="utf-8").replace("Sample-", ""), encoding="utf-8")


def test_a_sample_unflagged_by_hand_with_its_names_stripped_is_refused(small, tmp_path):
    root = copy_of(small, tmp_path)
    unflag(root)
    message, _ = check_output(root)
    assert "datapackage.json: sample-published-as-real" in message, message
    assert "field license_status: sample-published-as-real" in message, message


def test_a_sample_unflagged_with_its_source_replaced_is_still_refused_by_its_placeholders(small, tmp_path):
    root = copy_of(small, tmp_path)
    unflag(root)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "mo_officers")["sources"] = [{"title": "A release"}]
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    message, _ = check_output(root)
    assert "data/mo_officers.csv, row 2, field license_status: sample-published-as-real" in message, message
    assert "field agency_id: sample-published-as-real" in message, message


@pytest.mark.parametrize("value,marked", [
    ("Sample status A", True), ("Sample class B", True), ("MO-sample-city-049-police-department", True),
    ("Sample Town 004 Police Department", True), ("Sample course 02", True), ("Revoked", False), ("Sample, John", False),
    ("Samples Unit", False), ("Sample-Jones, Ann", False), ("Sampler County Sheriff", False)])
def test_the_sample_s_placeholders_are_told_from_real_values(value, marked):
    assert bool(guard.SAMPLE_PLACEHOLDER.search(value)) is marked, value


# A foreign-data trial after the seventeenth: a status marked decertified with no agency's words for it

@pytest.mark.parametrize("words,source,kind", [
    ("", "", "claim-without-source"),
    ("In Missouri, these are both permanent.", "mo-post-2023-01-03", "claim-not-in-quote"),
])
def test_a_status_marked_decertified_needs_the_agency_s_words_naming_it(small, tmp_path, words, source, kind):
    root = copy_of(small, tmp_path)
    path = root / "data" / "mo_license_statuses.csv"
    with open(path, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["Voluntary Surrender", "true", "A status we added.", source, words, ""])
    message, report = check_output(root)
    assert "mo_license_statuses.csv" in message and kind in report
    found = [p for p in json.loads(report) if p["type"] == kind]
    assert found and found[0]["row"] and found[0]["field"] == "decertified", report[:600]


def test_the_package_s_decertified_statuses_quote_the_agency_naming_them(small):
    from certdata.package import Package
    package = Package.load(small)
    assert not [p for p in guard.guard_package(package) if p.kind.startswith(("claim-", "bad-claim"))]
    marked = [f for f in Package.load(small).resource("mo_license_statuses")["schema"]["fields"] if f.get("pcr:claim")]
    assert [f["name"] for f in marked] == ["decertified"]
