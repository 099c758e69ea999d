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
    "Prewitt, Owen A",          # a hyphenated surname's second half is no middle name of this record
    "Prewitt Jr, Silas",        # the only record holding a suffix
    "Hartwell-Harris, Justin",  # the sample's form, "Mark-Surname": typed whole, only this one
    "Hartwell-Butler, Justin H",
    "Hartwell-Wood, Justin H",
]
MO_ROWS = [(name, "Sample status A", "Sample class A", KC) for name in MO_NAMES]
MA_ROWS = [("990301", "", "Dara K Whitlock", "Basic Recruit Academy", "2012-01-01", "Boston Police Department"),
           # one Acadis ID under two names: the later one is the name the officer page shows
           ("990302", "", "Wren A Thistle", "Basic Recruit Academy", "2017-03-01", "Boston Police Department"),
           ("990302", "", "Wren A Marlowe", "Legal Updates", "2022-05-02", "Quincy Police Department")]
OURS = set(MO_NAMES) | {"Dara K Whitlock", "Wren A Marlowe", "Wren A Thistle"}
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
    suffix = "; suffix typed not in the record" if query.endswith("Jr") else ""  # no record here holds Jr
    assert ranked(search(client, query)) == [
        ("Gibson, Helen Tess", "full name" + suffix),
        ("Gibson, Helen T", "surname, " + MIDDLE + suffix),
        ("Ashdown-Gibson, Helen T", MIDDLE + suffix),
        ("Gibson, Helen Tessa", "surname, start of given name" + suffix),
        ("Gibsonford, Helena T", "start of words, " + MIDDLE + suffix),
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
    assert "Officer records (1)" in page and "No name matches" not in page and "Did you mean" not in page
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
    assert f"Officer records ({whole['total']})" in page and f"{KC}</a> ({whole['total']})" in page  # the agency facet


def test_the_query_names_its_middle_words_in_each_reading():
    """(given slots, surname slots, middle slots) of each reading in which a word is a middle name typed in full:
    with a comma, the given names after the first; without, the given names after the first whether the surname
    comes last ("helen TESS gibson") or first ("gibson helen TESS", as rosters write names)."""
    from tests.test_abuse import plugin_module
    Query = plugin_module("search").Query
    assert sorted(Query("helen tess gibson").readings) == [([0, 1], [2], [1]), ([1, 2], [0], [2])]
    assert Query("Gibson, Helen Tess").readings == [([1, 2], [0], [2])]
    assert Query("Ashdown Gibson, Helen Tess Ann").middle == [3, 4]
    assert Query("maria elena de la cruz").middle == [1]  # the particle run goes with the surname
    assert Query("helen gibson").middle == [] and Query("gibson").middle == []
    assert Query("helen t gibson").readings == [([1, 2], [0], [2])]  # "Helen, T Gibson": never the initial
    assert Query("Gibson, Helen").middle == []
    assert Query("j robert s").middle == [] and Query("S, J Robert").middle == []  # no word but initials beside it
    assert Query("j robert smith").readings == [([0, 1], [2], [1])]  # never the surname "j"
    # a hyphenated name is one slot, never read apart: no half of it is a middle name or a surname alone
    assert Query("smith-adams john").middle == [] and Query("sample-harris justin").middle == []
    assert Query("smith-adams john").splits == [("smith adams", "john")]
    assert Query("smith-adams john").surname_first == [("john", "smithadams")]
    assert Query("j.r. smith").slots == [[("j",)], [("r",)], [("smith",)]]  # initials stay apart


def test_the_search_docs_list_every_match_label_best_first(built_root):
    """The "How to search" page's `match` row names every label the search gives, in the ranking's order."""
    import html

    from tests.test_abuse import plugin_module
    page = html.unescape(re.sub(r"<[^>]+>", "", (built_root / "site" / "search" / "index.html").read_text(encoding="utf-8")))
    row = page[page.index("why it matched:"):].split("(best first", 1)[0]
    labels = plugin_module("search").MATCHES
    assert row.removeprefix("why it matched:").strip() == ", ".join(labels)
    assert "A middle name heard in full finds a record that holds only its initial" in page


@pytest.mark.parametrize("query", ["prewitt-adams owen", "Prewitt-Adams owen", "prewitt adams owen", "owen prewitt-adams",
                                   "Prewitt-Adams, Owen", "prewitt-allen owen", "Prewitt-Allen, Owen"])
def test_a_hyphenated_surname_s_second_half_is_never_read_as_a_middle_name(client, query):
    """The trial: "smith-adams john" listed Smith, John A, labelled as a middle name matched by its initial (Adams
    as the middle name of John Smith): a reader could take that officer for another. No reading of what was
    typed makes Adams that record's middle name."""
    assert "Prewitt, Owen A" not in [name for name, _ in ranked(search(client, query))]


@pytest.mark.parametrize("query", ["hartwell-harris justin", "justin hartwell-harris", "Hartwell-Harris, Justin",
                                   "hartwell harris justin"])
def test_a_hyphenated_surname_typed_whole_finds_its_holders_only(client, query):
    """The sample's own advice ("type the surname as it is written, sample-smith j"): `sample-harris justin` had listed
    five other men named Justin H with the same first half of a surname."""
    assert [name for name, _ in ranked(search(client, query))] == ["Hartwell-Harris, Justin"]


@pytest.mark.parametrize("query", ["prewitt owen andrew", "PREWITT OWEN ANDREW", "owen andrew prewitt",
                                   "Prewitt, Owen Andrew"])
def test_a_full_middle_name_finds_the_initial_whether_the_surname_is_typed_first_or_last(client, query):
    """Rosters write the surname first: "smith john andrew" had said no name matched, not even one letter away."""
    body = search(client, query)
    assert ranked(body) == [("Prewitt, Owen A", "surname, " + MIDDLE)] and body["approximate"] is None
    page = get(client, "/search", q=query).text
    assert "No name matches" not in page and "Officer records (1)" in page


def test_a_suffix_no_record_holds_is_said_in_the_match_label(client):
    """The trial: "Garcia Jr" listed every Garcia labelled "every word", though none holds Jr. They are still listed
    (records often leave a suffix out), after the one that holds it, and each label says it does not."""
    body = search(client, "Prewitt Jr")
    assert ranked(body) == [("Prewitt Jr, Silas", "every word, surname"),
                            ("Prewitt, Owen A", "every word, surname; suffix typed not in the record")]
    table = list(csv.DictReader(io.StringIO(get(client, "/search.csv", q="Prewitt Jr").text.removeprefix("\ufeff"))))
    assert [r["match"] for r in table] == [r["match"] for r in body["rows"]]
    assert all(r["match"].endswith("; suffix typed not in the record") for r in search(client, "Gibson Jr")["rows"])
    assert all("suffix" not in r["match"] for r in search(client, "Prewitt")["rows"])


def test_an_officer_is_found_by_the_name_the_officer_page_shows(client):
    """Massachusetts: one Acadis ID under two names keeps, in the search, the name of its latest record, which is its
    page's title (the search had kept the name last in alphabetical order, and "Marlowe" found nobody)."""
    body = search(client, "Marlowe")
    assert [(r["officer_name"], r["person_id"]) for r in body["rows"]] == [("Wren A Marlowe", "ma/990302")]
    page = get(client, "/officer/ma/990302").text
    assert re.search(r"<h1>\s*Wren A Marlowe\s*</h1>", page)
