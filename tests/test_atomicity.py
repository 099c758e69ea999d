"""A build killed at any point leaves the previous release intact and servable."""
import asyncio
import hashlib
import os
import signal
import subprocess
import sys

import pytest

from certdata import datasette, pipeline

from .conftest import ROOT, make_package


def hashes(directory):
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = make_package(tmp_path_factory.mktemp("atomic") / "pkg", mo_active=3000)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    return root


def servable(root):
    ds = datasette.app(root / "site" / "downloads" / "certification.db", root / "site" / "datasette" / "metadata.json")
    return asyncio.run(ds.client.get("/search?q=zyzzyva")).status_code == 200


@pytest.mark.parametrize("trigger", ["validating every resource", "loaded mo_officers", "building the documentation site",
                                     "rendered"])
def test_killed_build_leaves_the_previous_release_intact(released, trigger):
    before = hashes(released / "site")
    # change the data so that a completed build would change the release
    path = released / "data" / "mo_post_measures.csv"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"15934", b"15935"))
    try:
        env = dict(os.environ, CERTDATA_ROOT=str(released))
        process = subprocess.Popen([sys.executable, str(ROOT / "build.py")], env=env, stderr=subprocess.PIPE, text=True)
        for line in process.stderr:
            if trigger in line:
                process.send_signal(signal.SIGKILL)
                break
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL, f"the build finished before {trigger!r}"
        assert hashes(released / "site") == before
        assert servable(released)
    finally:
        path.write_bytes(original)
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--quiet"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert hashes(released / "site") == before


def test_a_build_that_died_between_the_two_renames_is_recovered(released):
    before = hashes(released / "site")
    (released / "site").rename(released / "build" / "site.old")
    database, _ = pipeline.served_files(released)
    assert database.exists() and hashes(released / "site") == before
