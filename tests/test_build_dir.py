"""What a build keeps under build/ between runs cannot make it publish something else, write outside
the package, hang, or run code (the eighth attack run planted links, pipes, folders and forged files
there). Each test plants one thing, runs the command line, and checks the outcome a user sees."""
import hashlib
import json
import os
from pathlib import Path
import shutil
import sqlite3

import pytest

from .conftest import make_package, run_cli


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = make_package(tmp_path_factory.mktemp("builddir") / "pkg")
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def package(released, tmp_path):
    """A copy of the released package (site/ and build/ included), for one test to plant things in."""
    root = tmp_path / "pkg"
    shutil.copytree(released, root, symlinks=True)
    return root


def digest(directory):
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_a_build_leaves_nothing_under_build_that_it_would_run(released):
    """The eighth attack run ran code through a cache of compiled templates kept under build/ (Jinja
    loads them with pickle and marshal). Nothing the build keeps there is code or a pickle."""
    kept = {p.relative_to(released / "build").as_posix() for p in (released / "build").rglob("*") if p.is_file()}
    assert kept <= {".lock", "published.json"}, kept


@pytest.mark.parametrize("planted", ["link", "pipe"])
def test_a_link_or_pipe_at_the_lock_is_refused_without_writing_through_it(package, tmp_path, planted):
    """build/.lock as a link to another file was truncated through (open "w"); as a pipe it hung the build."""
    outside = tmp_path / "outside.txt"
    outside.write_text("kept")
    lock = package / "build" / ".lock"
    lock.unlink()
    if planted == "link":
        lock.symlink_to(outside)
    else:
        os.mkfifo(lock)
    before = digest(package / "site")
    result = run_cli(package, "build", timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "build/.lock" in result.stderr and "remove it" in result.stderr, result.stderr
    assert outside.read_text() == "kept" and digest(package / "site") == before


def test_a_link_at_the_records_temporary_name_is_not_written_through(package, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("kept")
    (package / "build" / "published.json.tmp").symlink_to(outside)
    result = run_cli(package, "build", timeout=120)
    assert result.returncode == 0, result.stderr
    assert outside.read_text() == "kept"
    record = package / "build" / "published.json"
    assert record.is_file() and not record.is_symlink()
    published = (package / "site" / "downloads" / "certification.db").stat()  # the record is this build's
    assert json.loads(record.read_text())["files"]["certification.db"][:4] == [
        published.st_size, published.st_mtime_ns, published.st_ctime_ns, published.st_ino]


@pytest.mark.parametrize("planted", ["pipe", "folder"])
def test_a_pipe_or_folder_at_the_record_is_read_as_no_record(package, planted):
    """A pipe at build/published.json hung the build: it is not opened; the database is hashed."""
    record = package / "build" / "published.json"
    record.unlink()
    os.mkfifo(record) if planted == "pipe" else record.mkdir()
    result = run_cli(package, "build", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "nothing changed since the previous release" in result.stderr


@pytest.mark.parametrize("planted", ["link", "file"])
def test_a_link_or_file_at_the_stage_is_removed_and_nothing_is_left_where_it_pointed(package, tmp_path, planted):
    """build/stage as a link to another folder: the build wrote its CSVs there and left them."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    stage = package / "build" / "stage"
    if planted == "link":
        stage.symlink_to(elsewhere)
    else:
        stage.write_text("x")
    result = run_cli(package, "build", "--full", timeout=300)
    assert result.returncode == 0, result.stderr
    assert list(elsewhere.iterdir()) == [] and not os.path.lexists(stage)


@pytest.mark.parametrize("manifest", ["outside the package", "inside the package but not data", "not JSON", "a list",
                                      "every file of data/ created by the import", "a link out of build/"])
def test_a_journal_that_names_other_files_is_not_followed(package, tmp_path, manifest):
    """A planted build/import-journal/ overwrote a module of the build (which then ran) and deleted a
    file outside the package. A journal that names anything an import does not write is refused, with
    a message saying what to check, and nothing is written or removed."""
    victim = tmp_path / "victim.txt"
    victim.write_text("kept")
    journal = package / "build" / "import-journal"
    (journal / "saved").mkdir(parents=True)
    (journal / "saved" / "0").write_text("planted")
    files = {"outside the package": {"../victim.txt": None},
             "inside the package but not data": {"states.py": "0"}}
    (package / "states.py").write_text("kept")
    if manifest == "a link out of build/":  # a journal elsewhere, whose saved copy would be moved into data/
        shutil.rmtree(journal)
        (tmp_path / "elsewhere" / "saved").mkdir(parents=True)
        (tmp_path / "elsewhere" / "saved" / "0").write_text("planted")
        (tmp_path / "elsewhere" / "manifest.json").write_text(json.dumps(
            {"files": {"data/statutes.csv": "0"}, "paths": sorted(
                str(p.relative_to(package)) for p in (package / "data").rglob("*"))}))
        journal.symlink_to(tmp_path / "elsewhere")
    else:
        files["every file of data/ created by the import"] = {}  # "paths": [] says none was there before
        text = {"not JSON": "{bad json", "a list": "[1, 2]"}.get(manifest) or json.dumps(
            {"files": files[manifest], "paths": []})
        (journal / "manifest.json").write_text(text)
    before = digest(package / "data")
    result = run_cli(package, "check", timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "import-journal" in result.stderr and "nothing was undone" in result.stderr, result.stderr
    assert victim.read_text() == "kept" and (package / "states.py").read_text() == "kept"
    assert digest(package / "data") == before


def test_a_journal_that_lists_only_the_resources_removes_nothing_that_was_there_before_it(package):
    """The thirteenth attack run: a journal planted under build/ whose manifest listed only the resources' files
    passed the checks above, and its undo removed every other path under data/: the agencies' originals in
    data/raw/ (kept nowhere else), the schemas, the source documents, presentation.yml and profile.json."""
    (package / "data" / "raw").mkdir(exist_ok=True)
    (package / "data" / "raw" / "mo_officers-2026-01-01-0123456789ab.xlsx").write_bytes(b"original")
    descriptor = json.loads((package / "datapackage.json").read_text())
    journal = package / "build" / "import-journal"
    (journal / "saved").mkdir(parents=True)
    (journal / "manifest.json").write_text(json.dumps({"files": {}, "paths": ["data"] + [r["path"] for r in descriptor["resources"]]}))
    before = digest(package / "data")
    result = run_cli(package, "check", timeout=120)
    assert "Traceback" not in result.stderr
    assert digest(package / "data") == before and not journal.exists()
    assert (package / "data" / "raw" / "mo_officers-2026-01-01-0123456789ab.xlsx").read_bytes() == b"original"


@pytest.mark.parametrize("held", [False, True])
def test_a_folder_planted_under_a_snapshots_name_is_not_served(package, held):
    """The server answers from build/serving/<key>/, a copy of site/ made of hard links; a folder planted
    under the key it would compute (a copy with an edited database) was served instead of the release.
    It is removed, or (held, as a running server holds its snapshot) left and passed by."""
    import fcntl

    from certdata import pipeline
    site = package / "site"
    planted = package / "build" / "serving" / pipeline._tree_key(site)
    shutil.rmtree(planted.parent, ignore_errors=True)
    shutil.copytree(site, planted, symlinks=True)
    conn = sqlite3.connect(planted / "downloads" / "certification.db")
    conn.execute("update mo_license_classes set meaning = 'PLANTED'")
    conn.commit()
    conn.close()
    lock = os.open(planted / pipeline.SERVING_LOCK, os.O_RDONLY | os.O_CREAT)
    if held:
        fcntl.flock(lock, fcntl.LOCK_SH)
    try:
        result = run_cli(package, "serve", "--port", "0", "--get",
                         "/certification/mo_license_classes.json?_shape=array", timeout=120)
    finally:
        os.close(lock)
    assert result.returncode == 0, result.stderr
    assert "PLANTED" not in result.stdout and "meaning" in result.stdout
    kept = (planted / "downloads" / "certification.db").read_bytes()  # replaced by the server's own unless held
    assert (b"PLANTED" in kept) == held


def test_a_folder_planted_at_the_swaps_aside_name_is_not_restored_as_the_release(package):
    """A build killed between moving site/ aside (to build/site.old) and moving the new one in is
    recovered by the next command; a folder planted there (no release database) was restored and
    served, and a failing build then said "site/ is unchanged" with the planted page in site/."""
    shutil.rmtree(package / "site")
    (package / "build" / "site.old").mkdir()
    (package / "build" / "site.old" / "index.html").write_text("<h1>planted page</h1>")
    result = run_cli(package, "serve", "--port", "0", "--get", "/", timeout=120)
    assert result.returncode != 0 and "no release" in result.stderr, result.stderr
    assert not (package / "site").exists()


def test_a_link_at_the_snapshots_folder_is_not_followed(package, tmp_path):
    """build/serving as a link to another folder: the server made its snapshot there and removed every
    other folder in it."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "important").mkdir(parents=True)
    (elsewhere / "important" / "f").write_text("kept")
    shutil.rmtree(package / "build" / "serving", ignore_errors=True)
    (package / "build" / "serving").symlink_to(elsewhere)
    result = run_cli(package, "serve", "--port", "0", "--get", "/certification.json", timeout=120)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in elsewhere.iterdir()] == ["important"] and (elsewhere / "important" / "f").is_file()
    assert (package / "build" / "serving").is_dir() and not (package / "build" / "serving").is_symlink()


@pytest.mark.parametrize("planted", ["build/site.old", "site/downloads/SHA256SUMS"])
def test_a_pipe_where_the_build_reads_or_removes_is_not_opened(package, planted):
    """A pipe at build/site.old hung the build in its swap, with the stop signals held; a pipe at the
    previous release's SHA256SUMS hung the build and the server."""
    path = package / planted
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    result = run_cli(package, "build", timeout=120)
    assert result.returncode == 0, result.stderr
    assert (package / "site" / "downloads" / "SHA256SUMS").is_file()


def test_the_server_serves_its_snapshot_s_copy_of_the_static_files(package, monkeypatch):
    """The twelfth attack run: the static files (/assets/certsearch.css) were read from the working tree at each
    request, so an edit showed at once on a running server, under the fingerprint it had started with. serve
    copies them into its snapshot and serves that copy."""
    from certdata import datasette, pipeline
    executed = []
    monkeypatch.setattr(os, "execv", lambda path, args: executed.append(args))
    monkeypatch.setenv("CERTDATA_DOCS_DIR", "")  # serve sets it: put back as it was afterwards
    pipeline.serve(root=package, port=0)
    static = next(a.split(":", 1)[1] for a in executed[0] if a.startswith("assets:"))
    assert Path(static).is_relative_to(package / "build" / "serving") and Path(static).is_dir()
    for original in datasette.STATIC.iterdir():
        copy = Path(static) / original.name
        assert copy.read_bytes() == original.read_bytes() and copy.stat().st_ino != original.stat().st_ino
    # and the templates, which Jinja reads when a page first needs one (the thirteenth attack run: an edit of
    # row.html or error.html before any such page was asked for was served under the fingerprint)
    args = executed[0]
    templates = Path(args[args.index("--template-dir") + 1])
    assert templates.is_relative_to(package / "build" / "serving") and Path(static) == templates / "static"
    for original in datasette.TEMPLATES.rglob("*.html"):
        copy = templates / original.relative_to(datasette.TEMPLATES)
        assert copy.read_bytes() == original.read_bytes() and copy.stat().st_ino != original.stat().st_ino
