"""A reader searches a name the way people type it and finds the right officer first; every
result is reachable; the JSON and CSV give the same search. Built from our own rows (a tiny
generated sample beside them), so a real release does not change what is asserted."""
import asyncio
import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from certdata import datasette, pipeline

from .conftest import make_package

KC = "Kansas City Police Department"
LONG = "Kansas City Missouri School District Police Department"
MO_ROWS = [
    ("Thomas, Ryan", "Sample status A", "Sample class A", "Columbia Police Department"),
    ("Ryan, Thomas", "Sample status A", "Sample class A", "Joplin Police Department"),
    ("Davisson, Paula", "Sample status A", "Sample class A", "Joplin Police Department"),
    ("Davis, Paula", "Sample status A", "Sample class A", LONG),
    ("Mill, Oren", "Sample status A", "Sample class A", LONG),
    ("Miller, Aaron", "Sample status A", "Sample class A", "Joplin Police Department"),
    ("Miller, Oren", "Sample status A", "Sample class A", "Joplin Police Department"),
    ("Okonkwo, Ada", "Sample status A", "Sample class A", LONG),
    ("Okonkwo, Adamma", "Sample status B", "Sample class A", ""),
    ("Lindqvist-Moreau, Ines", "Sample status A", "Sample class A", "Joplin Police Department"),
    ("Lindqvist, Ines", "Sample status A", "Sample class A", LONG),
    ("DE LEON, ARTURO", "Sample status A", "Sample class A", KC),
    ("DeLeon, Beatriz", "Sample status A", "Sample class A", KC),
    ("VANDER YACHT, CORA", "Sample status A", "Sample class A", KC),
    ("VanderYacht, Dirk", "Sample status A", "Sample class A", KC),
    ("LA FRANCE, ELOISE", "Sample status A", "Sample class A", KC),
    ("LaFrance, Faye", "Sample status A", "Sample class A", KC),
    ("DIAZ RIVERA, GUADALUPE", "Sample status A", "Sample class A", KC),
    ("Diaz-Rivera, Hector", "Sample status A", "Sample class A", KC),
    ("O'Shaughnessy, Brigid", "Sample status A", "Sample class A", KC),
    ("Smith, Jonah Q", "Sample status A", "Sample class A", "Sample City 001 Police Department"),  # the docs' agency example
    ("Pemberton Jr, Lucius", "Sample status A", "Sample class A", KC),
    ("Halvorsen, Signe", "Sample status A", "Sample class A", KC),
    ("Halvorson, Signe", "Sample status A", "Sample class A", KC),
    ("Quarrington, Wilhelmina", "Sample status A", "Sample class A", KC),
    ("Smith, John A", "Sample status A", "Sample class A", KC),
    ("Smith, Johnny", "Sample status A", "Sample class A", "Joplin Police Department"),
    ("Smith, Adam J", "Sample status A", "Sample class A", "Joplin Police Department"),
    ("Smith, Abel", "Sample status A", "Sample class A", "Joplin Police Department"),
    ("Young, Aaron", "Sample status A", "Sample class A", "Joplin Police Department"),
] + [(f"Featherstonehaugh, {given}", "Revoked" if i % 6 == 0 else "Sample status A", "Sample class A",
      KC if i % 2 else "Joplin Police Department")
     for i, given in enumerate(f"{a}{b}" for a in ("Al", "Bo", "Cy", "Di", "Ed", "Flo") for b in "abcdefghij")]
MA_ROWS = [("990201", "", "Rosalind Van Buren", "Basic Recruit Academy", "2012-01-01", "Boston Police Department"),
           ("990202", "", "Juan Carlos Ybarra Solis", "Basic Recruit Academy", "2013-01-01", "Quincy Police Department"),
           ("990203", "", "Aaron Zimmerman", "Basic Recruit Academy", "2014-01-01", "Quincy Police Department"),
           ("990204", "", "Adam Quillfeather", "Basic Recruit Academy", "2015-01-01", "Quincy Police Department"),
           # an officer whose older records give an earlier surname (a trial after the sixteenth)
           ("990205", "", "Oona Ballantyne", "Basic Recruit Academy", "2011-01-01", "Quincy Police Department"),
           ("990205", "", "Oona Drummond", "Firearms", "2019-01-01", "Quincy Police Department")]


@pytest.fixture(scope="module")
def built_root(tmp_path_factory):
    root = make_package(tmp_path_factory.mktemp("ranking"), mo_active=3, ma_officers=2, extra_mo=MO_ROWS, extra_ma=MA_ROWS)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    return root


@pytest.fixture(scope="module")
def client(built_root):
    return datasette.app(built_root / "site" / "downloads" / "certification.db", built_root / "site" / "datasette" / "metadata.json")


@pytest.fixture(scope="module")
def search_docs(built_root):
    """The built "How to search" page's text (generated from the states: templates/docs/search.md.j2)."""
    import html
    page = (built_root / "site" / "search" / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def get(client, path, **params):
    response = asyncio.run(client.client.get(path, params=params) if params else client.client.get(path))
    assert response.status_code == 200, response.text[:500]
    return response


def search(client, q, **params):
    return get(client, "/search.json", q=q, **params).json()


def names(body):
    return [r["officer_name"] for r in body["rows"]]


@pytest.mark.parametrize("query,first", [
    ("ryan thomas", "Thomas, Ryan"),            # typed order decides between Ryan Thomas and Thomas Ryan
    ("Thomas, Ryan", "Thomas, Ryan"),
    ("thomas ryan", "Ryan, Thomas"),
    ("paula davis", "Davis, Paula"),            # the exact word above a longer one (DAVISSON)
    ("davis", "Davis, Paula"),
    ("mill", "Mill, Oren"),                     # MILL does not sink below every MILLER
    ("okonkwo ada", "Okonkwo, Ada"),            # a long agency name does not push the exact name down
    ("ines lindqvist", "Lindqvist, Ines"),      # a hyphenated namesake is not counted twice
    ("lucius pemberton", "Pemberton Jr, Lucius"),
    ("Pemberton, Lucius Jr", "Pemberton Jr, Lucius"),
    ("brigid oshaughnessy", "O'Shaughnessy, Brigid"),
    ("brigid o shaughnessy", "O'Shaughnessy, Brigid"),
    ("juan carlos ybarra solis", "Juan Carlos Ybarra Solis"),
    ("rosalind van buren", "Rosalind Van Buren"),
    ("quar w", "Quarrington, Wilhelmina"),      # four letters of the surname and an initial
    ("pemb l", "Pemberton Jr, Lucius"),
])
def test_the_intended_person_comes_first(client, query, first):
    assert names(search(client, query))[0] == first


@pytest.mark.parametrize("query,first", [
    ("arturo deleon", "DE LEON, ARTURO"), ("beatriz de leon", "DeLeon, Beatriz"), ("de-leon arturo", "DE LEON, ARTURO"),
    ("cora vanderyacht", "VANDER YACHT, CORA"), ("dirk vander yacht", "VanderYacht, Dirk"),
    ("eloise lafrance", "LA FRANCE, ELOISE"), ("faye la france", "LaFrance, Faye"),
    ("diazrivera guadalupe", "DIAZ RIVERA, GUADALUPE"), ("hector diaz rivera", "Diaz-Rivera, Hector"),
    ("hector diazrivera", "Diaz-Rivera, Hector"), ("rosalind vanburen", "Rosalind Van Buren"),
    ("solis", "Juan Carlos Ybarra Solis"), ("ybarrasolis", "Juan Carlos Ybarra Solis"),
])
def test_particle_and_two_word_surnames_match_spaced_joined_or_hyphenated(client, query, first):
    assert names(search(client, query))[0] == first


def test_surname_holders_come_before_prefix_matches_and_given_names(client):
    body = search(client, "miller")
    assert names(body)[:2] == ["Miller, Aaron", "Miller, Oren"]
    assert [r["match"] for r in body["rows"][:2]] == ["every word, surname"] * 2


@pytest.mark.parametrize("query", ["Smith, J", "j smith", "smith j"])
def test_a_typed_initial_ranks_given_names_that_start_with_it_above_a_middle_initial(client, query):
    ranked = names(search(client, query))
    j_given = [n for n in ranked if n.startswith("Smith, J")]
    assert len(j_given) == 3 and ranked.index("Smith, Adam J") > max(ranked.index(n) for n in j_given), ranked
    assert "Smith, Abel" not in ranked


def test_a_typo_is_offered_separately_as_did_you_mean(client):
    body = search(client, "wilhelmina quarington")  # one letter dropped
    assert body["rows"] == []
    near = body["approximate"]
    assert near["suggestion"] == "wilhelmina quarrington"
    assert [r["officer_name"] for r in near["rows"]][:1] == ["Quarrington, Wilhelmina"]
    assert {r["match"] for r in near["rows"]} == {"approximate"}
    assert search(client, "wilhelmina qaurrington")["approximate"]["rows"][0]["officer_name"] == "Quarrington, Wilhelmina"
    page = get(client, "/search", q="wilhelmina quarington").text
    assert "Did you mean" in page and "wilhelmina quarrington" in page


def test_approximate_matches_never_rank_above_exact_ones(client):
    body = search(client, "signe halvorsen")
    assert names(body) == ["Halvorsen, Signe"]
    assert "Halvorson, Signe" in [r["officer_name"] for r in body["approximate"]["rows"]]


def test_names_one_letter_from_an_exact_match_are_a_footnote_not_a_correction(client):
    """A new user's walk: an exact match was followed by a large "Did you mean Halvorson?", which read as if the
    search had been wrong. Beside a match of every word typed, the names one letter away come under a smaller
    heading that asks nothing; with no exact match the page still asks."""
    page = get(client, "/search", q="signe halvorsen").text
    assert "Did you mean" not in page and '<h3 id="approximate-heading">Similar names</h3>' in page
    assert page.index(">Halvorsen, Signe<") < page.index("Similar names") < page.index(">Halvorson, Signe<")
    assert "Did you mean" in get(client, "/search", q="signe halvorsn").text  # no exact match: a correction


def test_a_page_past_the_last_shows_the_last_page(client):
    """A new user's walk: /search?q=smith&page=999 said "No officer matches 'smith' on page 999", with no way back;
    /decertified?page=9999 shows its last page. The search shows its last page and says so; the JSON gives the
    last page and lists the page asked for as ignored."""
    last = search(client, "featherstonehaugh", size=25, page=3)
    assert last["last_page"] == 3 and last["rows"] and last["ignored"] == {}
    past = search(client, "featherstonehaugh", size=25, page=999)
    assert past["page"] == 3 and past["rows"] == last["rows"] and past["ignored"] == {"page": "999"}
    assert past["previous_url"] and not past["next_url"]
    page = get(client, "/search", q="featherstonehaugh", size=25, page=999).text
    assert "There is no page 999: the results end on page 3, shown here." in page and "Page 3 of 3" in page
    assert page.count('class="officer-link"') == len(last["rows"]) and "No officer matches" not in page
    nothing = get(client, "/search", q="qqqxxj", page=5).text
    assert "No officer matches “qqqxxj”." in nothing and "There is no page" not in nothing


def test_every_result_is_reachable_by_paging(client):
    first = search(client, "featherstonehaugh", size=25)
    assert first["total"] == 60 and len(first["rows"]) == 25
    seen, body = [], first
    while True:
        seen += [r["person_id"] for r in body["rows"]]
        if not body["next_url"]:
            break
        body = get(client, body["next_url"]).json()
    assert len(seen) == len(set(seen)) == 60
    page = get(client, "/search", q="featherstonehaugh").text
    assert "of 60" in page and 'rel="next"' in page and "100+" not in page


def test_filters_by_state_agency_and_licence_status_and_sort_by_name(client):
    revoked = search(client, "featherstonehaugh", license_status="Revoked")
    assert revoked["total"] == 10 and {r["license_status"] for r in revoked["rows"]} == {"Revoked"}
    joplin = search(client, "featherstonehaugh", agency_id="MO-joplin-police-department")
    assert joplin["total"] == 30 and {r["agency_name"] for r in joplin["rows"]} == {"Joplin Police Department"}
    assert search(client, "rosalind", state="MA")["total"] == 1 and search(client, "rosalind", state="MO")["total"] == 0
    by_name = names(search(client, "smith john", sort="name"))
    assert by_name == sorted(by_name)
    page = get(client, "/search", q="featherstonehaugh").text
    for state in ("MO", "MA"):  # the states offered are those in the data
        assert f'<option value="{state}"' in page
    assert "license_status=Revoked" in page and "agency_id=MO-joplin-police-department" in page


DOCUMENTED_FIELDS = ["person_id", "state", "officer_name", "license_status", "agency_id", "agency_name", "detail",
                     "match", "officer_path"]


def test_json_and_csv_have_the_documented_fields_and_no_internal_columns(client, search_docs):
    body = search(client, "smith john")
    # the sample's label ends every row, JSON and CSV, by the row's state (a sample here: true)
    assert body["rows"] and all(list(r) == DOCUMENTED_FIELDS + ["synthetic_sample"] for r in body["rows"])
    assert all(r["synthetic_sample"] is True for r in body["rows"])
    table = list(csv.reader(io.StringIO(get(client, "/search.csv", q="smith john").text.removeprefix("\ufeff"))))
    assert table[0] == DOCUMENTED_FIELDS + ["synthetic_sample"] and len(table) - 1 == body["total"]
    assert {row[-1] for row in table[1:]} == {"true"}
    assert [row[0] for row in table[1:]] == [r["person_id"] for r in body["rows"]]
    fields_table = search_docs[search_docs.index("Each row has these fields"):search_docs.index("Filter and page")]
    for field in DOCUMENTED_FIELDS + ["synthetic_sample"]:
        assert re.search(rf"^(\w+, )?{field}\b", fields_table, flags=re.M), field


def documented_examples(text):
    return re.findall(r"^(/\S+)$", text, flags=re.M)


def test_every_api_example_in_the_docs_returns_rows(client, search_docs):
    examples = documented_examples(search_docs)
    assert any(u.startswith("/search.json") for u in examples) and len(examples) >= 8, examples
    for url in examples:
        parts = urlsplit(url)
        response = get(client, parts.path, **{k: v[0] for k, v in parse_qs(parts.query).items()})
        if parts.path.endswith(".csv"):
            assert len(response.text.strip().splitlines()) > 1, url
        else:
            data = response.json()
            assert (data["rows"] if isinstance(data, dict) else data), url


def test_a_known_surname_with_an_unknown_given_name_lists_the_surname_apart(client):
    body = search(client, "zebulon quarrington")  # no Zebulon, nor a name one edit away
    assert body["rows"] == [] and body["total"] == 0
    near = body["approximate"]
    assert near["kind"] == "same surname" and near["suggestion"] == "quarrington"
    assert [r["officer_name"] for r in near["rows"]] == ["Quarrington, Wilhelmina"]
    assert {r["match"] for r in near["rows"]} == {"same surname"}
    page = get(client, "/search", q="Quarrington, Zebulon").text
    assert "Officers with the surname" in page and "They are not matches" in page
    assert search(client, "zebulon xylophonist")["approximate"] is None  # no such surname: nothing offered
    barrelled = search(client, "zebulon rivera")  # no Rivera alone: the double-barrelled surnames that end with it
    assert barrelled["approximate"]["kind"] == "same surname" and barrelled["approximate"]["suggestion"] == "rivera"
    assert {r["officer_name"] for r in barrelled["approximate"]["rows"]} == {"DIAZ RIVERA, GUADALUPE", "Diaz-Rivera, Hector"}
    first = search(client, "QUARRINGTON ZEBULON")  # surname first without a comma, as rosters write it
    assert first["total"] == 0 and first["approximate"]["kind"] == "same surname"
    assert [r["officer_name"] for r in first["approximate"]["rows"]] == ["Quarrington, Wilhelmina"]


def test_sort_by_name_is_by_surname_whichever_way_a_state_writes_names(client):
    """Missouri writes "Last, First", Massachusetts "First Last": both sort by surname."""
    assert names(search(client, "aaron", sort="name")) == ["Miller, Aaron", "Young, Aaron", "Aaron Zimmerman"]


def test_a_surname_is_not_found_across_a_first_name_and_the_next_word(client):
    """The walk: "Sample-Adams" listed "Adam Sample-Baker" ("adams" read as the start of "adam" joined
    with the next word). A first name is never joined to the surname; a two-word surname still is."""
    assert "Adam Quillfeather" not in names(search(client, "adams"))
    assert "Adam Quillfeather" in names(search(client, "adam"))
    assert "Adam Quillfeather" not in names(search(client, "adamq"))
    assert "Juan Carlos Ybarra Solis" in names(search(client, "ybarrasolis"))
    assert "Rosalind Van Buren" in names(search(client, "vanburen"))


@pytest.mark.parametrize("query", ["Smith Jonah X", "Jonah X Smith", "Smith, Jonah X", "x jonah smith"])
def test_a_misremembered_initial_offers_the_names_without_it(client, query):
    """No Jonah X Smith, nor a name one edit away: the names matching "jonah smith" are offered apart,
    with the query without its initial as the suggestion, never as matches."""
    body = search(client, query)
    assert body["rows"] == [] and body["total"] == 0
    near = body["approximate"]
    assert near["kind"] == "without initials" and sorted(near["suggestion"].split()) == ["jonah", "smith"]
    assert [r["officer_name"] for r in near["rows"]] == ["Smith, Jonah Q"]
    assert {r["match"] for r in near["rows"]} == {"without initials"}
    page = get(client, "/search", q=query).text
    assert "Without the initials" in page and "They are not matches" in page
    assert search(client, "q x")["approximate"] is None  # initials alone: nothing to keep


@pytest.mark.parametrize("query", ["smith j", "j smith", "smith a j", "Smith, J", "feat a", "f smith", "a a smith", "j", "s j q"])
def test_one_letter_words_find_the_rows_every_word_finds_as_a_prefix(client, built_root, query):
    """An initial beside longer words is checked on the rows they found, not read from the index:
    the rows must be exactly those whose name has, for every word typed, a word starting with it."""
    import sqlite3

    from tests.test_abuse import plugin_module
    search_plugin = plugin_module("search")
    words = search_plugin.Query(query).words
    conn = sqlite3.connect(built_root / "site" / "downloads" / "certification.db")
    expected = {pid for pid, terms in conn.execute("select p.person_id, n.terms from people p join people_names n on n.rowid = p.rowid")
                if all(any(t.startswith(w) for t in terms.split()) for w in words)}
    body = search(client, query, size=1000)
    assert body["total"] == len(expected)
    assert {r["person_id"] for r in body["rows"]} == expected
    parsed = search_plugin.Query(query)
    assert conn.execute(*search_plugin.count_sql(parsed, {})).fetchone()[0] == len(expected)  # what page 2 counts
    assert sum(n for *_, n in conn.execute(*search_plugin.facets_sql(parsed, {}))) == len(expected)


def test_filter_values_are_matched_ignoring_case_and_the_json_says_what_was_applied(client, search_docs):
    """`state=ma` is Massachusetts and `license_status=revoked` is Revoked, as the docs say; the JSON's
    `filters` are the values applied, as the data writes them."""
    assert search(client, "rosalind", state="ma")["total"] == 1
    assert search(client, "rosalind", state="ma")["filters"] == {"state": "MA"}
    assert search(client, "rosalind", state="mo")["total"] == 0
    revoked = search(client, "featherstonehaugh", license_status="revoked")
    assert revoked["total"] == 10 and revoked["filters"] == {"license_status": "Revoked"}
    joplin = search(client, "featherstonehaugh", agency_id="mo-JOPLIN-police-department")
    assert joplin["total"] == 30 and joplin["filters"] == {"agency_id": "MO-joplin-police-department"}
    page = get(client, "/search", q="featherstonehaugh", license_status="REVOKED").text
    assert "Officer records (10)" in page
    assert "matched ignoring case (state=ma is MA" in " ".join(search_docs.split())


def test_a_value_the_search_cannot_use_is_not_silently_dropped(client, search_docs):
    """A state or status in no record narrows to nothing (never widens to every state); a sort, page or
    size the search does not know is named in `ignored`, with the value given, and the default used."""
    unknown = search(client, "rosalind", state="TX")
    assert unknown["total"] == 0 and unknown["filters"] == {"state": "TX"} and unknown["ignored"] == {}
    assert search(client, "featherstonehaugh", license_status="Sample status Z")["total"] == 0
    body = search(client, "featherstonehaugh", sort="newest", page="two", size="all")
    assert body["sort"] == "relevance" and body["page"] == 1 and body["size"] == 50
    assert body["ignored"] == {"sort": "newest", "page": "two", "size": "all"}
    assert search(client, "featherstonehaugh", sort="name")["ignored"] == {}
    capped = search(client, "featherstonehaugh", size="5000")  # the second walk: capped at 1,000 without a word
    assert capped["size"] == 1000 and capped["ignored"] == {"size": "5000"}
    docs = " ".join(search_docs[search_docs.index("Filter and page"):].split())
    assert "listed in ignored" in docs and "matches no officer" in docs


@pytest.mark.parametrize("typed", ["\x00", "\x1b", "\u202e", "\x7f", "\x9b"])
def test_control_characters_typed_in_a_search_are_never_echoed(client, typed):
    page = get(client, "/search", q=f"{typed}zimmerman{typed}").text
    assert typed not in page and re.search(r"<title>Search: zimmerman( \(synthetic sample\))?</title>", page)
    body = search(client, f"zimm{typed}erman", state=f"MA{typed}")
    assert typed not in body["q"] and body["filters"] == {"state": "MA"}
    assert get(client, "/search.csv", q=f"{typed}zimmerman").text.count("\n") == 2  # the header and Aaron Zimmerman


@pytest.mark.parametrize("query", ["smit", "mill", "featherstonehaug", "featherstonehaug bo", "quar", "halvors"])
def test_a_name_the_search_listed_is_never_offered_again_as_one_letter_away(client, query):
    """A walk after the sixteenth: "smit" and "mill" listed rows under "Did you mean" that the search had listed
    already (a prefix match of many rows was compared only with the rows of its first page)."""
    listed, page = [], 1
    while True:
        body = search(client, query, page=page)
        listed += [r["officer_path"] for r in body["rows"]]
        if not body["next_url"]:
            break
        page += 1
    first = search(client, query)
    offered = [r["officer_path"] for r in (first["approximate"] or {}).get("rows", [])]
    assert listed and not set(listed) & set(offered), query
    assert len(set(listed)) == len(listed) == first["total"]


@pytest.mark.parametrize("query", ["ballantyne", "oona ballantyne", "ballantyn"])
def test_an_officer_is_found_by_a_name_an_older_record_gives(client, query):
    """A trial after the sixteenth: an officer whose 2013 training records say Walsh, and whose latest say another
    surname, was not found by "Walsh". The result shows the name of the latest record and says there are more."""
    body = search(client, query)
    rows = body["rows"] + ((body["approximate"] or {}).get("rows") or [])
    found = [r for r in rows if r["officer_path"].endswith("/990205")]
    assert found and found[0]["officer_name"] == "Oona Drummond", rows
    assert "under more than one name" in found[0]["detail"]
    assert search(client, "drummond")["rows"][0]["officer_path"].endswith("/990205")


def test_an_officer_page_names_every_name_its_records_were_released_under(client):
    """A foreign-data trial after the twentieth: an Acadis ID's records under two names (a surname changed, or two
    people under one ID) showed the latest name as the page's heading and the older records with no name at all."""
    page = get(client, "/officer/ma/990205").text
    names_in_records = re.findall(r'<td data-column="Name in the record">([^<]*)</td>', page)
    assert {"Oona Drummond"} < set(names_in_records) and any("Ballantyne" in n for n in names_in_records)
    assert "released under 2 names" in page
    one_name = search(client, "drummond")["rows"]  # (an officer whose records give one name shows no column)
    single = next(r["officer_path"] for r in search(client, "zimmerman")["rows"] if "/ma/" in r["officer_path"])
    assert one_name and 'data-column="Name in the record"' not in get(client, single).text


def test_a_three_letter_given_name_is_offered_the_names_one_letter_longer_and_no_other_neighbours(client):
    """A walk after the seventeenth: "jon smith" listed the Jonahs and Jonathans (and every Smith-Jones) and
    never John Smith; three-letter words had no typo search at all."""
    body = search(client, "jon smith")
    assert names(body)[:1] == ["Smith, Jonah Q"]
    near = body["approximate"]
    assert near["kind"] == "one edit" and [r["officer_name"] for r in near["rows"]] == ["Smith, John A"]
    assert near["suggestion"] == "john smith"
    assert [r["officer_name"] for r in search(client, "jhn smith")["approximate"]["rows"]] == ["Smith, John A"]
    # a three-letter word's substitutions and deletions are too many to be useful: none is offered
    assert search(client, "ady smith")["approximate"]["kind"] == "same surname"


def test_a_surname_s_officers_are_listed_by_how_the_given_name_typed_begins(client):
    """A walk after the seventeenth: when no name matched, 115 Martinezes were listed alphabetically, the
    Natalies somewhere among them for "nataly martinez" (two letters off, beyond the typo search)."""
    for q in ("edgar featherstonehaugh", "Featherstonehaugh, Edgar", "EDGAR  FEATHERSTONEHAUGH"):
        near = search(client, q)["approximate"]
        assert near["kind"] == "same surname", q
        given = [r["officer_name"].split(", ")[1] for r in near["rows"]]
        assert given[:10] == ["Edg"] + [f"Ed{b}" for b in "abcdefhij"], (q, given)  # three letters shared, then two
        assert given[10:] == sorted(given[10:]), (q, given)  # the rest as before, by name


def test_a_search_longer_than_a_name_is_read_to_its_last_whole_word_and_says_so(client):
    """A walk after the twentieth: a search past 200 characters was cut without a word, and the cut word's first
    letters ("...sm") were searched as the start of a name."""
    typed = "aaron " * 33 + "zimmerman"  # the 200th character falls inside the last word
    body = search(client, typed)
    assert body["q"].split()[-1] == "aaron" and body["ignored"] == {"q": "zimmerman"}
    page = get(client, "/search", q=typed).text
    assert "characters of what you typed were searched, to the last whole word" in page
    assert search(client, "aaron zimmerman")["ignored"] == {}
    assert "characters of what you typed" not in get(client, "/search", q="aaron zimmerman").text
