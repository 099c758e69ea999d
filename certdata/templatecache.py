"""Compiled templates kept between builds, inside the Python environment the build runs in.

Takes: a Jinja environment (the pages' own, or MkDocs's for the theme). Gives: ``attach``, which
gives it a cache of compiled templates, or leaves it without one.

Jinja reads a cached template with ``marshal`` and runs it: whoever can write the cache can make the
build run code. So the cache is kept only where such a writer could run code already: the virtual
environment the set-up made (``sys.prefix``), whose ``site-packages`` and ``.pth`` files the
interpreter runs at every start. Never under ``build/``, ``data/`` or any folder of the package,
which the build reads as data. Outside a virtual environment, or when any folder from the
environment's down to the cache's is not this user's own real folder writable by no one else, nothing
is cached.

A cached template is used only for the same source (Jinja compares a digest of it), the same Jinja
and Python, and the same environment: its compile-time settings and the code of its filters, tests,
autoescape and finalize (Jinja calls some of them as it compiles). Each such environment has a folder
of its own, so an edited template, setting or filter is compiled again. A damaged cached template is
compiled again too.
"""
import contextlib
import hashlib
import marshal
import os
import stat
import sys
from pathlib import Path

import jinja2

FOLDER = ("var", "cache", "certdata-templates")  # under sys.prefix
SETTINGS = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
            "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
            "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async")


class Cache(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates in files, which a build that cannot write it still runs without."""

    def load_bytecode(self, bucket):
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 (a damaged file: Jinja's pickle and marshal raise anything)
            bucket.reset()  # compiled again, and the file written anew

    def dump_bytecode(self, bucket):
        try:
            super().dump_bytecode(bucket)
        except OSError:  # full or read-only: the template was compiled, and is simply not kept
            pass


def code_key(value):
    """What Jinja may read of a value as it compiles: for a function, its name, how it takes its context
    (``pass_context`` and the like) and its code; else its repr."""
    if not callable(value):
        return repr(value)
    code = getattr(value, "__code__", None)
    return (f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
            f":{getattr(value, 'jinja_pass_arg', None)}:"
            + (hashlib.sha256(marshal.dumps(code)).hexdigest() if code is not None else ""))


def settings_key(env):
    """A digest of what, beside a template's source, decides what Jinja compiles it to."""
    parts = [jinja2.__version__, sys.version, *(f"{s}={getattr(env, s, None)!r}" for s in SETTINGS),
             f"autoescape={code_key(env.autoescape)}", f"finalize={code_key(env.finalize)}", *sorted(env.extensions),
             *(f"filter {name}={code_key(f)}" for name, f in sorted(env.filters.items())),
             *(f"test {name}={code_key(f)}" for name, f in sorted(env.tests.items()))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def folder(env):
    """This environment's cache folder (made if missing), or None where no cache may be kept."""
    return own_folder(*FOLDER, settings_key(env))


def own_folder(*parts):
    """The folder sys.prefix/parts (made if missing) when it may hold what the build trusts: in a virtual environment,
    each folder down to it this user's own real folder writable by no one else; else None."""
    if sys.prefix == sys.base_prefix:  # not a virtual environment: nothing there is the build's own
        return None
    path = Path(sys.prefix)
    for part in parts:
        path = path / part
        try:
            with contextlib.suppress(FileExistsError):
                path.mkdir(mode=0o700)
            info = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
            return None  # a link, or a folder someone else could plant or rename things in
    return path


def attach(env):
    """The environment, with its cache of compiled templates when one may be kept (see the module)."""
    path = folder(env)
    env.bytecode_cache = Cache(str(path)) if path is not None else None
    return env
