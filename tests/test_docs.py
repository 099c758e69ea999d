"""The documentation site: every field documented, the law explained, no third-party requests."""
import html
import json
import re
import sqlite3
from html.parser import HTMLParser

import pytest

from certdata import disclosure, docs, pipeline, publish
from certdata.package import Package

from .conftest import make_package, run_cli


class LoadedUrls(HTMLParser):
    """URLs a browser fetches when the page loads (not links a reader may follow)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href") and attrs.get("rel") not in ("canonical", "alternate"):
            self.urls.append(attrs["href"])


def test_every_field_of_every_schema_has_a_row_on_its_resource_page(built):
    for resource in Package.load(built).resources:
        page = (built / "site" / "resources" / resource["name"] / "index.html").read_text()
        for field in resource["schema"]["fields"]:
            assert f'id="field-{field["name"]}"' in page, (resource["name"], field["name"])
            for ground in field["pcr:disclosure"]["grounds"]:
                words = disclosure.inner_quotes(ground["quote"]) if ground.get("quote") else ground["note"]
                assert html.escape(words).replace("&#x27;", "&#39;") in page, (resource["name"], field["name"])


def test_a_field_added_to_a_schema_appears_on_the_next_build(tmp_path):
    root = make_package(tmp_path / "pkg")
    schema_path = root / "data" / "schemas" / "agencies.json"
    schema = json.loads(schema_path.read_text())
    schema["fields"].append({"name": "agency_note", "type": "string", "title": "Agency note",
                             "description": "A brand-new field for this test.", "example": "x",
                             "pcr:disclosure": {"grounds": [{"kind": "derived", "from": ["agency_name"], "note": "Test only."}]}})
    schema_path.write_text(json.dumps(schema))
    csv_path = root / "data" / "agencies.csv"
    lines = csv_path.read_text().splitlines()
    csv_path.write_text("\n".join([lines[0] + ",agency_note"] + [line + "," for line in lines[1:]]) + "\n")
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    page = (root / "site" / "resources" / "agencies" / "index.html").read_text()
    assert 'id="field-agency_note"' in page and "A brand-new field for this test." in page
    dictionary = (root / "site" / "downloads" / "data-dictionary.csv").read_text()
    assert "agencies,agency_note,Agency note" in dictionary


def test_no_page_loads_anything_from_a_third_party_host(built):
    pages = list((built / "site").rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        parser = LoadedUrls()
        parser.feed(page.read_text())
        external = [u for u in parser.urls if re.match(r"^(https?:)?//", u)]
        assert external == [], page
    for css in (built / "site").rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:|url\(\s*['\"]?https?://", css.read_text()), css


def test_law_page_explains_each_state_with_statute_and_agency_words(built):
    page = (built / "site" / "law" / "index.html").read_text()
    assert "RSMo 590.180" in page and "date of birth" in page.lower()
    assert "Information like officer’s dates of birth and residency are exempt" in page
    items = Package.load(built).read_rows("request_items")
    for item in items:
        if not item["our_field"]:
            assert html.escape(item["element"].rstrip(" ."), quote=False) in page, item["element"]
    assert page.count("By state statute the only open information") <= 3  # grouped, not repeated per element
    home = (built / "site" / "index.html").read_text()
    assert 'href="law/"' in home


def test_sample_notice_is_on_every_page_while_a_resource_is_synthetic(built):
    """On the page, and in the description that search engines and link previews show."""
    import re
    for page in (built / "site").rglob("index.html"):
        text = page.read_text()
        assert "Synthetic sample, not real officers" in text, page
        description = re.search(r'<meta name="description" content="([^"]*)"', text).group(1)
        assert "synthetic sample" in description and "not real officers" in description, (page, description)


def test_figures_page_charts_only_figures_of_the_same_unit_and_period(built):
    import csv
    page = (built / "site" / "mo-post-figures" / "index.html").read_text()
    images = re.findall(r'<img alt="([^"]+)" src="([^"]+\.svg)"', page)
    assert images and all(alt.startswith("Bar chart.") for alt, _ in images)
    with open(built / "data" / "mo_post_measures.csv", encoding="utf-8") as handle:
        measures = [m for m in csv.DictReader(handle) if m["value"]]
    for _alt, src in images:
        svg = (built / "site" / src.lstrip("./")).read_text()
        assert "<script" not in svg
        values = set(re.findall(r">([0-9,]+)</text>", svg))
        drawn = [m for m in measures if f"{int(m['value']):,}" in values]
        if "figures-" in src:  # every bar of one chart shares unit, period and date
            assert len(drawn) == len(values) and len({(m["unit"], m["period_start"], m["period_end"], m["as_of"]) for m in drawn}) == 1, src


def test_a_broken_internal_link_fails_the_strict_build(tmp_path, built):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nSee [nowhere](missing-page.md).\n")
    with pytest.raises(Exception, match="(?i)strict|warning|abort"):
        docs.run_mkdocs(tmp_path / "docs", tmp_path / "site", [{"Home": "index.md"}], Package.load(built))


def test_the_menu_lists_each_page_once_under_its_own_name(built):
    from certdata.docs import nav

    def entries(items):
        for item in items:
            for title, target in item.items():
                yield from entries(target) if isinstance(target, list) else [(title, target)]
    from certdata.package import labelled
    resources = [{"name": r["name"], "r": r, "title": labelled(r)[0]} for r in Package.load(built).resources]
    listed = list(entries(nav({"resources": resources})))
    assert len({t for t, _ in listed}) == len(listed) and len({p for _, p in listed}) == len(listed)


def test_the_correction_page_names_the_configured_contact_or_says_none_is_set(monkeypatch):
    page = docs.environment().get_template("request-a-correction.md.j2")
    monkeypatch.delenv(docs.CONTACT_VARIABLE, raising=False)
    monkeypatch.setenv(docs.REPOSITORY_VARIABLE, "https://github.example/owner/repo")
    text = page.render(correction=docs.correction_route(), example_officer="mo/MO-0002e3ea15-1")
    assert "No contact for corrections is set" in text
    # a walk: the example was the first officer of the release, a real Revoked officer once one was imported
    assert "MO-0002e3ea15-1" not in text
    assert "https://github.example/owner/repo/issues/new?template=correction.yml" in text
    assert "needs a GitHub account" in text and "do not need a GitHub account" not in text  # no promise it cannot keep
    monkeypatch.setenv(docs.CONTACT_VARIABLE, "https://forms.example/corrections")
    text = page.render(correction=docs.correction_route(), example_officer=None)
    assert "(https://forms.example/corrections)" in text and "No contact" not in text
    assert "do not need a GitHub account" in text


def test_spreadsheet_copies_are_utf8_with_a_byte_order_mark_and_formulas_defused(built):
    for path in (built / "site" / "downloads" / "spreadsheet").glob("*.csv"):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), path.name
        assert data.count(b"\xef\xbb\xbf") == 1 and not re.search(rb"(^|,)\"?=", data[3:], re.M), path.name
    officers = (built / "site" / "downloads" / "spreadsheet" / "SYNTHETIC-SAMPLE-mo_officers.csv").read_bytes()
    assert "García, María".encode() in officers


def test_the_element_that_scrolls_in_every_code_block_is_focusable_as_built(built):
    """MkDocs Material scrolls a code block in its <code> (pre > code { overflow: auto }): that element,
    not the <pre>, must take the keyboard's focus without waiting for the theme's script."""
    blocks = 0
    for path in (built / "site").rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        for opening in re.findall(r"<pre\b[^>]*>\s*<code\b[^>]*>", page):
            blocks += 1
            assert re.search(r'<code\b[^>]*\btabindex="0"', opening), (path.name, opening)
    assert blocks > 10


def test_the_downloads_table_offers_each_csv_for_spreadsheets_first_and_exact_for_programs(built):
    """A reporter clicks the link of a table row and opens it in Excel: it is the spreadsheet copy (byte-order
    mark, accents shown right, formulas defused). The exact file, for programs, is named beside it, not linked: the
    v6 attack run opened its live =HYPERLINK cells from a click (GitHub Pages serves it as text/csv)."""
    page = (built / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    table = page[page.index("<table"):page.index("</table>")]
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S) if ".csv" in row]
    package = Package.load(built)
    files = [publish.download_name(r) for r in package.resources] + ["data-dictionary.csv"]
    assert len(rows) == len(files)
    for name in files:
        row = next(r for r in rows if f'href="spreadsheet/{name}"' in r)
        links = re.findall(r'<a [^>]*href="([^"]+\.csv)"[^>]*>(.*?)</a>', row)
        assert [href for href, _ in links] == [f"spreadsheet/{name}"], row  # relative to /downloads/
        assert "spreadsheets" in links[0][1] and f"exact, for programs: <code>downloads/{name}</code>" in row, row


def test_the_facts_of_a_resource_page_are_one_list_item_each(built):
    """A Markdown line that ended in a template tag lost its newline: "As of ... not a release- Download: ..."."""
    for path in (built / "site" / "resources").glob("*/index.html"):
        page = path.read_text(encoding="utf-8")
        facts = page[page.index("<ul>", page.index("</h1>")):]
        facts = facts[:facts.index("</ul>")]
        items = re.findall(r"<li>(.*?)</li>", facts, flags=re.S)
        assert any(i.startswith("<strong>As of</strong>") for i in items), path
        assert all(item.count("<strong>") == 1 for item in items), (path, items)


def test_the_feed_names_its_author_and_links_to_the_changes_page(built):
    """A feed reader shows where an entry comes from and links the feed to its page: with no address
    configured, the link is relative to the feed and leads to the built changes page."""
    import posixpath
    import xml.etree.ElementTree as ET

    feed = ET.parse(built / "site" / "feeds" / "decertifications.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.find(f"{atom}author/{atom}name").text.strip()
    links = {e.get("rel"): e.get("href") for e in feed.findall(f"{atom}link")}
    assert set(links) == {"alternate"}, links
    target = posixpath.normpath(posixpath.join("feeds", links["alternate"]))
    assert (built / "site" / target / "index.html").is_file(), target


def test_a_request_marked_completed_says_its_release_is_not_here_while_a_sample_stands_in(built):
    """The walk: "Status: Completed. Released: An Excel spreadsheet" beside "the officer-level files are
    not yet in our hands". Each request whose state's officer rows are a sample says so."""
    from certdata import states
    package = Package.load(built)
    sample_states = {s.NAME for s in states.of_package(package) if s.OFFICERS in package.synthetic_resources()}
    page = (built / "site" / "index.html").read_text()
    items = re.findall(r"<li><strong>([^<]+)</strong>: request to (.*?)</li>", page, flags=re.S)
    assert items
    for state, text in items:
        assert ("That release is not in our hands" in text) == (state in sample_states), state


def test_every_chart_of_a_source_s_figures_names_its_source(built):
    """The fact-check: the charts of POST's figures said nothing of where the figures come from, though each is
    read on its own (in an image search, a slide)."""
    import json
    descriptor = json.loads((built / "site" / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    titles = {s["title"] for r in descriptor["resources"] for s in r.get("sources", [])}
    charts = sorted((built / "site" / "figures").glob("figures-*.svg"))
    assert charts
    for chart in charts:
        title = re.search(r"<title[^>]*>(.*?)</title>", chart.read_text(encoding="utf-8"), flags=re.S).group(1)
        assert any(html.escape(source, quote=False) in title for source in titles), title


def test_every_table_and_view_of_the_database_is_documented(built):
    """A new user's walk: people, changes, package_* and the views were in the SQLite file and nowhere in the
    documentation. Each is a resource (its own page) or described on the page of the database's other tables."""
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    resources = {r["name"] for r in Package.load(built).resources}
    page = html.unescape((built / "site" / "tables" / "index.html").read_text())
    names = [n for (n,) in conn.execute("select name from sqlite_master where type in ('table', 'view')")
             if n not in resources and not n.startswith("sqlite_") and not re.match(r"\w+_fts_", n)]
    assert {"people", "changes", "package_fields"} <= set(names)
    for name in names:
        section = page.split(f'id="{name}"', 1)[1].split("<h2", 1)[0]
        columns = [c for (_, c, *_) in conn.execute(f"pragma table_info([{name}])")]
        assert "gives no description" not in section and "(no title)" not in section, name
        assert all(f"<code>{c}</code>" in section for c in columns), name


def test_the_issue_form_s_repository_is_read_from_the_checkout_without_running_git(tmp_path, monkeypatch):
    """The tenth attack run: the build ran `git remote get-url`, and git read /etc/gitconfig, ~/.gitconfig and
    what they include: files outside the repository. The origin is read from the checkout's own .git/config."""
    import subprocess
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("a command ran"))
    (tmp_path / ".git").mkdir()
    config = tmp_path / ".git" / "config"
    config.write_text('[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://github.com/other/fork.git\n'
                      '[remote "origin"]\n\turl = git@github.com:newsroom/certification-records.git\n'
                      '\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch "main"]\n\tremote = origin\n')
    assert docs.github_remote(tmp_path) == "https://github.com/newsroom/certification-records"
    config.write_text('[remote "origin"]\n\turl = https://gitlab.com/newsroom/records.git\n')
    assert docs.github_remote(tmp_path) is None  # not GitHub: no issue form is guessed
    assert docs.github_remote(tmp_path / "nowhere") is None
    monkeypatch.setenv("GITHUB_REPOSITORY", "newsroom/records")
    assert docs.github_remote(tmp_path) == "https://github.com/newsroom/records"


def test_a_spreadsheet_copy_saved_from_the_downloads_page_is_never_checked_against_the_exact_file_s_line(built):
    """A new user's walk: a copy for spreadsheets saved from its link took the exact CSV's name, and the page's own
    `sha256sum --check --ignore-missing SHA256SUMS` then reported it FAILED. Each link saves it under a name that
    SHA256SUMS does not hold, so the command passes over it."""
    page = (built / "site" / "downloads" / "index.html").read_text()
    listed = {line.split("  ", 1)[1] for line in (built / "site" / "downloads" / "SHA256SUMS").read_text().splitlines()}
    links = re.findall(r'<a [^>]*href="spreadsheet/([^"]+)"[^>]*>', page)
    assert links
    for tag in re.findall(r'<a [^>]*href="spreadsheet/[^"]+"[^>]*>', page):
        saved = re.search(r'download="([^"]+)"', tag)
        assert saved and saved.group(1) not in listed and "/" not in saved.group(1), tag


def test_only_a_sample_s_resource_page_carries_the_sample_warning(built):
    """A new user's walk: the statutes', requests' and POST figures' pages carried "Synthetic sample, not real
    officers" under their title, which made a reader doubt the statute text; a sample's page keeps both boxes."""
    for resource in Package.load(built).resources:
        page = (built / "site" / "resources" / resource["name"] / "index.html").read_text()
        sample = bool(resource.get("pcr:synthetic"))
        assert ('class="admonition warning"' in page) == sample and ('class="admonition danger"' in page) == sample, resource["name"]


def test_the_figures_page_tells_the_source_s_figures_from_the_sample_s(built):
    """A new user's walk: the figures page, whose figures are the program description's own, opened with the warning
    that officers are a synthetic sample (and a second one lower down), so that a reader doubted the real figures.
    While the roster is a sample, the page says which figures are the source's and which count the sample."""
    import json
    page = (built / "site" / "mo-post-figures" / "index.html").read_text()
    synthetic = "pcr:synthetic" in next(r for r in json.loads((built / "datapackage.json").read_text())["resources"]
                                        if r["name"] == "mo_officers")
    said = "are the source's own, not the synthetic sample's" in page
    assert said == synthetic and page.count("Synthetic sample, not real officers") <= 1 + page.count('class="md-banner')
    assert ("Drawn from the synthetic sample" in page) == synthetic


def test_the_search_page_says_how_to_try_its_examples_on_the_sample(built):
    """A new user's walk: on the sample, `smith j` listed people with a middle initial J first, the opposite of what
    the page promised: every generated surname begins with the sample's mark. The page says so, and how to type them."""
    from certdata.sample import NAME_MARK
    page = html.unescape((built / "site" / "search" / "index.html").read_text(encoding="utf-8"))
    assert "Trying these examples on the synthetic sample" in page and f"{NAME_MARK.lower()}smith j" in page


def test_the_database_saved_from_the_downloads_page_of_a_sample_is_named_so(built):
    """A new user's walk: the CSVs saved from the downloads page were named SYNTHETIC-SAMPLE-..., as was the database
    saved from the Datasette, but the database saved from the downloads page was plain certification.db."""
    page = (built / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert 'download="SYNTHETIC-SAMPLE-certification.db"' in page


def test_every_documentation_page_links_the_feed(built):
    """A walk after the sixteenth: the feed was linked from the changes page alone. (No page announces it with
    link rel=alternate: MkDocs Material reads every such link as another language's site and fetches its sitemap.)"""
    import posixpath
    pages = sorted((built / "site").rglob("index.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        found = re.search(r'<a href="([^"]+)" type="application/atom\+xml">', text)
        assert found and 'rel="alternate"' not in text, page
        target = posixpath.normpath(posixpath.join(str(page.parent.relative_to(built / "site")), found.group(1)))
        assert (built / "site" / target).is_file(), (page, found.group(1))


def test_every_column_of_every_table_the_build_makes_is_described(built):
    """A walk after the nineteenth: the tables the build makes (the search index, the changes, the views) listed
    their columns by name only; a developer reading changes.old_shown or people.detail had no meaning for it."""
    page = (built / "site" / "tables" / "index.html").read_text()
    conn = sqlite3.connect(built / "site" / "downloads" / "certification.db")
    resources = {r["name"] for r in Package.load(built).resources}
    tables = [n for (n,) in conn.execute("select name from sqlite_master where type in ('table', 'view')")
              if n not in resources and not n.startswith("sqlite_") and not re.match(r"(people|agencies)_fts_", n)]
    assert "people" in tables and "changes" in tables
    for table in tables:
        for (column,) in conn.execute("select name from pragma_table_info(?)", [table]):
            assert re.search(rf"<code>{column}</code>: (?!not described)\w", page), (table, column)
    metadata = json.loads((built / "site" / "datasette" / "metadata.json").read_text())
    assert metadata["databases"]["certification"]["tables"]["changes"]["columns"]["old_shown"]


def test_a_description_of_a_column_the_build_does_not_make_is_refused(tmp_path):
    root = make_package(tmp_path / "pkg")
    path = root / "data" / "presentation.yml"
    path.write_text(path.read_text().replace("      old_shown:", "      old_shwon:", 1))
    result = run_cli(root)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "data/presentation.yml: tables: changes: columns: 'old_shwon' is no column of it" in result.stderr
    assert not (root / "site").exists()
