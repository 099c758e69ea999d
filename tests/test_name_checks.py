"""The name checks (certdata/names.py) against the thirteenth attack run's findings and their neighbours.

Each value the run passed, and each of its neighbours, is refused by the importer and by the rule both validators
apply (the schema pattern's matcher); each real name it refused, and each of its neighbours, passes both. The names
are invented, the telephone numbers are 555-01xx and the addresses example.com.
"""
import re

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


def refused_as_agency(value):
    """Refused as an agency's name: a course's title (pcr:name "title") takes a month beside a year as its session's."""
    return not imported("agency_name", value) and names.text_refused(value) and not TEXT_MATCH(value)


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
MONTH_YEARS = {"Police апрель 1971", "Police avril 1971", "Police abril de 1971", "Police 1971 April", "Police kwiecień 1999",
               "Police Apr. 2009"}  # in a course's title, the session's month (but "April '71": a two-digit year)


@pytest.mark.parametrize("value", SCRIPT_DATES)
def test_a_date_in_another_script_or_language_is_refused(value):
    assert refused_as_agency(value) and (refused_as_text(value) or value in MONTH_YEARS), value
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
    assert refused_as_agency(f"Police April {names.BIRTH_YEARS_END - 1}")
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
           "NFPA 1001 Firefighter I", "49 CFR 172.704 Hazmat", "42 U.S.C. 1983 Liability", "M.G.L. c. 41 § 96B", "May 2019 In-Service",
           "MPTC 2019-034 Legal Updates", "Legal Updates 2021-7"]


@pytest.mark.parametrize("value", COURSES)
def test_a_course_naming_models_or_citing_a_rule_passes(value):
    assert passes_as_text(value), value


@pytest.mark.parametrize("value", ["Glock 19/17/26/27 Armorer", "Glock 17/05/04/71 Armorer", "Glock 05/14/71/80", "Foo 31/45/55/01/42",
                                   "OSHA 555 0142", "OSHA 1971.0405", "29 C.F.R. 1971-0405", "ISO 0405-1971", "Class 555-0142",
                                   "Section 1971-0405", "29 CFR 1-314-555-0142", "Course 1971-045-0405"])
def test_a_date_or_a_telephone_number_as_models_or_after_a_rule_s_name_is_still_refused(value):
    assert refused_as_text(value), value


def growth(check, value_of):
    """How much longer check takes on value_of(8) than on value_of(1), a value eight times as long (best of five
    each, measured in the same run), divided by 4: about 2 for a check linear in the length, 16 for one in its
    square. A ratio, not a time, and callers' bound of 9 leaves a linear check four times its cost in noise (a
    loaded machine had measured 9.8 for a linear check compared at four times the length)."""
    import time

    def best(value):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            check(value)
            times.append(time.perf_counter() - start)
        return min(times)
    return best(value_of(8)) / max(best(value_of(1)), 1e-5) / 4


def test_a_long_value_costs_the_rule_s_word_no_more():
    """The word before a number is looked for in the 40 characters before it: a value of dotted words costs no more
    (searched from the value's start, "a.a.a...a 1910.1030" took time in the square of its length)."""
    assert growth(names.text_refused.__wrapped__, lambda k: "a." * 10000 * k + "a 1910.1030") < 9


@pytest.mark.parametrize("unit, count", [("a", 15000), ("1\u5e74", 7500)])
def test_a_long_word_costs_the_domain_search_no_more(unit, count):
    """A web domain is looked for where a word starts: from every place in a 60,000-letter word, the search took 27 s."""
    assert growth(names.name_contact, lambda k: unit * count * k + ("5" if unit == "a" else "")) < 9


# Closed descriptions of a person written into an open column (an attack run after the fourteenth passed the first
# of each line, import and build alike), and their neighbours: an age, a date of birth abbreviated, a race or a sex
# in police shorthand, where someone lives, a ZIP code.
DESCRIBED_NAMES = [
    # an age
    "Doe, John, age 43", "Doe, John aged 43", "Doe, John Age: 43", "Doe, John (age 43)", "Doe, John age forty-three",
    "Doe, John 43 years old", "Doe, John 43 y/o", "Doe, John 43yo", "Doe, John 43 y.o.", "Doe, John forty-three years old",
    "Doe, John, 43", "Doe, John (43)", "John Doe, age 43", "Doe, John edad 43",
    # a date of birth abbreviated, or a day and a month
    "Doe, John b. 5/4", "Doe, John b.5/4", "Doe, John b 5/4", "Doe, John b: 1971", "Doe, John b. '71", "Doe, John bday 5/4",
    "Doe, John DOB 5/4", "Doe, John born 5/4", "Doe, John 5/4", "Doe, John b. 5-4",
    # race and sex
    "Doe, John White Male", "Doe, John (W/M)", "Doe, John W/M", "Doe, John w/m", "Doe, Jane B/F", "Doe, John M/W", "Doe, John (WM)",
    "Doe, John (W M)", "Doe, John WM", "Doe, Jane (F)", "Doe, John (M)", "Doe, Jane Female", "Doe, John Caucasian",
    "Doe, John Hispanic Male", "Doe, Jane Black Female", "Doe, John Male/White", "Doe, John Sex: M", "Doe, John Race W",
    "Doe, John Asian Man", "John Doe White Male", "Doe, John \uff37hite \uff2dale",
    # where someone lives
    "Doe, John lives in Shelbyville", "Doe, John resides Shelbyville", "Doe, John residing Shelbyville", "Doe, John (resides Shelbyville)",
    "Doe, John Address Shelbyville", "Doe, John Apt 4", "Doe, John home address Shelbyville", "Doe, John resident of Shelbyville",
]


@pytest.mark.parametrize("value", DESCRIBED_NAMES)
def test_an_age_a_birth_date_a_race_or_sex_or_a_residence_in_a_name_is_refused(value):
    assert refused_as_name(value), value
    problem = importers.value_problem("officer_name", value)
    assert problem and "Doe" not in problem and "Shelbyville" not in problem, problem


DESCRIBED_TEXTS = [
    # an age
    "Columbia Police Department age 43", "Columbia Police Department, aged 43", "Columbia Police Department Age: 43",
    "Columbia Police Department 43 years old", "Columbia Police Department 43 y/o", "Columbia Police Department age forty-three",
    # a date of birth abbreviated
    "Firearms b. 5/4", "Firearms b: 1971", "Firearms bday 5/4", "Firearms DOB 5/4",
    # race and sex
    "Columbia Police Department White Male", "Columbia Police Department (W/M)", "Columbia Police Department W/F",
    "Columbia Police Department (Hispanic Female)", "Columbia Police Department Sex: M", "Columbia Police Department (F)",
    # where someone lives
    "Columbia Police Department Lives in Shelbyville", "Columbia Police Department (resides Shelbyville)", "Springfield PD Lives in Shelbyville",
    "Columbia Police Department Residing Shelbyville", "Columbia Police Department living in Shelbyville",
    "Columbia Police Department resident of Shelbyville", "Columbia Police Department Home Address Shelbyville",
    "Columbia Police Department Address: Elm", "Springfield PD Apt 4B", "Springfield PD Apt. #4B", "Springfield PD Apartment 12",
    "Springfield PD Suite 200", "Springfield PD Apt #B",
    # a ZIP code: after a state's capitals or a ZIP's word, five digits on their own, ZIP+4
    "Firearms Shelbyville MO 65101", "Firearms Zip 65101", "Firearms Shelbyville, MO 65101", "Firearms Shelbyville MA 02101",
    "Firearms Zip Code: 65101", "Firearms Postal Code 65101", "Firearms Shelbyville 65101", "Firearms 65101", "Firearms Shelbyville MO 65101-1234",
    "Firearms 65101-1234",
]


@pytest.mark.parametrize("value", DESCRIBED_TEXTS)
def test_an_age_a_birth_date_a_race_or_sex_a_residence_or_a_zip_code_in_an_agency_or_a_course_is_refused(value):
    assert refused_as_text(value), value
    for field in ("agency_name", "course_name"):
        problem = importers.value_problem(field, value)
        assert problem and "Shelbyville" not in problem and "65101" not in problem, (field, problem)


@pytest.mark.parametrize("value", [
    "Mary White", "John Male", "White, Mary", "Black, Jack", "Jack Black", "Male, John", "Bob Apt", "Agee, Tom", "Born, Max", "B. Smith",
    "Smith, B. J.", "Lives, Anna", "Anna Lives", "Zipf, Karl", "Smith-Jones, Alexandra", "D'Angelo, Maria", "O'Brien, Patrick J",
    "'t Hart, Jan", "Doe, John 2nd", "Doe, John III", "Smith, John 10th", "Age, Mary", "Ages, Tom", "Mann, John", "Sexton, Mary", "Racer, Tom",
    "Whiteman, Joe", "Amanda Blackman", "Doe, W M", "Doe, John W. M.", "Bd, Kim", "Flat, Joe", "Suite, Joe", "Resident, Evil", "Ward, Ste",
    "Man, Ka Wai", "Gray, Asia", "Brown, Hispano", "Zip, Anna"])
def test_names_that_hold_such_words_as_names_pass(value):
    """A colour, "Male", "Apt", "Lives", "Born", "Age" and the like are surnames or given names: a race's word needs a sex's
    beside it, a residence's word a place's preposition or a number, and the first word and the first after a comma are
    names."""
    assert passes_as_name(value), value


@pytest.mark.parametrize("value", [
    "Unit 4 Patrol", "Unit 12 Training", "Sheriff's Office Zone 5", "Residence Hall Security", "Residential Burglary Investigation",
    "Firearms 2019 Qualification", "40-Hour In-Service", "Route 66 Task Force", "Saving Lives in Crisis", "Protecting Lives at Risk",
    "Under Age 21 Enforcement", "Minimum Age 21 Law", "Ages 18-21 Alcohol Enforcement", "Age 65+ Elder Abuse", "Age Discrimination Law",
    "Race Relations", "Gender Bias Training", "Sex Offender Registry", "Sex Crimes Unit", "White Collar Crime", "Black Hawk County Sheriff",
    "White Plains Police Department", "Indian Hills Police Department", "Hispanic Community Outreach", "Female Officer Leadership",
    "Male Officer Wellness", "Ste. Genevieve County Sheriff's Office", "Address Verification Training", "Addressing Bias",
    "Apartment Complex Patrol", "Flat Tire Changes", "Course 10234", "Academy Class 10234", "10000 Hours Program", "24/7 Operations",
    "9/11 Memorial", "AM/FM Radio", "I/O Procedures", "Class A/B License", "Crisis Intervention Team (CIT)", "Basic (B) Course",
    "Home Security Survey", "Living Will Procedures", "Stage 2 Training", "Zip Tie Restraints", "MO Sheriffs Association",
    "Glock 17/19/26/27 Armorer"])
def test_agencies_and_courses_that_hold_such_words_pass(value):
    """An age with a limit's word or a range is a course's limit; a unit's, a zone's or a route's number counts; five digits
    are a course's number after a word that numbers it. ("Age 21 Compliance Checks", an age with no limit said, is
    refused: no open column can tell it from an officer's age.)"""
    assert passes_as_text(value), value


def test_an_age_with_no_limit_said_is_refused_even_in_a_course():
    assert refused_as_text("Age 21 Compliance Checks")


FORMULAS = ["=Doe&Roe", '=HYPERLINK("x","Columbia Police Department")', "+Doe", "-Doe, John", "@Doe", " =Doe", "\uff1dDoe", "\ufe62Doe",
            "-", "- Columbia Police Department", "=1+1"]


@pytest.mark.parametrize("value", FORMULAS)
@pytest.mark.parametrize("field", ["officer_name", "last_name", "agency_name", "course_name", "license_status"])
def test_a_value_beginning_with_a_formula_sign_is_refused_by_the_importer_in_any_column(field, value):
    """A spreadsheet runs a cell that begins with =, +, - or @ (or a tab or a carriage return, which are invisible
    characters) as a formula, and the published CSVs keep a value as written."""
    problem = importers.value_problem(field, value)
    assert problem, (field, value)
    assert not {"Doe", "HYPERLINK", "Columbia", "1+1"} & set(re.findall(r"[\w+]+", problem)), problem


@pytest.mark.parametrize("value", ["D'Angelo, Maria", "'t Hart, Jan", "Smith-Jones, Alexandra", "O'Brien, Patrick J", "Mary-Kate Doe"])
def test_a_name_with_a_hyphen_or_an_apostrophe_inside_passes(value):
    assert passes_as_name(value) and not names.formula_start(value)


def test_a_plain_number_is_no_formula():
    """A spreadsheet reads "-5" as the number (publish.py's PLAIN_NUMBER): its column's own rule decides."""
    assert not names.formula_start("-5") and not names.formula_start("+1.5e3") and names.formula_start("-5+Doe")


@pytest.mark.parametrize("value_of", [lambda k: "a." * 10000 * k + "a 1910.1030", lambda k: "Doe, John " * 2000 * k,
                                      lambda k: "b" * 20000 * k + " 5"])
def test_the_description_checks_cost_a_long_value_in_its_length(value_of):
    def both(value):
        names.description_problem(value, person=True)
        names.description_problem(value)
    assert growth(both, value_of) < 9


def test_an_import_refuses_and_a_build_refuses_a_closed_description_or_a_formula_end_to_end(tmp_path):
    """A maintainer imports a roster and a training export: a value of each kind is refused by row and field, never
    shown, and nothing changes; a release of real-looking names passes import and build; the same values written into
    the imported CSVs by hand are refused by the build, by file, row and field, never shown."""
    import csv

    from .conftest import make_package, run_cli, settle_agency_disclosure, settle_ma_disclosure
    root = make_package(tmp_path / "pkg", mo_active=40, ma_officers=10)
    settle_ma_disclosure(root)
    settle_agency_disclosure(root)
    header = "Name,License Status,License Class,Commissioning Agency\n"

    def roster(name, agency):
        path = tmp_path / "roster.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(header)
            csv.writer(handle).writerows([["Roe, Richard", "Revoked", "unknown", ""], [name, "Revoked", "unknown", agency]])
        return path

    data_before = {p.name: p.read_bytes() for p in (root / "data").glob("*.csv")}
    for name, agency, field in [("Doe, John, age 43", "", "officer_name"), ("Doe, John b. 5/4", "", "officer_name"),
                                ("Doe, John White Male", "", "officer_name"), ("Doe, John W/M", "", "officer_name"),
                                ("=Doe&Roe", "", "officer_name"),
                                ("Doe, John", "Columbia Police Department Lives in Shelbyville", "agency_name"),
                                ("Doe, John", "Columbia Police Department (resides Shelbyville)", "agency_name"),
                                ("Doe, John", "Springfield PD Apt 4B", "agency_name"),
                                ("Doe, John", '=HYPERLINK("x","Columbia Police Department")', "agency_name")]:
        result = run_cli(root, "import", "mo-roster", str(roster(name, agency)))
        output = result.stdout + result.stderr
        assert result.returncode == 1 and f"row 3, field {field}" in output and "Traceback" not in output, output
        for shown in ("43", "5/4", "White Male", "W/M", "Doe&Roe", "Shelbyville", "4B", "HYPERLINK"):
            assert shown not in output, (shown, output)
    assert {p.name: p.read_bytes() for p in (root / "data").glob("*.csv")} == data_before

    training = tmp_path / "training.csv"
    for course in ("Firearms Shelbyville MO 65101", "Firearms Zip 65101", "=Firearms"):
        training.write_text(f"Acadis ID,Officer Name,Course Name,Completion Date,Employing Agency\n"
                            f"555001,Ann Lee,{course},2019-06-14,Quincy Police Department\n", encoding="utf-8")
        result = run_cli(root, "import", "ma-training", str(training))
        output = result.stdout + result.stderr
        assert result.returncode == 1 and "row 2, field course_name" in output and "65101" not in output, output

    real = tmp_path / "real.csv"
    real.write_text(header + "\n".join(f'"{n}",Revoked,unknown,"{a}"' for n, a in [
        ("White, Mary", "Sheriff's Office Zone 5"), ("Male, John", "Route 66 Task Force"), ("Agee, Tom", ""), ("Born, Max", ""),
        ("Lives, Anna", ""), ("D'Angelo, Maria", ""), ("Smith-Jones, Alexandra", ""), ("Zipf, Karl", "Columbia Police Department")]) + "\n",
        encoding="utf-8")
    assert run_cli(root, "import", "mo-roster", str(real), "--received", "2023-01-18").returncode == 0
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Employing Agency\n"
                        "555001,Mary White,Residence Hall Security,2019-06-14,Quincy Police Department\n"
                        "555002,Bob Apt,Firearms 2019 Qualification,2019-06-14,Quincy Police Department\n"
                        "555002,Bob Apt,40-Hour In-Service,2019-07-14,Quincy Police Department\n", encoding="utf-8")
    assert run_cli(root, "import", "ma-training", str(training), "--received", "2023-10-01").returncode == 0
    result = run_cli(root, "--quiet")
    assert result.returncode == 0, result.stderr

    def edit(table, changes):
        path = root / "data" / f"{table}.csv"
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        for row, column, value in changes:
            rows[row][rows[0].index(column)] = value
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    edit("mo_officers", [(1, "officer_name", "=Doe&Roe"), (2, "officer_name", "Doe, John White Male")])
    edit("ma_training", [(1, "course_name", "Firearms Zip 65101"), (2, "course_name", "-Firearms")])
    result = run_cli(root, "check")
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output
    for where in ("data/mo_officers.csv, row 2, field officer_name", "data/mo_officers.csv, row 3, field officer_name",
                  "data/ma_training.csv, row 2, field course_name", "data/ma_training.csv, row 3, field course_name"):
        assert where in output, (where, output)
    assert output.count("formula") >= 2, output
    for shown in ("Doe&Roe", "White Male", "65101", "-Firearms"):
        assert shown not in output, (shown, output)


# Closed descriptions an attack run after the fifteenth passed, import and build alike, and their neighbours: words after
# a second comma that are no suffix, race and sex in shorthand or in another language, where someone was born or whose
# home a place is, an age in words with "years", a mail provider, a person's health or a criminal record.
DESCRIBED_AGAIN = [
    "Doe, Jane, Asian", "Doe, Jane, W F", "Doe, Jane, Blk/M", "Doe, Jane, sexo F", "Doe, Jane, born in Kansas City",
    "Doe, Jane, Columbia, Missouri", "Doe, Jane (Jefferson City resident)", "Doe, Jane, forty-three years",
    "Doe, Jane, jdoe on gmail", "Doe, Jane, pregnant", "Doe, Jane, hometown Columbia", "Doe, Jane, DUI", "Doe, Jane, HIV",
    "Doe, Jane, deceased", "Doe, Jane, wht fem", "Doe, Jane, Mujer",
    # the same without the second comma, or in the other order of names
    "Doe, Jane Asian", "Doe, Jane Blk/M", "Doe, Jane sexo F", "Doe, Jane born in Kansas City", "Doe, Jane forty-three years",
    "Doe, Jane jdoe on gmail", "Doe, Jane pregnant", "Doe, Jane hometown Columbia", "Doe, Jane DUI", "Doe, Jane HIV",
    "Doe, Jane (deceased)", "Doe, Jane wht fem", "Doe, Jane Mujer", "Jane Doe, Asian", "Jane Doe HIV", "Jane Doe (resident)",
    "Doe, Jane Wht/F", "Doe, Jane Hisp M", "Doe, Jane F/Blk", "Doe, Jane raza B", "Doe, Jane género F", "Doe, Jane, Columbia",
    "Doe, Jane, A, B", "Doe, Jane (Columbia resident)", "Doe, Jane, 2nd, Asian", "Doe, Jane birthplace Columbia",
    "Doe, Jane native of Columbia", "Doe, Jane twenty years", "Doe, Jane, on probation", "Doe, Jane, felony conviction",
    "Doe, Jane, hotmail", "Doe, Jane cell Columbia", "Doe, Jane, (Columbia)", 'Doe, Jane, "Columbia", x',
]


@pytest.mark.parametrize("value", DESCRIBED_AGAIN)
def test_a_description_after_a_second_comma_or_in_shorthand_or_other_words_is_refused(value):
    assert refused_as_name(value), value
    problem = importers.value_problem("officer_name", value)
    assert problem and not {"Doe", "Jane", "Columbia", "Kansas", "Jefferson", "Asian", "gmail"} & set(re.findall(r"\w+", problem)), problem


def test_the_second_comma_s_reason_says_what_may_follow_it():
    problem = names.name_problem("Doe, Jane, Columbia, Missouri")
    assert "second comma" in problem and "suffix" in problem and "Columbia" not in problem


@pytest.mark.parametrize("value", [
    "Mary White", "John Male", "Agee, Tom", "Born, Max", "B. Smith", "Smith, John, Jr.", "Smith, John A, III", "O'Brien, Sean P",
    "de la Cruz, María", "Nguyen, Thi Kim", "Brannigan-Osei, Maeve", 'Smith, Robert "Bob"', "Smith, Robert (Bob)", "Smith, Jr., John",
    "Smith, John, Jr. III", "Smith, John, 2nd", "Smith, John, Sr", "Smith, John, IV", "John Smith, Jr.", "Doe, Jane, [withheld]",
    "[withheld], Jane", "Doe, Jane,", "Jane Doe", "Max Born", "Jan Born 2nd", "Doe, W M", "Doe, Jane W F", "Resident, Evil", "Asia Gray",
    "Gray, Asia", "Race, John", "John Race", "Brown, Hispano", "Smith, Robert (Bob) Jr.", "Mayo, Una", "Otto Maggio",
    'Smith, Robert "Bob, Jr"'])
def test_real_names_with_suffixes_nicknames_and_such_words_pass(value):
    assert passes_as_name(value), value


def test_a_comma_in_brackets_or_quotes_parts_no_name():
    """A sample's formula name (the spreadsheet copies' tests) holds commas in its brackets: the build's rule passes it
    (the importer refuses it for its first sign)."""
    assert not names.person_name_refused('=HYPERLINK("x","y"), Evil')


@pytest.mark.parametrize("value", ["Columbia PD, officer home Columbia MO", "Columbia Police Department, officer's home Columbia",
                                   "Columbia PD (his home in Columbia)", "Columbia PD, born in Kansas City",
                                   "Columbia PD, Blk/M", "Columbia PD, wht fem", "Columbia PD sexo F", "Columbia PD, hometown in Columbia"])
def test_a_home_a_birthplace_or_race_and_sex_shorthand_in_an_agency_or_a_course_is_refused(value):
    assert refused_as_text(value), value
    assert "Columbia" not in importers.value_problem("agency_name", value)


@pytest.mark.parametrize("value", ["Residence Hall Security", "Route 66 Task Force", "Home Security Survey", "HIV/AIDS Awareness",
                                   "DUI Enforcement", "Death Investigation", "Felony Stop Procedures", "Hometown Heroes Program",
                                   "Born to Serve Foundation", "Native American Liaison", "Probation and Parole Office",
                                   "Domestic Violence Response", "Cell Phone Forensics"])
def test_agencies_and_courses_with_words_about_health_crime_or_home_pass(value):
    assert passes_as_text(value), value


@pytest.mark.parametrize("value_of", [lambda k: "Doe, Jane" + ", Jr." * 6000 * k + ", Asian", lambda k: "Doe, Jane " + "wht " * 8000 * k,
                                      lambda k: "Doe, Jane " + "Blk / " * 5000 * k + "x", lambda k: ", ," * 10000 * k,
                                      lambda k: "Doe, Jane, " + "(a, b) " * 5000 * k + ', "x'])
def test_the_new_checks_cost_a_long_value_in_its_length(value_of):
    assert growth(names.person_name_refused, value_of) < 9


# The name checks hang on what a field holds, not on its pattern's text (an attack run after the fifteenth rewrote the
# officers' name pattern as "^(?:" + NAME_PATTERN + ")$", which matches the same values, and deleted it: the checks were
# off and descriptions of officers were published).
PERSON_FIELD = {"name": "officer_name", "type": "string", "pcr:name": "person"}
CLOSED_NAMES = ["Sample-Jackson, Jack, 43 y/o White Male", "Sample-Kim, Ann (W/F), age 43", "Doe, Jane, Asian", "Doe 1969-07-20",
                "Doe\u202e, Jane", "12"]


@pytest.mark.parametrize("pattern", [None, names.NAME_PATTERN, f"^(?:{names.NAME_PATTERN})$", "[\\s\\S]*", ".*", "[^\\r\\n]+"])
@pytest.mark.parametrize("field", [PERSON_FIELD, {"name": "officer_name", "type": "string"},
                                   {"name": "given_names", "type": "string", "title": "Officer name: given names"},
                                   {"name": "x", "type": "string", "pcr:name": "person"}])
def test_a_person_s_name_is_checked_whatever_its_pattern(field, pattern):
    from certdata import fastcheck
    field = dict(field, constraints={"pattern": pattern} if pattern else {})
    match, check = pattern_matcher(field), fastcheck.checker(field, [""])
    assert match and check
    for value in CLOSED_NAMES:
        assert not match(value), (pattern, value)
        with pytest.raises(fastcheck.Invalid):
            check(value)
    assert match("Sample-Jackson, Jack") and check("Smith, John, Jr.") == "Smith, John, Jr."


@pytest.mark.parametrize("pattern", [None, names.TEXT_PATTERN, f"^(?:{names.TEXT_PATTERN})$", ".*"])
def test_an_agency_s_name_is_checked_whatever_its_pattern(pattern):
    field = {"name": "agency_name", "type": "string", "pcr:name": "other", "constraints": {"pattern": pattern} if pattern else {}}
    match = pattern_matcher(field)
    assert match("Columbia Police Department") and not match("Columbia Police Department Lives in Shelbyville")
    assert not match("Firearms Zip 65101") and not match("Columbia PD, officer home Columbia MO")


def test_a_field_s_own_pattern_narrows_a_name_s_rule():
    match = pattern_matcher(dict(PERSON_FIELD, constraints={"pattern": "[A-Z][a-z]+, [A-Z][a-z]+"}))
    assert match("Doe, Jane") and not match("Doe, jane") and not match("Doe, Asian")


def edited_package(tmp_path, resource, name, change):
    """A small package whose schema of resource has its field name changed by change(field)."""
    import json

    from .conftest import make_package
    root = make_package(tmp_path / "pkg")
    path = root / "data" / "schemas" / f"{resource}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(next(f for f in schema["fields"] if f["name"] == name))
    path.write_text(json.dumps(schema), encoding="utf-8")
    return root


def drop(key):
    return lambda field: field.pop(key)


def wrap_pattern(field):
    field["constraints"]["pattern"] = f"^(?:{field['constraints']['pattern']})$"


@pytest.mark.parametrize("resource, name, change, said", [
    ("mo_officers", "officer_name", drop("pcr:name"), "declare \"pcr:name\": \"person\""),
    ("mo_officers", "surname", lambda f: f.update({"pcr:name": "other"}), "declare \"pcr:name\": \"person\""),
    ("mo_officers", "officer_name", lambda f: (f.pop("pcr:name"), wrap_pattern(f)), "declare \"pcr:name\": \"person\""),
    ("ma_training", "officer_name", lambda f: (f.update({"type": "any"}), f.pop("constraints")), "must be of type \"string\""),
    ("ma_retired_ids", "officer_name", lambda f: f.update({"pcr:name": "other"}), "declare \"pcr:name\": \"person\""),
    ("mo_retired_ids", "officer_name", lambda f: f.update({"pcr:name": "yes"}), "must be \"person\""),
    ("agencies", "agency_name", drop("pcr:name"), "says it holds a name"),
    ("mo_retired_ids", "license_status", drop("pcr:name"), "says it holds a name"),
    ("agencies", "agency_name", lambda f: (f.update({"type": "any"}), f.pop("constraints"), f.pop("example")),
     "must be of type \"string\""),
])
def test_a_schema_that_would_switch_the_name_checks_off_is_refused(tmp_path, resource, name, change, said):
    from certdata.package import Package, PackageError
    root = edited_package(tmp_path, resource, name, change)
    with pytest.raises(PackageError) as error:
        Package.load(root)
    assert f"field {name}:" in str(error.value) and said in str(error.value), str(error.value)


def test_a_retired_record_s_name_is_declared_as_its_release_s(tmp_path):
    from certdata.package import Package, PackageError
    # a retired record's field of another kind than the release's field it takes its disclosure from
    root = edited_package(tmp_path, "ma_retired_ids", "acadis_id", lambda f: f.update({"pcr:name": "person"}))
    with pytest.raises(PackageError) as error:
        Package.load(root)
    assert "'acadis_id'" in str(error.value) and "same 'pcr:name'" in str(error.value), str(error.value)


@pytest.mark.parametrize("change", ["wrap", "drop"])
def test_a_build_refuses_a_described_name_whatever_the_name_pattern_says(tmp_path, change):
    """The attack run's build: the officers' name pattern rewritten in an equivalent form, or deleted, and two names with
    descriptions written into the CSV; the build refuses both rows, by file, row and field, never showing them."""
    import csv

    from .conftest import run_cli
    root = edited_package(tmp_path, "mo_officers", "officer_name",
                          wrap_pattern if change == "wrap" else lambda f: f["constraints"].pop("pattern"))
    path = root / "data" / "mo_officers.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("officer_name")
    rows[1][column], rows[2][column] = "Sample-Jackson, Jack, 43 y/o White Male", "Sample-Kim, Ann (W/F), age 43"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    result = run_cli(root, "check")
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output
    assert "data/mo_officers.csv, row 2, field officer_name" in output and "data/mo_officers.csv, row 3, field officer_name" in output
    for shown in ("White Male", "W/F", "43 y/o", "age 43"):
        assert shown not in output, (shown, output)


# An attack run after the sixteenth: each passed the importer and the guard. Telephone numbers are 555-01xx.
SIXTEENTH_PERSONS = ["Doe, Jane home Elm Street", "Poe, Ed RR Two Box Nine", "Roe, Rick https://jdoe.example/me",
                     "Zoe, Ann skype:zoeann", "Cy Doe https://cydoe.example", "Doe, Jane www.example.org",
                     "Doe, Jane lives Quincy", "Doe, Jane Apt Twelve", "DOE, JANE HOME 12 ELM"]
SIXTEENTH_TEXTS = ["Columbia Police Department, Apt Four", "Columbia Police Department tel (573) five five five-0142",
                   "Quincy PD 555-zero one four two", "Use of Force (instructor cell 573 five five five 0142)",
                   "Legal Updates (SSN ending 4321)", "Legal Updates (last four of social security 4321)",
                   "Firearms - officer is pregnant", "CPR Recert - officer is 52", "CPR - she was sixty-one",
                   "Patrol, residence Quincy", "Patrol - home Elm Street", "Quincy PD, Box Nine", "Quincy PD RR 2",
                   "https://evil.example/phish", "javascript:alert(1)", "Quincy PD skype:quincypd", "Patrol (officer on maternity leave)"]
SIXTEENTH_FREE = ["Officer's residence is Quincy", "call 5550142", "reach her at (573) five five five-0142",
                  "555-zero one four two", "SSN ending 4321", "officer is 52", "the officer was pregnant",
                  "residence Quincy", "home Elm Street", "Apt Four", "RR Two Box Nine", "javascript:alert(1)",
                  "skype:zoeann", "data:text/html,<b>x</b>"]


# An attack run after the seventeenth: notes about an officer beside a name, an address after a name and a comma or after
# a counting word with a four-digit number, a residence's word in capitals. Each passed the importer and the build.
SEVENTEENTH_PERSONS = ["Lee, Ann (Pending Investigation)", "Roe, Richard (Complaint Pending)",
                       "Coe, Al (Terminated - Misconduct)", "Moe, Bo Mental health leave", "Poe, Edgar Latino",
                       "Lee, Ann Afr Amer", "Lee, Ann Native American", "Lee, Ann Decd", "Lee, Ann FMLA",
                       "Lee, Ann (under investigation)", "Lee, Ann (on administrative leave)"]
SEVENTEENTH_TEXTS = ["Quincy Police Department, 1 Sea Street", "Quincy Police Dept, 44 Larkspur Lane",
                     "Quincy PD, Court 4417 Larkspur Lane", "Use of Force Day 4417 Larkspur Lane", "Residence Braintree",
                     "Home Town - Braintree", "Columbia PD (under investigation)", "(on administrative leave)",
                     "Patrol (complaint pending)"]


@pytest.mark.parametrize("value", SIXTEENTH_PERSONS + SEVENTEENTH_PERSONS)
def test_a_residence_a_dwelling_s_number_in_words_or_a_link_in_a_person_s_name_is_refused(value):
    assert names.name_problem(value) and names.person_name_refused(value) and not imported("officer_name", value), value


@pytest.mark.parametrize("value", SIXTEENTH_TEXTS + SEVENTEENTH_TEXTS)
def test_a_number_part_in_words_an_ssn_s_label_a_statement_about_a_person_or_a_link_in_an_agency_or_a_course_is_refused(value):
    assert refused_as_text(value), value
    assert not re.search(r"0142|4321|Quincy|Elm|evil|alert|pregnant|52|sixty|Sea|Larkspur|Braintree|4417",
                         importers.value_problem("agency_name", value) or "")


@pytest.mark.parametrize("value", SIXTEENTH_FREE)
def test_such_values_in_free_text_are_refused(value):
    problem = names.free_text_problem(value)
    assert problem and not re.search(r"0142|4321|Quincy|Elm|alert|pregnant|52|zoeann", problem), value


@pytest.mark.parametrize("value", ["Holyoke Soldiers Home Police", "Box Elder County Sheriff", "CPR:Adult", "Module 1: Patrol",
                                   "Tactical Medicine: Officer Down", "Active Shooter: Phase Two", "Unit 12 Training",
                                   "Pregnancy Discrimination in the Workplace", "Apartment Complex Searches",
                                   "Officer Safety Module 2", "Legal Updates Part 2 of 3", "St. Louis County Police Department",
                                   "Firearms Qualification 2019", "Range day 3", "Social Security Fraud Investigation"])
def test_agencies_and_courses_near_those_pass(value):
    assert passes_as_text(value), value


@pytest.mark.parametrize("value", ["Box, John", "Smith, John Box", "Home, Alice", "Lane, Penny Street", "Suite, Ann",
                                   "Homes, Rick", "Street, Della", "Ten Eyck, John", "Park, Ji-woo"])
def test_names_near_those_pass(value):
    assert names.name_problem(value) is None and not names.person_name_refused(value), value


@pytest.mark.parametrize("value", ["Dates of birth and residency are exempt.", "The officer is listed under the agency that "
                                   "commissioned them.", "See https://dps.mo.gov/dir/programs/post/ for the program.",
                                   "Section one of the request, sections 590.1150 and 590.1152.", "2,340 officers in 2019",
                                   "Home Security Survey", "Their residence is not released."])
def test_free_text_near_those_passes(value):
    assert names.free_text_problem(value) is None, value


@pytest.mark.parametrize("value", ["Division 4 Municipal Court", "8 Hour Defensive Drive", "Department of Mental Health Police",
                                   "Mental Health First Aid", "Internal Investigations", "Bureau of Criminal Investigation",
                                   "FBI Kansas City Resident Agency", "Hometown Heroes Program", "Residence Hall Safety",
                                   "Complaint Intake Procedures", "Leave Management for Supervisors", "Day 3 Firearms Range",
                                   "Troop 7 Tactical", "Court 12 Arraignment Procedures"])
def test_agencies_and_courses_near_the_seventeenth_s_pass(value):
    assert passes_as_text(value), value


@pytest.mark.parametrize("value", ["Pending, John", "Leave, Ann", "Black, Jack", "White, Betty", "Doe, Jane Gay"])
def test_names_near_the_seventeenth_s_pass_where_the_word_is_the_surname_or_a_name(value):
    assert names.name_problem(value) is None and not names.person_name_refused(value), value


# A second attack run after the seventeenth: real Blackfeet surnames refused (the whole roster with them), notes in
# other words, and a person's state written in the agency's column.
REAL_NAMES = ["Kicking Woman, George", "George Kicking Woman", "Rides At The Door, Darnell", "Darnell Rides At The Door",
              "Iron Woman, Ann", "Crazy Boy, Tom", "Old Woman, Mary", "Comes At Night, Joe", "Doe, Brady", "Brady, Tom"]
MORE_NOTES = ["Doe, Jane (suspended)", "Roe, Rita - Brady list", "Joe, Lu (dead)", "Hoe, Kim (schwanger)",
              "Doe, Jane (wife of John)", "Doe, Jane (fired)", "Doe, Jane Gay Woman", "Doe, Jane Jdoe At Example",
              "Jane Doe Jdoe At Example"]


# An attack run after the eighteenth: real names refused where the closed word is a surname after the given name, a
# surname of two words, or a name written as an abbreviation is; notes in brackets in other words; agencies' and
# courses' state codes, single letters and case citations refused; notes after a bracket or a dash, dates run together
# or with the month in digits, and digits grouped by letters passed.
REAL_NAMES_19 = ["Rick Husband", "Husband, Rick", "Ahmed Amer", "Hassan, Amer", "Santoso, Dwi", "Sari Dwi Lestari",
                 "Jan van Mil", "Van Mil, Jan", "Kai Org", "Alois Alzheimer", "Smith, John, PhD", "Smith, Robert (Bob)",
                 "Jones (Smith), Mary", "Jones, Mary (nee Smith)", "Street, Picabo", "Picabo Street", "Doe, Jane Street",
                 "Doe, Mary Ann Lane", "Smith, Jane (Van Der Berg)", "Giglio, John", "John Giglio", "Case, Steve", "Steve Case",
                 "Ia, Kim", "Smith-Brady, Ann", "Ann Smith-Brady", 'Smith, Robert "Bob"', "Smith, John (J.J.)",
                 "Smith, John Jr. III", "D'Angelo, Mary-Kate", "Shot With Two Arrows, Ann", "Her Many Horses, Emily",
                 "Son, Heung-min", "Smith, Robert 'Bob'", "D'Angelo, Mary 'Mimi'"]
NOTES_19 = ["Roe, Richard (polygraph failed)", "Roe, Richard (drug test positive)", "Roe, Richard (excessive force)",
            "Roe, Richard (do not rehire)", "Roe, Richard (Mexican national)", "Roe, Richard (lawsuit)",
            "Roe, Richard (IA case)", "Roe, Richard (Catholic)", "Roe, Richard (brown eyes)", "Roe, Richard Elm Street",
            "Ann Lee (polygraph failed)", "Jane Doe Pregnant", "Doe, Jane DWI", "Rick Husband (Deceased)",
            # a second attack run after the eighteenth
            "Smith, John (IA CASE)", "Smith, John (Ia Case)", "Smith, John (Internal Affairs)", "Smith, John (Brady)",
            "Smith, John [BRADY]", "Smith, John (Giglio Impaired)", "Smith, John (Untruthful)", "Smith, John (Dishonest)",
            "Smith, John (Excessive Force)", "Smith, John (Demoted)", "Smith, John (Failed Drug Test)", "Smith, John (POSITIVE UA)",
            "Smith, John (In Prison)", "Smith, John (Protective Order)", "Smith, John (Sick)", "Smith, John (Heart Attack)",
            "Smith, John (Trans)", "John Smith Untruthful", "SMITH, JOHN IN PRISON", "Smith, John - Giglio", "Smith, John / IA",
            "John Smith IA Case",
            # a final attack run after the eighteenth: notes set apart by a sign, or after the suffix
            "Smith, John - perjury", "Jones, Amy - suicide attempt", "Brown, Tim - father of 3", "Lee, Ann - gay",
            "Kim, Bo - excessive force", "Page, Jimmy - do not hire", "Doe, Jane - depression", "Roe, Rick: Muslim",
            "Green, Al Jr. Brady", "Lee, Ann | gay", "Lee, Ann ; gay", "Lee, Ann * see IA file", "Lee, Ann ~ gay",
            'Lee, Ann "see IA file"', "Lee, Ann 'see IA file'", "Doe, Jane depression", "Doe, Jane {IA}", "Doe, Jane 6ft"]
AGENCY_NOTES_19 = ["Columbia Police Department (terminated)", "Columbia Police Department (suspended)",
                   "Columbia Police Department (DWI arrest)", "Columbia Police Department (officer failed polygraph)",
                   "Columbia Police Department - do not rehire", "Kansas City Police Department 05APR71", "Columbia PD 04/1971",
                   "Columbia PD 1971-04", "Columbia PD 4-1971", "Columbia PD 555x555x0142", "Columbia PD 123ab45cd6789",
                   "Columbia PD (WM)", "Quincy Police Department (IA Pending)", "Quincy Police Department (Brady)",
                   "Quincy Police Department (Injured On Duty)", "Quincy Police Department - pregnant",
                   "Quincy Police Department - PTSD", "Quincy Police Department - son of chief",
                   "Boston Police Department - domestic assault", "Quincy Police Department - Catholic",
                   "Columbia Police Department - sustained complaint", "Columbia PD: discipline pending",
                   "Columbia PD (wife is dispatcher)", "Columbia PD - disability retirement"]
AGENCIES_19 = ["Kansas City (MO) Police Department", "Jefferson City (MO) Police Department", "Springfield (MA) Police Department",
               "Sheriff (MA)", "Firearms (M) Qualification", "Graham v. Connor, 490 U.S. 386 (1989)",
               "Tennessee v. Garner, 471 U.S. 1 (1985)", "Under Investigation: Interview Skills", "Defensive Tactics - Arrest and Control",
               "Recruit Academy Class 2019-04", "DUI Enforcement", "Internal Affairs Division", "Giglio Disclosure Training",
               "Columbia Police Department - Patrol Division", "Troop C - Missouri State Highway Patrol",
               "Department of Corrections - Division of Adult Institutions", "Columbia PD - Criminal Investigation Division",
               "Columbia PD - Sexual Assault Unit", "Columbia PD (Family Services)"]


@pytest.mark.parametrize("value", REAL_NAMES + REAL_NAMES_19)
def test_real_names_with_words_that_describe_elsewhere_pass(value):
    assert passes_as_name(value), value


@pytest.mark.parametrize("value", MORE_NOTES + NOTES_19)
def test_notes_about_an_officer_in_other_words_are_refused(value):
    assert refused_as_name(value), value


@pytest.mark.parametrize("value", ["Columbia PD (pending IA)", "Columbia Police Department - officer arrested", *AGENCY_NOTES_19])
def test_a_note_about_an_officer_in_an_agency_is_refused(value):
    assert refused_as_agency(value), value


@pytest.mark.parametrize("value", ["Deceased", "Terminated", "Pending", "TBD", "Not Currently Commissioned", "Retired",
                                   "Separated", "Former Employee"])
def test_a_person_s_state_in_the_agency_s_column_is_no_agency(value):
    assert importers.placeholder("agency_name", value) and not importers.placeholder("officer_name", value)


@pytest.mark.parametrize("value", AGENCIES_19)
def test_agencies_and_courses_the_nineteenth_attack_run_saw_refused_pass(value):
    assert passes_as_text(value), value


@pytest.mark.parametrize("value", ["In-Service Training June 2005", "Firearms Qualification 06/2005", "Academy Class 2005-03",
                                   "In-Service Training, Jan 2008", "Firearms Qual Oct 2009", "ROC 2005-1",
                                   # a second foreign-data trial: a session's number before the month is no day
                                   "Field Training Officer Course - Session 2, May 2018", "Class 3 - May 2018"])
def test_a_course_s_session_month_and_year_pass_in_a_title_and_stay_refused_in_an_agency(value):
    """A second attack run after the eighteenth: course titles with their session's month and year before 2010 were
    refused (a birth month's rule), and MPTC's records reach back decades. In a title (pcr:name "title") they are the
    session's; a date with its day is still refused, and in an agency's name a birth month still is."""
    title = pattern_matcher({"pcr:name": "title", "constraints": {"pattern": names.TEXT_PATTERN}})
    assert imported("course_name", value) and title(value) and not names.text_refused(value, session=True), value
    if value not in ("ROC 2005-1", "Class 3 - May 2018", "Field Training Officer Course - Session 2, May 2018"):
        assert not imported("agency_name", value) and names.text_refused(value), value
    for dated in ("Firearms Qualification 06/14/1971", "Class 5/14/1971", "Session 5, April 14, 1971", "Firearms 5 May 1971"):
        assert not title(dated) and not imported("course_name", dated), dated


# The twentieth session: words of a person's religion, finances, politics or health that passed after the given names
# (they had shown, as the old value of a correction, how a closed value the word lists lack travels on).
NOTES_20 = ["Doe, Jane Lutheran", "Doe, Jane Methodist", "Doe, John Drunk", "Doe, John Gambler", "Doe, John Bankrupt",
            "Doe, John Republican", "Doe, Jane Deaf", "Doe, Jane Obese", "John Doe Bankrupt"]


@pytest.mark.parametrize("value", NOTES_20)
def test_the_twentieth_s_words_after_the_names_are_refused(value):
    assert names.name_problem(value) and names.person_name_refused(value), value


@pytest.mark.parametrize("value", ["Deaf, John", "Drunk, Al", "Democrat, Jo", "Gambler, Ann"])
def test_the_twentieth_s_words_as_a_surname_pass(value):
    assert names.name_problem(value) is None and not names.person_name_refused(value), value


# A foreign-data trial after the nineteenth: a roster's abbreviated notes in brackets published; course titles whose
# subject is a leave or a disclosure list, and agencies' units named for children or complaints, refused.
@pytest.mark.parametrize("value", ["HARGROVE, DENNIS (DV)", "IVERSON, CARLA (EAP)", "JENKINS, TODD (LWOP)",
                                   "KRAUSE, ERIC (RIL)", "SMITH, JO (DECERT)", "SMITH, JO (ADMIN)", "SMITH, JO (DOMESTIC)"])
def test_a_roster_s_abbreviated_note_in_brackets_is_refused(value):
    assert names.person_name_refused(value) and names.name_problem(value), value


@pytest.mark.parametrize("value", ["SMITH, ALBERT (AL)", "SMITH, DOMINIC (DOM)", "Smith, Robert (Bob)"])
def test_a_nickname_in_brackets_still_passes(value):
    assert not names.person_name_refused(value) and names.name_problem(value) is None, value


@pytest.mark.parametrize("value", ["Brady/Giglio Disclosure Obligations", "Family and Medical Leave Act (FMLA) Overview",
                                   "Paid Family and Medical Leave (PFML)", "Injured on Duty (IOD) and Sick Leave Management"])
def test_a_course_about_a_leave_or_a_disclosure_list_passes_as_a_title(value):
    assert not names.text_refused(value, session=True), value


@pytest.mark.parametrize("value", ["Firearms (officer on medical leave)", "Ethics - on administrative leave",
                                   "Firearms / Brady"])
def test_a_note_in_a_course_title_without_a_subject_is_still_refused(value):
    assert names.text_refused(value, session=True), value


@pytest.mark.parametrize("value", ["MO DSS - CHILDREN'S DIVISION", "KCPD - CRIMES AGAINST CHILDREN",
                                   "KCPD - PROFESSIONAL STANDARDS / COMPLAINTS", "KCPD - DWI Unit"])
def test_a_unit_named_for_children_or_complaints_passes_as_an_agency(value):
    assert not names.text_refused(value), value


@pytest.mark.parametrize("value", ["Quincy PD - children", "Quincy PD - sustained complaint", "Quincy PD - pregnant",
                                   "Columbia PD (on medical leave)"])
def test_a_note_after_an_agency_s_name_is_still_refused(value):
    assert names.text_refused(value), value


# An attack run after the nineteenth: notes in brackets of one word in capitals or one letter, in another script, a
# symbol, words of other languages; a hand-edited release meets these at the build.
@pytest.mark.parametrize("value", ["Roe, Rita (LOA)", "Poe, Ed (OIS)", "Koe, Kim (FTM)", "Roe, Rita (W)", "Roe, Rita (H)",
                                   "Bob Kay (停职)", "Ann Lee (Grávida)", "ROE, RITA (TBI)", "Zoe, Ann \u2640",
                                   "Hoe, Hal Termed", "Doe, Jane Afro-American", "Moe, Al Mulato", "Roe, Rita (BIPOC)"])
def test_the_twentieth_attack_s_notes_are_refused(value):
    assert names.person_name_refused(value) and names.name_problem(value), value


@pytest.mark.parametrize("value", ["Smith, Robert (Bob)", "Smith, John (J.J.)", "SMITH, ROBERT (BOB)", "Jones (Smith), Mary",
                                   "Nguyễn, Thị (Minh)", "Smith, Jane (Van Der Berg)", "García, María José", "Минь, Тхань"])
def test_names_near_the_twentieth_attack_s_pass(value):
    assert not names.person_name_refused(value) and names.name_problem(value) is None, value


# The same attack run: notes about one officer in a course's title or an agency's name.
@pytest.mark.parametrize("value", ["Remedial training per IA 19-044", "Return to duty after suspension",
                                   "Last chance agreement training", "Sensitivity training after racial complaint",
                                   "Academy: recruit was arrested", "Drug test positive", "Fitness for duty evaluation",
                                   "Academy (pregnant; deferred)", "Firearms (failed drug screen)",
                                   "Sample course 05 - remedial after IA complaint"])
def test_a_note_about_one_officer_in_a_course_title_is_refused(value):
    assert names.text_refused(value, session=True), value


@pytest.mark.parametrize("value", ["Drug Testing Policy", "Return to Duty Training", "Internal Affairs Investigations",
                                   "Fitness for Duty Policy", "Pregnancy Discrimination Act Overview",
                                   "Report Writing after an Arrest", "Last Chance Rehabilitation Center",
                                   "Interviewing after an Officer-Involved Shooting", "Complaint Intake Procedures"])
def test_courses_about_those_subjects_pass(value):
    assert not names.text_refused(value, session=True), value


@pytest.mark.parametrize("value", ["Columbia Police Department (LOA)", "Ashland Police Department (AWOL)",
                                   "Boone County Sheriff c/o Jane Doe", "Quincy Police Department (Suspendido)",
                                   "Quincy Police Department (Krankgeschrieben)"])
def test_the_twentieth_attack_s_agency_notes_are_refused(value):
    assert names.text_refused(value), value


# A second attack run after the nineteenth.
@pytest.mark.parametrize("word", ["LDS", "Colored", "Korean", "Mexican", "MtF", "LOA", "Workers Comp", "OJI", "Light Duty",
                                  "Deployed", "Sabbatical", "Wheelchair", "Dec'd", "RIP", "EOW", "LODD", "Susp.", "RIL",
                                  "Exonerated", "Unfounded", "Sued", "Settlement", "Do Not Hire", "Ineligible",
                                  "Protective Order", "Restraining Order", "DV", "Excessive Force", "Rape", "Battery",
                                  "Sealed", "Do Not Release"])
def test_the_second_attack_s_notes_after_a_name_are_refused(word):
    assert names.person_name_refused(f"Doe, Jane {word}"), word


@pytest.mark.parametrize("value", ["Rip, Van", "Korean, Ann", "Battery, Jo", "Ross, Diana, Ph.D.", "Ross, Diana, M.D."])
def test_names_near_the_second_attack_s_pass(value):
    assert not names.person_name_refused(value) and names.name_problem(value) is None, value


@pytest.mark.parametrize("value", ["Columbia Police Department {LOA}", "Columbia Police Department <AWOL>", "Columbia PD ‹LOA›",
                                   "Columbia PD «Krankgeschrieben»", "Columbia PD （休職）", "Columbia PD 「停職」",
                                   "Columbia PD - Female", "Columbia PD / Suspended", "Columbia PD - Retired",
                                   "Columbia PD -- see memo", "Columbia PD, per chief"])
def test_the_second_attack_s_agency_notes_are_refused(value):
    assert names.text_refused(value), value


@pytest.mark.parametrize("value", ["Department of Corrections - Women's Facility", "Chillicothe Correctional Center (Women's)",
                                   "Police/Fire Department of Xville", "Boston Police Department - Domestic Violence Unit"])
def test_agencies_near_the_second_attack_s_pass(value):
    assert not names.text_refused(value), value


@pytest.mark.parametrize("value", ["Remedial training (IA)", "Remedial Training - Sustained Complaint",
                                   "Use of Force - Remedial (Doe)", "Makeup - FMLA", "Makeup session - officer was out sick",
                                   "Anger Management (court ordered)", "Basic Recruit Academy - Failed", "Academy - Dismissed",
                                   "Defensive Tactics - Incomplete (Medical)", "Firearms (Brady)"])
def test_the_second_attack_s_course_notes_are_refused(value):
    assert names.text_refused(value, session=True), value


@pytest.mark.parametrize("value", ["Brady / Giglio", "Use of Force - Brady Considerations", "Internal Affairs / IA Basics",
                                   "FMLA (Family and Medical Leave Act)", "Family and Medical Leave Act (FMLA) for Supervisors",
                                   "Remedial Firearms Training", "Court Testimony", "Makeup Artistry for Undercover Work"])
def test_courses_near_the_second_attack_s_pass(value):
    assert not names.text_refused(value, session=True), value


# The person-name checks pass a name in ASCII without a digit and without any of PERSON_HINTS's words after one search
# (the seventh of a million-row roster's validation): every value the tests of this project refuse or pass, alone and
# in a name's places, gets the same verdict with that shortcut as without it.
def corpus_of_test_values():
    import ast
    from pathlib import Path
    values = set()
    for path in sorted(Path(__file__).parent.glob("*.py")) + [Path(names.__file__)]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and 0 < len(node.value) < 200:
                for part in {node.value, *node.value.split("|")}:
                    values |= {part, f"Doe, Jane {part}", f"{part}, John", f"Jane {part}", f"Doe {part}, Jane",
                               f"Doe, Jane, {part}", f"Doe, Jane {part.upper()}"}
    return sorted(values)


def test_the_person_name_checks_shortcut_gives_every_value_the_verdict_of_the_whole_checks(monkeypatch):
    values = corpus_of_test_values()
    assert len(values) > 20_000
    shortcut = [names.description_problem(v, person=True) for v in values]
    assert any(shortcut) and shortcut.count(None) > len(values) / 4
    monkeypatch.setattr(names, "PERSON_HINTS", lambda lower: True)  # no shortcut: every test runs
    whole = [names.description_problem(v, person=True) for v in values]
    assert [(v, a) for v, a, b in zip(values, shortcut, whole) if a != b] == []


@pytest.mark.parametrize("phrase", [
    "Doe, Jane under investigation", "Doe, Jane on paid leave", "Doe, Jane - officer was arrested", "Doe, Jane Brady list",
    "Doe, Jane light duty", "Doe, Jane workers comp", "Doe, Jane do not rehire", "Doe, Jane no contact order",
    "Doe, Jane excessive force", "Doe, Jane dec'd", "Doe, Jane not eligible", "Doe, Jane / IA", "Doe, Jane IA case",
    "Doe, Jane twenty years old", "Doe, Jane aged forty", "Doe, Jane white male", "Doe, Jane resides in Columbia"])
def test_each_closed_phrase_of_a_person_s_name_has_a_word_of_the_shortcut(phrase):
    assert names.PERSON_HINTS(phrase.lower()) and names.description_problem(phrase, person=True)


@pytest.mark.parametrize("words", [("age", "edad"), ("a", "ab", "abc", "b"), ("man", "male", "female", "fem", "/", "\\", "(", "af-am"),
                                   tuple(names.HINT_WORDS[names.PERSON_HINTS])])
def test_a_trie_of_words_finds_what_their_alternation_finds(words):
    import random
    trie, plain = re.compile(names.trie_pattern(words)), re.compile("|".join(map(re.escape, words)))
    rng = random.Random(7)
    letters = "".join(sorted(set("".join(words)))) + " xyz"
    values = list(words) + [w.upper() for w in words] + ["".join(rng.choice(letters) for _ in range(rng.randint(0, 12)))
                                                         for _ in range(5000)]
    assert [bool(trie.search(v)) for v in values] == [bool(plain.search(v)) for v in values]
    assert any(trie.search(v) for v in values) and not all(trie.search(v) for v in values)


# An attack run after the twentieth: notes beside a name, a course or an agency that passed, in English and in other
# languages (a Cyrillic capital drawn like no Latin letter, a note in Chinese after a course's title)
@pytest.mark.parametrize("value", [
    "Doe, Jane Chemo", "Doe, Jane Restricted Duty", "Doe, Jane Internal Affairs", "Doe, Jane Gun Removed",
    "Doe, Jane Resigned In Lieu", "Doe, Jane Undercover", "Doe, Jane Informant", "Doe, Jane Heart Attack",
    "Doe, Jane Single Mom", "Doe, Jane Ex Con", "Doe, Jane Medically Unfit", "Doe, Jane Mh Hold", "Doe, Jane Tbi",
    "Doe, Jane Line Of Duty Death", "Doe, Jane Catholic", "Doe, Jane Enceinte", "Dupont, Marie Décédée",
    "Иванова, Анна Беременна", "Иванов, Иван Умер", "Петров, Пётр Уволен", "王, 芳 怀孕", "山田, 花子 妊娠中",
    "Kowalski, Jan Zmarły", "Rossi, Maria Morta"])
def test_a_note_the_twentieth_attack_run_put_beside_a_name_is_refused(value):
    assert names.name_problem(value), value


@pytest.mark.parametrize("value", ["Defensive Tactics - officer pregnant", "Defensive Tactics (Excused, Pregnant)",
                                   "CPR - Excused Medical", "Firearms Qualification - HIV positive",
                                   "Firearms - Did Not Qualify", "Curso de Tiro - licencia médica", "Курс стрельбы (беременна)",
                                   "射击训练 怀孕"])
def test_a_note_after_a_course_s_title_is_refused(value):
    assert names.text_refused(value, session=True), value


@pytest.mark.parametrize("value", ["Quincy Police Department (Light Duty)", "Quincy Police Department - Excused Medical",
                                   "Quincy Police Department - Internal Affairs Hold", "Quincy Police Department (Undercover)",
                                   "Quincy Police Department Disability Retired", "Quincy Police Department > Pregnant",
                                   "Quincy Police Department + Pregnant", "Quincy Police Department Pregnant",
                                   "Quincy Police Department 'Pregnant'", "Quincy Police Department -Pregnant"])
def test_a_note_beside_an_agency_s_name_is_refused(value):
    assert names.text_refused(value), value


@pytest.mark.parametrize("value", ["Quincy Police Department - Undercover Unit", "Quincy Police Department - Internal Affairs",
                                   "Victim Services Unit", "Missing Persons Unit", "Kansas City Police Department - Fugitive Unit",
                                   "Retired Officers Association"])
def test_units_named_for_what_a_note_may_say_pass_as_agencies(value):
    assert not names.text_refused(value), value


@pytest.mark.parametrize("value", ["Undercover Operations", "Excused Absence Policy", "Light Duty Policy Overview",
                                   "HIV Positive Awareness", "Pregnant Suspects: Use of Force", "Victim Services"])
def test_courses_on_what_a_note_may_say_pass(value):
    assert not names.text_refused(value, session=True), value


@pytest.mark.parametrize("value", ["Sick, Jane", "Wanted, Mary", "Missing, Ann", "Jane Victim", "Single, Mom"])
def test_a_note_s_word_as_a_surname_passes(value):
    assert names.name_problem(value) is None, value


# A second attack run after the twentieth: other dashes and dots that set a note apart, and notes in brackets, after a
# slash or a middle dot, in curly quotes, or at the end, beside agencies and courses
@pytest.mark.parametrize("value", ["Doe, Jane \u2010 Expecting", "Doe, Jane ... expecting", "Doe, Jane \u2026 expecting",
                                   "N\u00fa\u00f1ez, Jos\u00e9 ... expecting", "N\u00fa\u00f1ez, Jos\u00e9 \u2010 expecting"])
def test_a_note_after_another_dash_or_dots_is_refused_in_a_name(value):
    assert names.name_problem(value), value


@pytest.mark.parametrize("value", ["Greene County Sheriff's Office (Preg)", "Greene County Sheriff's Office [PFML]",
                                   "Greene County Sheriff's Office / Preg", "Quincy Police Department Maternity",
                                   "Greene County Sheriff's Office (Expecting)"])
def test_a_leave_or_pregnancy_beside_an_agency_s_name_is_refused(value):
    assert names.text_refused(value), value


@pytest.mark.parametrize("value, refused", [("Firearms Qualification \u201cPregnant\u201d", True), ("Firearms \u00b7 Pregnant", True),
                                            ("Firearms \u2192 Fired", True), ("Firearms \u2013 Officer Passed Away", True),
                                            ("Firearms (Embarazada)", True), ("Defensive Tactics \u00b7 Level 2", False),
                                            ("Firearms \u2192 Rifle", False), ("Expecting the Unexpected: Crisis Calls", False)])
def test_a_note_after_a_course_s_other_signs_is_refused_and_its_subjects_pass(value, refused):
    assert bool(names.text_refused(value, session=True)) is refused, value


@pytest.mark.parametrize("note", ["Expecting", "With Child", "Preg", "Passed Away", "Dcsd", "Hospice", "Dialysis",
                                  "Hearing Impaired", "Schwangerschaft", "Zwanger", "Gestante", "Ciężarna", "Beremenna",
                                  "Termd", "Let Go", "Sacked", "Written Up", "Last Chance Agreement", "Relieved Of Duty",
                                  "Do Not Re-Hire", "Entlassen", "Révoqué", "Suspendiert", "Mat Lv", "Military Lv",
                                  "Amish", "Wears Hijab", "Nephew Of Mayor", "Esposa", "Divorcing", "Custody", "Green Card",
                                  "Indocumentado", "Non Citizen", "CWOF", "Rap Sheet", "Priors", "Fraud", "Verurteilt"])
def test_a_note_the_second_attack_run_put_after_the_given_name_is_refused(note):
    assert names.name_problem(f"Doe, Jane {note}"), note


@pytest.mark.parametrize("value", ["Letgo, Anna", "Chance, Mary", "Card, John", "Sheet, Ann", "Green, Carden", "Oui, Anne"])
def test_a_surname_of_a_note_s_word_still_passes(value):
    assert names.name_problem(value) is None, value
