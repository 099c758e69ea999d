"""Disclosure: why a field may be published, in the source's own words.

Takes: a field's ``pcr:disclosure``, ``{"grounds": [...]}``, each ground one of the
kinds described in ``data/profile.json``: ``statute`` (a statute names the element
as open), ``agency-release`` (the agency released it without a statute naming it),
``agency-caveat`` (the agency's own warning on its reliability), ``pending`` (not
yet known: a synthetic sample awaiting the release), ``derived`` (ours, from other
published fields), ``source-document`` and ``editorial`` (the documentation tables).
Gives: which grounds open a field, and the one sentence every page, the Datasette
metadata and the data dictionary print for it (so the wording is never typed twice).
"""
from functools import lru_cache

import markupsafe

from .package import ROOT, read_json

OPENING = {"statute", "agency-release", "derived", "source-document", "editorial"}
RECORD_GROUNDS = {"statute", "agency-release", "derived", "pending"}  # what can open a field of an agency's release
LABELS = {
    "statute": "Open by statute",
    "agency-release": "Released by the agency",
    "agency-caveat": "Published with the agency's caveat",
    "pending": "Not yet known (synthetic sample awaiting the release)",
    "derived": "Derived by us",
    "source-document": "From the public source documents",
    "editorial": "Our own words",
}


@lru_cache(maxsize=1)
def profile():
    """The JSON Schema of the package's pcr: properties."""
    return read_json(ROOT / "data" / "profile.json", "the package's profile", label="data/profile.json")


def profile_errors(value, definition):
    """Messages for a pcr: property that does not fit its definition in the profile."""
    import jsonschema
    schema = dict(profile(), **{"$ref": f"#/$defs/{definition}"})
    validator = jsonschema.Draft202012Validator(schema)
    return sorted({error.message if not error.context else best_context(error) for error in validator.iter_errors(value)})


def best_context(error):
    """The most specific message of a oneOf failure (the ground kind that came closest)."""
    kinds = [e for e in error.context if e.validator != "const"]
    return (kinds or error.context)[0].message


def grounds(field):
    """The field's grounds (an empty list when it declares none)."""
    info = field.get("pcr:disclosure")
    found = info.get("grounds", []) if isinstance(info, dict) else []
    return found if isinstance(found, list) else []  # a wrong shape is the guard's to report


def kinds(field):
    return [g.get("kind") for g in grounds(field) if isinstance(g, dict)]


def is_published(field, synthetic=False):
    """True when some ground opens the field (pending counts only in a synthetic sample)."""
    return any(k in OPENING or (k == "pending" and synthetic) for k in kinds(field))


def inner_quotes(text):
    """Words quoted inside our own quotation marks, their double quotation marks made single (“... ‘unknown.’”):
    the source's words stay as they are in the data; only their display nests. (plugins/certsearch.py does the
    same for the Datasette's pages, which deploy without this package.)"""
    return str(text).replace("“", "‘").replace("”", "’")


def lines(text):
    """Quoted words as HTML, the source's own line breaks kept (a signature block, a heading, a question
    and its answer: run together, "Sam Stecklow Invisible Institute" reads as one name)."""
    return markupsafe.escape(str(text)).replace("\n", markupsafe.Markup("<br>"))


def ground_text(ground, statutes=None):
    """One ground in words, with the source's words in quotation marks."""
    kind = ground.get("kind")
    if kind == "statute":
        citation = (statutes or {}).get(ground["statute"], ground["statute"])
        return f"{citation} names the {ground['element']}: “{inner_quotes(ground['quote'])}”"
    if kind == "agency-release":
        return f"The agency's reply speaks of the {ground['element']} in these words: “{inner_quotes(ground['quote'])}”"
    if kind == "agency-caveat":
        return f"“{inner_quotes(ground['quote'])}”"
    if kind == "derived":
        return ground["note"] + (f" (from {', '.join(ground['from'])})" if ground.get("from") else "")
    return ground.get("note", "")


def summary(field, statutes=None):
    """The field's disclosure in one paragraph: each ground labelled, quotes attributed. A release
    that no statute ground backs says so."""
    parts = []  # [label, [texts]]: grounds of one label in a row said once (the agency's two caveats)
    unbacked = "statute" not in kinds(field)
    for ground in grounds(field):
        label = LABELS.get(ground.get("kind"), ground.get("kind"))
        if ground.get("kind") == "agency-release" and unbacked:
            label += " (no statute in the source documents names it)"
        label += f" ({ground['scope']})" if ground.get("scope") else ""
        if parts and parts[-1][0] == label and ground.get("kind") == "agency-caveat":
            parts[-1][1].append(ground_text(ground, statutes))
        else:
            parts.append([label, [ground_text(ground, statutes)]])
    joined = [f"{label}{'s' if len(texts) > 1 and label.endswith('caveat') else ''}: {' '.join(texts)}" for label, texts in parts]
    return " ".join(part if part.endswith((".", "”", ")")) else part + "." for part in joined)


def citations(package):
    """{statute id: citation}, for naming statutes in summaries."""
    return {row["statute_id"]: row["citation"] for row in package.read_rows("statutes")}


def kinds_text(field):
    """The ground kinds, comma-separated (for tables and facets)."""
    return ", ".join(dict.fromkeys(k for k in kinds(field) if k))
