"""Publish: assemble a release and swap it into ``site/`` in one step.

Takes: a staged site directory and the built database. Gives: ``site/`` with
``downloads/`` (the SQLite file, the CSVs, ``datapackage.json`` with bytes and
sha256 for every resource, the data dictionary and ``SHA256SUMS``). A lock keeps
two builds apart; the previous ``site/`` is replaced only when the new one is
complete, and is restored if a build died between the two renames.
"""
import csv
import fcntl
import io
import itertools
import json
import os
import re
import shutil
import stat
import contextlib
from contextlib import contextmanager
from pathlib import Path

from .errors import CertdataError
from .load import file_sha256, file_stamp
from . import disclosure, sources, states
from .package import DESCRIPTOR, SYNTHETIC, fields, labelled, labelled_package, not_published, shown_example

DATABASE_FILE = "certification.db"


class BuildLocked(CertdataError):
    """Another build holds the lock."""


LOCK_HANDLES = []


def release_lock_in_child():
    """In a forked helper process: drop the inherited lock file, so that the lock dies with the build."""
    for handle in LOCK_HANDLES:
        handle.close()


@contextmanager
def build_lock(build_dir):
    """An exclusive, non-blocking lock on build/.lock for the whole build."""
    build_dir.mkdir(parents=True, exist_ok=True)
    handle = open_regular(build_dir / ".lock")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        handle.close()
        raise BuildLocked(f"another build is running (lock held on {build_dir / '.lock'}); wait for it to finish") from error
    LOCK_HANDLES.append(handle)
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
        LOCK_HANDLES.remove(handle)


class NotAFile(CertdataError):
    """A file the build keeps under build/ is a link, a pipe or a folder."""


def open_regular(path, flags=os.O_RDWR | os.O_CREAT):
    """A file object on path, created if missing (never truncated), refusing a link (which would let the
    build write wherever it points) and anything but a regular file (a pipe would hang the build)."""
    try:
        descriptor = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise NotAFile(f"{path}: cannot be opened as a regular file ({error.strerror}); "
                       "remove it and run the command again") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise NotAFile(f"{path}: is not a regular file; remove it and run the command again")
    return os.fdopen(descriptor, "r+b" if flags & os.O_RDWR else "rb")


def recover_site(root, record=None):
    """Put back the previous site if a build died between moving it aside and moving the new one in: only
    a release, whose database is the one its SHA256SUMS lists (``Lender``; record: the build's record of
    what it published), not a folder planted at build/site.old."""
    site, old = root / "site", root / "build" / "site.old"
    if not site.exists() and old.is_dir() and not old.is_symlink():
        if Lender(old / "downloads", record).digest(DATABASE_FILE) is not None:
            os.rename(old, site)


SAMPLE_PREFIX = "SYNTHETIC-SAMPLE-"


def download_name(resource):
    """A resource's file name in downloads/: a synthetic sample says so in its name, so that a
    file passed on without its descriptor still cannot be taken for an agency's release."""
    name = Path(resource["path"]).name
    return SAMPLE_PREFIX + name if resource.get("pcr:synthetic") else name


PREPARED_DIGESTS = "digests.json"


def prepare_downloads(package, directory, previous=None):
    """Write into directory the release copies of every CSV that the previous release's downloads/ (a
    ``Lender``) cannot lend (by digest): the CSV, its spreadsheet copy, and their digests in digests.json.
    Run by the validation process once the package passed, beside the load, so that the documentation
    step only links them (``write_downloads``); the digests are those of the bytes copied."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "spreadsheet").mkdir(exist_ok=True)
    digests = {}
    for resource in package.resources:
        name = download_name(resource)
        if previous is not None and previous.lends(name, file_sha256(package.path(resource))):
            continue  # linked from the previous release
        shutil.copyfile(package.path(resource), directory / name)
        write_spreadsheet_safe(directory / name, directory / "spreadsheet" / name)
        for path in (name, f"spreadsheet/{name}"):
            digests[path] = file_sha256(directory / path)
    (directory / PREPARED_DIGESTS).write_text(json.dumps(digests), encoding="utf-8")


def write_downloads(package, database, downloads, previous=None, database_digest=None, prepared=None):
    """Copy the release files into downloads/ and write the checksummed descriptor. With the previous
    release's downloads/ (a ``Lender``), a CSV whose digest is unchanged is hard-linked from it with its
    spreadsheet copy (release files are replaced, never written into, so the link is safe); else from prepared
    (``prepare_downloads``' directory) when it holds the same bytes. database_digest, when given, is a
    function giving the database's digest (``load.digest_in_background``). Returns the function that
    writes SHA256SUMS (an empty file until then), waiting for that digest: called last, the pages are
    written while the database is hashed."""
    downloads.mkdir(parents=True, exist_ok=True)
    link_or_copy(database, downloads / DATABASE_FILE)  # the staged database is never written again
    (downloads / "spreadsheet").mkdir(exist_ok=True)
    (downloads / "SHA256SUMS").touch()  # written by the function returned
    known = {}  # digests already computed (each CSV was hashed for the load)
    ready = prepared_sums(prepared)
    for resource in package.resources:
        name, digest = download_name(resource), file_sha256(package.path(resource))
        known[name] = digest
        sheet = f"spreadsheet/{name}"
        if previous is not None and previous.lends(name, digest) and reuse(previous.directory, downloads, [name, sheet]):
            known[sheet] = previous.digest(sheet)
        elif ready.get(name) == digest and sheet in ready and reuse(prepared, downloads, [name, sheet]):
            known[sheet] = ready[sheet]
        else:
            shutil.copyfile(package.path(resource), downloads / name)  # a copy: data/ is edited in place
            write_spreadsheet_safe(package.path(resource), downloads / sheet)
    (downloads / DESCRIPTOR).write_text(json.dumps(release_descriptor(package), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for source_id, copy in sources.source_copies(package).items():  # the documents themselves, contact details removed
        (downloads / "sources").mkdir(exist_ok=True)
        shutil.copyfile(copy, downloads / sources.download_name(source_id))
    dictionary = data_dictionary(package)
    (downloads / "data-dictionary.json").write_text(json.dumps(dictionary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (downloads / "data-dictionary.csv").write_text(dictionary_csv(dictionary), encoding="utf-8")
    write_spreadsheet_safe(downloads / "data-dictionary.csv", downloads / "spreadsheet" / "data-dictionary.csv")

    def checksums():
        if database_digest:
            known[DATABASE_FILE] = database_digest()
        write_checksums(downloads, known)
    return checksums


def prepared_sums(prepared):
    """{relative path: digest} of what prepare_downloads wrote ({} when it did not finish)."""
    try:
        return json.loads((Path(prepared) / PREPARED_DIGESTS).read_text(encoding="utf-8")) if prepared else {}
    except (OSError, ValueError):
        return {}


def previous_sums(previous):
    """{relative path: digest} of a previous release's SHA256SUMS ({} without one)."""
    try:
        if not previous:
            return {}
        with open_regular(Path(previous) / "SHA256SUMS", os.O_RDONLY) as handle:  # a pipe there would hang
            text = handle.read(RECORD_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, NotAFile):
        return {}
    return {path: digest for digest, _, path in (line.partition("  ") for line in text.splitlines())}


class Lender:
    """A previous release's downloads/ as a source of files for the next: a file is lent only if its
    bytes are the ones its SHA256SUMS lists. Its digest is taken from record (``remember_published``:
    written by the build that published it) while its stamp is the one recorded there (any write changes
    the change time), else read from the file; a link or anything but a regular file is never lent."""

    def __init__(self, directory, record=None):
        self.directory = Path(directory)
        self.listed = previous_sums(self.directory)
        self.recorded = published_files(record, self.directory)
        self.known = {}

    def digest(self, name):
        """The file's digest if it is the one SHA256SUMS lists for it, else None."""
        if name not in self.known:
            self.known[name] = None
            path = self.directory / name
            if name in self.listed and not path.is_symlink() and path.is_file():
                stamp, digest = self.recorded.get(name, (None, None))
                if stamp is None or stamp != list(file_stamp(path) or ()):
                    digest = file_sha256(path)
                self.known[name] = digest if digest == self.listed[name] else None
        return self.known[name]

    def lends(self, name, digest):
        """Whether the CSV name (with its spreadsheet copy) can be lent for a resource whose file has digest."""
        return self.digest(name) == digest and self.digest(f"spreadsheet/{name}") is not None


def remember_published(downloads, record):
    """Record, in the file record, the stamp and digest of every file of downloads/ just published (the
    digests its SHA256SUMS gives, written moments ago by this build), for ``Lender``. Best effort:
    without the record the next build reads the files again."""
    downloads, record = Path(downloads), Path(record)
    files = {name: [*stamp, digest] for name, digest in previous_sums(downloads).items()
             for stamp in [file_stamp(downloads / name)] if stamp is not None}
    temp = record.with_name(record.name + ".tmp")
    try:
        temp.unlink(missing_ok=True)  # a link planted there is removed, never written through
        with open(temp, "x", encoding="utf-8") as out:
            json.dump({"directory": str(downloads.resolve()), "files": files}, out)
        os.replace(temp, record)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


RECORD_BYTES = 16 * 1024 * 1024  # a record lists the files of downloads/: far below this


def published_files(record, downloads):
    """{name: (stamp as a list, digest)} from record for the files of downloads/ ({} when the record is
    missing, unreadable, not a regular file, or of another folder)."""
    if record is None:
        return {}
    try:
        with open_regular(record, os.O_RDONLY) as handle:
            content = json.loads(handle.read(RECORD_BYTES))
        if content["directory"] != str(Path(downloads).resolve()):
            return {}
        return {name: (entry[:4], entry[4]) for name, entry in content["files"].items()
                if isinstance(entry, list) and len(entry) == 5}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, NotAFile):
        return {}


def reuse(previous, downloads, names):
    """Hard-link the named files of the previous downloads/ into downloads/; False (nothing linked)
    when one is missing or the link fails."""
    try:
        for name in names:
            os.link(Path(previous) / name, downloads / name)
    except OSError:
        for name in names:
            (downloads / name).unlink(missing_ok=True)
        return False
    return True


def link_or_copy(source, target):
    """A hard link of source at target (a copy on another file system)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def release_descriptor(package):
    """The descriptor as published: flat CSV paths, schemas inlined, bytes, hash, not-released list."""
    descriptor = json.loads(json.dumps(package.descriptor))
    descriptor["title"], descriptor["description"] = labelled_package(descriptor, package.synthetic_resources())
    shared = shared_sample_rows(package)
    for resource in descriptor["resources"]:
        if resource["name"] not in shared:
            resource["title"], resource["description"] = labelled(resource)
        path = package.path(resource)
        resource["path"] = download_name(resource)
        resource["bytes"] = path.stat().st_size
        resource["hash"] = "sha256:" + file_sha256(path)
        missing = not_published(package, resource)
        if missing:
            resource["pcr:notPublished"] = missing
        if resource["name"] in shared:  # only some states' rows are the sample's: the flag would say it of every row
            del resource[SYNTHETIC]
            resource["pcr:syntheticRows"] = {"field": shared[resource["name"]]["field"],
                                             "values": [code for code, _ in shared[resource["name"]]["sample"]]}
            resource["title"] += " (partly a synthetic sample)"
            resource["description"] = shared_sample_notice(shared[resource["name"]]) + " " + resource["description"]
            resource["sources"] = [*resource.get("sources", []), *(json.loads(json.dumps(source)) for source in
                                                                    real_state_sources(package, shared[resource["name"]]))]
    for source in [*descriptor.get("sources", []), *(s for r in descriptor["resources"] for s in r.get("sources", []))]:
        if isinstance(source, dict) and source.get("pcr:id") and source.get("pcr:text"):
            source["pcr:text"] = sources.download_name(source["pcr:id"])  # beside the descriptor, as published
        if isinstance(source, dict) and source.get("pcr:sha256") and "path" in source:
            # an agency's file as received (data/raw/, kept out of the repository): not published, so not named by
            # a path a reader would look for beside the descriptor (a walk); its digest identifies it
            del source["path"]
            source["pcr:notPublished"] = "the agency's file as received is kept by the maintainers; its SHA-256 is pcr:sha256"
    return descriptor


def data_dictionary(package):
    """One entry per field of every resource, from the schemas."""
    statutes = disclosure.citations(package)
    return [{"resource": r["name"], "field": f["name"], "title": f.get("title"), "type": f.get("type", "string"),
             "format": f.get("format", "default"), "required": bool(f.get("constraints", {}).get("required")),
             "description": f.get("description"), "example": shown_example(r, f),
             "disclosure_grounds": disclosure.kinds_text(f), "disclosure": disclosure.summary(f, statutes)}
            for r in package.resources for f in fields(r)]


def dictionary_csv(dictionary):
    """The data dictionary as CSV."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(dictionary[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(dictionary)
    return out.getvalue()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")  # the same rule as plugins/csvexport.py


def spreadsheet_safe(cell):
    """A cell a spreadsheet will not run: formula-leading text gets a leading apostrophe."""
    return "'" + cell if cell.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(cell) else cell


BOM = b"\xef\xbb\xbf"
# Bytes mapped for the formula scan: a formula's first character to 1, a cell start (comma, line
# break) to 2, the quote kept, everything else to 0.
CELL_MAP = bytes(1 if chr(b) in "=+-@\t\r" else 2 if chr(b) in ",\n" else b if chr(b) == '"' else 0 for b in range(256))


def copy_unless_formula(source, target, block_size=1 << 22):
    """Copy the CSV to target after a byte-order mark, block by block (memory stays flat), and
    return False; stop and return True as soon as a cell may start with a formula character (at the
    start of the file, after a comma or a line break, quoted or not). One translation and two
    substring searches per block run in C at memory speed; the last bytes of each block are carried
    over, so that no cell start is split between two blocks."""
    with open(source, "rb") as inp, open(target, "wb") as out:
        out.write(BOM)
        carried = b"\x02"  # the file's start is a cell start
        head = inp.read(len(BOM))  # a mark already there is not copied twice
        blocks = iter(lambda: inp.read(block_size), b"")
        for block in itertools.chain([] if head == BOM else [head], blocks):
            cells = carried + block.translate(CELL_MAP)
            if b"\x02\x01" in cells or b'\x02"\x01' in cells:
                return True
            out.write(block)
            carried = cells[-2:]
    return False


def write_spreadsheet_safe(source, target):
    """A copy of a CSV for spreadsheets: UTF-8 with a byte-order mark (so that Excel reads accents
    as UTF-8), formula-leading cells prefixed, everything else as released."""
    if not copy_unless_formula(source, target):  # nothing to defuse: the bytes as released, after the mark
        return
    with open(source, encoding="utf-8-sig", newline="") as inp, open(target, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for row in csv.reader(inp):
            writer.writerow([spreadsheet_safe(cell) for cell in row])


def write_checksums(downloads, known=None):
    """SHA256SUMS in the format ``sha256sum -c`` reads, every file under downloads/ (known: digests
    of some of them by relative path, already computed)."""
    known = known or {}
    files = sorted(p.relative_to(downloads).as_posix() for p in downloads.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{known.get(name) or file_sha256(downloads / name)}  {name}" for name in files]
    (downloads / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def swap_in(staged, root):
    """Replace site/ with the staged site: move the old aside, move the new in, drop the old."""
    site, old = root / "site", root / "build" / "site.old"
    remove_tree(old)
    if site.exists():
        os.rename(site, old)
    os.rename(staged, site)
    remove_tree(old)


def remove_tree(path):
    """Remove a folder and what it holds; a link, file or pipe planted at its name is removed itself (a
    link is never followed, a pipe never opened)."""
    if os.path.islink(path) or (os.path.lexists(path) and not os.path.isdir(path)):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    else:
        shutil.rmtree(path, ignore_errors=True)


class ReleaseRefused(CertdataError):
    """The release must not be deployed."""


def release_check(package, previous_descriptor=None, demo=False, partial=False):
    """Refuse a deployment of synthetic samples (unless a demo, when every state's records are a sample, or a partial
    release, when some state's are real: each labelled by state), a real state's release that still publishes its
    sample's placeholder rows or speaks of a sample, a schema change without the right version bump, or changed data
    under the live release's version. Returns the release's account of itself (``release_account``)."""
    account = release_account(package)
    real, sample = account["real"], account["sample"]
    if account["synthetic"] and not sample:  # a sample that is no state's: nothing labels it by state
        raise ReleaseRefused(f"resources {', '.join(account['synthetic'])} are synthetic samples of no state; "
                             "deploy them only as an explicit demo (workflow input demo=true)")
    if sample and real and not partial:
        raise ReleaseRefused(f"{account['summary']}: deploy it only as a partial release, each state's rows labelled "
                             "(workflow input partial=true), or import the remaining agencies' releases first")
    if sample and not real and not demo:
        raise ReleaseRefused(f"every state's officer records are synthetic samples ({account['summary']}): deploy them "
                             "only as an explicit demo (workflow input demo=true)")
    if partial and not (sample and real):
        raise ReleaseRefused(f"{account['summary']}: a partial release holds one state's real records beside another's "
                             "sample; " + ("use demo=true" if sample else "leave partial out"))
    if demo and real:
        raise ReleaseRefused(f"{account['summary']}: a release holding a state's real records is no demo; "
                             "use partial=true, whose release notes say which records are real")
    problems = real_state_problems(package, [s for s in states.of_package(package) if s.NAME in real])
    if problems:
        raise ReleaseRefused("a real release must not publish what only the synthetic sample needed:\n" + "\n".join(problems))
    if previous_descriptor:
        check_version(previous_descriptor, package.descriptor)
        check_data_version(previous_descriptor, package)
    return account


def release_account(package):
    """What the release holds, state by state, in words for the release check and the GitHub Release: {real: state
    names whose officer records are an agency's release, sample: those whose are a synthetic sample, synthetic: the
    resources marked as samples, summary, title (with {version}), notes}."""
    registered = states.of_package(package)
    synthetic = package.synthetic_resources()
    sample_states = [s for s in registered if s.OFFICERS in synthetic]
    real = [s.NAME for s in registered if s.OFFICERS not in synthetic]
    parts = []
    for state in sample_states:
        own = [name for name in synthetic if name in (state.OFFICERS, state.get("RETIRED"))]
        shared = [name for name in synthetic if name not in own and state_rows(package, name)]
        parts.append(f"{state.NAME}'s records are a synthetic sample ({', '.join(own)}"
                     + "".join(f"; the rows of {name} whose state is {state.CODE}" for name in shared) + ")")
    if real:
        parts.append(f"{' and '.join(real)}'s {'are' if len(real) > 1 else 'is'} the agency's release"
                     if sample_states else "every state's officer records are the agencies' releases")
    summary = "; ".join(parts)
    if sample_states and real:
        title = f"Data release {{version}}: {' and '.join(real)} real; {' and '.join(s.NAME for s in sample_states)} a SYNTHETIC SAMPLE (not real officers)"
        notes = (f"{summary}. The sample's files are named SYNTHETIC-SAMPLE-; in a file that holds several states' rows, "
                 "only the sample states' rows are the sample's. ")
    elif sample_states:
        title, notes = "SYNTHETIC SAMPLE demo {version} (not real officers)", (
            "The officer-level files are a synthetic sample: generated names, not real officers. ")
    else:
        title, notes = "Data release {version}", ""
    return {"real": real, "sample": [s.NAME for s in sample_states], "version": package.version, "synthetic": [n for n in synthetic if not any(
        n in (s.OFFICERS, s.get("RETIRED")) or state_rows(package, n) for s in sample_states)],
        "summary": summary, "title": title.format(version=package.version), "notes": notes}


def state_rows(package, name):
    """Whether a resource holds several states' rows, told apart by a field ``state`` (agencies)."""
    return any(f["name"] == "state" for f in package.resource(name)["schema"]["fields"])


STATE_FIELD = "state"


def shared_sample_rows(package):
    """{resource: {"field": "state", "sample": [(code, name)], "real": [(code, name)]}} of each resource marked a
    synthetic sample that holds several states' rows (``state_rows``), while one state's officer records are an
    agency's release and another's a synthetic sample: a row of it is the sample's unless its state is a real
    state's (a new user's walk: one real state's agencies in a shared table were labelled a sample). {} otherwise
    (every state a sample, or none): every row of a resource marked as a sample is then the sample's, as labelled."""
    registered = states.of_package(package)
    synthetic = package.synthetic_resources()
    sample = [(s.CODE, s.NAME) for s in registered if s.OFFICERS in synthetic]
    real = [(s.CODE, s.NAME) for s in registered if s.OFFICERS not in synthetic]
    if not (sample and real):
        return {}
    own = {name for s in registered for name in (s.OFFICERS, s.get("RETIRED"))}
    return {name: {"field": STATE_FIELD, "sample": sample, "real": real}
            for name in synthetic if name not in own and state_rows(package, name)}


def real_state_sources(package, shared, only=None):
    """The sources of the real states' officer resources (their releases as received), in which a shared resource's
    rows of those states are found (shared: its entry of ``shared_sample_rows``; only: one state's code)."""
    officers = {s.CODE: s.OFFICERS for s in states.of_package(package)}
    return [source for code, _ in shared["real"] if only in (None, code)
            for source in package.resource(officers[code]).get("sources", []) if not source.get(SYNTHETIC)]


def shared_sample_notice(shared):
    """What a resource of several states' rows says while only some states' rows are a synthetic sample (shared:
    its entry of ``shared_sample_rows``): which rows are the sample's, and which the agencies' releases'."""
    def rows(states_):
        return " or ".join(f"{code} ({name})" for code, name in states_)
    return (f"SYNTHETIC SAMPLE, NOT REAL OFFICERS, in the rows whose {shared['field']} is {rows(shared['sample'])}: "
            "that agency's release file is not in our hands yet; those rows are generated for testing and must not be "
            f"read as records of real people. The rows whose {shared['field']} is {rows(shared['real'])} are from the "
            "agency's release imported into this package.")


SAMPLE_WORDS = re.compile(r"\bsample\b|\bsample's\b|\bplaceholder|not\s+in\s+our\s+hands", re.IGNORECASE)
# what a description says of a release before it is imported (a foreign-data trial after the seventeenth: after an
# import with the agency's letter declared, its resource still said what the agency released was "not described in
# the source documents", and the release check passed)
UNDESCRIBED_WORDS = re.compile(r"released\s+is\s+not\s+described|not\s+described\s+in\s+the\s+source\s+documents", re.IGNORECASE)


def real_state_problems(package, real_states):
    """For each state whose records are real: its code sheets' rows of the sample's placeholders (the state's
    ``PLACEHOLDERS``), named by file, row and field with the fix, and a description of its resources that still
    speaks of a sample (the walk: after both imports, the statuses page still described "the sample's placeholders")."""
    problems = []
    for state in real_states:
        placeholders = state.get("PLACEHOLDERS") or {}
        for name, (field, values) in placeholders.items():
            resource = package.resource(name)
            rows = [n for n, row in enumerate(package.read_rows(name), start=2) if row.get(field) in values]
            if rows:
                problems.append(f"{resource['path']}, row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))}, "
                                f"field {field}: the synthetic sample's placeholders: delete these rows (a record of "
                                f"{state.OFFICERS} that uses one needs the agency's own value, added with its words)")
        for name in dict.fromkeys([state.OFFICERS, *placeholders, *([state.RETIRED] if state.get("RETIRED") else [])]):
            resource = package.resource(name)
            for key in ("title", "description"):
                if SAMPLE_WORDS.search(resource.get(key) or ""):
                    problems.append(f"{DESCRIPTOR}, resource {name}, {key}: speaks of the synthetic sample (or of a "
                                    f"release not in our hands), which {state.NAME}'s records no longer are: rewrite it "
                                    "for the release")
                elif name == state.OFFICERS and UNDESCRIBED_WORDS.search(resource.get(key) or ""):
                    problems.append(f"{DESCRIPTOR}, resource {name}, {key}: says what the agency released is not "
                                    "described in the source documents, written before the release was imported: "
                                    "describe it from the agency's letter (a source of the package), and update "
                                    "requests.csv (released) and request_items.csv (dispositions) for what it settles")
    return problems


def check_data_version(previous, package):
    """Changed data needs a new version (patch for corrected data): under the live release's version it
    would be served beside that version's GitHub Release, which keeps the old files. Compared by the
    SHA-256 the live descriptor gives for each resource; a resource it gives none for (or names not at all) cannot be
    compared, and needs a new version too (fails closed: the thirteenth attack run found it was not compared)."""
    if str(previous.get("version")) != str(package.version):
        return
    old = {r.get("name"): r.get("hash") for r in previous["resources"] if isinstance(r, dict)}
    changed, unknown = [], []
    for r in package.resources:
        live = old.get(r["name"])
        if not (isinstance(live, str) and live.startswith("sha256:")):
            unknown.append(r["name"])
        elif live != "sha256:" + file_sha256(package.path(r)):
            changed.append(r["name"])
    if changed:
        raise ReleaseRefused(f"the data of {', '.join(changed)} changed since the live release {package.version}: "
                             "the version must increase (patch for corrected data)")
    if unknown:
        raise ReleaseRefused(f"the live release {package.version} gives no SHA-256 for {', '.join(unknown)}, so its data "
                             "cannot be compared: the version must increase (patch for corrected data)")


def schema_signature(descriptor):
    """{resource: {field: type}} of a descriptor whose schemas are inlined."""
    return {r["name"]: {f["name"]: f["type"] for f in r["schema"]["fields"]} for r in descriptor["resources"]}


def check_version(previous, current):
    """Data Package Version recipe: major for removed or retyped fields, minor for added ones."""
    old, new = schema_signature(previous), schema_signature(current)
    old_version = [int(p) for p in previous["version"].split(".")]
    new_version = [int(p) for p in current["version"].split(".")]
    if new_version < old_version:  # (the twelfth attack run: 0.0.1 over 2.1.4, with changed data, was let through)
        raise ReleaseRefused(f"the version {current['version']} is lower than the live release's {previous['version']}: "
                             "a release's version only increases")
    breaking = any(name not in new or any(new[name].get(f) != t for f, t in fields.items()) for name, fields in old.items())
    additive = any(name not in old or set(fields) - set(old[name]) for name, fields in new.items())
    if breaking and new_version[0] <= old_version[0]:
        raise ReleaseRefused(f"fields were removed or retyped since {previous['version']}: the major version must increase")
    if additive and new_version[:2] <= old_version[:2]:
        raise ReleaseRefused(f"fields or resources were added since {previous['version']}: the minor version must increase")
