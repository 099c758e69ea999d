"""A reader types the middle name they heard in full ("Helen Tess Gibson"); the record holds only its initial
("Gibson, Helen T": a record that holds only the middle initial). The search finds it as a real match, below the names that
hold every word typed, labelled as what it is, on the page, in the JSON and in the CSV alike. Built from our own
rows (a tiny generated sample beside them), so a real release does not change what is asserted."""
import csv
import io
import re

import pytest

from certdata import datasette, pipeline

from .conftest import make_package
from .test_search_ranking import get, search

KC = "Kansas City Police Department"
MO_NAMES = [
    "Gibson, Helen T",          # the record: the middle name's initial
    "Ashdown-Gibson, Helen T",  # a double-barrelled surname that ends with the one typed
    "Gibson, Helen Tess",       # the middle name in full: the better match
    "Gibson, Helen Tessa",      # a middle name that starts with the one typed
    "Gibsonford, Helena T",     # the other words only by their start
    "Gibson, Helen",            # no middle name: no match
    "Gibson, Helen W",          # another initial: no match
    "Gibson, T Helen",          # the initial is the first given name: not a middle name's
    "Quill, Ava M",
    "O'Brien, Sean P",
    "Halloran, Mary A K",       # two middle names, both initials
    "Halloran, Mary Ann K",
    "Núñez, José E",            # accents
]
MO_ROWS = [(name, "Sample status A", "Sample class A", KC) for name in MO_NAMES]
MA_ROWS = [("990301", "", "Dara K Whitlock", "Basic Recruit Academy", "2012-01-01", "Boston Police Department")]
OURS = set(MO_NAMES) | {"Dara K Whitlock"}
MIDDLE = "middle name matched only an initial"


@pytest.fixture(scope="module")
def built_root(tmp_path_factory):
    root = make_package(tmp_path_factory.mktemp("middle"), mo_active=3, ma_officers=2, extra_mo=MO_ROWS, extra_ma=MA_ROWS)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    return root


@pytest.fixture(scope="module")
def client(built_root):
    return datasette.app(built_root / "site" / "downloads" / "certification.db",
                         built_root / "site" / "datasette" / "metadata.json")


def ranked(body):
    """(name, match) of the fixture's rows, best first (the generated sample's rows left out)."""
    return [(r["officer_name"], r["match"]) for r in body["rows"] if r["officer_name"] in OURS]


@pytest.mark.parametrize("query", ["Helen Tess Gibson", "helen tess gibson", "Gibson, Helen Tess", "GIBSON, HELEN TESS",
                                   "Helen Tess Gibson Jr"])
def test_a_full_middle_name_finds_the_record_that_holds_its_initial_below_the_exact_name(client, query):
    assert ranked(search(client, query)) == [
        ("Gibson, Helen Tess", "full name"),
        ("Gibson, Helen T", "surname, " + MIDDLE),
        ("Ashdown-Gibson, Helen T", MIDDLE),
        ("Gibson, Helen Tessa", "surname, start of given name"),
        ("Gibsonford, Helena T", "start of words, " + MIDDLE),
    ]  # not Gibson, Helen (no middle name), nor Helen W, nor T Helen (a first initial)


@pytest.mark.parametrize("query,first", [
    ("Ava Marie Quill", "Quill, Ava M"), ("Quill, Ava Marie", "Quill, Ava M"),
    ("Sean Patrick O'Brien", "O'Brien, Sean P"), ("sean patrick obrien", "O'Brien, Sean P"),
    ("O'Brien, Sean Patrick", "O'Brien, Sean P"),
    ("José Elías Núñez", "Núñez, José E"), ("jose elias nunez", "Núñez, José E"),
    ("Dara Kathleen Whitlock", "Dara K Whitlock"),  # a name written "First M Last"
])
def test_the_walks_examples_find_the_officer_first(client, query, first):
    body = search(client, query)
    assert ranked(body)[:1] == [(first, "surname, " + MIDDLE)] and body["total"] == 1


def test_two_middle_names_each_match_an_initial_or_the_name(client):
    assert ranked(search(client, "Mary Ann Kate Halloran")) == [
        ("Halloran, Mary A K", "surname, " + MIDDLE), ("Halloran, Mary Ann K", "surname, " + MIDDLE)]
    assert ranked(search(client, "Mary Ann K Halloran")) == [
        ("Halloran, Mary Ann K", "full name"), ("Halloran, Mary A K", "surname, " + MIDDLE)]


def test_an_initial_typed_for_a_full_middle_name_is_still_the_full_name(client):
    names = ranked(search(client, "Helen T Gibson"))
    assert ("Gibson, Helen Tess", "full name") in names and ("Gibson, Helen T", "full name") in names
    assert names.index(("Gibson, Helen T", "full name")) < len(names)
    assert all(MIDDLE not in match for _, match in names)


def test_a_middle_name_whose_letter_no_initial_has_matches_nothing(client):
    xavier = search(client, "Helen Xavier Gibson")
    assert xavier["rows"] == [] and xavier["total"] == 0
    assert xavier["approximate"]["kind"] == "same surname"  # the Gibsons are offered apart, as before
    assert ranked(search(client, "Helen Walter Gibson")) == [("Gibson, Helen W", "surname, " + MIDDLE)]


def test_a_first_name_is_not_matched_to_an_initial(client):
    """Only a middle name: "Tess Helen Gibson" does not find "Gibson, T Helen" as a match (a first name
    typed in full against a first initial would make every "john smith" list every "Smith, J ..."); with
    no match at all, it is among the Gibsons offered apart."""
    assert "Gibson, T Helen" not in [name for name, _ in ranked(search(client, "Tess Helen Gibson"))]
    body = search(client, "Tess Hilda Gibson")
    assert body["rows"] == [] and body["approximate"]["kind"] == "same surname"
    assert "Gibson, T Helen" in [r["officer_name"] for r in body["approximate"]["rows"]]


def test_the_page_json_and_csv_give_the_same_matches_and_labels(client):
    q = "Ava Marie Quill"
    body = search(client, q)
    page = get(client, "/search", q=q).text
    assert "Officers (1)" in page and "No name matches" not in page and "Did you mean" not in page
    assert re.search(r'>Quill, Ava M</a>.*?<td data-column="Match">surname, middle name matched only an initial</td>',
                     page, flags=re.S)
    table = list(csv.DictReader(io.StringIO(get(client, "/search.csv", q=q).text.removeprefix("\ufeff"))))
    assert [(r["person_id"], r["match"]) for r in table] == [(r["person_id"], r["match"]) for r in body["rows"]]
    many = search(client, "helen tess gibson", size=1000)
    csv_rows = list(csv.DictReader(io.StringIO(get(client, "/search.csv", q="helen tess gibson").text.removeprefix("\ufeff"))))
    assert [(r["person_id"], r["match"]) for r in csv_rows] == [(r["person_id"], r["match"]) for r in many["rows"]]


def test_every_match_is_counted_paged_and_faceted(client):
    whole = search(client, "helen tess gibson", size=1000)
    seen, body = [], search(client, "helen tess gibson", size=2)
    while True:
        assert body["total"] == whole["total"]
        seen += [r["person_id"] for r in body["rows"]]
        if not body["next_url"]:
            break
        body = get(client, body["next_url"]).json()
    assert seen == [r["person_id"] for r in whole["rows"]]
    past = search(client, "helen tess gibson", size=2, page=99)  # the count of a page past the last
    assert past["page"] == -(-whole["total"] // 2)
    page = get(client, "/search", q="helen tess gibson").text
    assert f"Officers ({whole['total']})" in page and f"{KC}</a> ({whole['total']})" in page  # the agency facet


def test_the_query_names_its_middle_words():
    from tests.test_abuse import plugin_module
    Query = plugin_module("search").Query
    assert Query("helen tess gibson").middle == [1]
    assert Query("Gibson, Helen Tess").middle == [2]
    assert Query("Ashdown Gibson, Helen Tess Ann").middle == [3, 4]
    assert Query("maria elena de la cruz").middle == [1]  # the particle run goes with the surname
    assert Query("helen gibson").middle == [] and Query("helen t gibson").middle == [] and Query("gibson").middle == []
    assert Query("Gibson, Helen").middle == []
    assert Query("j robert s").middle == [] and Query("S, J Robert").middle == []  # no word but initials beside it
    assert Query("j robert smith").middle == [1]


def test_the_search_docs_list_every_match_label_best_first(built_root):
    """The "How to search" page's `match` row names every label the search gives, in the ranking's order."""
    import html

    from tests.test_abuse import plugin_module
    page = html.unescape(re.sub(r"<[^>]+>", "", (built_root / "site" / "search" / "index.html").read_text(encoding="utf-8")))
    row = page[page.index("why it matched:"):].split("(best first", 1)[0]
    labels = plugin_module("search").MATCHES
    assert row.removeprefix("why it matched:").strip() == ", ".join(labels)
    assert "A middle name heard in full finds a record that holds only its initial" in page
