#!/usr/bin/env python3
"""Build, check, serve and import the police-certification data package.

    python build.py [build [--full]]     build everything into site/ (--full: reuse nothing of the previous release)
    python build.py check                validate and run the legal-limits guard only
    python build.py serve [--port N] [--get PATH] [--deployed]  serve the built database read-only with Datasette
    python build.py import SOURCE FILE [--received YYYY-MM-DD] [--same-officer ID ...] [--retire-most]
                                         [--blank-field FIELD ...] [--column FIELD=HEADER ...] [--encoding NAME]
                                         SOURCE: a state's importer, e.g. mo-roster
    python build.py diff OLD.db NEW.db   what changed between two releases
    python build.py deploy --service NAME  datasette publish cloudrun, serve's settings and force_https_urls
    python build.py release-check [--previous datapackage.json] [--demo true | --partial true] [--notes FILE]
    python build.py sample [--size NAME=N ...] [--out DIR]   e.g. --size mo_active=300

Before any command: --quiet (no progress output), --root DIR (another package directory).
"""
import argparse
import os
import signal
import sqlite3
import sys
from pathlib import Path

signal.signal(signal.SIGINT, lambda *_: sys.exit(130))  # Ctrl-C while the modules load: no traceback
from certdata import pipeline, redaction  # noqa: E402
from certdata.errors import CertdataError  # noqa: E402
from certdata.package import ROOT  # noqa: E402

signal.signal(signal.SIGINT, signal.default_int_handler)


def importer_names(root):
    """The registered states' importer names for the package at root, in words for --help (a state module that does
    not load is named by the command itself, not here)."""
    from certdata.importers import source_names
    try:
        names = source_names(root)
    except CertdataError:
        return "a state's importer (its module's SOURCE name)"
    return f"a state's importer: {', '.join(names)}" if names else "a state's importer (this package registers none)"


def make_parser(root=None):
    """The command line (tests/test_build.py checks that the usage above names every command and option); root, the
    package whose importers the import command's help lists (default: $CERTDATA_ROOT or this repository)."""
    default_root = Path(os.environ.get("CERTDATA_ROOT", ROOT)).absolute()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument("--root", type=lambda text: Path(text).absolute(), default=default_root,
                        help="package directory (default: this repository, or $CERTDATA_ROOT)")
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", help="build everything (the default)")
    build.add_argument("--full", action="store_true", help="rebuild every table, reusing nothing of the previous release")
    commands.add_parser("check", help="validate and guard only")
    serve = commands.add_parser("serve", help="serve the built database read-only")
    serve.add_argument("--port", type=int, default=8001, help="the port on 127.0.0.1 (default: 8001)")
    serve.add_argument("--get", metavar="PATH", help="answer one request for PATH and exit (non-zero unless 200)")
    serve.add_argument("--deployed", action="store_true",
                       help="with the Cloud Run deployment's settings (force_https_urls on): for the fingerprint the "
                            "publish workflow compares with the live instance's (--get /-/fingerprint.json)")
    importer = commands.add_parser("import", help="import an agency's release file")
    importer.add_argument("source", help=importer_names(root or default_root))
    importer.add_argument("file", type=Path)
    importer.add_argument("--received", help="date the release was received (YYYY-MM-DD)")
    importer.add_argument("--same-officer", action="append", default=[], metavar="ID",
                          help="an officer identifier of the agency's (Massachusetts: an Acadis ID) whose name changed "
                               "since the previous release, which the agency confirms is the same officer (repeatable)")
    importer.add_argument("--retire-most", action="store_true",
                          help="import a release that retires more than half of the officer identifiers the previous "
                               "release published (refused without it: a change of the file's form does that)")
    importer.add_argument("--blank-field", action="append", default=[], metavar="FIELD", dest="blank_fields",
                          help="a field the previous release published that this release no longer gives, to be "
                               "blanked in every row (refused without it: a missing or renamed column does that; "
                               "repeatable)")
    importer.add_argument("--column", action="append", default=[], metavar="FIELD=HEADER", dest="columns",
                          help="read the column headed HEADER for FIELD (where two columns may be the field, the import "
                               "stops and asks; repeatable)")
    importer.add_argument("--encoding", metavar="NAME",
                          help="the encoding a CSV file was saved in, where the import cannot tell it (such as cp1252, "
                               "what Excel's \"CSV (Comma delimited)\" writes on Windows); every cell is still checked "
                               "for garbled text")
    diff = commands.add_parser("diff", help="compare two release databases")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    deploy = commands.add_parser("deploy", help="publish the built database to Cloud Run with the serve settings "
                                                 "and force_https_urls on")
    deploy.add_argument("--service", required=True)
    release = commands.add_parser("release-check", help="refuse to deploy samples or unversioned schema changes")
    release.add_argument("--previous", type=Path, help="datapackage.json of the live release")
    release.add_argument("--demo", choices=["true", "false"], default="false",
                         help="allow a synthetic-sample demo (every state's records a sample)")
    release.add_argument("--partial", choices=["true", "false"], default="false",
                         help="allow a partial release: some states' records real, others' still a labelled sample")
    release.add_argument("--notes", type=Path, help="append the GitHub Release's title and notes to this file, as the "
                                                    "lines title=... and notes=... (a workflow step's $GITHUB_OUTPUT)")
    sample = commands.add_parser("sample", help="write the synthetic sample CSVs")
    sample.add_argument("--size", action="append", default=[], metavar="NAME=N",
                        help="a state's sample size (see its module's sample), e.g. mo_active=300")
    sample.add_argument("--out", type=Path, default=None)
    return parser


def parse_args(argv):
    first = argparse.ArgumentParser(add_help=False)  # --root first: the import help lists that package's importers
    first.add_argument("--root", type=lambda text: Path(text).absolute(), default=None)
    return make_parser(first.parse_known_args(argv)[0].root).parse_args(argv)


DISK_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_BUSY",
               "SQLITE_LOCKED", "SQLITE_CORRUPT", "SQLITE_NOTADB")


def main(argv=None):
    """Run one command; every failure ends in a plain message on stderr and exit 1, never a traceback."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run(args) or 0
    except CertdataError as error:
        message = str(error)
    except sqlite3.Error as error:  # sqlite's message names no value
        if (getattr(error, "sqlite_errorname", "") or "").startswith(DISK_ERRORS):
            message = f"the database could not be written ({error}); check free disk space and permissions"
        else:
            message = (f"the database could not be built ({error}); a name in datapackage.json or "
                       "data/presentation.yml may clash with another")
    except OSError as error:  # unwritable folder, disk full, missing file
        where = f": {error.filename}" if error.filename else ""
        message = f"{error.strerror or type(error).__name__}{where}; check free disk space and permissions"
    except MemoryError:
        message = "out of memory; the input is too large for this machine"
    except Exception as error:  # a bug: its message may quote a value, so only the type is shown
        if os.environ.get("CERTDATA_DEBUG"):
            raise
        message = (f"unexpected internal error ({type(error).__name__}); its message is withheld because it may "
                   "quote a value (CERTDATA_DEBUG=1 shows the traceback, on your own machine only)")
    except KeyboardInterrupt as error:  # an import says it was undone
        message = str(error) or "interrupted"
    print(f"error: {redaction.safe_line(message)}", file=sys.stderr)  # a value an error quotes is not shown if closed
    if args.command in (None, "build") and "site/ is unchanged" not in message:
        print("Nothing was published; site/ is unchanged.", file=sys.stderr)
    return 1


def run(args):
    """Dispatch one parsed command to the package; returns an exit code or None."""
    progress = pipeline.Progress(quiet=args.quiet)
    if args.command in (None, "build"):
        pipeline.build(root=args.root, progress=progress, full=getattr(args, "full", False))
    elif args.command == "check":
        pipeline.check(root=args.root, progress=progress)
        progress("package is valid and within legal limits")
    elif args.command == "serve":
        pipeline.serve(root=args.root, port=args.port, get=args.get, deployed=args.deployed)
    elif args.command == "import":
        pipeline.import_release(args.source, args.file, root=args.root, received=args.received, progress=progress,
                                same_officer=args.same_officer, retire_most=args.retire_most,
                                blank_fields=args.blank_fields, columns=args.columns, encoding=args.encoding)
    elif args.command == "diff":
        print(redaction.safe_line(pipeline.diff_releases(args.old, args.new, args.root),  # (an attack run: an old
                                  pipeline.made_identifiers(args.root)))  # release's value published by mistake was printed)
    elif args.command == "deploy":
        return pipeline.deploy(args.root, args.service)
    elif args.command == "release-check":
        account = pipeline.release_check(args.root, args.previous, demo=args.demo == "true", partial=args.partial == "true")
        if args.notes:  # one line each (the account's words hold no line break)
            with open(args.notes, "a", encoding="utf-8") as out:
                out.write("".join(f"{key}={' '.join(account[key].split())}\n" for key in ("title", "notes")))
        progress(f"release may be deployed: {account['summary']}")
    elif args.command == "sample":
        pipeline.write_sample(args.out, pipeline.sizes(args.size), root=args.root, progress=progress)
    return 0


if __name__ == "__main__":
    sys.exit(main())
