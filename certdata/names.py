"""Name normalisation and stable identifiers.

Takes: names as agencies write them. Gives: search keys (lower case, no accents
or punctuation), agency identifiers (state + slug) and the name hash a state's
row identifiers may use (each state's rule is in its module, ``certdata/states/``).
"""
import hashlib
import importlib.util
from pathlib import Path


def _search_plugin():
    """The Datasette search plugin, whose folding and name parsing the build must share exactly."""
    path = Path(__file__).resolve().parent.parent / "plugins" / "search.py"
    spec = importlib.util.spec_from_file_location("search_plugin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_plugin = _search_plugin()
fold = _plugin.fold  # one definition for indexing and for querying
name_keys = _plugin.name_keys  # (terms, surname key, given key) of a name
deletions = _plugin.deletions  # a word and its one-letter deletions (the typo index)
FUZZY_LENGTHS = range(_plugin.FUZZY_MIN_LENGTH, _plugin.FUZZY_MAX_LENGTH + 1)  # words in the typo index


def slug(text):
    """URL-safe slug of a name: folded, words joined by hyphens."""
    return fold(text).replace(" ", "-") or "unnamed"


def agency_id(state, name):
    """Our agency identifier: state code and a slug of the agency's name."""
    return f"{state}-{slug(name)}"


def name_hash(name):
    """First 10 hex digits of the SHA-256 of the folded name, order of words ignored."""
    key = " ".join(sorted(fold(name).split()))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
