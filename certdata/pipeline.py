"""The build pipeline: check, build, serve, import.

Takes: the package directory. Gives: ``site/`` (documentation site and
``downloads/``), with validation and the legal-limits guard run first; on any
problem, a report under ``build/`` and a ``BuildFailed`` that leaves the
previous ``site/`` untouched.
"""
import contextlib
import fcntl
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import datasette, docs, load, presentation, publish, redaction, states
from .children import STOP_SIGNALS, die_with_parent, signals_held
from .errors import CertdataError
from .guard import guard_package
from .package import DESCRIPTOR, ROOT, SYNTHETIC, VERSION, Package, PackageError, read_json
from .validate import Problem, package_shape_problems, redact_columns, summarise, validate_package, write_report


class BuildFailed(CertdataError):
    """The build stopped; the message is safe to print (no closed values)."""


class Progress:
    """Step-by-step progress on stderr: step, detail, seconds. Silent with quiet."""

    def __init__(self, quiet=False):
        self.quiet = quiet
        self.started = time.monotonic()

    def __call__(self, message):
        if not self.quiet:
            print(f"[{time.monotonic() - self.started:6.1f}s] {message}", file=sys.stderr, flush=True)


def load_package(root):
    """The package, or BuildFailed naming the unreadable descriptor or schema."""
    try:
        return Package.load(root)
    except PackageError as error:
        raise BuildFailed(str(error)) from error


def fail_with_report(root, problems):
    """Write the full JSON report and raise BuildFailed with the short one."""
    report = Path(root) / "build" / "validation-report.json"
    write_report(problems, report)
    raise BuildFailed(f"{summarise(problems)}\nFull report: {report}\nNothing was published; site/ is unchanged.")


def configured_package(root):
    """The package, with its state modules loaded and data/presentation.yml read and checked against it
    (a StateError or PackageError naming the file otherwise)."""
    package = load_package(root)
    states.of_package(package)
    presentation.check_names(package, presentation.read(package.root))
    redaction.use_identifiers(made_identifiers(root, package))  # its own identifiers are no closed value in a message
    return package


def guarded_package(root, progress, stamps=None):
    """The package, after the legal-limits guard; BuildFailed with a report if it objects. stamps, a
    dict if given, receives the data files' ``file_stamps`` as they were before the guard read them, and
    data/presentation.yml's as it was before it was checked."""
    shown = Path(root) / presentation.FILE
    shown_stamp = data_stamp(shown)
    package = configured_package(root)
    if stamps is not None:
        stamps.update(file_stamps(package))
        stamps[presentation.FILE.as_posix()] = (shown, shown_stamp)
    progress("checking legal limits (guard)")
    problems = package_shape_problems(package) or redact_columns(package, guard_package(package))
    if problems:
        fail_with_report(root, problems)
    return package


def check(root=ROOT, progress=None):
    """Run the guard and validate the package; raise BuildFailed reporting every problem of both."""
    progress = progress or Progress()
    recover_unless_busy(root, progress)
    package = configured_package(root)
    progress("checking legal limits (guard)")
    problems = package_shape_problems(package)
    if problems:
        fail_with_report(root, problems)
    problems = redact_columns(package, guard_package(package))
    progress("validating every resource against its Table Schema")
    problems += validate_package(package)
    if problems:
        fail_with_report(root, problems)
    return package


def validate_in_background(package, reused=frozenset(), prepare=None):
    """Start validation of the package in a child process (the load runs meanwhile; its result is
    discarded unless validation passes). The child, forked, has the package as the build loaded and
    checked it: it does not read the descriptor again. The child dies with the build: a killed build
    leaves no process behind holding its stderr. With prepare, (directory, previous downloads/ or
    None), a package that passed has its CSV release files written there by the child
    (``publish.prepare_downloads``) before it answers. Returns a function that waits and gives the
    problems (it also reaps the child); its ``stop`` ends the child without waiting."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=validate_in_child, args=(package, send, os.getpid(), reused, prepare), daemon=True)
    try:
        with signals_held():
            child.start()
    except BaseException:  # a signal held during the fork arrives as the hold ends: the child must not outlive it
        if child.pid is not None and child.is_alive():  # (it would go on writing into stage/, which is then left)
            child.kill()
            child.join()
        raise
    send.close()

    def wait():
        try:
            problems = receive.recv()
        except EOFError:  # the child died without an answer (killed, out of memory)
            problems = None
        finally:
            receive.close()
            child.join(timeout=5)
            stop()
        if problems is None:
            raise BuildFailed("validation stopped without a verdict (its process died: out of memory?)")
        if isinstance(problems, str):
            raise BuildFailed(problems)
        return problems

    def stop():
        """End the child if it still runs (the build stopped before asking: it may be writing into stage/)."""
        if child.is_alive():
            child.kill()
            child.join()
    wait.stop = stop
    return wait


def validate_in_child(package, send, parent, reused=frozenset(), prepare=None):
    """The child's side: validation problems (or a safe message) down the pipe, then exit."""
    die_with_parent(parent)
    for number in (signal.SIGINT, *STOP_SIGNALS):  # the build stops this process (no traceback of its own)
        signal.signal(number, signal.SIG_IGN)
    publish.release_lock_in_child()
    try:
        problems = validate_package(package, reused=reused)
        if prepare and not problems:
            prepare_release_files(package, *prepare)
        send.send(problems)
    except CertdataError as error:
        send.send(str(error))
    except Exception as error:  # the message may quote a value: the type only
        send.send(f"validation failed unexpectedly ({type(error).__name__})")
    finally:
        send.close()


def prepare_release_files(package, directory, previous):
    """The CSV release files, written beside the load; on any failure none (the documentation step
    then writes them itself, and reports what stops it)."""
    try:
        publish.prepare_downloads(package, Path(directory), previous)
    except Exception:  # noqa: BLE001 (a second chance follows in write_downloads)
        shutil.rmtree(directory, ignore_errors=True)


def build(root=ROOT, progress=None, datasette_url=None, full=False):
    """Check, load, write metadata and documentation, then swap the release into site/. Unless full,
    the database reuses what did not change since the previous release (``load.build_database``)."""
    root = Path(root)
    progress = progress or Progress()
    load.forget_digests()
    with publish.build_lock(root / "build"), signals_interrupt():  # a stopped build cleans build/stage/
        publish.recover_site(root, root / "build" / RECORD)
        recover_import(root, progress)
        stage = root / "build" / "stage"
        publish.remove_tree(stage)
        validated = early = None
        try:
            early = early_copy(root, stage, full)
            stamps = {}
            package = guarded_package(root, progress, stamps)
            check_version_against_previous(root, package)
            previous = previous_release(root)  # once: without the build's record of it, it is read whole to be checked
            check_previous_is_trusted(root, package, previous)
            reused = load.reused_resources(package, previous, full)
            if early is not None and not reused:  # a full build: the copy is not needed
                early = early.drop()
            progress("validating every resource against its Table Schema (while loading)"
                     + (f"; {len(reused)} unchanged since the previous release" if reused else ""))
            lender = previous_downloads(root, full)
            validated = validate_in_background(package, reused, prepare=(str(stage / "prepared"), lender))
            publish_stage(root, package, stage, validated, progress, datasette_url, full, stamps, early, lender, previous)
        finally:  # a failed or stopped build leaves no database or CSVs behind in build/stage/
            if validated is not None:
                validated.stop()
            if early is not None:
                early.drop()
            publish.remove_tree(stage)
        publish.remember_published(root / "site" / "downloads", root / "build" / RECORD)  # stage gone: stamps final
        progress(f"published site/ (package version {package.version})")
    return root / "site"


def publish_stage(root, package, stage, validated, progress, datasette_url, full=False, stamps=None, early=None,
                  lender=None, previous=None):
    """Load into stage/, wait for validation, build the site there and swap it into site/ (unless a data
    file changed since stamps were taken: what was checked must be what is published). early: the
    ``load.EarlyCopy`` of the previous release's database, if one was started; lender: the previous
    release's downloads/ (``previous_downloads``); previous: its database (``previous_release``), or None."""
    try:
        database = load.build_database(package, stage / publish.DATABASE_FILE, progress, previous=previous,
                                       reuse=not full, early=early)
    except load.IdentifiersReassigned as error:  # a cited officer address would show another record
        fail_with_report(root, (validated() or []) + error.problems)
    except load.ReferenceBroken as error:  # a reused resource refers to a key that is gone: the reference's report
        fail_with_report(root, validated() or validate_package(package, fast=False) or [
            Problem(DESCRIPTOR, None, None, "foreign-key", str(error))])
    except Exception:
        problems = validated()
        if problems:  # the load tripped on what validation reports: show the report instead
            fail_with_report(root, problems)
        raise
    digest = load.digest_in_background(database)  # for SHA256SUMS, while validation ends and the pages are written
    problems = validated()
    if problems:
        fail_with_report(root, problems)
    progress("validation passed")
    progress("building the documentation site")
    try:
        docs.build_site(package, database, stage / "site", datasette_url=datasette_url, progress=progress,
                        downloads=lambda directory: publish.write_downloads(package, database, directory,
                                                                             lender,
                                                                             database_digest=digest,
                                                                             prepared=stage / "prepared"))
    except docs.DocsFailed as error:
        raise BuildFailed(f"{error}\nNothing was published; site/ is unchanged.") from error
    datasette.write_metadata(package, stage / "site" / "datasette" / "metadata.json")
    raise_if_stopped()
    changed = [name for name, (path, stamp) in (stamps or {}).items() if data_stamp(path) != stamp]
    if changed:
        raise BuildFailed(f"{', '.join(sorted(changed))}: changed while the build ran, so what was checked may not be "
                          "what would be published; nothing was published (site/ is unchanged): build again")
    with signals_held():  # the release is in and the build says so: no signal between the two
        # (held in this thread only: another thread started before, the database's digest, can be given a
        # signal, and Python then runs the handler here at once; SWAPPING has it noted, not raised)
        SWAPPING.append(True)
        try:
            publish.swap_in(stage / "site", root)
            PUBLISHED.append(True)
        finally:
            SWAPPING.clear()  # (if swap_in raised, its error stops the build)


def file_stamps(package):
    """{resource path as written in the descriptor: (its file, data_stamp)} of every resource's data file."""
    return {r["path"]: (package.path(r), data_stamp(package.path(r))) for r in package.resources}


def data_stamp(path):
    """The file's ``load.file_stamp`` and the stamps of the links on its way (itself or a folder above):
    a link pointed at another file for the load and back again (an attack run did so) changes, though
    the file it points at now is the one that was checked."""
    path = Path(path)
    return load.file_stamp(path), tuple(load.file_stamp(p, follow_links=False) for p in (path, *path.parents) if p.is_symlink())


def check_version_against_previous(root, package):
    """Refuse a schema change that the package version does not announce (Data Package Version recipe)."""
    previous = previous_release(root, "datapackage.json")
    if previous is None:
        return
    try:
        publish.check_version(json.loads(previous.read_text(encoding="utf-8")), package.descriptor)
    except publish.ReleaseRefused as error:
        raise BuildFailed(f"{error} (bump version in datapackage.json)\nNothing was published; site/ is unchanged.") from error


def previous_downloads(root, full=False):
    """The downloads/ whose unchanged files a build links instead of copying, as a ``publish.Lender``
    (None for a full build)."""
    return None if full else publish.Lender(Path(root) / "site" / "downloads", Path(root) / "build" / RECORD)


RECORD = "published.json"  # in build/: the stamp and digest of each file of the release last published


def previous_release(root, name=publish.DATABASE_FILE):
    """A file of the release being replaced: site/downloads/ locally, build/previous/ in CI. The database
    only when its digest is the one its release's SHA256SUMS gives (``publish.Lender``): an incremental
    build reuses its rows and the changes table quotes them, so a copy edited since (by hand, stale or
    tampered) is not used."""
    candidate = previous_candidate(root, name)
    if candidate is not None and name == publish.DATABASE_FILE:
        if publish.Lender(candidate.parent, Path(root) / "build" / RECORD).digest(name) is None:
            return None
    return candidate


def check_previous_is_trusted(root, package, previous):
    """BuildFailed when the previous release's database is there but not the one its SHA256SUMS lists, while a
    state's officers are real: it is not used (previous_release), and without it the check that no published
    officer identifier is given to another record would not run (the twelfth attack run: a fetched database
    whose digest did not match let a hand edit reassign a cited identifier, published without a word)."""
    if previous is not None or previous_candidate(root) is None:  # (previous: previous_release(root))
        return
    real = [state.OFFICERS for state in states.of_package(package)
            if state.get("id_problems") and not package.resource(state.OFFICERS).get(SYNTHETIC)]
    if real:
        raise BuildFailed(f"the previous release's database ({previous_candidate(root).relative_to(root)}) is not the one "
                          "its SHA256SUMS lists, so it cannot be compared with, and the officer identifiers of "
                          f"{', '.join(real)} cannot be checked against it: fetch the live release again (in CI, "
                          "rerun the workflow), or restore site/ as published")


def previous_candidate(root, name=publish.DATABASE_FILE):
    """The file of the release being replaced, unchecked (None when there is none, or it is no regular file)."""
    for candidate in (Path(root) / "site" / "downloads" / name, Path(root) / "build" / "previous" / name):
        if candidate.is_symlink() or (candidate.exists() and not candidate.is_file()):
            return None  # a link, a pipe or a folder is no release (a pipe would hang the build on opening it)
        if candidate.exists():
            return candidate
    return None


def early_copy(root, stage, full=False):
    """Unless full, a ``load.EarlyCopy`` of the previous release's database into stage/, started now: an
    incremental build starts from it (None without a previous database)."""
    candidate = None if full else previous_candidate(root)
    if candidate is None:
        return None
    stage.mkdir(parents=True, exist_ok=True)
    return load.EarlyCopy(candidate, stage / "previous.db")


def diff_releases(old, new, root=ROOT):
    """A text report of what changed between two release databases."""
    from . import diff
    for path in (old, new):
        if not Path(path).is_file():
            raise BuildFailed(f"{path}: no such release database")
    return diff.summary(diff.diff_files(old, new, root))


def made_identifiers(root=ROOT, package=None):
    """A regular expression of the identifiers the package makes itself: the patterns of its officer resources' primary
    keys that no run of digits matches (an agency's own number, such as an Acadis ID, may be anything, and is not one), or
    None. (An attack run after the eighteenth: the diff withheld a state's training records' identifiers.)"""
    made, officers = set(), {state.OFFICERS for state in states.registered(root)}
    for resource in (package or Package.load(root)).resources:
        if resource.get("name") not in officers:  # the diff names the officer resources' rows only
            continue
        schema = resource.get("schema") or {}
        keys = schema.get("primaryKey") or []
        keys = [keys] if isinstance(keys, str) else keys
        for field in schema.get("fields") or []:
            pattern = (field.get("constraints") or {}).get("pattern") if field.get("name") in keys else None
            if isinstance(pattern, str):
                pattern = pattern.removeprefix("^").removesuffix("$")
                if not re.fullmatch(pattern, "0123456789"):
                    made.add(pattern)
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in sorted(made)) + r")(?![\w-])") if made else None


def served_files(root=ROOT):
    """The database and metadata of the current release in site/."""
    if not (Path(root) / "site").exists():  # a build killed mid-swap, unless one is swapping now
        with contextlib.suppress(publish.BuildLocked):
            with publish.build_lock(Path(root) / "build"):
                publish.recover_site(Path(root), Path(root) / "build" / RECORD)
    site = Path(root) / "site"
    database, metadata = site / "downloads" / publish.DATABASE_FILE, site / "datasette" / "metadata.json"
    if not database.exists() or not metadata.exists():
        raise BuildFailed(f"no release in {site}: run `python build.py` first")
    return database, metadata


SERVING_LOCK = ".serving-lock"  # in a snapshot: held (shared) by each server answering from it
SERVING_LOCK_FLAGS = os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK  # never a link's target, never a wait


SERVED_TEMPLATES = Path("datasette") / "templates"  # in a serving snapshot: the templates and static files it serves


def serving_snapshot(root=ROOT):
    """The current release as the server will see it for its whole life: build/serving/<key>/,
    a copy of site/ made of hard links (database, metadata, documentation and downloads). A
    rebuild swaps site/ for a new directory and never writes into a published file, so a running
    server keeps answering (and hashing, and tagging) the release it started with, documentation
    included. The snapshot stays locked (shared) while its server runs; unlocked older ones are
    removed. Returns (database, metadata, documentation directory)."""
    database, metadata = served_files(root)
    load.readable_release(database, "rebuild with `python build.py`")
    try:
        json.loads(metadata.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BuildFailed(f"{metadata}: the Datasette metadata cannot be read ({type(error).__name__}); "
                          "rebuild with `python build.py`") from None
    site = Path(root) / "site"
    serving = Path(root) / "build" / "serving"
    if os.path.islink(serving) or (os.path.lexists(serving) and not serving.is_dir()):
        publish.remove_tree(serving)  # a link there would have snapshots made, and folders removed, where it points
    serving.mkdir(parents=True, exist_ok=True)
    for _ in range(5):  # a rebuild may swap site/ during the copy: retry until it did not
        before = os.stat(site).st_ino
        linked = serving / f".copy-{os.getpid()}"
        shutil.rmtree(linked, ignore_errors=True)
        try:
            shutil.copytree(site, linked, copy_function=_link_or_copy, symlinks=True)
            key = _tree_key(linked)  # the release's (a snapshot holding other static files is not this one: _same_files)
            # the templates and static files too, which Datasette reads when a page first needs one or at each request:
            # an edit of the working tree had shown on the running server, under the fingerprint it started with (the
            # twelfth attack run: the static files; the thirteenth: a template no page had needed yet)
            shutil.copytree(datasette.TEMPLATES, linked / SERVED_TEMPLATES, symlinks=False)
        except (OSError, shutil.Error):
            shutil.rmtree(linked, ignore_errors=True)
            continue
        if os.stat(site).st_ino == before:
            break
        shutil.rmtree(linked, ignore_errors=True)
    else:
        raise BuildFailed("site/ kept changing while the server started: try again when the build is done")
    snapshot = serving / key
    if os.path.lexists(snapshot) and not _same_files(snapshot, linked):  # not this release's files: not used
        if not _remove_unless_served(snapshot):
            snapshot = serving / f"{snapshot.name}-{os.getpid()}"
    if snapshot.exists():
        shutil.rmtree(linked, ignore_errors=True)
    else:
        os.rename(linked, snapshot)
    lock = os.open(snapshot / SERVING_LOCK, SERVING_LOCK_FLAGS, 0o644)
    fcntl.flock(lock, fcntl.LOCK_SH)
    os.set_inheritable(lock, True)  # held across exec, for as long as the server runs
    remove_unused_snapshots(serving, keep=snapshot)
    return (snapshot / "downloads" / publish.DATABASE_FILE, snapshot / "datasette" / "metadata.json", snapshot)


def _link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:  # another file system: a copy does as well
        shutil.copy2(source, target)


def _tree_key(directory):
    """A name for a copy of site/: the same release (the same files) gives the same name."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        info = path.lstat()
        digest.update(f"{path.relative_to(directory)}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


def _same_files(snapshot, linked):
    """Whether an existing snapshot holds the same paths as linked, each the same file (inode), so is a
    copy of the same release made of hard links (a folder planted under that name is not)."""
    def files(directory):
        return {path.relative_to(directory): (info.st_dev, info.st_ino, stat.S_IFMT(info.st_mode))
                for path in directory.rglob("*") if path.name != SERVING_LOCK
                for info in [path.lstat()] if not stat.S_ISDIR(info.st_mode)}
    try:
        return files(snapshot) == files(linked)
    except OSError:
        return False


def remove_unused_snapshots(serving, keep):
    """Delete the snapshots no running server holds (their lock can be taken exclusively)."""
    for snapshot in serving.iterdir():
        if snapshot == keep or not snapshot.is_dir():
            continue
        if snapshot.name.startswith(".copy-"):  # another server's copy in progress, unless its process died
            if _process_alive(snapshot.name.removeprefix(".copy-")):
                continue
            shutil.rmtree(snapshot, ignore_errors=True)
            continue
        _remove_unless_served(snapshot)


def _remove_unless_served(snapshot):
    """Remove a snapshot unless a running server holds its lock; whether it is gone."""
    if os.path.islink(snapshot) or not os.path.isdir(snapshot):
        publish.remove_tree(snapshot)
        return True
    try:
        handle = os.open(snapshot / SERVING_LOCK, SERVING_LOCK_FLAGS, 0o644)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        shutil.rmtree(snapshot, ignore_errors=True)
        return not os.path.lexists(snapshot)
    except BlockingIOError:
        return False
    finally:
        os.close(handle)


def _process_alive(pid):
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def serve(root=ROOT, port=8001, host="127.0.0.1", get=None, deployed=False):
    """Run Datasette on the released database with the deployment's flags (or, with get, fetch one path),
    and the documentation site of the same release under /docs/ (plugins/pages.py), so that one
    local server answers every link of both. The deployment serves the documentation elsewhere.
    deployed: with the deployment's settings (``datasette.DEPLOY_SETTINGS``: force_https_urls on), for the
    fingerprint the deployed server will give."""
    database, metadata, documentation = serving_snapshot(root)
    os.environ["CERTDATA_DOCS_DIR"] = str(documentation.resolve())
    args = datasette.serve_args(database, metadata, host=host, port=port, get=get, templates=documentation / SERVED_TEMPLATES,
                                deployed=deployed)
    executable = Path(sys.executable).with_name("datasette")
    os.execv(str(executable), [str(executable)] + args[1:])


def sizes(pairs):
    """{name: int} from NAME=N strings; BuildFailed on anything else."""
    out = {}
    for pair in pairs:
        name, _, number = pair.partition("=")
        if not name.isidentifier() or not number.isdigit():
            raise BuildFailed(f"--size {pair!r}: expected NAME=N, N a whole number (the names are the sizes each state module's sample takes)")
        out[name] = int(number)
    return out


def write_sample(out=None, sizes=None, root=ROOT, progress=print):
    """Write the synthetic sample CSVs (default sizes, or the given ones) into out or data/. Refuses to write over
    a resource that holds an agency's release: the sample would replace it, and its generated names would take
    the officer ids the release published."""
    from . import sample
    out = Path(out) if out else Path(root) / "data"
    texts = sample.generate(root=root, **(sizes or {}))
    package = load_package(root)
    synthetic = set(package.synthetic_resources())
    released = [package.resource(name)["path"] for name in texts if name not in synthetic
                and (out / f"{name}.csv").resolve() == package.path(package.resource(name)).resolve()]
    if released:
        raise BuildFailed(f"{', '.join(released)}: an agency's release, which the sample would overwrite (and give its "
                          "published officer ids to generated names); nothing was written. Write the sample elsewhere "
                          "with --out DIR")
    out.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (out / f"{name}.csv").write_text(text, encoding="utf-8")
        progress(f"wrote {out / name}.csv: {text.count(chr(10)) - 1} rows")


MAX_PREVIOUS_DESCRIPTOR = 64 * 1024 * 1024


def release_check(root=ROOT, previous=None, demo=False, partial=False):
    """Raise ReleaseRefused unless the package may be deployed (see publish.release_check)."""
    package = load_package(root)
    previous_descriptor = None
    if previous:
        previous = Path(previous)
        if not previous.is_file():  # a path given and missing is no "first release" (the workflow fails closed)
            raise BuildFailed(f"{previous}: {'not a regular file' if previous.exists() else 'no such file'} (the live "
                              "release's descriptor; leave out --previous for a first release)")
        if previous.stat().st_size > MAX_PREVIOUS_DESCRIPTOR:  # (a FIFO hung; /dev/zero was read until memory ran out)
            raise BuildFailed(f"{previous}: larger than {MAX_PREVIOUS_DESCRIPTOR // (1024 * 1024)} MB, not a release's descriptor")
        try:
            previous_descriptor = read_json(previous, "the previous release's descriptor", label=str(previous))
            if isinstance(previous_descriptor, dict) and not VERSION.fullmatch(str(previous_descriptor.get("version"))):
                raise BuildFailed(f"{previous}: the previous release's version is not MAJOR.MINOR.PATCH (at most nine digits each)")
            publish.schema_signature(previous_descriptor)
        except PackageError as error:
            raise BuildFailed(str(error)) from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BuildFailed(f"{previous}: cannot read the previous release's descriptor ({type(error).__name__})") from None
    return publish.release_check(package, previous_descriptor, demo=demo, partial=partial)


def deploy(root=ROOT, service="police-certification"):
    """``datasette publish cloudrun`` of the current release with the serve settings; returns its exit code."""
    database, metadata = served_files(root)
    args = datasette.publish_args(database, metadata, service)
    return subprocess.run([str(Path(sys.executable).with_name("datasette"))] + args[1:]).returncode


def import_release(source, path, root=ROOT, received=None, progress=print, same_officer=(), retire_most=False,
                   blank_fields=(), columns=(), encoding=None):
    """Import an agency's file as received, then check the package: all or nothing. On any problem, and
    on Ctrl-C or a termination signal, every file the import changed is restored and every file it
    created is removed before the error is passed on."""
    from datetime import date

    from . import importers
    root = Path(root)
    if received is not None:  # it becomes part of a file name and of the provenance: a real date only
        try:
            if date.fromisoformat(received).isoformat() != received:
                raise ValueError
        except ValueError:
            raise BuildFailed("--received must be a date written YYYY-MM-DD (the day the release was received)") from None
        if date.fromisoformat(received) > date.today():  # (an attack run: 2099-12-31 was published as provenance,
            raise BuildFailed(f"--received {received} is after today: give the day the release was received")  # and
            # bounded the training completion dates)
    from .names import free_text_problem
    if free_text_problem(Path(path).name.replace("_", " ")):  # every message names the file: it would echo the value
        raise BuildFailed("import failed: the file's name holds what looks like a telephone number, an e-mail address "
                          "or another closed value (not shown), which every message about the file would repeat; rename "
                          "the file (the agency and the date it was received are enough) and import it again\n"
                          "Nothing was changed.")
    with publish.build_lock(root / "build"), signals_interrupt():
        recover_import(root, progress)
        package = Package.load(root)
        redaction.use_identifiers(made_identifiers(root, package))
        start_journal(root, package)
        try:
            written = importers.run(source, path, package, received=received, report=progress, same_officer=same_officer,
                                    retire_most=retire_most, blank_fields=blank_fields, columns=columns, encoding=encoding)
            check(root, progress)
        except BaseException as error:
            undo_import(root)
            if isinstance(error, importers.ImportError_):
                raise BuildFailed(f"import failed: {error}\nNothing was changed.") from error
            if isinstance(error, BuildFailed):
                raise BuildFailed(f"the imported file does not pass the checks:\n{error}\nThe import was undone.") from error
            if isinstance(error, KeyboardInterrupt):
                raise KeyboardInterrupt(f"{str(error) or 'interrupted'}: the import was undone, nothing was changed") from error
            if isinstance(error, OSError):  # a full disk, an unwritable folder: the import names where it wrote
                where = f" ({error.filename})" if error.filename else ""
                raise BuildFailed(f"import failed: {error.strerror or type(error).__name__}{where} while reading "
                                  f"{Path(path).name} or writing the package's files (data/, datapackage.json, and the "
                                  "journal under build/); check free disk space and permissions\nNothing was changed.") from error
            progress("the import stopped; it was undone, nothing was changed")
            raise
        end_journal(root)
        progress(f"imported {Path(path).name}: wrote {', '.join(str(p.relative_to(root)) for p in written)}")


@contextlib.contextmanager
def signals_interrupt():
    """While importing or building, Ctrl-C and the other catchable signals that would end the process
    (``children.STOP_SIGNALS``) stop the work with an exception, so that an import is undone and a
    build's stage removed, instead of killing the process mid-way; once a build has swapped its release
    in, they stop nothing. Main thread only (where signals arrive)."""
    previous = {}
    STOPPED.clear()
    PUBLISHED.clear()
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, *STOP_SIGNALS):
            previous[number] = signal.signal(number, stopped_by_signal)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)  # None: set outside Python


STOPPED = []  # the signals received: an exception raised in a handler can be swallowed (during a fork,
# in a finalizer), so the build also checks this before it publishes


PUBLISHED = []  # set once a build has swapped its release in: a signal after it stops nothing (the build
# is done) and must not make the build report that nothing was published


SWAPPING = []  # set while the release is swapped in: a signal then is noted, and stops the build only if the swap fails


def stopped_by_signal(number, frame):
    STOPPED.append(number)
    if not PUBLISHED and not SWAPPING:
        raise KeyboardInterrupt(f"stopped by {signal.Signals(number).name}")


def raise_if_stopped():
    """Raise KeyboardInterrupt if a termination signal arrived, even one whose exception was swallowed."""
    if STOPPED:
        raise KeyboardInterrupt(f"stopped by {signal.Signals(STOPPED[-1]).name}")


JOURNAL = Path("build") / "import-journal"
JOURNAL_NEW = Path("build") / "import-journal.new"  # the journal being written


def start_journal(root, package):
    """Record on disk, before an import writes, what it may change: a hard link to (or a copy of) the
    descriptor, every CSV under data/ and every resource's file, and the list of every path under data/.
    The journal appears whole or not at all (written beside, then renamed), so that an import killed
    at any point, even by SIGKILL, is undone by the next command (``recover_import``)."""
    final, temp = root / JOURNAL, root / JOURNAL_NEW
    shutil.rmtree(temp, ignore_errors=True)
    (temp / "saved").mkdir(parents=True)
    files = {}
    candidates = [root / DESCRIPTOR, *(root / "data").glob("*.csv"), *(package.path(r) for r in package.resources)]
    for number, path in enumerate(dict.fromkeys(candidates)):
        relative = os.path.relpath(path, root)
        files[relative] = None  # absent: removed on undo if the import creates it
        if path.is_file() and not path.is_symlink():
            _link_or_copy(path, temp / "saved" / str(number))
            files[relative] = str(number)
        elif os.path.lexists(path):
            files[relative] = False  # a link or not a file: the importer refuses to write it; left alone
    manifest = {"files": files, "paths": sorted(os.path.relpath(p, root) for p in existing_paths(root / "data"))}
    with open(temp / "manifest.json", "w", encoding="utf-8") as out:
        json.dump(manifest, out)
        out.flush()
        os.fsync(out.fileno())
    os.rename(temp, final)


def end_journal(root):
    """The import is complete (or undone): forget its journal."""
    shutil.rmtree(root / JOURNAL, ignore_errors=True)


def recover_import(root, progress=print):
    """Undo an import that a killed process left unfinished (its journal is still there); call with the
    build lock held. Returns True if there was one."""
    root = Path(root)
    shutil.rmtree(root / JOURNAL_NEW, ignore_errors=True)  # killed before it began
    if not (root / JOURNAL / "manifest.json").is_file():
        shutil.rmtree(root / JOURNAL, ignore_errors=True)
        return False
    undo_import(root)
    progress("an import that was stopped before it finished (the process was killed) has been undone; "
             "data/ and datapackage.json are as before it")
    return True


def recover_unless_busy(root, progress):
    """For a command that does not hold the build lock: undo an import a killed process left unfinished,
    and remove the stage a killed build left (a database and CSVs in build/stage/), only if no build or
    import is running now (a running import's journal and a running build's stage are their own)."""
    root = Path(root)
    stage = root / "build" / "stage"
    if (root / JOURNAL).exists() or (root / JOURNAL_NEW).exists() or stage.exists():
        try:
            with publish.build_lock(root / "build"):
                recover_import(root, progress)
                publish.remove_tree(stage)
        except publish.BuildLocked:
            pass


def existing_paths(directory):
    """Every path under directory, links included and not followed."""
    for parent, folders, names in os.walk(directory):
        for name in folders + names:
            yield Path(parent) / name


def journal_manifest(root):
    """The stopped import's manifest, checked to name only what an import may write: the descriptor and
    paths under data/ (relative, no '..', in folders inside data/), each saved copy a regular file of the
    journal. BuildFailed otherwise: a journal that names anything else is not this program's, and is
    not followed."""
    root = Path(root)
    journal = root / JOURNAL
    try:
        if journal.is_symlink() or (journal / "saved").is_symlink():
            raise publish.NotAFile(f"{journal}: a link")
        with publish.open_regular(journal / "manifest.json", os.O_RDONLY) as handle:
            manifest = json.loads(handle.read(MANIFEST_BYTES + 1)[:MANIFEST_BYTES])
        files, paths = manifest["files"], manifest["paths"]
        well_formed = isinstance(files, dict) and isinstance(paths, list) and all(isinstance(p, str) for p in paths)
    except (OSError, ValueError, KeyError, TypeError, publish.NotAFile):
        well_formed = False
    if well_formed:
        data = (root / "data").resolve()
        for relative, saved in files.items():
            parts = Path(relative).parts
            inside = (relative == DESCRIPTOR or (len(parts) > 1 and parts[0] == "data" and ".." not in parts
                                                 and not Path(relative).is_absolute()
                                                 and (root / relative).parent.resolve().is_relative_to(data)))
            copy = journal / "saved" / saved if isinstance(saved, str) and saved.isdigit() else None
            if not inside or not (saved in (None, False) or (copy is not None and (not copy.exists() or copy.is_file())
                                                              and not copy.is_symlink())):
                well_formed = False
                break
    if well_formed and undo_removes_a_resource(root, manifest):
        well_formed = False
    if not well_formed:
        raise BuildFailed(f"{journal}: the journal of a stopped import cannot be used (unreadable, or it names "
                          "files an import does not write); nothing was undone. Check data/ and datapackage.json "
                          f"(git status), then remove {journal}")
    return manifest


def undo_removes_a_resource(root, manifest):
    """Whether undoing would remove a data file that the descriptor, as the undo leaves it, names: an
    import only adds files beside the ones it replaces, so a journal that would do so is not its own."""
    saved = manifest["files"].get(DESCRIPTOR)
    descriptor = root / JOURNAL / "saved" / saved if isinstance(saved, str) and (root / JOURNAL / "saved" / saved).is_file() \
        else root / DESCRIPTOR
    try:
        with publish.open_regular(descriptor, os.O_RDONLY) as handle:
            resources = json.loads(handle.read(MANIFEST_BYTES)).get("resources", [])
        named = {os.path.normpath(root / path) for r in resources if isinstance(r, dict)
                 for path in ([r.get("path")] if isinstance(r.get("path"), str) else r.get("path") or [])
                 if isinstance(path, str)}
    except (OSError, ValueError, AttributeError, TypeError, publish.NotAFile):
        return True
    kept = {os.path.normpath(root / p) for p in manifest["paths"]}
    return any(os.path.normpath(path) in named for path in existing_paths(root / "data")
               if os.path.normpath(path) not in kept)


MANIFEST_BYTES = 16 * 1024 * 1024  # a manifest lists the paths under data/: far below this
RAW = Path("data") / "raw"  # where an import keeps the agency's original


def created_by_import(root, manifest):
    """The paths under data/ that the stopped import created, deepest first: those its manifest did not list, of
    the kinds an import writes (a CSV in data/, the original under data/raw/, that folder), changed since the
    journal was written. A journal planted under build/ (whoever can write there) that lists nothing had had
    every other path removed, the agency's originals, the schemas and the sources among them (the thirteenth
    attack run): what existed before its manifest is never removed."""
    root = Path(root)
    kept = {root / p for p in manifest["paths"]}
    began = (root / JOURNAL / "manifest.json").stat().st_ctime_ns
    out = []
    for path in set(existing_paths(root / "data")) - kept:
        relative = path.relative_to(root)
        kind = ((relative.parent == Path("data") and relative.suffix == ".csv") or relative == RAW
                or (relative.parent == RAW and not path.is_dir()))
        if kind and path.lstat().st_ctime_ns >= began:
            out.append(path)
    return sorted(out, key=lambda p: len(p.parts), reverse=True)


def undo_import(root):
    """Put back every file the journal saved and remove every path created under data/ since, with
    Ctrl-C and the termination signals held off until done (a second Ctrl-C must not leave the undo half
    done); then forget the journal. Safe to run again if killed itself: each step is a rename or a removal."""
    journal = root / JOURNAL
    manifest = journal_manifest(root)
    held = {signal.SIGINT, *STOP_SIGNALS}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        for relative, saved in manifest["files"].items():
            target = root / relative
            if saved is False:
                continue
            if saved is None:
                if target.is_file() or target.is_symlink():
                    target.unlink()
            elif (journal / "saved" / saved).exists():
                os.replace(journal / "saved" / saved, target)  # a rename: replaces a link, never follows it
        for created in created_by_import(root, manifest):
            if created.is_dir() and not created.is_symlink():
                shutil.rmtree(created, ignore_errors=True)
            else:
                created.unlink(missing_ok=True)
        end_journal(root)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
