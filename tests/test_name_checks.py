"""The name checks (certdata/names.py) against the thirteenth attack run's findings and their neighbours.

Each value the run passed, and each of its neighbours, is refused by the importer and by the rule both validators
apply (the schema pattern's matcher); each real name it refused, and each of its neighbours, passes both. The names
are invented, the telephone numbers are 555-01xx and the addresses example.com.
"""

import pytest

from certdata import importers, names
from certdata.cells import pattern_matcher

TEXT_MATCH = pattern_matcher({"constraints": {"pattern": names.TEXT_PATTERN}})
NAME_MATCH = pattern_matcher({"constraints": {"pattern": names.NAME_PATTERN}})


def imported(field, value):
    """Whether the importer takes the value in the field: it refuses a contact detail in any field, then what the
    field cannot hold."""
    return not importers.name_contact(value) and importers.value_problem(field, value) is None


def refused_as_text(value):
    """Refused as an agency's and a course's name by the importer and by the validators' rule."""
    return not imported("agency_name", value) and not imported("course_name", value) and names.text_refused(value) and not TEXT_MATCH(value)


def passes_as_text(value):
    return imported("agency_name", value) and imported("course_name", value) and not names.text_refused(value) and bool(TEXT_MATCH(value))


def refused_as_name(value):
    return not imported("officer_name", value) and names.person_name_refused(value) and not NAME_MATCH(value)


def passes_as_name(value):
    return imported("officer_name", value) and not names.person_name_refused(value) and bool(NAME_MATCH(value))


# A date in another script or language: the run's two, the other scripts' and languages' forms of them.
SCRIPT_DATES = ["Springfield Police 1971년 4월 5일", "Police Department 5 апреля 1971",
                "Police 71년 4월 5일", "Police 4월 5일", "Police 平成3年4月5日", "Police 四月五日", "Police 4月5号",
                "Police 5 АПРЕЛЯ 1971", "Police 5 Августа 1971", "Police апрель 1971", "Police 5 квітня 1971",
                "Police 5 Απριλίου 1971", "Police 5 απριλιου 1971", "Police 5 أبريل 1971", "Police \u0665 أبريل \u0661\u0669\u0667\u0661",
                "Police 5 نيسان 1971", "Police 5 באפריל 1971", "Police 5 अप्रैल 1971", "Police 5 เมษายน 2514",
                "Police ngày 5 tháng 4 năm 1971", "Police ngay 5 thang 4", "Police tháng 4, 1971",
                "Police 5 kwietnia 1971", "Police 1971. április 5.", "Police 5 Nisan 1971", "Police 5 huhtikuuta 1971",
                # a month and a birth year, either way round, in any language
                "Police avril 1971", "Police abril de 1971", "Police 1971 April", "Police April '71", "Police kwiecień 1999",
                "Police Apr. 2009"]


@pytest.mark.parametrize("value", SCRIPT_DATES)
def test_a_date_in_another_script_or_language_is_refused(value):
    assert refused_as_text(value), value
    assert refused_as_name(f"Doe, John {value}"), value


@pytest.mark.parametrize("value", ["May 2019 In-Service", "June 2020 Legal Update", "2019 May In-Service", "In-Service April 2021",
                                   "Mars 2 Sim Training", "Police Department Москва", "Quincy 5 Star Program"])
def test_a_session_s_month_and_year_and_words_in_other_scripts_pass(value):
    """A month and a year from BIRTH_YEARS_END on is a session's, not a birth month: the run found "May 2019 In-Service"
    refused. A word in another script is no month."""
    assert passes_as_text(value), value


@pytest.mark.parametrize("value", ["Nguyễn, Thị Minh", "Thang, Minh", "Минь, Тхань", "Ekim, Ayşe", "Nisan, Dana", "Maja Kowalski"])
def test_names_with_month_words_of_other_languages_pass(value):
    assert passes_as_name(value), value


def test_a_month_and_a_year_before_the_birth_year_line_is_refused_and_one_after_passes():
    """BIRTH_YEARS_END is a year no one licensed was born in or after (its comment says when to move it: a test tied
    to today's date would fail a build of unchanged code)."""
    assert refused_as_text(f"Police April {names.BIRTH_YEARS_END - 1}")
    assert passes_as_text(f"April {names.BIRTH_YEARS_END} In-Service")


# A street address with no word between the house number and the street's kind: the run's three, other ways to write
# a numbered or lettered road, a street named by an ordinal, a street's name and kind in one word.
ADDRESSES = ["Sheriff 4417 Highway 61", "4417 Route 9", "4417 Broadway",
             "4417 N Broadway", "4417 Kingshighway", "4417 US 61", "4417 Hwy 61", "4417 Hwy. 61 S", "4417 State Route 9",
             "4417 Route M", "4417 Highway AA", "4417 CR 12", "4417 FM 1960", "4417 Rt 9", "4417 Rte. 9A", "4417 SR-9",
             "4417 Interstate 70", "4417 Avenue J", "4417 5th Street", "4417 W 5th St", "4417 East 42nd Street",
             "Police forty four seventeen Highway Sixty One"]


@pytest.mark.parametrize("value", ADDRESSES)
def test_an_address_on_a_numbered_road_or_a_one_word_street_is_refused(value):
    assert refused_as_text(value), value
    assert refused_as_name(f"Doe, John {value}"), value


@pytest.mark.parametrize("value", ["Route 66 Task Force", "Highway 61 Task Force", "I-70 Drug Task Force", "US 61 Corridor Task Force",
                                   "Troop 7 Highway Patrol", "Sector 4 Route 9 Patrol", "Team 2 Route 9 Patrol", "Zone 3 Route 9 Patrol",
                                   "Division 2 Highway Safety", "10 Highway Safety Tips", "22nd Street Police Station",
                                   "16th Circuit Court", "Police Department of the 3rd Ward", "Broadway Police Department",
                                   "Causeway Police Department", "1 Road to Recovery", "4 Way Stop Enforcement",
                                   "Route One Task Force", "40 Hour Route Patrol"])
def test_a_road_s_number_without_a_house_number_and_a_counted_number_pass(value):
    assert passes_as_text(value), value


# An e-mail address spelled out: the run's four, the dot's and the @'s names in other languages, a spelled dot joined to
# the domain's ending, digits drawn for letters, the same joined by signs or bracketed.
SPELLED_EMAILS = ["jdoe at example punkt com", "jdoe at example d0t com", "jdoe at example dotcom", "jdoe at example dot c0m",
                  "jdoe at exampledotcom", "jdoe at example d0tc0m", "jdoe 4t example dot com", "jdoe at example ponto com",
                  "jdoe at example punt org", "jdoe at example kropka pl", "jdoe at example full stop com", "jdoe at example nokta net",
                  "jdoe chiocciola example punto it", "jdoe klammeraffe example punkt de", "jdoe małpa example kropka pl",
                  "jdoe_at_example_punkt_com", "jdoe at example dot-com", "jdoe (at) example (punkt) com", "jdoe at ex4mple d0t 0rg"]


@pytest.mark.parametrize("value", SPELLED_EMAILS)
def test_an_e_mail_address_spelled_with_other_words_or_digits_for_letters_is_refused(value):
    assert importers.name_contact(value) and names.contact_value(value)
    assert refused_as_text(f"Police, {value}"), value
    assert refused_as_name(f"Doe, {value}"), value


@pytest.mark.parametrize("value", ["Training at Police Academy", "Officer at Large Program", "Training at Point Lookout",
                                   "Training at Punta Gorda 2", "Training at 4th Precinct", "Training at Dotcom Academy",
                                   "Meet-at-Noon Training", "Pointe at Punkt Park"])
def test_at_and_a_word_for_a_dot_in_a_name_are_no_address(value):
    assert passes_as_text(value), value


# A telephone number in words with a digit said more than once: the run's "triple", its neighbours.
REPEATED_DIGITS = ["Police triple five oh one two three", "Police double five oh one two three", "Police treble five oh one two three",
                   "Police three fives oh one two three", "Police triple-five oh one two three", "Police triple 5 0 1 2 3",
                   "Police five five double oh one two", "Police quadruple five one two three",
                   "Police triplo cinque zero uno due tre", "Police doble cinco cero uno dos tres"]


@pytest.mark.parametrize("value", REPEATED_DIGITS)
def test_a_telephone_number_in_words_with_a_digit_said_more_than_once_is_refused(value):
    assert refused_as_text(value), value
    assert refused_as_name(value.replace("Police", "Doe, John")), value


@pytest.mark.parametrize("value", ["Triple Crown Training", "Double Tap Drill", "Triple Nine Society", "Double Eagle One Two Drill",
                                   "Two Ones and Threes Drill"])
def test_double_and_triple_in_a_name_are_no_digits(value):
    assert passes_as_text(value), value


# A date as three numbers in words, or a month's name and two: the run's two, the other orders and spellings.
WORDED_NUMBER_DATES = ["four five seventy-one", "Apr-five-seventy-one", "four five seventy one", "oh four oh five sixty-nine",
                       "five four seventy-one", "seventy-one four five", "twelve twenty-five sixty", "April five seventy-one",
                       "four/five/seventy-one", "May.five.eighty", "four_five_seventyone"]


@pytest.mark.parametrize("value", WORDED_NUMBER_DATES)
def test_a_date_as_three_numbers_in_words_is_refused(value):
    assert refused_as_name(f"Smith, John {value}"), value
    assert refused_as_text(f"Police {value}"), value


@pytest.mark.parametrize("value", ["One Two Three Four Drill", "Nine Eleven Memorial", "Twenty Four Seven Operations",
                                   "One Team One Mission", "Ten Twenty Training", "Five O Five Program", "Three Hundred Club"])
def test_numbers_in_words_that_are_no_date_pass(value):
    assert passes_as_text(value), value


# Real names the run refused (Massachusetts writes first names first) and their neighbours: a number word and a month's
# name of two languages; a month's name and a number word opening a name or its given names; the Dutch "ten" of a
# surname; "Born" before a suffix.
NAMES_OF_MONTHS_AND_NUMBERS = ["Tien Mai", "Otto Mai", "Uma Mai", "June Ten Eyck", "Una Mayo", "Otto Maggio", "Tien Mei Zhang",
                               "April Nine", "Jan Nine", "May Ten", "August Ten", "Mary June Ten Eyck", "Pieter Jan ten Brink",
                               "Nguyen Tien Mai", "Maria Una Mayo", "Silva, Tien Mei", "Cinq-Mars, Tien Avril", "Jan Born 2nd",
                               "Max Born III", "Ten Eyck, June", "Mai, Tien"]


@pytest.mark.parametrize("value", NAMES_OF_MONTHS_AND_NUMBERS)
def test_a_name_of_month_and_number_words_passes(value):
    assert passes_as_name(value), value


@pytest.mark.parametrize("value", ["Smith, John cinq avril", "Smith, John five April", "Smith, John April five", "Smith, John June ten",
                                   "Smith, John otto maggio", "April Nine seventy-one", "April 9 Doe", "Doe, Jane born 2nd April",
                                   "Doe, Jane born 5", "Smith, John fünf April"])
def test_a_day_and_a_month_in_words_after_a_name_are_still_refused(value):
    assert refused_as_name(value), value


@pytest.mark.parametrize("value", ["Foo cinq avril", "Foo otto maggio", "Foo tien mei", "Foo fünf April", "Police June ten"])
def test_a_day_and_a_month_in_words_of_one_language_are_refused_in_other_names(value):
    assert refused_as_text(value), value


def test_a_day_and_a_month_of_two_languages_are_no_date():
    assert passes_as_text("Otto Mai Memorial Scholarship") and passes_as_text("Police Tien Mai Unit")


# Course names the run refused, and their neighbours: a list of models, a regulation's or a standard's citation.
COURSES = ["Glock 17/19/26/27 Armorer", "Glock 17, 19, 26, 27 Armorer", "Glock 17/19/22/23/26/27 Armorer", "M&P 9/40/45 Armorer",
           "HAZWOPER 29 CFR 1910.120", "OSHA 29 CFR 1910.134", "Bloodborne Pathogens 29 CFR 1910.1030",
           "OSHA 1910.1030 Bloodborne Pathogens", "29 C.F.R. 1910.120 Refresher", "29 CFR 1926.1101 Asbestos", "ISO 9001:2015 Awareness",
           "NFPA 1001 Firefighter I", "49 CFR 172.704 Hazmat", "42 U.S.C. 1983 Liability", "M.G.L. c. 41 § 96B", "May 2019 In-Service"]


@pytest.mark.parametrize("value", COURSES)
def test_a_course_naming_models_or_citing_a_rule_passes(value):
    assert passes_as_text(value), value


@pytest.mark.parametrize("value", ["Glock 19/17/26/27 Armorer", "Glock 17/05/04/71 Armorer", "Glock 05/14/71/80", "Foo 31/45/55/01/42",
                                   "OSHA 555 0142", "OSHA 1971.0405", "29 C.F.R. 1971-0405", "ISO 0405-1971", "Class 555-0142",
                                   "Section 1971-0405", "29 CFR 1-314-555-0142"])
def test_a_date_or_a_telephone_number_as_models_or_after_a_rule_s_name_is_still_refused(value):
    assert refused_as_text(value), value


def test_a_long_value_costs_the_rule_s_word_no_more():
    """The word before a number is looked for in the 40 characters before it: a value of dotted words costs no more
    (searched from the value's start, "a.a.a...a 1910.1030" took time in the square of its length)."""
    import time
    value = "a." * 40000 + "a 1910.1030"
    start = time.perf_counter()
    names.text_refused.__wrapped__(value)
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize("value", ["a" * 60000 + "5", "1\u5e74" * 30000])
def test_a_long_word_costs_the_domain_search_no_more(value):
    """A web domain is looked for where a word starts: from every place in a 60,000-letter word, the search took 27 s."""
    import time
    start = time.perf_counter()
    names.name_contact(value)
    assert time.perf_counter() - start < 2
