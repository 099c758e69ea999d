"""Documentation: a MkDocs Material site generated from the package.

Takes: a ``Package`` and the built database. Gives: Markdown pages rendered
through the Jinja2 templates in ``templates/docs/`` (home, one page per
resource with every field, the law, statutes, figures with static SVG charts,
downloads, corrections), the hand-written pages of ``docs/``, and the site
built by ``mkdocs build --strict`` into the given directory.
"""
import collections
import json
import logging
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import jinja2
import markupsafe
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from . import charts
from .errors import CertdataError
from . import disclosure, presentation, sample, states, templatecache
from .package import FTS_TABLES, ROOT, PackageError, derived_tables, fields, labelled, not_published, shown_example
from .load import value_counts
from .publish import download_name

HAND_WRITTEN = ["about.md"]
# Without CERTDATA_DATASETTE_URL the documentation links to the Datasette of the same server:
# `build.py serve` answers both, the documentation under /docs/.
DEFAULT_DATASETTE_URL = "/"
# "true" in the publish workflow: a deploy build, whose documentation is served on its own (GitHub Pages), where "/"
# is no Datasette (on a project site, user.github.io/repo/, it is the domain's root): without CERTDATA_DATASETTE_URL
# its pages say the officer search is not deployed and link to none (a new user's walk found them linking to "/")
DEPLOY_VARIABLE = "CERTDATA_DEPLOY"
DATASETTE_VARIABLE = "CERTDATA_DATASETTE_URL"
# Deployment settings read at build time (the publish workflow sets them from repository variables).
CONTACT_VARIABLE = "CERTDATA_CORRECTIONS_CONTACT"    # a form URL or an address that takes corrections
REPOSITORY_VARIABLE = "CERTDATA_REPOSITORY_URL"       # e.g. https://github.com/OWNER/REPO


def environment(package=None):
    """Jinja2 environment over templates/docs and the states' folders (a state's own pages, its
    ``DOCS_PAGES`` templates, lie beside its module); values are HTML-escaped."""
    folders = sorted({str(s.path.parent) for s in states.of_package(package)}) if package is not None else []
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(ROOT / "templates" / "docs"), *folders]),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    env.filters["cell"] = lambda v: "" if v is None else ("true" if v else "false") if isinstance(v, bool) else v  # as in the CSV
    env.filters["inner_quotes"] = disclosure.inner_quotes
    env.filters["lines"] = disclosure.lines
    # a long identifier (resource.field_name) may wrap after its dot and underscores, never inside a word (a walk:
    # a field's name broken as "row_i d" on a phone)
    env.filters["breakable"] = lambda text: markupsafe.Markup("<wbr>").join(
        markupsafe.escape(part) for part in re.split(r"(?<=[._])", str(text)))
    return templatecache.attach(env)


OFFICER_RECORDS = re.compile(r"<!-- officer-records:[^>]*-->")


def hand_written_status(package, path):
    """Write into a hand-written page, at its marker ``<!-- officer-records: ... -->``, whose officer records are
    an agency's release and whose a synthetic sample, from the package (a walk: after both imports, the About page
    still said the officer-level files were not in our hands)."""
    text = path.read_text(encoding="utf-8")
    if not OFFICER_RECORDS.search(text):
        return
    registered = states.of_package(package)
    synthetic = set(package.synthetic_resources())
    real = [s.NAME for s in registered if s.OFFICERS not in synthetic]
    sample = [s.NAME for s in registered if s.OFFICERS in synthetic]
    if not sample:
        words = "The officer-level records published here are from the agencies' releases."
    elif not real:
        words = ("The officer-level files are not yet in our hands; until they are imported, a synthetic sample stands "
                 "in, labelled as such on every page that shows it.")
    else:
        words = (f"The officer-level records of {' and '.join(real)} published here are from the agency's release; those of "
                 f"{' and '.join(sample)} are not yet in our hands, and until they are imported a synthetic sample stands "
                 "in for them, labelled as such on every page that shows it.")
    path.write_text(OFFICER_RECORDS.sub(lambda _: words, text), encoding="utf-8")


def build_site(package, database, site_dir, datasette_url=None, downloads=None, progress=print):
    """Render every page into a docs directory beside site_dir and run mkdocs build --strict. downloads,
    if given, writes the release files into the directory it is given and returns a function to call
    once the pages are built (SHA256SUMS, see ``publish.write_downloads``), or None."""
    site_dir = Path(site_dir)
    docs_dir = site_dir.parent / "docs"
    shutil.rmtree(docs_dir, ignore_errors=True)
    docs_dir.mkdir(parents=True)
    for name in HAND_WRITTEN:
        shutil.copyfile(ROOT / "docs" / name, docs_dir / name)
        hand_written_status(package, docs_dir / name)
    release, checksums = site_dir.parent / "downloads", None
    if downloads:
        shutil.rmtree(release, ignore_errors=True)
        checksums = downloads(release)
        placeholders(release, docs_dir / "downloads")
        progress("wrote the release files")
    url = datasette_link(datasette_url)
    context = site_context(package, database, url, docs_dir / "downloads")
    pages = render_pages(context, docs_dir)
    progress(f"rendered {len(pages)} pages; running mkdocs build --strict")
    run_mkdocs(docs_dir, site_dir, nav(context), package, context["datasette_url"])
    if checksums:  # last: the database was hashed meanwhile
        checksums()
    if downloads:  # the release files themselves, moved in rather than copied by mkdocs
        built = site_dir / "downloads"
        for path in sorted(built.rglob("*")):  # what mkdocs made there (the Downloads page) stays
            kept = release / path.relative_to(built)
            if path.is_file() and not kept.exists():
                kept.parent.mkdir(parents=True, exist_ok=True)
                os.rename(path, kept)
        shutil.rmtree(built)
        os.rename(release, built)
    return site_dir


def datasette_link(explicit=None):
    """The Datasette's address the documentation links to, or None: no Datasette to link to (the pages say the
    officer search is not deployed). explicit, else CERTDATA_DATASETTE_URL; unset, "/" (``build.py serve`` answers
    both), except in a deploy build (CERTDATA_DEPLOY=true), which warns: None, or a relative address kept (its
    links resolve against the documentation's host, where no Datasette may answer)."""
    url = (explicit or os.environ.get(DATASETTE_VARIABLE) or "").strip()
    if os.environ.get(DEPLOY_VARIABLE, "").strip().lower() not in ("1", "true", "yes", "on"):
        return url or DEFAULT_DATASETTE_URL
    if not url:
        warn(f"a deploy build ({DEPLOY_VARIABLE}) without {DATASETTE_VARIABLE} (the repository variable DATASETTE_URL): "
             "the documentation says the officer search is not deployed and links to no Datasette; set DATASETTE_URL "
             "to the Datasette's address to link to it")
        return None
    if not re.match(r"https?://[^/]", url):
        warn(f"a deploy build ({DEPLOY_VARIABLE}) with {DATASETTE_VARIABLE}={url!r}, not an absolute http(s) address: "
             "the documentation's links to the Datasette (officer search, decertified officers, tables) resolve against "
             "the documentation's own host, and are dead unless a Datasette answers there")
    return url


def warn(message):
    """A warning on stderr, whatever the progress setting (in GitHub Actions, an annotation on the run)."""
    prefix = "::warning title=Documentation links::" if os.environ.get("GITHUB_ACTIONS") == "true" else "warning: "
    print(prefix + message, file=sys.stderr, flush=True)


def placeholders(release, target):
    """Empty files named as the release files, for mkdocs to check links against: mkdocs would copy
    every file of docs/ into the site (the database and CSVs, gigabytes at scale), so the real ones
    are moved into the built site afterwards."""
    for path in release.rglob("*"):
        if path.is_file():
            stand_in = target / path.relative_to(release)
            stand_in.parent.mkdir(parents=True, exist_ok=True)
            stand_in.touch()


def site_context(package, database, datasette_url, downloads_dir):
    """Everything the templates need, read from the package and the built database."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        statutes = disclosure.citations(package)
        resources = [resource_context(conn, package, r, statutes) for r in package.resources]
        registered = states.of_package(package)
        extra, feed = {}, {}
        for state in registered:  # what a state's own pages need (its module's docs_context)
            if state.get("docs_context"):
                part = dict(state.docs_context(conn, package))
                feed.update({(state.OFFICERS, o["row_id"], o["kind"]): o for o in part.pop("officer_changes", [])})
                extra.update(part)
        changes = changes_context(conn, registered, feed)
        shown = presentation.read(package.root)
        other_tables = build_tables(conn, package, shown)
        # for the search page's examples: the first state's largest agency (from the load's statistics)
        largest = value_counts(conn, registered[0].OFFICERS, "agency_id", limit=1) if registered else []
        example_agency = (largest[0]["agency_id"],) if largest else None
        first = conn.execute("select person_id from people order by rowid limit 1").fetchone()  # an example that exists
    return {**extra, "package_object": package, "other_tables": other_tables,
        "package": package.descriptor, "resources": resources, "datasette_url": datasette_url and datasette_url.rstrip("/") + "/",
        # the address the site is published at, for the dataset's citation (none set: the citation names none)
        "site_address": os.environ.get("CERTDATA_DOCS_URL", "").rstrip("/"),
        "contributors_by_role": {role: package.contributors(role) for role in ("publisher", "requester")},
        "synthetic": package.synthetic_resources(),
        # the sample's surnames' mark, while a state's officers are a sample: the search page's examples say how to type them
        "sample_name_mark": sample.NAME_MARK if set(package.synthetic_resources()) & {s.OFFICERS for s in registered} else None,
        "statutes": package.read_rows("statutes"), "requests": package.read_rows("requests"),
        "items": package.read_rows("request_items"),
        "corrections": package.read_rows("corrections"), "passages": package.read_rows("source_passages"),
        "sources": [s for s in package.descriptor.get("sources", []) if s.get("pcr:id")],
        "states": {s.CODE: s.NAME for s in registered}, "state_pages": [p for s in registered for p in s.get("DOCS_PAGES", [])],
        "state_resources": [{"code": s.CODE, "name": s.NAME, "route": s.ROUTE, "resource": s.OFFICERS,
                             "search_fields": s.get("SEARCH_FIELDS", {}), "identifiers": s.get("IDENTIFIERS"), "decertified": bool(s.get("DECERTIFIED")),
                             "id_case_insensitive": bool(s.get("ID_CASE_INSENSITIVE")),
                             "file": next(r["file"] for r in resources if r["name"] == s.OFFICERS)} for s in registered],
        "changes": changes, "withheld_groups": withheld_groups(package),
        "correction": correction_route(), "example_agency": example_agency[0] if example_agency else None,
        "example_officer": first[0] if first else None,
        "canned_queries": sorted(shown["queries"]),
    }


def correction_route():
    """Where corrections go, from the deployment's configuration; nothing is invented when unset."""
    contact = (os.environ.get(CONTACT_VARIABLE) or "").strip()
    repository = (os.environ.get(REPOSITORY_VARIABLE) or github_remote() or "").strip().rstrip("/")
    href = None
    if contact:
        href = contact if "://" in contact or contact.startswith("mailto:") else (
            "mailto:" + contact if "@" in contact else None)
    return {"contact": contact, "contact_href": href, "variable": CONTACT_VARIABLE,
            "issue_form": f"{repository}/issues/new?template=correction.yml" if repository else None}


def github_remote(root=ROOT):
    """The GitHub repository this checkout was cloned from, when it was (so that the issue form can be
    linked without configuration); None otherwise. In GitHub Actions, its GITHUB_REPOSITORY; else the
    origin's URL in the checkout's own .git/config, read as text: no git command runs, so the build reads
    no file outside the repository (git reads /etc/gitconfig, ~/.gitconfig and what they include)."""
    import re
    if re.fullmatch(r"[\w.-]+/[\w.-]+", os.environ.get("GITHUB_REPOSITORY", "")):
        return "https://github.com/" + os.environ["GITHUB_REPOSITORY"]
    try:
        config = (Path(root) / ".git" / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:  # not a checkout, or a worktree (.git is a file): no link
        return None
    section = re.search(r'(?ms)^\s*\[remote "origin"\]\s*$(.*?)(?=^\s*\[|\Z)', config)
    url = re.search(r"(?m)^\s*url\s*=\s*(\S+)\s*$", section.group(1)) if section else None
    found = url and re.fullmatch(r"(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([\w.-]+/[\w.-]+?)(?:\.git)?/?",
                                 url.group(1))
    return f"https://github.com/{found.group(1)}" if found else None


def withheld_groups(package):
    """{request id: groups of the requested elements no field publishes}, one group per
    (disposition, statute, agency's words), each element once, in request order; the note most of a
    group's elements share (two at least, or its only element's) is the group's, said once
    (``note_for_all`` when every element shares it), any other stays with its element (one element's own
    note had made 22 others repeat theirs on every officer page)."""
    citations = disclosure.citations(package)
    groups = {}
    seen = set()
    for row in package.read_rows("request_items"):
        key = (row["request_id"], " ".join(row["element"].lower().rstrip(" .").split()))
        if row["our_field"] or key in seen:
            continue
        seen.add(key)
        by_words = groups.setdefault(row["request_id"], {})
        group = by_words.setdefault((row["disposition"], row["legal_basis_id"], row["agency_words"]), {
            "disposition": row["disposition"], "citation": citations.get(row["legal_basis_id"]),
            "agency_words": row["agency_words"], "items": []})
        group["items"].append({"element": row["element"], "note": row["note"]})
    for by_words in groups.values():
        for group in by_words.values():
            counts = collections.Counter(item["note"] for item in group["items"] if item["note"])
            common = counts.most_common(1)
            shared = common[0][0] if common and (common[0][1] > 1 or len(group["items"]) == 1) else None
            group["note"], group["note_for_all"] = shared, all(item["note"] == shared for item in group["items"])
            for item in group["items"]:
                if shared is not None and item["note"] == shared:
                    item["note"] = None
    return {request: list(by_words.values()) for request, by_words in groups.items()}


def build_tables(conn, package, shown):
    """Every table and view of the database that is not a resource (FTS5's and SQLite's own tables aside),
    with its title and description from data/presentation.yml, its columns, its SQL if a view, and whether
    it is built from a synthetic sample's rows (shown: data/presentation.yml, as read)."""
    resources = {r["name"] for r in package.resources}
    derived, synthetic = set(derived_tables(shown["views"])), package.synthetic_resources()
    out = []
    for kind, name in conn.execute("select type, name from sqlite_master where type in ('table', 'view') order by rowid"):
        if name in resources or name.startswith("sqlite_") or any(name.startswith(f + "_") for f in FTS_TABLES):
            continue
        options = shown["tables"].get(name, {})
        columns = [r[1] for r in conn.execute("select * from pragma_table_info(?)", [name])]
        unknown = sorted(set(options.get("columns") or {}) - set(columns))
        if unknown:
            raise PackageError(f"{presentation.FILE}: tables: {name}: columns: {unknown[0]!r} is no column of it; "
                               "describe only the columns the build makes")
        out.append({"name": name, "kind": kind, "title": options.get("title"), "description": options.get("description"),
                    "hidden": bool(options.get("hidden")), "sql": shown["views"].get(name),
                    "columns": columns,
                    "column_descriptions": options.get("columns") or {},
                    "sample": bool(synthetic) and name in derived})
    return out


def changes_context(conn, registered, feed):
    """Counts per resource and change, and each state's officer changes that its module gives a kind (at most
    LISTED_CHANGES of each kind, first by name), with the officer's name and page key and each value as its own
    release showed it; ``decertified``: those of the kinds a state's ``CHANGE_FEED`` names, with the feed's fields
    (feed: {(resource, row_id, kind): fields} from the states' ``docs_context``)."""
    counts = conn.execute("select resource, change, count(distinct row_id) as n from changes group by 1, 2 order by 1, 2").fetchall()
    first = conn.execute("select value from build_info where key = 'replaced_samples'").fetchone()
    compared = conn.execute("select value from build_info where key = 'compared_with'").fetchone()
    officers, kinds, meanings = [], {}, []
    for state in registered:
        found = dict(conn.execute("select kind, count(*) from changes where resource = ? and kind is not null group by 1",
                                  [state.OFFICERS]).fetchall())
        kinds.update({f"{state.NAME}: {kind}": n for kind, n in found.items()})
        meanings += [{"state_name": state.NAME, "kind": kind, "meaning": text}
                     for kind, text in state.get("CHANGE_KINDS", {}).items() if kind in found]
        listed = conn.execute(
            "select kind, row_id, officer_id, officer_name, coalesce(old_shown, old_value) as before, "
            "coalesce(new_shown, new_value) as after, old_value, new_value from (select c.*, row_number() over "
            "(partition by kind order by officer_name, row_id) as listed from changes c "
            "where resource = ? and kind is not null) where listed <= ? order by kind, officer_name, row_id",
            [state.OFFICERS, states.LISTED_CHANGES]).fetchall()
        officers += [dict(r, state=state.CODE, state_name=state.NAME, route=state.ROUTE, resource=state.OFFICERS,
                          in_feed=r["kind"] in state.get("CHANGE_FEED", ()),
                          **feed.get((state.OFFICERS, r["row_id"], r["kind"]), {})) for r in listed]
    return {"counts": [dict(r) for r in counts], "officers": officers, "listed": states.LISTED_CHANGES,
            "replaced_samples": json.loads(first[0]) if first else [], "compared_with": compared[0] if compared else None,
            "cut": sum(n for n in kinds.values() if n > states.LISTED_CHANGES), "kinds": kinds, "meanings": meanings,
            "decertified": [r for r in officers if r["in_feed"]]}


def resource_context(conn, package, resource, statutes):
    """A resource with its row count, per-field statistics and download checksum (all computed by the
    load: reading them costs the same for ten rows or ten million)."""
    table = resource["name"]
    info = conn.execute("select sha256, rows from package_resources where resource = ?", [table]).fetchone()
    rows = info[1] if info else 0
    stats = {r[0]: r[1:] for r in conn.execute(
        "select field, blank_rows, distinct_values, top_values from package_fields where resource = ?", [table])}
    return {"r": resource, "title": labelled(resource)[0], "name": table, "rows": rows, "sha256": info[0] if info else None,
            "file": download_name(resource), "not_published": not_published(package, resource),
            "fields": [field_context(f, rows, stats[f["name"]], statutes, shown_example(resource, f)) for f in fields(resource)]}


def field_context(field, rows, stats, statutes, example=None):
    """A field with its blank share, distinct count and top values (the load's statistics) and its example as shown
    (``package.shown_example``)."""
    blank, distinct, top = stats
    return {"f": field, "example": example, "summary": disclosure.summary(field, statutes), "constraints": constraint_text(field),
            "constraint_items": constraint_items(field),
            "blank_share": f"{blank / rows:.1%}" if rows else "n/a", "distinct": distinct,
            "top": [tuple(pair) for pair in json.loads(top)][:3]}


def constraint_text(field):
    """Constraints in words, e.g. 'required; unique; one of: A, B'."""
    parts = []
    for key, value in field.get("constraints", {}).items():
        if value is True:
            parts.append(key)
        elif key == "enum":
            parts.append("one of: " + ", ".join(map(str, value)))
        else:
            parts.append(f"{key} {value}")
    return "; ".join(parts)


def constraint_items(field):
    """Each constraint as the resource page lists it: ``brief`` for the one-line summary, ``text`` and,
    for a pattern, ``code`` (a long regular expression, shown only when the reader opens the list)."""
    items = []
    for key, value in field.get("constraints", {}).items():
        if value is True:
            items.append({"brief": key, "text": key, "code": None})
        elif key == "enum":
            values = ", ".join(map(str, value))
            items.append({"brief": f"one of: {values}" if len(values) <= 40 else f"one of {len(value)} values",
                          "text": "one of: " + values, "code": None})
        elif key == "pattern":
            items.append({"brief": "pattern", "text": "pattern", "code": value})
        else:
            items.append({"brief": f"{key} {value}", "text": f"{key} {value}", "code": None})
    return items


def render_pages(context, docs_dir):
    """Render the generated pages; returns their paths relative to docs_dir."""
    env = environment(context["package_object"])
    pages = {"index.md": "index.md.j2", "law.md": "law.md.j2", "statutes.md": "statutes.md.j2", "sources.md": "sources.md.j2",
             **{p["page"]: p["template"] for p in context["state_pages"]}, "downloads.md": "downloads.md.j2",
             "corrections.md": "corrections.md.j2", "changes.md": "changes.md.j2",
             "request-a-correction.md": "request-a-correction.md.j2", "search.md": "search.md.j2",
             "methodology.md": "methodology.md.j2", "tables.md": "tables.md.j2"}
    (docs_dir / "resources").mkdir(exist_ok=True)
    (docs_dir / "figures").mkdir(exist_ok=True)
    specs = [spec for state in states.of_package(context["package_object"]) if state.get("chart_specs")
             for spec in state.chart_specs(context)]
    context["charts"] = charts.write_charts(specs, docs_dir / "figures")
    for target, template in pages.items():
        (docs_dir / target).write_text(env.get_template(template).render(**context), encoding="utf-8")
    (docs_dir / "feeds").mkdir(exist_ok=True)
    docs_url = os.environ.get("CERTDATA_DOCS_URL", "").rstrip("/")
    feed = env.get_template("decertifications.atom.j2").render(docs_url=docs_url and docs_url + "/", **context)
    (docs_dir / "feeds" / "decertifications.xml").write_text(feed, encoding="utf-8")
    for resource in context["resources"]:
        page = env.get_template("resource.md.j2").render(resource=resource, **context)
        (docs_dir / "resources" / f"{resource['name']}.md").write_text(page, encoding="utf-8")
        pages[f"resources/{resource['name']}.md"] = "resource.md.j2"
    return list(pages)


PAGE_TITLES = [
    ("Home", "index.md"), ("What the law lets us publish", "law.md"), ("Statutes", "statutes.md"),
    ("The source documents", "sources.md"),
]
LATER_TITLES = [
    ("What changed", "changes.md"), ("Corrections", "corrections.md"), ("How to search", "search.md"),
    ("Methodology", "methodology.md"), ("Request a correction", "request-a-correction.md"), ("About", "about.md"),
]


def nav(context):
    """The site navigation: generated pages, one per resource, then the hand-written pages. A resource
    whose title is also a page's (Statutes, Corrections, ...) is named as a table, so no entry repeats."""
    titles = {title for title, _ in PAGE_TITLES + LATER_TITLES} | {p["title"] for p in context.get("state_pages", [])} | {"Downloads"}

    def resource_title(r):
        title = r["title"]
        return f"{title} (table)" if r["r"]["title"] in titles else title
    return ([{title: page} for title, page in PAGE_TITLES]
            + [{p["title"]: p["page"]} for p in context.get("state_pages", [])] + [{"Downloads": "downloads.md"}]
            + [{"Resources": [{resource_title(r): f"resources/{r['name']}.md"} for r in context["resources"]]
                             + [{"The database's other tables": "tables.md"}]}]
            + [{title: page} for title, page in LATER_TITLES])


class DocsFailed(CertdataError):
    """mkdocs build --strict stopped; the message lists its warnings."""


class WarningCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def run_mkdocs(docs_dir, site_dir, navigation, package, datasette_url=DEFAULT_DATASETTE_URL):
    """mkdocs build --strict with our nav and extra settings; DocsFailed lists every warning."""
    collector = WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        strict_build(docs_dir, site_dir, navigation, package, datasette_url)
    except (Exception, SystemExit) as error:
        raise DocsFailed("documentation build failed (mkdocs --strict): "
                         + ("; ".join(collector.messages) or repr(error))) from error
    finally:
        logger.removeHandler(collector)


def strict_build(docs_dir, site_dir, navigation, package, datasette_url):
    options = {"site_url": os.environ["CERTDATA_DOCS_URL"]} if os.environ.get("CERTDATA_DOCS_URL") else {}
    config = load_config(str(ROOT / "mkdocs.yml"), docs_dir=str(docs_dir), site_dir=str(site_dir),
                         nav=navigation, strict=True, **options,
                         extra={"synthetic_resources": package.synthetic_resources(), "version": package.version,
                                "datasette_url": datasette_url})
    if package.synthetic_resources():  # the description search engines and link previews show says so too
        config["site_description"] += " The officer-level data are a synthetic sample: generated names, not real officers."
    config["plugins"].run_event("startup", command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config["plugins"].run_event("shutdown")
    if not options or package.synthetic_resources():
        # MkDocs always writes a sitemap: without the site's address its entries have none, and a
        # release that holds a sample asks not to be indexed
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            (Path(site_dir) / name).unlink(missing_ok=True)
