"""Datasette: metadata generated from the package, and the one serve configuration.

Takes: a ``Package``. Gives: Datasette metadata (titles, descriptions with the
disclosure of every column, facets, sort orders, label columns, full-text
search, canned queries (options and queries from data/presentation.yml),
synthetic-sample warnings, the tables whose downloads need no sample label, and each
state's officer resource, route, page queries and template for the plugins) and the command-line flags
and settings that both ``python build.py serve`` and the deployment use (the deployment's with force_https_urls on).
"""
import json
import os
from pathlib import Path

from . import disclosure, presentation, states
from .publish import download_name, real_state_sources, shared_sample_notice, shared_sample_rows
from .package import DESCRIPTION_TABLES, ROOT, SAMPLE_WARNING, SYNTHETIC, derived_sample_notice, derived_tables, fields, labelled_package

DATABASE = "certification"
SETTINGS = {
    "sql_time_limit_ms": 1500,
    "max_returned_rows": 1000,
    "default_page_size": 50,
    "suggest_facets": "off",
    "facet_time_limit_ms": 300,
    "allow_download": "on",
    "allow_csv_stream": "on",
    "max_csv_mb": 200,
    "num_sql_threads": 4,
    "default_cache_ttl": 3600,
    "truncate_cells_html": 200,
}
# The deployment's settings: serve's, and force_https_urls, which ``datasette publish cloudrun`` adds itself unless the
# extra options name it (Cloud Run's proxy speaks HTTP to the server). Stated here, so that the fingerprint the publish
# workflow computes (``build.py serve --deployed``) is the one the deployed server computes: a walk found them always
# different (serve's settings lacked it), so every publish redeployed
DEPLOY_SETTINGS = {**SETTINGS, "force_https_urls": "on"}


def synthetic_warning(resource):
    """The warning a table of synthetic sample data carries."""
    return SAMPLE_WARNING + " "


def column_description(field, statutes):
    """A column description: the field's description plus its disclosure, in the source's words."""
    return f"{field.get('description', '')} [Disclosure. {disclosure.summary(field, statutes)}]"


def table_metadata(resource, statutes, options, shared=None, real_sources=()):
    """Datasette metadata for one resource's table, with its options from data/presentation.yml. shared: its entry
    of ``publish.shared_sample_rows`` when only some states' rows are a sample (real_sources: the real states'
    releases, where their rows are from): the warning and the source say which rows are whose."""
    warning = synthetic_warning(resource) if resource.get("pcr:synthetic") else ""
    source = "; ".join(s["title"] for s in resource.get("sources", [])) or "see the documentation"
    if shared:
        warning = shared_sample_notice(shared) + " "
        field = shared["field"]
        source = "; ".join([f"rows whose {field} is {code}: " + ("; ".join(s["title"] for s in real_sources[code])
                                                                 or "see the documentation") for code, _ in shared["real"]]
                           + [f"rows whose {field} is {' or '.join(code for code, _ in shared['sample'])}: {source}"])
    meta = {"title": resource["title"], "description": warning + resource["description"],
            "columns": {f["name"]: column_description(f, statutes) for f in fields(resource)}, "source": source}
    meta.update(options.get(resource["name"], {}))
    return meta


def build_metadata(package):
    """The whole Datasette metadata document for the package."""
    descriptor = package.descriptor
    licence = descriptor["licenses"][0]
    synthetic = package.synthetic_resources()
    statutes = disclosure.citations(package)
    shown = presentation.read(package.root)
    shared = shared_sample_rows(package)  # tables of several states' rows, only some states' a sample
    tables = {r["name"]: table_metadata(r, statutes, shown["tables"], shared.get(r["name"]),
                                        {code: real_state_sources(package, shared[r["name"]], code)
                                         for code, _ in shared[r["name"]]["real"]} if r["name"] in shared else {})
              for r in package.resources}
    derived = derived_tables(shown["views"])
    for name, options in shown["tables"].items():  # the tables and views the build makes
        if name not in tables:
            notice = derived_sample_notice(synthetic) + " " if synthetic and name in derived else ""
            tables[name] = dict(options, **({"description": notice + options.get("description", "")} if notice else {}))
    title, description = labelled_package(descriptor, synthetic)
    return {
        "title": title,
        "description": description,
        "license": licence["title"], "license_url": licence["path"],
        "databases": {DATABASE: {
            "description": description,
            "tables": tables,
            "queries": shown["queries"],
        }},
        **documentation_link(),
        "plugins": {"certsearch": {"package_version": package.version, "synthetic_resources": synthetic,
                                   # who publishes the data (the descriptor's contributors with the role publisher),
                                   # named by the officer pages' citation as by the Downloads page's
                                   "publishers": package.contributors("publisher"),
                                   # each resource's file on the Downloads page (a sample's name says so): the
                                   # provenance names the file whose checksum it gives
                                   "download_files": {r["name"]: download_name(r) for r in package.resources},
                                   # tables holding no row of a sample: their downloads carry no sample label
                                   "sample_free_tables": sorted([r["name"] for r in package.resources if not r.get(SYNTHETIC)]
                                                                + list(DESCRIPTION_TABLES)),
                                   # tables of several states' rows while only some states' are a sample: a row is
                                   # labelled the sample's unless its column names a real state (plugins: pages, exports)
                                   "state_rows": state_rows_config(shared),
                                   # sample: the state's officer records are a synthetic sample (a page or a file of
                                   # rows from several states is labelled by each row's state)
                                   "states": [dict(state.config(), agency_words=agency_words(package, state.OFFICERS),
                                                   sample=bool(package.resource(state.OFFICERS).get(SYNTHETIC)),
                                                   retired_about=package.resource(state.RETIRED).get("description")
                                                   if state.get("RETIRED") else None,
                                                   detail_label=field_title(package, state.OFFICERS, state.get("DETAIL_FIELD")))
                                              for state in states.of_package(package)],
                                   # what each request asked for and we do not publish, grouped as the law page
                                   # groups it (one account of it on every page)
                                   "withheld": withheld_groups(package)}},
    }


# Tables the build makes of every state's rows, with the column naming each row's state (certdata/load.py)
STATE_TABLES = {"people": "state"}


def state_rows_config(shared):
    """{table: {column, real: [codes], sample: [codes]}} of the tables whose rows are several states' while only some
    states' are a sample (shared: ``publish.shared_sample_rows``), the search index included; {} otherwise."""
    if not shared:
        return {}
    any_shared = next(iter(shared.values()))
    tables = {**{name: entry["field"] for name, entry in shared.items()}, **STATE_TABLES}
    return {name: {"column": column, "real": [code for code, _ in any_shared["real"]],
                   "sample": [code for code, _ in any_shared["sample"]]} for name, column in tables.items()}


def field_title(package, resource, name):
    """The title the schema gives a field of a resource (None when no field is named)."""
    return next((f.get("title", name) for f in fields(package.resource(resource)) if f["name"] == name), None) if name else None


def withheld_groups(package):
    """The documentation's grouping of the requested elements no field publishes (certdata.docs)."""
    from .docs import withheld_groups as groups
    return groups(package)


def agency_words(package, resource):
    """The releasing agency's words on a resource's agency_id ({agency_words: [quote, ...], responding_agency}),
    or None: the request log's, then the field's caveats in its schema (a new user's walk: an agency page quoted
    MPTC's "secondhand and often inaccurate" but not its "unreliable and not an official part of their training
    record", which the officer pages gave); quoted beside every list of that column."""
    agencies = {r["request_id"]: r["responding_agency"] for r in package.read_rows("requests")}
    for item in package.read_rows("request_items"):
        if item["our_field"] == resource + ".agency_id" and item["agency_words"]:
            field = next((f for f in package.resource(resource)["schema"]["fields"] if f["name"] == "agency_id"), {})
            caveats = [g["quote"] for g in disclosure.grounds(field) if g.get("kind") == "agency-caveat"]
            return {"agency_words": list(dict.fromkeys([item["agency_words"], *caveats])),
                    "responding_agency": agencies.get(item["request_id"])}
    return None


def documentation_link():
    """The "about" link to the documentation site, when its URL is configured (CERTDATA_DOCS_URL)."""
    url = os.environ.get("CERTDATA_DOCS_URL")
    return {"about": "Documentation", "about_url": url} if url else {}


def write_metadata(package, path):
    """Write the metadata as JSON (sorted keys, so that it diffs and hashes stably)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build_metadata(package), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def setting_args(settings=SETTINGS):
    """``--setting name value`` flags for every setting (serve's, or ``DEPLOY_SETTINGS``)."""
    args = []
    for name, value in settings.items():
        args += ["--setting", name, str(value)]
    return args


TEMPLATES = ROOT / "templates" / "datasette"
PLUGINS = ROOT / "plugins"
STATIC = TEMPLATES / "static"


def site_args(metadata, templates=TEMPLATES):
    """Metadata, templates, plugin and static files: the same for serve and publish (templates: the directory of
    the templates, the static files in its ``static`` folder, which serve takes from its snapshot of the release)."""
    return ["--metadata", str(metadata), "--template-dir", str(templates), "--plugins-dir", str(PLUGINS),
            "--static", f"assets:{Path(templates) / STATIC.name}"]


def serve_args(database, metadata, host="127.0.0.1", port=8001, get=None, templates=TEMPLATES, deployed=False):
    """The full ``datasette`` command line: read-only (immutable), our templates and plugin.
    With get, Datasette answers that one path and exits (non-zero unless 200): a smoke test.
    deployed: with the deployment's settings (``DEPLOY_SETTINGS``), as Cloud Run runs it."""
    return (["datasette", "serve", "-i", str(database), *site_args(metadata, templates), "--host", host, "--port", str(port),
             "--cors", *setting_args(DEPLOY_SETTINGS if deployed else SETTINGS)] + (["--get", get] if get else []))


def publish_args(database, metadata, service):
    """``datasette publish cloudrun`` with the serve flags, the deployment's settings (``DEPLOY_SETTINGS``, every one
    stated, so that publish adds none) and the installed Datasette."""
    from datasette.version import __version__

    from .names import plugin_module
    extra = " ".join(setting_args(DEPLOY_SETTINGS) + ["--cors"])
    # every package under Datasette pinned too, as installed here, as the fingerprint the deploy is compared by names
    # them (plugins/release.py): plugins/limits.py relies on uvicorn's and h11's internals (the twelfth attack run:
    # they floated; the thirteenth: Jinja2 and the rest did)
    servers = [arg for name, installed in plugin_module("release").server_packages().items() if installed
               for arg in ("--install", f"{name}=={installed}")]
    return ["datasette", "publish", "cloudrun", str(database), "--service", service, *site_args(metadata),
            "--install", f"datasette=={__version__}", *servers, "--extra-options", extra]


def app(database, metadata_path):
    """A Datasette object configured exactly like ``serve_args`` (for tests and tools)."""
    from datasette.app import Datasette
    return Datasette(immutables=[str(database)], metadata=json.loads(metadata_path.read_text(encoding="utf-8")),
                     template_dir=str(TEMPLATES), plugins_dir=str(PLUGINS), static_mounts=[("assets", str(STATIC))],
                     settings=SETTINGS, cors=True)
