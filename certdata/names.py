"""Name normalisation and stable identifiers.

Takes: names as agencies write them. Gives: search keys (lower case, no accents
or punctuation), agency identifiers (state + slug) and the name hash a state's
row identifiers may use (each state's rule is in its module, ``certdata/states/``),
and what a name may hold (``name_problem``, which the importer applies and the
name fields' schema pattern mirrors at build time).
"""
import hashlib
import importlib.util
import re
import unicodedata
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


# What a name may hold. Real names hold letters of any script, spaces, apostrophes, hyphens, periods,
# commas and suffixes (Jr., III, 2nd): at least one letter and at most two digits. A date, a run of
# digits or a value without a letter is a closed value (a date of birth, a telephone number) in the
# wrong column, and is refused without being shown.
# A date written with digits and any dash or slash (the Unicode hyphens and minus included), or with a
# month's name beside a day ("April 23, 1967", "23-Apr-67", "born April 23"), and a street address
# ("4417 Larkspur Lane"): what a date of birth or a residence looks like in a column that holds names.
DATE_LIKE = re.compile("[0-9]{1,4}[-/.\u2010-\u2015\u2212\uff0d\uff0f][0-9]{1,2}[-/.\u2010-\u2015\u2212\uff0d\uff0f][0-9]{2,4}")
MONTHS = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
MONTH_DATE = re.compile(f"\\b(?:{MONTHS})\\.?[\\s-]*[0-9]{{1,2}}\\b|\\b[0-9]{{1,2}}(?:st|nd|rd|th)?[\\s-]*(?:{MONTHS})\\b", re.IGNORECASE)
ADDRESS_LIKE = re.compile("\\b[0-9]{1,6}(?:-?[A-Za-z])?\\s+((?:[^\\W\\d_]+\\.?\\s+){1,4})(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|"
                          "boulevard|blvd|court|ct|way|place|pl|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl|"
                          "alley|square|sq|crescent|plaza|loop)\\b", re.IGNORECASE)
# A street address in the orders other countries write it: the number after the street ("Hauptstraße 12",
# "Larkspur Lane 4417", "Calle Mayor 5"), or before a street kind that comes first ("12 rue de la Paix").
ADDRESS_OTHER = re.compile(
    "\\b[^\\W\\d_]*(?:straße|strasse|str\\.|weg|gasse|platz|allee|laan|straat|plein|gracht|kade|dreef|singel)"
    "\\s*,?\\s+[0-9]{1,5}[a-z]?\\b"
    "|\\b[^\\W\\d_]+\\.?\\s+(?:street|st|avenue|ave|road|rd|lane|ln|boulevard|blvd)\\.?,?\\s+[0-9]{1,5}[a-z]?\\b"
    "|\\b(?:calle|avenida|rua|travessa|carrer|viale|piazza|rue|chemin|impasse)\\s+(?:[^\\W\\d_]+\\.?\\s+){1,4}[0-9]{1,5}\\b"
    "|\\b[0-9]{1,5}[a-z]?,?\\s+(?:rue|chemin|all[ée]e|impasse|calle|avenida|rua|via|viale|piazza)\\s+[^\\W\\d_]",
    re.IGNORECASE)
# A number that counts something else: "Division 4 Municipal Court", "8 Hour Defensive Drive" are no addresses.
COUNTED = frozenset("division district precinct ward troop zone region unit station post company squad platoon shift "
                    "module part chapter section level phase step class grade session hour hours day days week weeks "
                    "minute minutes credit credits".split())
# Any three groups of digits with any separators, the last of two digits or more (not "17.5.2", a section's
# number), a telephone number's 3-3-4 digits, and a date written with 年 月 日.
SEPARATED_DATE = re.compile("(?<![0-9])[0-9]{1,4}[\\W_]{1,3}[0-9]{1,2}[\\W_]{1,3}[0-9]{2,4}(?![0-9])"
                            "|(?<![0-9])[0-9]{3}[\\W_]{1,3}[0-9]{3}[\\W_]{1,3}[0-9]{4}(?![0-9])"
                            "|[0-9]{2,4}\\s*年\\s*[0-9]{1,2}\\s*月(?:\\s*[0-9]{1,2}\\s*日)?")


PHONE = re.compile(r"\(?\b\d{3}\)?[ .-]*\d{3}[ .-]*\d{4}\b")
# (A match starts only where a run of the local part's characters starts: searched from every place in
# the run, "a1-a1-...@" took 10 s on a 64,000-character cell.)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# An address written out to get past a filter: "jane at example dot com", "jane(at)example(dot)org".
TOP_DOMAINS = "com|org|net|gov|edu|mil|us|info|biz|io|co|uk|ca|de|fr|es|it|nl|me"
AT_WORD, DOT_WORD = (rf"(?:\s*[\[({{<]\s*{w}\s*[\])}}>]\s*|\s+{w}\s+)" for w in ("at", "dot"))
AT = re.compile(r"\bat\b", re.IGNORECASE)  # in every spelled-out address: searched for first
SPELLED_EMAIL = re.compile(rf"(?<![\w.+-])[\w.+-]+{AT_WORD}[\w-]+(?:(?:{DOT_WORD}|\.)[\w-]+)*"
                           rf"(?:{DOT_WORD}|\.)(?:{TOP_DOMAINS})\b", re.IGNORECASE)
# Six digits or more one by one, with spaces or signs between them: "1 9 7 1 0 4 0 5", "5-7-3-5-5-5-0-1-4-2".
SPACED_DIGITS = re.compile(r"(?<![0-9])[0-9](?:[\W_]{1,3}[0-9](?![0-9])){5,}")
# A date with a day, a month's name and a year, the month in English or another language: "5 avril 1971",
# "5 de abril de 1971", "5. April 1971", "abril 5, 1971". (A month's name beside a day, with no year, is
# taken for a date in English only (MONTH_DATE): in other languages such words are also other words.)
OTHER_MONTHS = ("janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre|"
                "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
                "janeiro|fevereiro|mar[çc]o|maio|junho|julho|setembro|outubro|dezembro|"
                "januar|j[äa]nner|februar|m[äa]rz|maerz|juni|juli|oktober|dezember|"
                "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
                "januari|februari|maart|mei|augustus|"
                "janv|f[ée]vr|avr|juil|d[ée]c|ene|abr|ago|dic|fev|dez|okt|giu|lug|ott")  # not gen, mag: "Taser Gen 2"
DAY, OF = r"[0-9]{1,2}(?:er|o|º|°|\.)?", r"(?:de\s+|del\s+)?"
WORDED_DATE = re.compile(rf"(?<![0-9]){DAY}[\s,/-]*{OF}(?:{OTHER_MONTHS}|{MONTHS})\b\.?[\s,/-]*{OF}[0-9]{{2,4}}(?![0-9])"
                         rf"|\b(?:{OTHER_MONTHS}|{MONTHS})\b\.?\s*{DAY}[\s,/-]+[0-9]{{2,4}}(?![0-9])", re.IGNORECASE)

LONG_NUMBER = re.compile("[0-9]{6,}")  # a date without separators (19710405), a telephone or social security number


def plain_digits(value):
    """The value as the date and address tests read it: compatibility forms folded (NFKC: full-width
    digits, letters and signs), marks and format characters dropped (combining marks, variation
    selectors, zero-width joiners: "1‍9‍7‍1" is 1971), digits of any other script as ASCII."""
    value = unicodedata.normalize("NFKC", value)
    if value.isascii():
        return value
    return "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c
                   for c in value if c.isascii() or unicodedata.category(c) not in ("Mn", "Me", "Cf"))


def address(value):
    """Whether a (plain) value holds a street address: a number, words, a street's kind, the number not
    one that counts something else (the word before it or after it says so)."""
    for match in ADDRESS_LIKE.finditer(value):
        before = value[:match.start()].split()[-1:]
        after = match.group(1).split()[:1]
        if not {w.lower().strip(".,") for w in before + after} & COUNTED:
            return True
    return bool(ADDRESS_OTHER.search(value))


def date_or_address(value, plain=None):
    """Whether a value holds a date (in digits of any script, with any separators, or with a month's name),
    a telephone number or a street address (plain: the value's plain_digits, when already made)."""
    value = plain if plain is not None else plain_digits(value)
    return bool(DATE_LIKE.search(value) or SEPARATED_DATE.search(value) or MONTH_DATE.search(value)
                or WORDED_DATE.search(value) or address(value))


def text_refused(value):
    """Whether an agency's or a course's name holds what no such name holds: a date, a street address, a
    run of six digits or more, a telephone number or an e-mail address (a closed value in the wrong column).
    The importer refuses it, and the validators refuse it in a hand-edited CSV (the schema's text pattern)."""
    if not MAY_BE_REFUSED.search(value):
        return False
    plain = plain_digits(value)
    return date_or_address(value, plain) or bool(LONG_NUMBER.search(plain) or SPACED_DIGITS.search(plain)
                                                 or PHONE.search(plain) or any_email(plain))


def any_email(value):
    """Whether a value holds an e-mail address, as written or spelled out ("jane at example dot com")."""
    return bool(EMAIL.search(value) or (AT.search(value) and SPELLED_EMAIL.search(value)))


MAX_NAME_DIGITS = 2
# Characters that change how text displays without being seen: C0 and C1 controls, the bidirectional
# embeddings, overrides, isolates and marks (a name can be made to read as another), zero-width spaces,
# word joiners, invisible operators, soft hyphens, the byte-order mark and tag characters. (The
# zero-width joiner and non-joiner are kept: some scripts write names with them.) Written as a regular
# expression's character ranges, once, for the importer and for the schema patterns.
BIDI_CONTROLS = "\\u202a-\\u202e\\u2066-\\u2069"
INVISIBLE_RANGES = ("\\x00-\\x1f\\x7f-\\x9f\\u00ad\\u061c\\u180e\\u200b\\u200e\\u200f" + BIDI_CONTROLS
                    + "\\u2060-\\u2064\\ufeff\\ufff9-\\ufffb\\U000e0000-\\U000e007f")
INVISIBLE = re.compile(f"[{INVISIBLE_RANGES}]")
# The schema patterns say the same at build time, as Python regular expressions matched against the whole
# value (the validators and frictionless use Python's re): visible characters only (no line break either)
# and at least one letter ([^\\W\\d_]: a word character that is no digit or underscore); for a person's
# name, also at most two digits ((?!...): a lookahead), which no date can have. Agency and course names
# may hold numbers. Each is matched in time linear in the value: the letter is found by a lookahead over
# non-letters, so no two repetitions can share a character (written as visible*, letter, visible*, a
# 16,000-letter value ending in a control character took 1.9 s, and a 64,000-letter one 30 s).
VISIBLE = f"[^{INVISIBLE_RANGES}]"
TEXT_PATTERN = f"(?=[\\W\\d_]*[^\\W\\d_]){VISIBLE}*"
NAME_PATTERN = f"(?!(?:\\D*\\d){{{MAX_NAME_DIGITS + 1}}}){TEXT_PATTERN}"


def text_problem(value):
    """Why a text cell cannot be published (an invisible or direction-changing character), or None."""
    if INVISIBLE.search(value):
        return ("the value holds an invisible or text-direction control character (such as U+202E), "
                "which can make it display as something else")
    return None


MAY_BE_REFUSED = re.compile(f"[\\d@\uff20\ufe6b]|{AT.pattern}", re.IGNORECASE)  # a date, an address or a run of digits has a
# digit, an e-mail address an @ or, spelled out, an "at"


def person_name_refused(value):
    """Whether a value that matches a person's name pattern is still no name: it holds a date, an address,
    a run of digits or an e-mail address (the importer's rule, applied again when the package is validated).
    Most names hold neither a digit nor an @, and are passed after one scan."""
    return bool(MAY_BE_REFUSED.search(value)) and (name_problem(value) is not None or any_email(plain_digits(value)))


def name_problem(value):
    """Why a person's name (or a part of it) cannot be a name, or None. The reason never quotes the value."""
    if text_problem(value):
        return text_problem(value)
    if not any(c.isalpha() for c in value):
        return "the value has no letter, so it is not a name (a date or a number in the wrong column?)"
    if date_or_address(value) or sum(c.isdigit() for c in value) > MAX_NAME_DIGITS:  # a date has three or more
        return ("the value holds a date, an address or a run of digits, which a name does not (a date of birth, "
                "a residence or a telephone number in the wrong column?)")
    return None
