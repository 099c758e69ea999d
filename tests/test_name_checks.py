"""The name checks (certdata/names.py) against the thirteenth attack run's findings and their neighbours.

Each value the run passed, and each of its neighbours, is refused by the importer and by the rule both validators
apply (the schema pattern's matcher); each real name it refused, and each of its neighbours, passes both. The names
are invented, the telephone numbers are 555-01xx and the addresses example.com.
"""
import datetime

import pytest

from certdata import importers, names
from certdata.cells import pattern_matcher

TEXT_MATCH = pattern_matcher({"constraints": {"pattern": names.TEXT_PATTERN}})
NAME_MATCH = pattern_matcher({"constraints": {"pattern": names.NAME_PATTERN}})


def refused_as_text(value):
    """Refused as an agency's and a course's name by the importer and by the validators' rule."""
    return (importers.value_problem("agency_name", value) is not None and importers.value_problem("course_name", value) is not None
            and names.text_refused(value) and not TEXT_MATCH(value))


def passes_as_text(value):
    return (importers.value_problem("agency_name", value) is None and importers.value_problem("course_name", value) is None
            and not names.text_refused(value) and TEXT_MATCH(value))


def refused_as_name(value):
    return importers.value_problem("officer_name", value) is not None and names.person_name_refused(value) and not NAME_MATCH(value)


def passes_as_name(value):
    return importers.value_problem("officer_name", value) is None and not names.person_name_refused(value) and NAME_MATCH(value)


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


def test_the_birth_year_line_is_moved_before_it_lets_a_birth_year_through():
    """BIRTH_YEARS_END is a year no one licensed was born in or after: 18 years after it, someone who holds a licence
    may have been, and a month with that year has to be refused again. Move the line (and this date) then."""
    assert datetime.date.today().year < names.BIRTH_YEARS_END + 18, "move names.BIRTH_YEARS_END: see its comment"
    assert refused_as_text(f"Police April {names.BIRTH_YEARS_END - 1}")
    assert passes_as_text(f"April {names.BIRTH_YEARS_END} In-Service")
