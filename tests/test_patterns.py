"""A schema's pattern is matched on every cell with no time limit: one that can take more than linear
time in a value's length is refused when the schema is read (``certdata.patterns``)."""
import pytest

from certdata import names
from certdata.package import Package
from certdata.patterns import slow_pattern


def test_every_pattern_of_the_package_is_matched_in_linear_time():
    package = Package.load()
    patterns = {f["constraints"]["pattern"] for r in package.resources for f in r["schema"]["fields"]
                if "pattern" in f.get("constraints", {})}
    assert names.TEXT_PATTERN in patterns and names.NAME_PATTERN in patterns
    assert {p: slow_pattern(p) for p in patterns} == {p: None for p in patterns}


@pytest.mark.parametrize("pattern", [
    # the second attack run's schema, which held the build for ever
    "(a|aa)+", "(a+)+", "(a*)*", "(a|a)*", r"^(\d+)+$", r"(\w+\s?)+$", "(x+x+)+y", "(?:a?){30}a{30}",
    r"^(([a-z])+.)+[A-Z]([a-z])+$", "(a|b|ab)*c",
    # time growing with a power of the length: the names' pattern as it was written until now took
    # 1.9 s on a 16,000-letter value and 30 s on a 64,000-letter one
    f"{names.VISIBLE}*[^\\W\\d_]{names.VISIBLE}*", "a*a*a*b", ".*.*=.*", "(.*a){12}", "^[a-z]+ ?[a-z]+$",
    "(?i)[a-z]+A+", "a*(?:b)?a*", r"(\.[a-z]+)*[a-z]+",
    # a lookaround holding a repetition, matched again wherever a repetition before it could stop
    r"a*(?=\w*b)", "(?=.*a)*", r"(?:\d)*?(?:\d*)*+", r"[a-]+(?:(?=\w*b)){0,3}+",
    # an optional part that can match nothing, inside a repetition
    "(?:a(?!b)?[a-]b)+",
    r"(a)\1", "(?:(?:(?:(?:(?:(?:a|b){2}){2}){2}){2}){2}){2}",
    # the v6 attack run: sets that overlap only where no sampled character lay (U+06F0-06F9, Extended
    # Arabic-Indic digits, are \d; so are U+07C0-07C9, NKo digits), 26 s on one 30,000-character cell
    "^(?:[a-z0-9.-]+|x\\d*[^\\x00-\u06ef\u06fa-\U0010FFFF]*)$", "^(?:[a-z]+|x\\d*[\u0700-\u0800]*)$",
    "x\\w*[\U00020000-\U0002a6df]*", "\\s*[\u2000-\u200a]+",
    # and letters that one case-insensitive match takes for another: the long s is s, the Kelvin sign k
    "(?i)s*\u017f*!", "(?i)[a-z]*\u212a*!",
])
def test_a_pattern_that_can_take_more_than_linear_time_is_refused(pattern):
    assert slow_pattern(pattern)


@pytest.mark.parametrize("pattern", [
    "^[a-z0-9-]+$", r"^[a-z_]+\.[a-z_]+$", "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$", "^(MO|MA)-[a-z0-9-]+$",
    r"^[a-z0-9_.-]+@[a-z0-9-]+(\.[a-z0-9-]+)*$", "^(?:-[0-9]+)*$", "^[^,]*,[^,]*$", r"^\s*\S.*$",
    "[A-Z][a-z]*( [A-Z][a-z]*)*", r"(\d{3})-\d{4}", "(?:a|bc)+", "(ab|cd)*", r"\d+(\.\d+)?", r"[a-z]*\d[a-z]*",
    r"^\+?1?[0-9]{10}$", "((((a{2}){2}){2}){2}){2}", r"(?!(?:\D*\d){3})\w+",
    "[a-", "(",  # not a regular expression: reported where it is compiled
])
def test_usual_patterns_pass(pattern):
    assert slow_pattern(pattern) is None


def test_every_name_field_declares_its_kind_and_keeps_its_checks_under_any_pattern():
    """A name's checks hang on its field's pcr:name, not on its pattern's text: each name field of the package (a
    person's in both states' releases and retired identifiers, an agency's, a course's) refuses a closed description
    with its pattern as written, rewritten in an equivalent form or removed (an attack run rewrote it as ^(?:...)$)."""
    from certdata.cells import name_kind, pattern_matcher
    package = Package.load()
    kinds = {(r["name"], f["name"]): f.get("pcr:name") for r in package.resources for f in r["schema"]["fields"]
             if f.get("constraints", {}).get("pattern") in (names.NAME_PATTERN, names.TEXT_PATTERN) or name_kind(f)}
    assert {k for k, v in kinds.items() if v == "person"} >= {("mo_officers", "officer_name"), ("ma_training", "officer_name"),
                                                              ("mo_retired_ids", "officer_name"), ("ma_retired_ids", "officer_name")}
    assert None not in kinds.values(), kinds
    for resource in package.resources:
        for field in resource["schema"]["fields"]:
            if (resource["name"], field["name"]) not in kinds:
                continue
            pattern = field["constraints"].get("pattern")
            for rewritten in (pattern, f"^(?:{pattern})$", None):
                match = pattern_matcher(dict(field, constraints={"pattern": rewritten} if rewritten else {}))
                closed = "Doe, Jane, 43 y/o White Male" if field["pcr:name"] == "person" else "Police Department (W/M) age 43"
                assert not match(closed) and not match("Doe\u202e 1969-07-20"), (resource["name"], field["name"], rewritten)
