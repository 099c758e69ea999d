"""Closed values in free text, in messages, in the descriptor's keys, in the site's hand-written sources and in the
copies of the letters (an attack run after the fourteenth). Planted values are 555-01xx numbers and example.com
addresses only."""
import csv
import io
import json
import shutil

import pytest

from certdata import guard, names, pipeline, redaction
from certdata.package import Package

from .conftest import ROOT, make_package
from .test_name_checks import growth

CORRECTIONS_HEADER = ["correction_id", "date", "resource", "row_id", "what_changed", "why", "source", "field", "old_value_withheld"]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A small package that passes the check."""
    return make_package(tmp_path_factory.mktemp("closed") / "pkg", mo_active=20, ma_officers=5)


def copy_of(small, tmp_path):
    root = tmp_path / "pkg"
    shutil.copytree(small, root, ignore=shutil.ignore_patterns("build", "site"))
    return root


def check_output(root):
    """(the check's message, its JSON report's text); the message is empty when the check passed."""
    try:
        pipeline.check(root, pipeline.Progress(quiet=True))
        message = ""
    except pipeline.BuildFailed as error:
        message = str(error)
    report = root / "build" / "validation-report.json"
    return message, report.read_text(encoding="utf-8") if report.exists() else ""


# F2: the corrections log's free text


@pytest.mark.parametrize("value", [
    "the officer was reached on five seven three five five five zero one four two",
    "reached on 5 7 3 five five five 0 one 4 two", "SSN 123-45-6789 confirmed", "ssn: 123456789",
    "social security no. 123 45 6789", "the officer, 43, asked", "Doe, 43, was", "the officer, aged 43",
    "43 years old", "a white male officer"])
def test_free_text_holding_a_number_in_words_an_ssn_or_an_age_is_refused(value):
    assert names.free_text_problem(value), value


@pytest.mark.parametrize("value", [
    "Sections 12, 43, 44 of the act", "RSMo 590.1150, 590.1152", "As of January 18, 2023, 15,049 users",
    "one of the two statuses", "The name, licensure status, and commissioning agency", "Made via MuckRock; its page "
    "address is not in the source documents", "officers aged 21 and over", "minimum age 21", "HB Section 8.075",
    "Chapter 590, RSMo", "2023-01-03 to 2023-09-13", "Reference 10001 20002"])
def test_free_text_of_the_package_s_kind_passes(value):
    assert not names.free_text_problem(value), value


def test_the_corrections_log_s_number_in_words_and_ssn_are_refused_by_row_and_field(small, tmp_path):
    root = copy_of(small, tmp_path)
    what = "Name corrected; the officer was reached on five seven three five five five zero one four two"
    why = "SSN 123-45-6789 confirmed; the officer, 43, asked"
    with open(root / "data" / "corrections.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([CORRECTIONS_HEADER, [
            "1", "2026-12-01", "mo_officers", "MO-0002e3ea15-1", what, why, "mo-post-2023-01-03", "", "false"]])
    message, report = check_output(root)
    assert "data/corrections.csv, row 2, field what_changed: closed-value-in-text" in message
    assert "data/corrections.csv, row 2, field why: closed-value-in-text" in message
    for planted in ("five seven three", "123-45-6789", "6789", ", 43,"):
        assert planted not in message and planted not in report, planted


def test_the_free_text_check_costs_a_long_value_in_its_length():
    for value_of in (lambda k: "five " * 3000 * k + "x", lambda k: "Doe, 43 " * 2000 * k, lambda k: "123-45-" * 3000 * k):
        assert growth(names.free_text_problem, value_of) < 9


# F1: a message never echoes a closed value it quotes

PLANTED = "Call 573-555-0142 or jdoe@example.com"


def plant(root, resource, names_):
    """The planted value in the given fields of the resource's first row (a row added if it has none)."""
    path = root / resource["path"]
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2:
        rows.append([""] * len(rows[0]))
    for name in names_:
        rows[1][rows[0].index(name)] = PLANTED
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def assert_not_echoed(message, report):
    assert message, "the check passed"
    for part in ("555-0142", "5550142", "jdoe@", "jdoe"):
        assert part not in message and part not in report, (part, message)


@pytest.mark.parametrize("resource, field", [("source_passages", "source_id"), ("statutes", "source_id"),
                                             ("statutes", "opening_words"), ("request_items", "request_id")])
def test_a_message_does_not_echo_a_contact_value_typed_into_a_field_it_quotes(small, tmp_path, resource, field):
    """The attack run: the closed-value check hid the value, and the next messages printed it ("names source 'Call
    573-555-0142 ...'", "the statute's opening words “Call 573-555-0142 ...”"), eleven times in the JSON report."""
    root = copy_of(small, tmp_path)
    plant(root, Package.load(root).resource(resource), [field])
    message, report = check_output(root)
    assert_not_echoed(message, report)
    assert f"row 2, field {field}" in message


def test_no_message_echoes_a_contact_value_typed_into_any_field_of_any_resource(small, tmp_path):
    """Every field of every resource at once, resource by resource (the attack run's sweep planted it field by field;
    four of eighty were echoed)."""
    for resource in Package.load(small).resources:
        root = copy_of(small, tmp_path / resource["name"])
        plant(root, resource, [f["name"] for f in resource["schema"]["fields"]])
        message, report = check_output(root)
        assert_not_echoed(message, report)
        assert resource["path"] in message


def test_a_problem_shows_what_it_quotes_unless_it_is_closed():
    from certdata.validate import Problem
    shown = Problem("data/x.csv", 2, "source_id", "unknown-source", "names source 'mo-post-2023-01-03x', which is not")
    assert "'mo-post-2023-01-03x'" in shown.line()
    hidden = Problem("data/x.csv", 2, "source_id", "unknown-source", f"names source {PLANTED!r}, which is not one")
    assert "555" not in hidden.line() and "names source (a value not shown" in hidden.line()
    unquoted = Problem("data/573-555-0142.csv", 2, "jdoe@example.com", "x", f"the statute {PLANTED} has no words")
    assert "555" not in unquoted.line() and "jdoe" not in unquoted.line() and "withheld" in unquoted.message


def test_an_error_s_message_is_shown_line_by_line_without_a_closed_value():
    """build.py prints any error's message through redaction.safe_line: a line that would show one keeps its place."""
    from certdata import redaction
    out = redaction.safe_line("data/x.csv, row 2: the statute Call 573-555-0142 failed\nFull report: build/report.json")
    assert "555" not in out and out.startswith("data/x.csv, row 2: (the rest") and out.endswith("\nFull report: build/report.json")


# F4: the descriptor's and the schemas' keys


@pytest.mark.parametrize("where", ["descriptor", "resource", "schema", "field"])
def test_a_contact_value_used_as_a_key_is_refused_without_being_shown(small, tmp_path, where):
    """The attack run: "x-contact": {"jdoe@example.com": "press office", "573-555-0142": "desk"} in datapackage.json
    or a schema was published in downloads/datapackage.json; the guard read every string value but no key."""
    root = copy_of(small, tmp_path)
    planted = {"x-contact": {"jdoe@example.com": "press office", "573-555-0142": "desk"}}
    descriptor = json.loads((root / "datapackage.json").read_text())
    if where in ("descriptor", "resource"):
        (descriptor if where == "descriptor" else descriptor["resources"][0]).update(planted)
        (root / "datapackage.json").write_text(json.dumps(descriptor))
        file = "datapackage.json"
    else:
        resource = next(r for r in descriptor["resources"] if isinstance(r.get("schema"), str))
        path = root / resource["schema"]
        schema = json.loads(path.read_text())
        (schema if where == "schema" else schema["fields"][0]).update(planted)
        path.write_text(json.dumps(schema))
        file = resource["schema"]
    problems = guard.schema_text_problems(Package.load(root), pages=[])
    assert [p.file for p in problems] == [file, file] and {p.type for p in problems} == {"closed-value-in-schema"}
    assert not any("jdoe" in p.line() or "0142" in p.line() for p in problems)


def test_a_number_that_reads_as_a_telephone_number_is_refused_and_a_file_s_size_passes(small, tmp_path):
    root = copy_of(small, tmp_path)
    descriptor = json.loads((root / "datapackage.json").read_text())
    descriptor["x-desk"] = 5735550142
    descriptor["resources"][0]["bytes"] = 1234567890
    (root / "datapackage.json").write_text(json.dumps(descriptor))
    path = root / "data" / "schemas" / "corrections.json"
    schema = json.loads(path.read_text())
    schema["fields"][0]["example"] = 5735550142
    path.write_text(json.dumps(schema))
    problems = guard.schema_text_problems(Package.load(root), pages=[])
    assert [(p.file, p.message.split(" ")[1]) for p in problems] == [("datapackage.json", "x-desk"),
                                                                       ("data/schemas/corrections.json", "example")]


# F5: every hand-written source of the site


@pytest.mark.parametrize("name, text, row", [
    ("mkdocs.yml", 'copyright: "Corrections: press@example.com or 573-555-0142"\n', 1),
    ("index.md.j2", "# Home\n\nAsk the desk at 573-555-0142.\n", 3),
    ("main.html", "{% extends 'base.html' %}\n<!-- press@example.com -->\n", 2),
    ("base.html", "<footer>\n  <!-- call (573) 555-0142 -->\n</footer>\n", 2),
    ("certsearch.css", "/* jdoe at example dot com */\nbody { margin: 0 }\n", 1)])
def test_a_closed_value_in_any_hand_written_source_of_the_site_is_refused_by_file_and_line(tmp_path, name, text, row):
    """The attack run: contact details in mkdocs.yml, templates/docs/*.j2, templates/mkdocs/* and templates/datasette/*
    (an HTML comment too) were published unchecked; only docs/*.md was read."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    problems = guard.site_source_problems(Package.load(ROOT), files=[path])
    assert [(p.type, p.row) for p in problems] == [("closed-value-in-page", row)]
    assert not any(v in problems[0].line() for v in ("0142", "press@", "jdoe"))


def test_the_site_s_sources_are_all_read_and_pass_as_they_are():
    package = Package.load(ROOT)
    files = {p.relative_to(ROOT).as_posix() for p in guard.site_sources(package)}
    assert {"mkdocs.yml", "docs/about.md", "templates/docs/index.md.j2", "templates/mkdocs/main.html",
            "templates/datasette/base.html", "templates/datasette/static/certsearch.css",
            "templates/mkdocs/assets/certdata.css"} <= files
    assert any(f.startswith("certdata/states/") and f.endswith(".html") for f in files)
    assert not guard.site_source_problems(package, files=guard.site_sources(package))
    assert not guard.site_source_problems(package)


def test_a_template_s_own_comment_and_an_icon_s_drawing_are_not_read():
    """Jinja drops {# ... #}; an SVG path's numbers are no text."""
    from certdata import redaction
    line = '<path d="M19.4 15a1.65 1.65 0 0 0 .33 1.82l.06.06a2 2 0 0 1 0 2.83 2 2 0 0 1-2.83 0"/>'
    assert redaction.closed(line) and not redaction.closed(guard.DRAWING.sub(" ", line))


# F6: the copies of the letters


@pytest.mark.parametrize("text", [
    "jdoe**@**example.com", "<b>records</b>.desk<span>@</span>example.com", '"john.doe"@example.com',
    "Call five seven three five five five zero one four two", "(573) 555-HELP", "1-800-DESK-NO1", "Desk: 573-555-Help",
    "573:555:0142", "573, 555, 0142", "jdoe=40example.com", "Office: 573-\n555-\n01\n42", "Cell:\n573\n555\n0142",
    "Cell: 5\n7\n3\n5\n5\n5\n0\n1\n4\n2",
    # an attack run after the sixteenth: part in digits, part in words
    "Desk (573) five five five-0142", "555-zero one four two", "573 555 zero one four two"])
def test_a_contact_detail_in_a_new_disguise_in_a_source_copy_is_refused(text):
    from certdata import sources
    assert sources.text_holds_contact(text), text


@pytest.mark.parametrize("text", ["HB 1234 POST ACT", "Section 590 POST Act", "RSMo 590.1150 and 590.1152",
                                  "one of the ten officers", "x=41 and y=40", "Sent: Tuesday, January 3, 2023 10:15:33 AM",
                                  "Reference 10001 20002", "Totals\n12\n31\n2023\n7"])
def test_a_source_copy_s_other_numbers_and_capitals_pass(text):
    from certdata import sources
    assert not sources.text_holds_contact(text), text


def test_the_real_letters_pass_once_their_contact_details_are_replaced():
    from certdata import sources
    from .conftest import ORIGINAL_SEEDS
    originals = sorted(ORIGINAL_SEEDS.glob("*.txt"))
    if not originals:
        pytest.skip(f"the original sources are not beside this clone ({ORIGINAL_SEEDS})")
    for original in originals:
        assert not sources.text_holds_contact(sources.redact(original.read_text(encoding="utf-8"))), original.name


def test_the_copy_check_costs_a_long_copy_in_its_length():
    from certdata import sources
    assert growth(sources.text_holds_contact, lambda k: "Office: 573-\n555\nthe letter 12\n" * 300 * k) < 9
    assert growth(sources.holds_contact, lambda k: "<b>a</b>**x**=41 " * 1000 * k) < 9


def test_a_text_that_passed_is_not_read_again_and_a_changed_one_is(small, tmp_path, monkeypatch):
    from certdata import sources
    root = copy_of(small, tmp_path)
    monkeypatch.setattr(sources.templatecache, "own_folder", lambda *parts: tmp_path)
    path = root / "data" / "sources" / "000_97e49bf8d1fdd6b1.txt"
    assert not sources.copy_problems(Package.load(root))
    assert sources.passed_stamp(path.read_bytes()).is_file()
    path.write_text(path.read_text() + "\nCall (573) 555-HELP\n")
    assert [p.type for p in sources.copy_problems(Package.load(root))] == ["contact-in-source-copy"]


def test_a_string_that_passed_is_not_read_again_and_a_new_one_is(small, tmp_path, monkeypatch):
    """The guard reads every string of the package for closed values at each build (a second at 1M rows' package);
    the strings that passed are kept as digests (sources.PassedTexts) and not read again. A planted value is new,
    so it is read, and refused."""
    from certdata import guard, sources
    root = copy_of(small, tmp_path / "a")
    monkeypatch.setattr(sources.templatecache, "own_folder", lambda *parts: tmp_path)
    read = []
    real = sources.free_text_problem
    monkeypatch.setattr(sources, "free_text_problem", lambda value: read.append(value) or real(value))
    assert guard.guard_package(Package.load(root)) == []
    first = len(read)
    assert first > 100 and list(tmp_path.glob("free-text-*"))
    read.clear()
    assert guard.guard_package(Package.load(root)) == []
    assert read == []  # nothing changed: nothing read again
    path = root / "data" / "mo_license_statuses.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("A placeholder of the synthetic sample for officers with a",
                                                             "Call 573-555-0142 about officers with a", 1), encoding="utf-8")
    problems = guard.guard_package(Package.load(root))
    assert [(p.type, p.field) for p in problems] == [("closed-value-in-text", "meaning")]
    assert len(read) == 1 and "555" not in "".join(p.message for p in problems)


# Markup in the package's words (an attack run after the sixteenth: a schema description published a javascript:
# reference link and an attr_list onmouseover in the documentation)


@pytest.mark.parametrize("description", ['Status of the licence.\n\n[see][r]\n\n[r]: javascript:alert(1)',
                                         'Status of the licence.\n{: onmouseover="alert(1)" }', "Status {: .warning }",
                                         '<span onclick="alert(1)">Status</span>', "[x](vbscript:msgbox(1))"])
def test_markup_that_runs_or_restyles_a_page_in_a_description_is_refused(small, tmp_path, description):
    root = copy_of(small, tmp_path)
    descriptor = json.loads((root / "datapackage.json").read_text())
    resource = next(r for r in descriptor["resources"] if isinstance(r.get("schema"), str))
    path = root / resource["schema"]
    schema = json.loads(path.read_text())
    schema["fields"][0]["description"] = description
    path.write_text(json.dumps(schema))
    problems = guard.schema_text_problems(Package.load(root), pages=[])
    assert [(p.file, p.field) for p in problems] == [(resource["schema"], schema["fields"][0]["name"])]
    assert not any("alert" in p.line() or "msgbox" in p.line() for p in problems)
    assert "withheld" not in redaction.safe_line(problems[0].line()), "the reason itself must be shown"


@pytest.mark.parametrize("html", ['<p onmouseover="alert(1)">x</p>', '<a href="javascript:alert(1)">x</a>',
                                  '<a href="&#106;avascript:alert(1)">x</a>', '<a href="java&#x09;script:x">x</a>',
                                  "<img src=data:text/html,x>", "<a href=' vbscript:x'>x</a>", '<svg><a xlink:href="javascript:x">'])
def test_a_page_that_would_run_a_script_is_withheld_and_fails_the_strict_build(html, caplog):
    from types import SimpleNamespace

    from certdata import mkdocs_hooks
    page = SimpleNamespace(file=SimpleNamespace(src_uri="mo_officers.md"))
    with caplog.at_level("WARNING", logger="mkdocs"):
        out = mkdocs_hooks.on_post_page(f"<html><body>{html}</body></html>", page=page)
    assert "alert" not in out and "script:" not in out and "data:" not in out
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["mo_officers.md"]
    assert "withheld" not in redaction.safe_line(caplog.records[0].getMessage())


@pytest.mark.parametrize("html", ["<p>The onmouseover= attribute is refused.</p>", '<a href="https://example.org/?on=1">x</a>',
                                  '<a href="data.md">data</a>', '<script src="assets/javascripts/bundle.js"></script>'])
def test_a_page_of_ours_is_written_as_it_is(html):
    from types import SimpleNamespace

    from certdata import mkdocs_hooks
    assert mkdocs_hooks.on_post_page(html, page=SimpleNamespace(file=SimpleNamespace(src_uri="x.md"))) == html


def test_a_name_part_that_fails_its_pattern_is_explained_not_shown_as_a_pattern(small, tmp_path):
    """An attack run after the seventeenth: a surname or suffix edited to an address or a telephone number was refused
    with the thousand characters of the field's pattern in place of a reason."""
    root = copy_of(small, tmp_path)
    path = root / "data" / "mo_officers.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = next(csv.reader([lines[1]]))
    cells[-3] = "Doe 4417 Larkspur Lane"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    lines[1] = out.getvalue()
    path.write_text("".join(lines), encoding="utf-8")
    message, report = check_output(root)
    assert "mo_officers.csv" in message and "surname" in message, message
    assert "(?!" not in message + report and "4417" not in message + report and "Larkspur" not in message + report
    assert "a person's name or a part of one holds no date" in message + report, message


@pytest.mark.parametrize("line", ["Officer Jane Roe was suspended pending an internal investigation.",
                                  "Roe was arrested for DWI in 2019.", "Jane Roe is 44.", "Sgt. Roe's home is in Ashland."])
def test_a_statement_about_a_named_person_in_a_hand_written_page_is_refused(tmp_path, line):
    """An attack run after the nineteenth: these lines, added to docs/about.md, were published."""
    path = tmp_path / "about.md"
    path.write_text(f"# About\n\n{line}\n", encoding="utf-8")
    problems = guard.site_source_problems(Package.load(ROOT), files=[path])
    assert [(p.type, p.row) for p in problems] == [("closed-value-in-page", 3)]
    assert "Roe" not in problems[0].line() and "statement about a named person" in problems[0].line()


@pytest.mark.parametrize("line", ["Missouri POST was created by statute.", "RSMo 590.180 is the statute POST quotes.",
                                  "The commission is 11 members strong.", "An officer was decertified when POST revoked it."])
def test_prose_about_the_law_and_agencies_passes(tmp_path, line):
    path = tmp_path / "about.md"
    path.write_text(f"# About\n\n{line}\n", encoding="utf-8")
    assert guard.site_source_problems(Package.load(ROOT), files=[path]) == []
