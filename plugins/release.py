"""Datasette plugin: what the instance says about itself, and nothing about its host.

Gives ``/-/fingerprint.json``: one hash over everything the instance serves (each database's
sha256 and mutability, the metadata, the template and plugin files, the static mounts, the
settings and CORS, the Datasette version), computed at startup from what was loaded, with
each component's hash beside it. The publish workflow compares the built release's fingerprint
(``build.py serve --get /-/fingerprint.json``) with the live one and deploys unless they are
equal. Replaces ``/-/databases``, ``/-/threads`` and ``/-/versions`` with versions that name
no file path, thread, task, compiler or build option.

Deployable with the plugins folder alone: it imports nothing from ``certdata``.
"""
import asyncio
import hashlib
import json
import sqlite3
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.version import __version__

FINGERPRINTS = {}
SKIPPED = ("__pycache__",)


def tree_hash(directory):
    """sha256 over the relative paths and bytes of every file under directory (caches skipped)."""
    digest = hashlib.sha256()
    if directory and Path(directory).is_dir():
        base = Path(directory)
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            relative = path.relative_to(base)
            if any(part in SKIPPED for part in relative.parts) or path.suffix == ".pyc":
                continue
            digest.update(relative.as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def json_hash(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def served_databases(datasette):
    return {name: db for name, db in datasette.databases.items() if name != "_internal"}


def components(datasette):
    """The hash of each thing the instance serves (runs in a thread: database hashes read files)."""
    metadata = getattr(datasette, "_metadata_local", None)
    if metadata is None:
        metadata = datasette.metadata()
    return {
        "databases": {name: {"sha256": db.hash, "is_mutable": db.is_mutable} for name, db in served_databases(datasette).items()},
        "metadata": json_hash(metadata),
        "templates": tree_hash(datasette.template_dir),
        "plugins": tree_hash(datasette.plugins_dir),
        "static": {mount: tree_hash(directory) for mount, directory in datasette.static_mounts},
        "settings": json_hash({"settings": datasette.settings_dict(), "cors": datasette.cors}),
        "datasette": __version__,
        # every package under it (uvicorn and h11, whose internals plugins/limits.py relies on, Jinja2, MarkupSafe...):
        # a deploy with another version is another server. The deploy pins each as installed here (certdata.datasette)
        "server": server_packages(),
    }


INSTALLERS = {"pip", "setuptools", "wheel"}  # Datasette's requirements for installing plugins, not for serving


def server_packages(top="datasette"):
    """{name: installed version} of every package Datasette needs to run, its requirements' requirements too (extras
    and requirements whose environment marker does not hold here left out), Datasette itself and the installers aside,
    and ``packaging``, which this function needs.
    The thirteenth attack run: the deploy pinned Datasette, uvicorn and h11, and Jinja2 and the rest floated."""
    from importlib.metadata import PackageNotFoundError, requires, version

    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
    found, waiting = {}, [top, "packaging"]  # packaging: this function's own, which the deploy must install
    while waiting:
        name = canonicalize_name(waiting.pop())
        if name in found or name in INSTALLERS:
            continue
        try:
            found[name], needs = version(name), requires(name) or []
        except PackageNotFoundError:
            found[name], needs = None, []
        for text in needs:
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                waiting.append(requirement.name)
    found.pop(canonicalize_name(top), None)
    return dict(sorted(found.items()))


def fingerprint_document(parts):
    return {"fingerprint": json_hash(parts), "components": parts}


@hookimpl
def startup(datasette):
    # The templates are part of the release this server fingerprints at startup: Jinja reads each
    # once, instead of checking its file's modification time on every page (a fifth of the main
    # thread's time on /search under load)
    datasette.jinja_env.auto_reload = False

    async def inner():
        parts = await asyncio.get_running_loop().run_in_executor(None, components, datasette)
        FINGERPRINTS[id(datasette)] = fingerprint_document(parts)
    return inner


async def fingerprint(datasette):
    if id(datasette) not in FINGERPRINTS:
        parts = await asyncio.get_running_loop().run_in_executor(None, components, datasette)
        FINGERPRINTS[id(datasette)] = fingerprint_document(parts)
    return Response.json(FINGERPRINTS[id(datasette)], headers={"cache-control": "no-store"})


async def databases(datasette):
    return Response.json([{"name": db.name, "route": db.route, "size": db.size, "is_mutable": db.is_mutable,
                           "is_memory": db.is_memory, "hash": db.hash}
                          for db in served_databases(datasette).values()])


async def versions(datasette):
    return Response.json({"datasette": {"version": __version__}, "sqlite": {"version": sqlite3.sqlite_version}})


async def threads(datasette):
    return Response.json({"num_threads": datasette.setting("num_sql_threads")})


@hookimpl
def register_routes():
    # Plugin routes come before Datasette's own, so these replace /-/databases and the others.
    return [
        (r"^/-/fingerprint(\.json)?$", fingerprint),
        (r"^/-/databases(\.json)?$", databases),
        (r"^/-/versions(\.json)?$", versions),
        (r"^/-/threads(\.json)?$", threads),
    ]
