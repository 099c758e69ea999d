"""The public search: names in any order, prefixes, no accents or punctuation, agencies."""
import asyncio
import html
import re

import pytest

from certdata import datasette


@pytest.fixture(scope="module")
def client(built):
    return datasette.app(built / "site" / "downloads" / "certification.db", built / "site" / "datasette" / "metadata.json")


def officers(client, query):
    response = asyncio.run(client.client.get("/search", params={"q": query}))
    assert response.status_code == 200
    return [html.unescape(n) for n in re.findall(r'class="officer-link" href="[^"]+">([^<]+)<', response.text)], response.text


@pytest.mark.parametrize("query,expected", [
    ("patrick obrien", "O'Brien, Patrick J"),
    ("O'Brien, Patrick", "O'Brien, Patrick J"),
    ("o brien patrick", "O'Brien, Patrick J"),
    ("maria garcia", "García, María"),
    ("GARCÍA, MARÍA", "García, María"),
    ("smith-jones alexandra", "Smith-Jones, Alexandra"),
    ("smithjones alex", "Smith-Jones, Alexandra"),
    ("st john theodore", "St. John, Theodore"),
    ("St. John, Theo", "St. John, Theodore"),
    ("quentin zyzzyva", "Zyzzyva, Quentin"),
    ("Zyzzyva, Quentin", "Zyzzyva, Quentin"),
    ("zyz", "Zyzzyva, Quentin"),
    ("quillf", "Xiomara Quillfeather"),
])
def test_query_finds_the_intended_person_first(client, query, expected):
    names, _ = officers(client, query)
    assert names and names[0] == expected


@pytest.mark.parametrize("query", ["qqqxxj", "zzzzzz yyyyyy", "\"", "*", "AND OR NOT", "'", "()", "name_terms:"])
def test_no_match_is_an_empty_result_not_an_error(client, query):
    names, text = officers(client, query)
    assert names == [] and "No officer matches" in text


@pytest.mark.parametrize("query,agency", [
    ("kansas city", "Kansas City Police Department"), ("st louis", "St. Louis Police Department"),
    ("sheriff boone", "Boone County Sheriff&#39;s Office"), ("colum", "Columbia Police Department"),
])
def test_agencies_are_found_by_any_word_or_prefix(client, query, agency):
    _, text = officers(client, query)
    assert f'class="agency-link" href="/agency/' in text and agency in text


def test_hostile_names_render_as_text(client):
    names, text = officers(client, "evil")
    assert "<script>alert(1)</script>, Evil" in names
    assert "<script>alert(1)" not in text
    _, text = officers(client, "hostile")
    assert "<img src=x" not in text
