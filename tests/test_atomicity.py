"""A build killed at any point leaves the previous release intact and servable."""
import asyncio
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

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


def child_pids(pid):
    """Pids of the children of a process (Linux /proc)."""
    pids = set()
    for task in (os.listdir(f"/proc/{pid}/task") if os.path.exists(f"/proc/{pid}/task") else []):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                pids |= {int(p) for p in handle.read().split()}
        except OSError:
            pass
    return pids


def alive_after(pids, seconds=5):
    """The pids still running (not zombies) after waiting up to seconds."""
    import time
    deadline = time.monotonic() + seconds
    while True:
        alive = set()
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as handle:
                    if handle.read().rsplit(")", 1)[1].split()[0] != "Z":
                        alive.add(pid)
            except OSError:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def servable(root):
    ds = datasette.app(root / "site" / "downloads" / "certification.db", root / "site" / "datasette" / "metadata.json")
    return asyncio.run(ds.client.get("/search?q=zyzzyva")).status_code == 200


@pytest.mark.parametrize("trigger", ["validating every resource", "loaded mo_officers", "parsing",
                                     "building the documentation site", "rendered"])
def test_killed_build_leaves_the_previous_release_intact(released, trigger):
    command = ["build", "--full"] if trigger == "parsing" else []  # the correction below leaves the search as it is
    before = hashes(released / "site")
    # change the data so that a completed build would change the release
    path = released / "data" / "mo_post_measures.csv"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"15934", b"15935"))
    try:
        env = dict(os.environ, CERTDATA_ROOT=str(released), CERTDATA_NAME_WORKERS_ABOVE="0")  # names parsed by workers
        process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *command], env=env, stderr=subprocess.PIPE, text=True)
        children = set()
        for line in process.stderr:
            children |= child_pids(process.pid)
            if trigger in line:
                children |= child_pids(process.pid)
                process.send_signal(signal.SIGKILL)
                break
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL, f"the build finished before {trigger!r}"
        assert not alive_after(children), "a process of the killed build is still running"
        assert hashes(released / "site") == before
        assert servable(released)
    finally:
        path.write_bytes(original)
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--quiet"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert hashes(released / "site") == before


def test_a_failed_build_leaves_no_stage_and_environment_failures_are_plain_messages(released, monkeypatch, capsys):
    import sqlite3

    import build
    from certdata import load, publish
    before = hashes(released / "site")

    def disk_full(*args, **kwargs):
        (released / "build" / "stage").mkdir(parents=True, exist_ok=True)
        (released / "build" / "stage" / "half.db").write_bytes(b"x")
        raise sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(load, "build_database", disk_full)
    assert build.main(["--root", str(released), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "disk is full" in err and "Traceback" not in err and "site/ is unchanged" in err
    assert not (released / "build" / "stage").exists() and hashes(released / "site") == before
    monkeypatch.undo()

    def unwritable(staged, root):
        raise PermissionError(13, "Permission denied", str(root / "site"))
    monkeypatch.setattr(publish, "swap_in", unwritable)
    assert build.main(["--root", str(released), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "Permission denied" in err and "Traceback" not in err
    assert not (released / "build" / "stage").exists() and hashes(released / "site") == before


def test_a_build_opens_no_network_connection(released, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network access during a build")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    from certdata.validate import frictionless_problems
    from certdata.package import Package
    assert frictionless_problems(Package.load(released)) == []
    pipeline.check(root=released, progress=pipeline.Progress(quiet=True))


def test_a_build_that_died_between_the_two_renames_is_recovered(released):
    before = hashes(released / "site")
    (released / "site").rename(released / "build" / "site.old")
    database, _ = pipeline.served_files(released)
    assert database.exists() and hashes(released / "site") == before


def test_a_data_file_changed_while_the_build_runs_is_not_published(released, monkeypatch, capsys):
    """What was guarded, validated and loaded is what is published: a CSV replaced while the build runs
    (here once the database is built) stops the build, and site/ keeps the previous release."""
    import build
    from certdata import load
    before = hashes(released / "site")
    path = released / "data" / "mo_post_measures.csv"
    original = path.read_bytes()
    real = load.build_database

    def and_meanwhile(*args, **kwargs):
        built = real(*args, **kwargs)
        path.with_suffix(".new").write_bytes(original.replace(b"15934", b"15935"))
        os.replace(path.with_suffix(".new"), path)  # as an editor saves: a new file in its place
        return built
    monkeypatch.setattr(load, "build_database", and_meanwhile)
    try:
        assert build.main(["--root", str(released), "--quiet"]) == 1
        err = capsys.readouterr().err
        assert "data/mo_post_measures.csv: changed while the build ran" in err and "Traceback" not in err, err
        assert not (released / "build" / "stage").exists() and hashes(released / "site") == before
    finally:
        path.write_bytes(original)


def test_a_link_pointed_at_another_file_for_the_load_and_back_is_not_published(released, monkeypatch, capsys):
    """An attack run: data/mo_officers.csv a link inside the package, pointed at another file while the
    database was loaded and back again before the build's last check (which read the file through the
    link, and found it as validated). A row that validation refuses was published."""
    import build
    from certdata import load
    before = hashes(released / "site")
    path = released / "data" / "mo_post_measures.csv"
    original = path.read_bytes()
    (released / "data" / "alt").mkdir()
    (released / "data" / "alt" / "good.csv").write_bytes(original)
    (released / "data" / "alt" / "bad.csv").write_bytes(original.replace(b"15934", b"15935"))
    path.unlink()
    path.symlink_to("alt/good.csv")
    real = load.build_database

    def point(target):
        link = path.with_suffix(".link")
        link.symlink_to(target)
        os.replace(link, path)

    def pointed_elsewhere(*args, **kwargs):
        point("alt/bad.csv")
        try:
            return real(*args, **kwargs)
        finally:
            point("alt/good.csv")
    monkeypatch.setattr(load, "build_database", pointed_elsewhere)
    try:
        assert build.main(["--root", str(released), "--quiet", "build", "--full"]) == 1
        err = capsys.readouterr().err
        assert "data/mo_post_measures.csv: changed while the build ran" in err and "Traceback" not in err, err
        assert hashes(released / "site") == before
    finally:
        path.unlink()
        path.write_bytes(original)
        shutil.rmtree(released / "data" / "alt")


def test_presentation_yml_changed_while_the_build_runs_is_not_published(released, monkeypatch, capsys):
    """data/presentation.yml is read by the load, the metadata and the pages after it is checked: a
    change meanwhile stops the build."""
    import build
    from certdata import load
    before = hashes(released / "site")
    path = released / "data" / "presentation.yml"
    original = path.read_bytes()
    real = load.build_database

    def and_meanwhile(*args, **kwargs):
        path.with_suffix(".new").write_bytes(original + b"\n")
        os.replace(path.with_suffix(".new"), path)
        return real(*args, **kwargs)
    monkeypatch.setattr(load, "build_database", and_meanwhile)
    try:
        assert build.main(["--root", str(released), "--quiet"]) == 1
        err = capsys.readouterr().err
        assert "data/presentation.yml: changed while the build ran" in err and "Traceback" not in err, err
        assert hashes(released / "site") == before
    finally:
        path.write_bytes(original)


@pytest.mark.parametrize("stop", ["SIGTERM to the build", "Ctrl-C to its process group", "SIGQUIT to the build",
                                  "SIGALRM to the build", "SIGPWR to the build", "SIGRTMIN to the build"])
def test_a_build_stopped_by_a_signal_says_so_cleans_its_stage_and_leaves_no_process(released, stop):
    """The eighth attack run: SIGQUIT, SIGUSR1 and SIGALRM ended the build where it stood, leaving its
    stage (a database and CSVs) behind; they now stop it as SIGTERM does."""
    before = hashes(released / "site")
    env = dict(os.environ, CERTDATA_ROOT=str(released), CERTDATA_NAME_WORKERS_ABOVE="0")
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--full"], env=env, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    children, lines = set(), []
    for line in process.stderr:
        lines.append(line)
        children |= child_pids(process.pid)
        if "validating every resource" in line:
            children |= child_pids(process.pid)
            if stop.startswith("SIG"):
                process.send_signal(getattr(signal, stop.split()[0]))
            else:
                os.killpg(process.pid, signal.SIGINT)
            break
    lines += process.stderr.readlines()
    process.wait(timeout=60)
    err = "".join(lines)
    assert process.returncode in (1, 130) and "Traceback" not in err, err
    assert not (released / "build" / "stage").exists(), os.listdir(released / "build" / "stage")
    assert not alive_after(children) and hashes(released / "site") == before


def test_a_termination_signal_whose_exception_was_swallowed_still_stops_the_build(released, monkeypatch):
    """A signal's exception raised while the build forks (or in a finalizer) is printed and ignored by Python;
    the build still does not publish (a fresh clone's run caught a SIGTERM'd build publishing)."""
    from certdata import load
    before = hashes(released / "site")
    real = load.build_database

    def swallowed(*args, **kwargs):
        built = real(*args, **kwargs)
        try:
            pipeline.stopped_by_signal(signal.SIGTERM, None)
        except KeyboardInterrupt:
            pass  # as Python does with an exception raised in an at-fork hook
        return built
    monkeypatch.setattr(load, "build_database", swallowed)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(root=released, progress=pipeline.Progress(quiet=True))
    assert hashes(released / "site") == before and not (released / "build" / "stage").exists()


def test_a_stage_left_by_a_killed_build_is_removed_by_the_next_check_unless_a_build_runs(released):
    """The sixth attack run: after SIGKILL, build/stage/ held a 107 MB database and the name index's
    scratch files until the next build. The next command that can take the build lock removes them; a
    running build's stage (the lock held) is left alone."""
    from certdata import publish
    from .conftest import run_cli
    stage = released / "build" / "stage"
    stage.mkdir(parents=True, exist_ok=True)
    (stage / "certification.db.tmp").write_bytes(b"x" * 1000)
    with publish.build_lock(released / "build"):  # as a running build holds it
        assert run_cli(released, "check").returncode == 0
        assert (stage / "certification.db.tmp").exists()
    assert run_cli(released, "check").returncode == 0
    assert not stage.exists()


def test_a_signal_that_arrives_as_the_release_is_swapped_in_does_not_report_a_failure(released, monkeypatch):
    """The eighth attack run: SIGINT or SIGALRM arriving just after the swap made the build exit non-zero
    ("Nothing was published") with the new release in site/. Once the release is in, the build is done."""
    from certdata import publish
    real = publish.swap_in

    def swap_then_signal(staged, root):
        real(staged, root)
        os.kill(os.getpid(), signal.SIGTERM)  # held until the build has noted that it published
        time.sleep(0.05)  # (given to the bystander, the handler would run here, before the build notes it)
    monkeypatch.setattr(publish, "swap_in", swap_then_signal)
    # a thread started before the swap holds no signal, as the build's digest thread may still be running then (a
    # fresh clone's run under load failed so): the kernel gives it the signal, and Python runs the handler at once
    # in the main thread, whatever the main thread holds
    done = threading.Event()
    bystander = threading.Thread(target=done.wait)
    bystander.start()
    try:
        pipeline.build(root=released, progress=pipeline.Progress(quiet=True))
    except KeyboardInterrupt as error:  # what build.py reports as "Nothing was published"
        pytest.fail(f"the build reported a stop although its release is in site/: {error}")
    finally:
        done.set()
        bystander.join()
    assert (released / "site" / "downloads" / "certification.db").is_file()
    assert not (released / "build" / "stage").exists()
