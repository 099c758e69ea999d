"""Datasette plugin: the public name search, as a page, JSON and CSV.

Takes: the ``people`` table and the name index the build makes beside it
(``people_names``: each person's search terms, joined surname and given names;
``people_fts``: FTS5 over the terms; ``name_deletions``: every indexed name word
under each of its one-letter deletions). Gives: /search, /search.json and
/search.csv (same ranking, filters and paging; an officer's identifier typed alone finds that officer,
which the page opens), the SQL function
``fts_query(text[, column])``, and the one definition of name folding and name
parsing that the build also uses (certdata/names.py loads them from this file).

Ranking, best first: the full name in the typed order (given names then surname,
or "SURNAME, GIVEN"; a typed initial stands for a given name that starts with it); every word exact in any order (surname holders first);
every word exact but a middle name typed in full that the record holds only as its initial ("Helen Tess
Gibson" finds "Gibson, Helen T"; surname holders first); the exact surname with a prefix of the given names;
the surname by prefix; any prefix; any prefix with a middle name matched only by its initial. Ties: name,
agency, identifier. When that finds nothing exact (or fewer
than ten rows), names within one edit per word are listed separately as
approximate, with a "Did you mean" link.
"""
import csv
import io
import itertools
import re
import sqlite3
import time
import unicodedata
import weakref
from contextlib import contextmanager
from urllib.parse import quote as url_quote, quote_plus

from markupsafe import Markup, escape
from pluggy import HookimplMarker

# Datasette's own marker (datasette.hookimpl). Datasette itself is imported only in the functions that
# use it: the build loads this file for its name folding, and importing Datasette was a tenth of a
# second of every build.
hookimpl = HookimplMarker("datasette")

DB = "certification"
MAX_TERMS = 8
PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
CSV_PAGE = 5000
AGENCY_PAGE = 20
MAX_PAGE = 10 ** 9  # far past any result; keeps the OFFSET inside SQLite's 64-bit integers
FUZZY_BELOW = 10  # fewer main results than this (or none exact): also look for names one edit away
FUZZY_SHOWN = 20
FUZZY_MIN_LENGTH = 4  # shorter words have too many neighbours one edit away to be useful
FUZZY_MAX_LENGTH = 32  # no name word is longer; a hostile 10 MB "word" must not cost its square
FUZZY_VARIANTS = 40
FILTERS = ("state", "agency_id", "license_status")
PARTICLES = frozenset("de del della dela der den di da das dos du la le van vander vanden von mc mac o st ste "
                      "saint san santa ten ter al el bin ibn".split())
SUFFIXES = frozenset("jr sr ii iii iv".split())
MATCHES = ["full name", "full name, more given names", "every word, surname", "every word",
           "surname, middle name matched only an initial", "middle name matched only an initial",
           "surname, start of given name", "start of surname", "start of words",
           "start of words, middle name matched only an initial"]
SUFFIX_MISSING = "; suffix typed not in the record"  # added to a label: "garcia jr" lists the Garcias without Jr
EXACT_TIERS = 4  # the tiers below this matched every word as typed (exactly, in any order)
FIELDS = ["person_id", "state", "officer_name", "license_status", "agency_id", "agency_name", "detail", "match",
          "officer_path"]

# ASCII folding as byte tables (bytes.translate is far faster than str.translate): letters to lower
# case, apostrophes dropped, anything else that is not a letter or digit to a space.
ASCII_FOLD = bytes(c if chr(c).isalnum() and c < 128 else ord(" ") for c in range(256)).lower()
ASCII_DROPPED = b"'`"
# Within one ASCII token: every character but letters and digits dropped; whitespace kept to split on.
ASCII_KEPT = bytes(range(256)).lower()
ASCII_JOIN_DROPPED = bytes(c for c in range(128) if not chr(c).isalnum() and not chr(c).isspace())


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text):
    """What a reader typed, as it may be echoed (the page's title and text, the JSON's ``q`` and
    ``filters``): control characters (a NUL, an escape, a line break) turned into spaces, invisible
    format characters (text-direction overrides, zero-width spaces) removed. The search folds them
    away in any case; echoed, they would corrupt the page or reverse its text."""
    text = CONTROL.sub(" ", text or "")
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text


# Latin letters that no Unicode decomposition takes to a plain letter, as a reader without them types them
# (ß is "ss" by case folding)
LATIN_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
                               "ħ": "h", "ŧ": "t", "ŀ": "l", "ĸ": "k", "ŋ": "n"})
NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def fold(text):
    """Lower case, accents removed, apostrophes dropped, other punctuation to spaces (the same folding
    the build applies to the indexed names). Letters of every script are kept: "Иванов, Иван" and "Петров,
    Пётр" are two names (had they been dropped, both would have folded to nothing, and an officer's
    identifier, made from the folded name, could have passed to the other: the thirteenth attack run)."""
    text = text or ""
    if text.isascii():  # the common case, without Unicode normalisation
        return b" ".join(text.encode().translate(ASCII_FOLD, ASCII_DROPPED).split()).decode()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[’'`]", "", text.casefold()).translate(LATIN_LETTERS)
    return " ".join(NOT_LETTER_OR_DIGIT.sub(" ", text).split())


def strip_suffixes(words):
    """Words without trailing generational suffixes (JR, SR, II, III, IV), keeping at least one."""
    words = list(words)
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return words


def name_parts(name):
    """(surname words, given words) of a name as agencies write it: "Last, First M" (a roster)
    or "First M Last" (the surname is the last word with the particles before it).
    Suffixes are dropped; a hyphenated or apostrophe name is folded into its words."""
    name = name or ""
    if "," in name:
        last, _, first = name.partition(",")
        return strip_suffixes(fold(last).split()), strip_suffixes(fold(first).split())
    tokens = [fold(t).split() for t in name.split()]
    tokens = [t for t in tokens if t]
    while len(tokens) > 1 and tokens[-1] in ([s] for s in SUFFIXES):
        tokens.pop()
    start = len(tokens) - 1
    while start > 1 and len(tokens[start - 1]) == 1 and tokens[start - 1][0] in PARTICLES:
        start -= 1
    return [w for t in tokens[start:] for w in t], [w for t in tokens[:start] for w in t]


def name_keys(name, surname=None, given_names=None):
    """(terms, surname key, given key) indexed for one name. Terms are the folded words, the
    apostrophe split forms ("o brien" beside "obrien"), and the joined forms of surname words
    ("deleon", "vanderyacht", "smithjones", "diazrivera"), space-delimited at both ends. When the
    release gave the name in parts (surname, given names), they say where the surname ends and
    what the given names are (a suffix kept apart is never read as a given name); else the
    name is parsed (``name_parts``)."""
    surname = fold(surname) if surname else ""
    if surname:
        surname, given = surname.split(), fold(given_names or "").split()
    else:
        surname, given = name_parts(name)
    terms = dict.fromkeys(fold(name).split())
    if "'" in name or "’" in name or "`" in name:
        terms.update(dict.fromkeys(fold(re.sub(r"[’'`]", " ", name)).split()))
    # "Juan Diaz Rivera": the surname may be two words, the last given word with it; never the first
    # name alone ("Adam Sample-Baker" has no "adamsample", which "adams" would find as a prefix)
    tail = (given[-1:] if "," not in name and len(given) > 1 else []) + surname
    for length in range(2, min(len(tail), 4) + 1):
        for i in range(0, len(tail) - length + 1):
            terms["".join(tail[i:i + length])] = None
    if name.isascii():  # "Mary-Kate": "marykate" (each token folded with its spaces dropped, without Unicode)
        joined = name.encode().translate(ASCII_KEPT, ASCII_JOIN_DROPPED).decode().split()
    else:
        joined = [fold(token).replace(" ", "") for token in name.split()]
    terms.update(dict.fromkeys(j for j in joined if j))
    return " " + " ".join(terms) + " ", "".join(surname), " ".join(given)


def deletions(word):
    """The word and every form of it with one letter deleted."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


def within_one_edit(a, b):
    """True when a and b differ by at most one insertion, deletion, substitution or swap of neighbours."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def typed_units(text):
    """The folded words of typed text in units: a token that folds to several words of two letters or more
    ("Sample-Harris", "Smith/Adams") is one unit, a name the reader wrote as one; any other word is a unit alone
    (the initials of "J.R." stay two)."""
    units = []
    for token in (text or "").split():
        words = tuple(fold(token).split())
        if len(words) > 1 and all(len(w) > 1 for w in words):
            units.append(words)
        else:
            units.extend((w,) for w in words)
    return units


def strip_suffix_units(units):
    """(units without trailing generational suffixes, keeping at least one; the suffixes dropped)."""
    units, dropped = list(units), []
    while len(units) > 1 and len(units[-1]) == 1 and units[-1][0] in SUFFIXES:
        dropped.insert(0, units.pop()[0])
    return units, dropped


def at_most(units, limit):
    """The units holding the first `limit` words."""
    kept, count = [], 0
    for unit in units:
        if count >= limit:
            break
        kept.append(unit[:limit - count])
        count += len(kept[-1])
    return kept


MAX_TYPED = 200  # characters of a search read: no name is longer


class Query:
    """What a person typed, parsed: its words in slots (a particle run such as "de la" stays
    with the next word and may also be typed joined; a hyphenated name such as "smith-adams" is one
    slot, never read apart), the ways to read a surname, the suffixes typed (``suffixes``: Jr, III; not
    searched for, but said when a record does not hold them), and the readings in which a slot is a
    middle name typed in full (``readings``; ``middle``: those slots)."""

    def __init__(self, text):
        typed = printable(text).strip()
        text = typed[:MAX_TYPED]
        if len(typed) > MAX_TYPED and not typed[MAX_TYPED].isspace() and len(text.split()) > 1:
            text = text.rsplit(None, 1)[0]  # a word cut in two is not searched as the start of a name (a walk)
        self.text = text.strip()
        self.unread = typed[len(text):].strip()[:MAX_TYPED]  # what was typed after it, not searched
        if "," in text:
            last, _, first = text.partition(",")
            sur, dropped = strip_suffix_units(typed_units(last))
            giv, more = strip_suffix_units(typed_units(first)) if fold(first) else ([], [])
            self.suffixes = dropped + more
            sur = at_most(sur, MAX_TERMS)
            giv = at_most(giv, MAX_TERMS - sum(map(len, sur)))
            units = sur + giv
            sur_words, giv_words = [w for u in sur for w in u], [w for u in giv for w in u]
            self.words = sur_words + giv_words
            self.splits = [(" ".join(giv_words), "".join(sur_words))] if giv_words and sur_words else []
            self.surnames = ["".join(sur_words)] if sur_words else []
            self.slots = self.make_slots(sur) + self.make_slots(giv)
            surname_slots, cuts = len(self.make_slots(sur)), []
        else:
            units = typed_units(text)
            if sum(map(len, units)) > 1:
                units, self.suffixes = strip_suffix_units(units)
            else:
                self.suffixes = []
            units = at_most(units, MAX_TERMS)
            self.words = [w for u in units for w in u]
            n = len(self.words)
            cuts = list(itertools.accumulate(len(u) for u in units))[:-1]  # never inside a hyphenated name
            self.splits = [(" ".join(self.words[:k]), "".join(self.words[k:])) for k in cuts]
            k = n
            while k > 1 and len(self.words[k - 1]) == 1:  # "smith j": a surname, then initials
                k -= 1
            if 0 < k < n:
                self.splits.append((" ".join(self.words[k:]), "".join(self.words[:k])))
            self.surnames = list(dict.fromkeys([s for _, s in self.splits] + ["".join(self.words[:k]) for k in cuts + [n]]))
            self.slots = self.make_slots(units)
            surname_slots = None
        # the surname typed first without a comma ("SMITH JOHN", as rosters write it): read so only when
        # nothing matches, for the officers who share the surname (never to rank a match)
        self.surname_first = [(" ".join(self.words[k:]), "".join(self.words[:k])) for k in cuts]
        self.readings = self.middle_readings(self.slots, surname_slots)
        self.middle = sorted({i for _, _, middle in self.readings for i in middle})

    @staticmethod
    def middle_readings(slots, surname_slots=None):
        """The readings of the slots in which some are a middle name typed in full, each (given slots, surname
        slots, middle slots): with a comma, the slots before it are the surname; without, the surname is the
        slots after the given names ("helen TESS gibson") or before them ("smith john ANDREW", as rosters
        write names), never a run of initials alone. A middle name is one word of two letters or more among the
        given names, after the first. A record that holds only that name's initial there matches it, when its
        given names also hold the reading's first given name. None when every other slot is an initial
        ("J Robert S"): that is a search for three letters, and every row that holds the letter as a word
        would be read from the index to find it."""
        n = len(slots)
        if surname_slots is not None:
            cuts = [(range(surname_slots, n), range(0, surname_slots))]
        else:
            cuts = [pair for k in range(1, n) for pair in ((range(0, k), range(k, n)), (range(k, n), range(0, k)))]
        readings = []
        for given, surname in cuts:
            if len(given) < 2 or not surname or all(is_initial(slots[i]) for i in surname):
                continue
            middle = [i for i in given[1:] if len(slots[i]) == 1 and len(slots[i][0]) == 1 and len(slots[i][0][0]) > 1]
            if middle:
                readings.append((list(given), list(surname), middle))
        every_middle = {i for _, _, middle in readings for i in middle}
        anchored = any(i not in every_middle and not is_initial(alternatives) for i, alternatives in enumerate(slots))
        return readings if anchored else []

    @staticmethod
    def make_slots(units):
        """Slots of units (each a tuple of words, or a word): a run of particles goes with the next unit."""
        units = [(u,) if isinstance(u, str) else tuple(u) for u in units]
        slots, i = [], 0
        while i < len(units):
            j = i
            while j < len(units) - 1 and len(units[j]) == 1 and units[j][0] in PARTICLES:
                j += 1
            run = tuple(w for u in units[i:j + 1] for w in u)
            slots.append([run, ("".join(run),)] if len(run) > 1 else [run])
            i = j + 1
        return slots

    def __bool__(self):
        return bool(self.words)


def quote(word, prefix):
    return f'"{word}"' + ("*" if prefix else "")


def fts_expression(slots, prefix=True):
    """An FTS5 query: every slot must match, by one of its alternatives (all of whose words match)."""
    parts = []
    for alternatives in slots:
        options = [" AND ".join(quote(w, prefix) for w in alt) for alt in alternatives]
        parts.append("(" + " OR ".join(f"({o})" for o in options) + ")" if len(options) > 1 else options[0])
    return " AND ".join(parts) if parts else '""'


def fts_query(text, column=None):
    """FTS5 query over the name terms: every word of the folded text as a prefix, any order,
    particles also joined ("de leon" finds DeLeon); '""' matches nothing. A number or a blob is read
    as its text (an exception in an SQL function would print a traceback to the server's log)."""
    if not isinstance(text, str):
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else "" if text is None else str(text)
    query = fts_expression(Query(text).slots)
    return f"{column} : ({query})" if column and query != '""' else query


class Params(dict):
    def add(self, value):
        name = f"p{len(self)}"
        self[name] = value
        return f":{name}"


def has_word(params, word):
    return f"instr(n.terms, {params.add(' ' + word + ' ')}) > 0"


def all_exact(params, slots):
    return " and ".join("(" + " or ".join("(" + " and ".join(has_word(params, w) for w in alt) + ")" for alt in alts) + ")"
                        for alts in slots)


def starts_a_word(params, word):
    """The row holds a word that starts with word (what the FTS5 prefix query "word"* finds)."""
    return f"instr(n.terms, {params.add(' ' + word)}) > 0"


def middle_initial(params, word):
    """The record's given names hold the word's initial after their first word ("helen t" for "tess")."""
    return f"instr(n.given_key || ' ', {params.add(' ' + word[0] + ' ')}) > 0"


def given_holds(params, alternatives, prefix):
    """The record's given names hold the words of one of a slot's alternatives (prefix: as the start of a word)."""
    return "(" + " or ".join("(" + " and ".join(
        f"instr({' || '.join(filter(None, [repr(' '), 'n.given_key', None if prefix else repr(' ')]))}, "
        f"{params.add(' ' + w + ('' if prefix else ' '))}) > 0" for w in alt) + ")" for alt in alternatives) + ")"


def tier_sql(query, params):
    """The ranking tier of a candidate row, computed in SQL from its parsed name keys."""
    surnames = ", ".join(params.add(s) for s in query.surnames) or "null"
    full, more = [], []
    for g, s in query.splits:
        if any(len(w) == 1 for w in g.split()):  # an initial stands for any given name that starts with it
            words = g.split()
            pattern = " ".join(w + "*" if len(w) == 1 else w for w in words)
            spaces = "(length(n.given_key) - length(replace(n.given_key, ' ', '')))"
            full.append(f"(n.surname_key = {params.add(s)} and n.given_key glob {params.add(pattern)} "
                        f"and {spaces} = {len(words) - 1})")
            more.append(f"(n.surname_key = {params.add(s)} and n.given_key glob {params.add(pattern + ' *')} "
                        f"and {spaces} >= {len(words)})")
        else:
            full.append(f"(n.surname_key = {params.add(s)} and n.given_key = {params.add(g)})")
            more.append(f"(n.surname_key = {params.add(s)} and substr(n.given_key, 1, {len(g) + 1}) = {params.add(g + ' ')})")
    exact = all_exact(params, query.slots)
    prefixes = [s for s in query.surnames if len(s) >= 2]
    starts = " or ".join(f"substr(n.surname_key, 1, {len(s)}) = {params.add(s)}" for s in prefixes) or "0"
    initials = ""
    if query.middle:  # a middle name found only as the record's initial (name_match let no other row in)
        word = {i: query.slots[i][0][0] for i in query.middle}
        needed = " or ".join(f"not ({starts_a_word(params, w)})" for w in word.values())
        others = all_exact(params, [alts for i, alts in enumerate(query.slots) if i not in query.middle])
        every, named = [], []
        for given, surname, middle in query.readings:  # every word exact, in one reading of the query
            exact_reading = " and ".join(filter(None, [
                others, given_holds(params, query.slots[given[0]], prefix=False),
                *(f"({has_word(params, word[i])} or not ({starts_a_word(params, word[i])}))" for i in middle),
                *(has_word(params, w) for i, w in word.items() if i not in middle)]))
            every.append(f"({exact_reading})")
            key = "".join(w for i in surname for w in query.slots[i][0])
            named.append(f"({exact_reading} and n.surname_key = {params.add(key)})")
        initials = (f"when {needed} then case when {' or '.join(named)} then 4 "
                    f"when {' or '.join(every)} then 5 else {len(MATCHES) - 1} end ")
    return (f"case when {' or '.join(full) or '0'} then 0 when {' or '.join(more) or '0'} then 1 "
            f"when ({exact}) and n.surname_key in ({surnames}) then 2 when {exact} then 3 {initials}"
            f"when n.surname_key in ({surnames}) then 6 when {starts} then 7 else 8 end")


def filter_sql(filters, params):
    """The filters' conditions, each with a unary + so that no index of people is used: SQLite would
    otherwise read every officer of a state through its index and test the full-text match on each
    (6 s for ?q=j&state=MO on 25,000 rows, past the time limit) instead of filtering the matches."""
    return "".join(f" and +p.[{column}] = {params.add(value)}" for column, value in filters.items())


# By name: surname, then given names, whichever way the state writes a name ("Last, First" or "First Last")
ORDERS = {"relevance": "tier, suffix_missing, n.surname_key, n.given_key, p.officer_name, coalesce(p.agency_name, ''), p.person_id",
          "name": "n.surname_key, n.given_key, p.officer_name, coalesce(p.agency_name, ''), p.person_id"}
COLUMNS = "p.rowid as _rowid, p.person_id, p.state, p.officer_name, p.license_status, p.agency_id, p.agency_name, p.detail"


def is_initial(alternatives):
    return len(alternatives) == 1 and len(alternatives[0]) == 1 and len(alternatives[0][0]) == 1


def name_match(query, params):
    """The WHERE clause that finds a query's rows (people_fts as f, people_names as n): every word as
    an FTS5 prefix, except that one-letter words beside longer ones are checked on the rows the longer
    ones found ("smith j": a term of the row starts with j) instead of read from the index as the prefix
    "j", which at 1M rows is every term that starts with the letter. The same rows either way. A middle
    name typed in full (Query.middle) also matches the record's initial of it among its given names after
    the first: the FTS5 query also takes the letter as a whole term, and the rows that hold it only
    elsewhere (a surname "T", a first initial), or whose given names do not start with the first given name
    of a reading in which the word is a middle name ("sample harris justin" is no Sample-Butler, Justin H),
    are then left out."""
    initials = [alts[0][0] for alts in query.slots if is_initial(alts)]
    longer = [i for i, alts in enumerate(query.slots) if not is_initial(alts)]
    if not initials or not longer:
        initials, longer = [], range(len(query.slots))
    word = {i: query.slots[i][0][0] for i in query.middle}
    expression = " AND ".join(f"({quote(word[i], True)} OR {quote(word[i][0], False)})"
                              if i in word else fts_expression([query.slots[i]]) for i in longer) or '""'
    middle = ""
    if word:  # every middle word as typed, or the initials of one reading's middle names
        readings = [" and ".join([given_holds(params, query.slots[given[0]], prefix=True),
                                  *(f"({starts_a_word(params, word[i])} or {middle_initial(params, word[i])})" for i in names),
                                  *(starts_a_word(params, w) for i, w in word.items() if i not in names)])
                    for given, _, names in query.readings]
        typed = " and ".join(starts_a_word(params, w) for w in word.values())
        middle = f" and (({typed}) or " + " or ".join(f"({r})" for r in readings) + ")"
    return (f"people_fts match {params.add(expression)}"
            + "".join(f" and {starts_a_word(params, w)}" for w in initials) + middle)


def names_join(match):
    return " join people_names n on n.rowid = f.rowid" if "n.terms" in match else ""


def suffix_missing(query, params):
    """1 when the row's name does not hold every suffix typed (Jr, III: not searched for, since records often
    leave them out, but said), else 0."""
    if not query.suffixes:
        return "0"
    return f"(not ({' and '.join(has_word(params, s) for s in query.suffixes)}))"


def match_label(row):
    """Why a row of the ranked search matched, as its tier and the suffix typed say."""
    return MATCHES[row["tier"]] + (SUFFIX_MISSING if row["suffix_missing"] else "")


def search_sql(query, filters, sort="relevance", limit=PAGE_SIZE, offset=0):
    """(sql, params) of one page of the ranked search, each row with its tier and the total count."""
    params = Params()
    match = name_match(query, params)
    tier = tier_sql(query, params)
    sql = (f"select {COLUMNS}, {tier} as tier, {suffix_missing(query, params)} as suffix_missing, count(*) over () as _total "
           "from people_fts f join people_names n on n.rowid = f.rowid join people p on p.rowid = f.rowid "
           f"where {match}{filter_sql(filters, params)} "
           f"order by {ORDERS[sort]} limit {int(limit)} offset {int(offset)}")
    return sql, params


def count_sql(query, filters):
    params = Params()
    match = name_match(query, params)
    return (f"select count(*) from people_fts f{names_join(match)} join people p on p.rowid = f.rowid "
            f"where {match}{filter_sql(filters, params)}"), params


def facets_sql(query, filters):
    params = Params()
    match = name_match(query, params)
    return (f"select p.state, p.license_status, p.agency_id, p.agency_name, count(*) as n "
            f"from people_fts f{names_join(match)} join people p on p.rowid = f.rowid "
            f"where {match}{filter_sql(filters, params)} "
            f"group by p.state, p.license_status, p.agency_id"), params


def identifier_sql(person_id, filters):
    """(sql, params) of the officer whose search identifier (``route/id``) is person_id, under the filters."""
    params = Params()
    return (f"select {COLUMNS} from people p where p.person_id = {params.add(person_id)}"
            f"{filter_sql(filters, params)}"), params


def record(row, match):
    """A result as the API gives it: public columns only."""
    out = {k: row[k] for k in FIELDS[:7]}
    out["match"] = match
    out["officer_path"] = "/officer/" + row["person_id"]
    return out


async def fuzzy_slots(execute, query):
    """Each slot with its alternatives widened to indexed words one edit away (or None when no
    word has a neighbour), using the deletion index: a word and a typo share a one-deletion form."""
    slots, widened = [], False
    for alternatives in query.slots:
        extra = []
        for alt in alternatives:
            for i, word in enumerate(alt):
                if len(word) == FUZZY_MIN_LENGTH - 1:  # one letter more only ("jon": John, Joan; a walk after the
                    forms = [word]                      # seventeenth), never the many three-letter neighbours
                elif FUZZY_MIN_LENGTH <= len(word) <= FUZZY_MAX_LENGTH:
                    forms = sorted(deletions(word))
                else:
                    continue
                params = Params()
                holders = ", ".join(params.add(f) for f in forms)
                rows = await execute(
                    f"select distinct d.word, v.n from name_deletions d join name_vocabulary v on v.word = d.word "
                    f"where d.form in ({holders}) order by v.n desc, d.word limit {FUZZY_VARIANTS * 4}", params)
                for candidate in (r["word"] for r in rows):
                    if candidate != word and within_one_edit(word, candidate) and len(extra) < FUZZY_VARIANTS:
                        extra.append(alt[:i] + (candidate,) + alt[i + 1:])
        widened = widened or bool(extra)
        slots.append(alternatives + extra)
    return slots if widened else None


async def approximate(execute, query, filters):
    """Names within one edit per word: (rows, total, suggestion) or None. Rows with fewer edited
    words come first; among them one row per distinct name before any namesake. A row the query as
    typed matches is never among them, on whichever page it is listed (a walk after the sixteenth:
    "smit" listed Smith rows twice, matched by the prefix and again as one edit away)."""
    slots = await fuzzy_slots(execute, query)
    if slots is None:
        return None
    params = Params()
    match = params.add(fts_expression(slots, prefix=False))
    edits = " + ".join(f"(case when {all_exact(params, [alts])} then 0 else 1 end)" for alts in query.slots)
    typed = name_match(query, params)
    skip = f"select f.rowid from people_fts f join people_names n on n.rowid = f.rowid where {typed}"
    sql = (f"select * from (select {COLUMNS}, n.terms, {edits} as edits, count(*) over () as _total, "
           f"row_number() over (partition by n.surname_key, n.given_key order by p.officer_name, p.person_id) as nth "
           "from people_fts f join people_names n on n.rowid = f.rowid join people p on p.rowid = f.rowid "
           f"where people_fts match {match}{filter_sql(filters, params)} and p.rowid not in ({skip})) "
           f"order by edits, nth, officer_name, coalesce(agency_name, ''), person_id limit {FUZZY_SHOWN}")
    rows = await execute(sql, params)
    if not rows:
        return None
    return rows, rows[0]["_total"], suggestion(query, slots, rows[0]["terms"])


def suggestion(query, slots, terms):
    """The query as the best approximate row spells it."""
    words = []
    for original, widened in zip(query.slots, slots):
        chosen = next((alt for alt in original + widened if all(f" {w} " in terms for w in alt)), original[0])
        words += chosen
    return " ".join(words)


def read_filters(request, values):
    """The filters asked for, each value as the data writes it when it matches one ignoring case
    (``state=ma`` is ``MA``, ``license_status=revoked`` is ``Revoked``). A value in no record is applied as
    given and so matches no officer: a filter narrows, never widens to everyone."""
    filters = {}
    for column in FILTERS:
        value = printable(request.args.get(column)).strip()[:200]
        if value:
            known = values.get(column, {})
            filters[column] = value if value in known.values() else known.get(value.casefold(), value)
    return filters


FILTER_VALUES = {}


async def filter_values(db):
    """{filter column: {casefolded value: value}} of the people table, read once (the database is
    immutable while served), each column's distinct values by one index seek apiece."""
    key = (id(db), db.path)
    if key not in FILTER_VALUES or db.is_mutable:
        values = {}
        for column in FILTERS:
            rows = (await db.execute(
                f"with recursive v(x) as (select min({column}) from people union all "
                f"select (select min({column}) from people where {column} > v.x) from v where v.x is not null) "
                "select x from v where x is not null")).rows
            values[column] = {r[0].casefold(): r[0] for r in reversed(rows)}  # on a clash of case, the first
        FILTER_VALUES[key] = values
    return FILTER_VALUES[key]


async def states_of(db):
    """The states in the people table, in order."""
    return sorted((await filter_values(db))["state"].values())


def read_request(request, values):
    """(query, filters, sort, page size, page, ignored) from a request's arguments: ``ignored`` names each
    sort, page or size argument that could not be used as given, with the value given (the default, or
    the nearest limit for a number out of range, is used)."""
    query = Query(request.args.get("q"))
    ignored = {"q": query.unread} if query.unread else {}
    sort = request.args.get("sort") or "relevance"
    if sort not in ORDERS:
        ignored["sort"], sort = printable(sort)[:200], "relevance"
    numbers = {}
    for name, default, low, high in (("size", PAGE_SIZE, 1, MAX_PAGE_SIZE), ("page", 1, 1, MAX_PAGE)):
        given = request.args.get(name)
        try:
            numbers[name] = max(low, min(high, int(given or default)))
        except ValueError:
            ignored[name], numbers[name] = printable(given)[:200], default
        else:
            if given and numbers[name] != int(given):  # out of range: the limit is used, and said
                ignored[name] = printable(given)[:200]
    return query, read_filters(request, values), sort, numbers["size"], numbers["page"], ignored


@contextmanager
def coarse_timelimit(conn, ms, every=50_000):
    """The server's SQL time limit for our own statements, checked every `every` SQLite VM
    instructions (Datasette's check, every 1,000, calls into Python thousands of times per search
    on a large roster, and holds the interpreter from the other requests while it does)."""
    deadline = time.perf_counter() + ms / 1000
    conn.set_progress_handler(lambda: 1 if time.perf_counter() >= deadline else 0, every)
    try:
        yield
    finally:
        conn.set_progress_handler(None, every)


async def in_one_trip(datasette, db, work):
    """work(execute), a coroutine function whose only awaits are execute(sql, params), run in one
    trip to a SQL thread (not one per statement) under the server's SQL time limit."""
    limit = datasette.setting("sql_time_limit_ms")
    statement = {"sql": None, "params": None}

    def once(conn):
        async def execute(sql, params=None):
            statement.update(sql=sql, params=params)
            return conn.execute(sql, params or {}).fetchall()
        with coarse_timelimit(conn, limit):
            coroutine = work(execute)
            try:
                coroutine.send(None)  # execute never suspends, so the first step runs it to its end
            except StopIteration as done:
                return done.value
            coroutine.close()
            raise RuntimeError("the search suspended outside execute")

    def run(conn):
        replacing = conn.text_factory
        try:  # Datasette's text factory (bytes that are not UTF-8 replaced) is a Python call per value
            conn.text_factory = str
            return once(conn)
        except sqlite3.OperationalError as error:
            if "decode" not in str(error):
                raise
            conn.text_factory = replacing  # a value that is not UTF-8: read again as Datasette reads it
            return once(conn)
        finally:
            conn.text_factory = replacing
    try:
        return await db.execute_fn(run)
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):  # the time limit: answered as Datasette answers a slow query
            from datasette.database import QueryInterrupted
            raise QueryInterrupted(error, statement["sql"], statement["params"]) from None
        raise


async def run_search(datasette, request, named, extra=None):
    """One page of the search for a request (see search; named: identifier_of its q), and what
    extra(execute, result) adds, in one trip to the database."""
    db = datasette.get_database(DB)
    values = await filter_values(db)
    *arguments, ignored = read_request(request, values)
    officer = f"{named[0]['route']}/{named[1]}" if named else None  # a retired one is no officer's: no row

    async def work(execute):
        result = await search(execute, *arguments, officer=officer)
        if extra is not None:
            await extra(execute, result)
        return result
    result = await in_one_trip(datasette, db, work)
    result["states"] = sorted(values["state"].values())
    # a filter's value in no record is said so, never shown on the page: any text in a link's state= or agency_id= would
    # otherwise be printed beside the results (an attack run after the seventeenth: "Filtered by state = OFFICIAL
    # NOTICE: ... was decertified for fraud")
    result["unknown_filters"] = {column for column, value in result["filters"].items()
                                 if value not in values.get(column, {}).values()}
    if result["page"] != arguments[-1] and "page" not in ignored:  # past the last page: the last is given
        ignored["page"] = printable(request.args.get("page"))[:200]
    result["ignored"] = ignored
    result["retired"] = ({"person_id": officer, "state": named[0]["code"], "officer_path": "/officer/" + officer}
                         if named and named[2] else None)
    return result


async def search(execute, query, filters, sort="relevance", size=PAGE_SIZE, page=1, officer=None):
    """Everything /search and its JSON give: one page of ranked rows, the total, and the
    approximate matches when the exact ones are few; when the query is an officer's identifier
    (officer: the officer's ``route/id``), that officer alone. A page past the last gives the last
    (``past_last``: the page asked for). execute(sql, params) returns rows."""
    result = {"q": query.text, "query": query, "filters": filters, "sort": sort, "size": size, "page": page,
              "rows": [], "total": 0, "approximate": None, "exact": False, "past_last": None}
    if not query:
        return result
    if officer is not None:
        rows = await execute(*identifier_sql(officer, filters))
        result.update(rows=[record(r, "identifier") for r in rows], total=len(rows), page=1, exact=bool(rows),
                      past_last=page if page > 1 and rows else None)
        return result
    sql, params = search_sql(query, filters, sort, size, (page - 1) * size)
    rows = await execute(sql, params)
    if rows:
        total = rows[0]["_total"]
    else:
        total = (await execute(*count_sql(query, filters)))[0][0] if page > 1 else 0
        last = max(1, -(-total // size))
        if page > last:
            result.update(page=last, past_last=page if total else None)
            page = last
            rows = (await execute(*search_sql(query, filters, sort, size, (page - 1) * size))) if total else []
    # a match of every word as typed: names one edit away are then a footnote, not a correction
    result.update(rows=[record(r, match_label(r)) for r in rows], total=total,
                  exact=any(r["tier"] < EXACT_TIERS for r in rows))
    if page == 1 and (total < FUZZY_BELOW or rows[0]["tier"] >= EXACT_TIERS):
        found = await approximate(execute, query, filters)
        if found:
            near, near_total, suggested = found
            result["approximate"] = {"kind": "one edit", "suggestion": suggested, "total": near_total,
                                     "rows": [record(r, "approximate") for r in near]}
        elif total == 0:
            for kind, fallback in (("without initials", without_initials), ("same surname", same_surname)):
                found = await fallback(execute, query, filters)
                if found:
                    near, near_total, suggested = found
                    result["approximate"] = {"kind": kind, "suggestion": suggested, "total": near_total,
                                             "rows": [record(r, kind) for r in near]}
                    break
    return result


async def without_initials(execute, query, filters):
    """When no name matches, not even one edit away, and the query holds initials beside longer
    words: the names that match the longer words (a reader may misremember a middle initial).
    (rows, total, the query without its initials) or None."""
    words = [w for w in query.words if len(w) > 1]
    if not words or len(words) == len(query.words):
        return None
    shorter = Query(" ".join(words))
    rows = await execute(*search_sql(shorter, filters, "relevance", FUZZY_SHOWN, 0))
    return (rows, rows[0]["_total"], shorter.text) if rows else None


async def same_surname(execute, query, filters):
    """When no name matches, not even one edit away: the officers who share a surname the query
    can be read as, by the typed order first, then the given names that share the longest start with
    the typed one (a reader may know the surname but not the given name, or know a nickname, or misspell
    it by more than one letter). (rows, total, surname as typed) or None."""
    readings = list(dict.fromkeys((s, g) for g, s in query.splits + query.surname_first))
    if not readings:
        return None
    params = Params()
    keys = ", ".join(params.add(s) for s, _ in readings)
    order = " ".join(f"when {params.add(s)} then {i}" for i, (s, _) in enumerate(readings))
    # the surname itself, or a double-barrelled one that begins or ends with it ("mike bryant" lists
    # Smith-Bryant too, after the Bryants)
    parts = " or ".join(f"substr(n.surname_key, 1, {len(s)}) = {params.add(s)} or substr(n.surname_key, -{len(s)}) = {params.add(s)}"
                        for s, _ in readings)
    match = params.add(" OR ".join(quote(s, False) for s, _ in readings))  # the joined surname is an indexed term
    # within a surname, the given names that begin as the typed one does first, the longest shared start first
    # ("nataly martinez": Natalie before Aaron; a walk after the seventeenth found 115 Martinezes alphabetically)
    def shared_start(s, g):  # of the rows with this reading's surname (alone or in a double-barrelled one)
        held = (f"n.surname_key = {params.add(s)} or substr(n.surname_key, 1, {len(s)}) = {params.add(s)} "
                f"or substr(n.surname_key, -{len(s)}) = {params.add(s)}")
        start = " + ".join(f"(substr(n.given_key, 1, {k}) = {params.add(g[:k])})" for k in range(1, min(len(g), FUZZY_MAX_LENGTH) + 1))
        return f"case when {held} then {start or 0} else 0 end"
    closeness = f"max(0, {', '.join(shared_start(s, g) for s, g in readings)})"
    rows = await execute(
        f"select {COLUMNS}, n.surname_key, count(*) over () as _total "
        "from people_fts f join people_names n on n.rowid = f.rowid join people p on p.rowid = f.rowid "
        f"where people_fts match {match} and (n.surname_key in ({keys}) or {parts}){filter_sql(filters, params)} "
        f"order by case n.surname_key {order} else {len(readings)} end, {closeness} desc, "
        "p.officer_name, coalesce(p.agency_name, ''), p.person_id "
        f"limit {FUZZY_SHOWN}", params)
    if not rows:
        return None
    words = query.words
    key = rows[0]["surname_key"]
    typed = next((w for w in (" ".join(words[i:j]) for i in range(len(words)) for j in range(len(words), i, -1))
                  if w.replace(" ", "") == key), None) or next((s for s, _ in readings if key.startswith(s) or key.endswith(s)), key)
    return rows, rows[0]["_total"], typed


def page_urls(datasette, result):
    """url(path, **changes): the address of path for this search with some of its parameters changed (None
    or "" drops one), as urlencode writes it; each parameter is quoted once for all the links of a page (a page
    of results links each facet value: quoting the search again for each was a tenth of its time), and each
    path's prefix is made once, as plain text (Datasette's prefixed string pays for each join)."""
    base = {"q": result["q"], **result["filters"], "sort": result["sort"], "page": result["page"]}
    if result["size"] != PAGE_SIZE:
        base["size"] = result["size"]
    prefixes, quoted = {}, {}

    def url(path, **changes):
        parts = []
        for pair in (dict(base, **changes) if changes else base).items():
            k, v = pair
            if v in (None, "") or (k == "sort" and v == "relevance") or (k == "page" and v == 1):
                continue
            if pair not in quoted:
                quoted[pair] = quote_plus(k) + "=" + quote_plus(str(v))
            parts.append(quoted[pair])
        if path not in prefixes:
            prefixes[path] = str(datasette.urls.path(path))
        return prefixes[path] + ("?" + "&".join(parts) if parts else "")
    return url


def paging(url, path, result):
    last = max(1, -(-result["total"] // result["size"]))
    page = result["page"]
    return {"last_page": last,
            "next_url": url(path, page=page + 1) if page < last else None,
            "previous_url": url(path, page=min(page - 1, last)) if page > 1 else None}


SYNTHETIC = weakref.WeakKeyDictionary()


def synthetic_resources(datasette):
    """The resources served as a synthetic sample (read once per server: the metadata is fixed)."""
    if datasette not in SYNTHETIC:
        SYNTHETIC[datasette] = (datasette.plugin_config("certsearch") or {}).get("synthetic_resources") or []
    return SYNTHETIC[datasette]


async def search_json(datasette, request):
    result = await run_search(datasette, request, await identifier_of(datasette, request.args.get("q")))
    near = result["approximate"]
    sample = sample_states(datasette)
    if sample:  # each row says whether it is a sample's: a state's may be while another's is real
        for row in [*result["rows"], *(near or {}).get("rows", [])]:
            row["synthetic_sample"] = row["state"] in sample
    url = page_urls(datasette, result)
    body = {"synthetic_sample": synthetic_resources(datasette), "q": result["q"], "filters": result["filters"],
            "sort": result["sort"], "page": result["page"], "size": result["size"], "ignored": result["ignored"],
            "total": result["total"], **paging(url, "/search.json", result),
            "rows": result["rows"], "retired": result["retired"],
            "approximate": near and dict(near, suggestion_url=url("/search.json", q=near["suggestion"], page=1))}
    from datasette.utils.asgi import Response
    return Response.json(body, headers={"content-type": "application/json; charset=utf-8"})


async def search_csv(datasette, request):
    """Every main (not approximate) match, ranked, as CSV; fetched in pages so nothing is capped."""
    db = datasette.get_database(DB)
    query, filters, sort, _, _, _ = read_request(request, await filter_values(db))
    named = await identifier_of(datasette, request.args.get("q"))
    sample = sample_states(datasette)  # while a state's records are a sample, a last column says which rows are

    async def stream(writer):
        out = io.StringIO()
        table = csv.writer(out, lineterminator="\n")
        table.writerow(FIELDS + (["synthetic_sample"] if sample else []))
        offset = 0
        while query:
            if named:  # a retired identifier is no officer's: no row
                rows = (await db.execute(*identifier_sql(f"{named[0]['route']}/{named[1]}", filters))).rows
            else:
                rows = (await db.execute(*search_sql(query, filters, sort, CSV_PAGE, offset))).rows
            for row in rows:
                table.writerow([record(row, match_label(row) if not named else "identifier")[k] for k in FIELDS]
                               + (["true" if row["state"] in sample else "false"] if sample else []))
            await writer.write(out.getvalue())
            out.seek(0)
            out.truncate()
            if named or len(rows) < CSV_PAGE:
                break
            offset += CSV_PAGE
        await writer.write(out.getvalue())
    from datasette.utils.asgi import AsgiStream
    return AsgiStream(stream, content_type="text/csv; charset=utf-8",
                      headers={"content-disposition": 'attachment; filename="search.csv"'})


AGENCY_RANKED = 2000  # agencies whose matches are ranked by their whole words (a state lists a few hundred)


def whole_words(name):
    """An agency name's folded words, and each number without its leading zeros ("04": "4")."""
    words = fold(name or "").split()
    return set(words) | {w.lstrip("0") or "0" for w in words if w.isdigit()}


async def search_agencies(execute, q, page):
    """A page of the agencies whose names match q (each word a prefix), those holding more of its words whole first (a
    walk after the nineteenth: "county 4 sheriff" listed County 40 to 46 before County 04), then by the index's
    rank; and the number of matches."""
    found = await execute(
        "select a.rowid as _rowid, a.agency_name, count(*) over () as _total from agencies_fts join agencies a "
        "on a.rowid = agencies_fts.rowid where agencies_fts match fts_query(:q) order by agencies_fts.rank, "
        f"a.agency_name limit {AGENCY_RANKED}", {"q": q})
    if not found:
        return [], 0
    typed = [w.lstrip("0") or "0" if w.isdigit() else w for w in fold(q).split()]
    ranked = sorted(range(len(found)), key=lambda i: (-sum(w in whole_words(found[i]["agency_name"]) for w in typed), i))
    shown = [found[i]["_rowid"] for i in ranked[(page - 1) * AGENCY_PAGE:page * AGENCY_PAGE]]
    if not shown:
        return [], found[0]["_total"]
    rows = {r["rowid"]: r for r in await execute(
        "select a.rowid, a.*, (select count(*) from people p where p.agency_id = a.agency_id) as officers "
        f"from agencies a where a.rowid in ({', '.join(str(int(i)) for i in shown)})")}
    return [rows[i] for i in shown], found[0]["_total"]


def facet_lists(rows, filters):
    """Counts per state, per state's own licence status, and per agency, among the matches."""
    states, statuses, agencies = {}, {}, {}
    for r in rows:
        states[r["state"]] = states.get(r["state"], 0) + r["n"]
        if r["license_status"]:
            key = (r["state"], r["license_status"])
            statuses[key] = statuses.get(key, 0) + r["n"]
        if r["agency_id"]:
            key = (r["agency_id"], r["agency_name"] or r["agency_id"])
            agencies[key] = agencies.get(key, 0) + r["n"]
    by_count = lambda d: sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"state": by_count(states), "license_status": by_count(statuses), "agency_id": by_count(agencies)}


STATES_CONFIG = weakref.WeakKeyDictionary()  # per server: a test's next server may reuse a freed id


def states_config(datasette):
    """The states as the build wrote them into the metadata (code, name, officer resource); read
    once per server: the metadata does not change while it runs."""
    if datasette not in STATES_CONFIG:
        STATES_CONFIG[datasette] = (datasette.plugin_config("certsearch") or {}).get("states", [])
    return STATES_CONFIG[datasette]


def sample_states(datasette):
    """The codes of the states whose officer records are a synthetic sample (the build's per-state ``sample``)."""
    return {s["code"] for s in states_config(datasette) if s.get("sample")}


def shows_sample(datasette, shown):
    """Whether a page of rows from the states ``shown`` (codes) shows a synthetic sample's rows; a page with no
    row, while any state's records are a sample (a new user's walk: with one state's release imported and
    another's still a sample, a search that found only real officers was headed "Synthetic sample")."""
    sample = sample_states(datasette)
    return bool(sample & set(shown)) if shown else bool(sample)


def marked_states(datasette):
    """The states whose rows are marked one by one as a sample: those that are, while another state's are real
    (while every state's are a sample, the banner says it of the whole page)."""
    sample = sample_states(datasette)
    return sample if len(sample) < len(states_config(datasette)) else set()


SAMPLE_MARK = ' <span class="sample-mark">(synthetic sample)</span>'


def result_rows(rows, base, approximate=False, labels=None, marked=()):
    """The rows of a result table as HTML: built here, not in the template, because at 50 rows a page
    the template's loop was most of the page's rendering time. The Match column only for real matches;
    a state's detail with its label ({state code: label}, e.g. "Licence class: unknown"); a row of a state in
    marked (codes) marked as a synthetic sample's beside its name."""
    out, labels = [], labels or {}
    for p in rows:
        detail = text_html(p["detail"] or "")
        if detail and labels.get(p["state"]):
            detail = f"{text_html(labels[p['state']])}: {detail}"
        agency = (f'<a href="{base}agency/{text_html(p["agency_id"])}">{text_html(p["agency_name"])}</a>'
                  if p["agency_id"] else "none named")
        link = "officer-link approximate-link" if approximate else "officer-link"
        match = "" if approximate else f'<td data-column="Match">{text_html(p["match"])}</td>'
        out.append(f'<tr>\n<td data-column="Name"><a class="{link}" href="{base}{text_html(p["officer_path"][1:])}">'
                   f'{text_html(p["officer_name"])}</a>{SAMPLE_MARK if p["state"] in marked else ""}</td>'
                   f'<td data-column="State">{text_html(p["state"])}</td>\n'
                   f'<td data-column="Licence status">{text_html(p["license_status"] or "none in these records")}</td>\n'
                   f'<td data-column="Agency">{agency}</td><td data-column="Details">{detail}</td>{match}</tr>\n')
    return Markup("".join(out))


def text_html(value):
    """markupsafe.escape(value) as a plain string: the same five characters replaced the same way,
    without making a Markup object for each cell (a third of the result rows' time)."""
    return (str(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def agency_caveats(states, result, synthetic=()):
    """For each state among the rows shown, the words of the agency whose records the Agency column
    comes from, on that field (from the request log, in the metadata), so that a reader weighs the
    column as it says; ``sample`` when the state's officer resource is a synthetic sample (synthetic: the
    names of those resources), whose rows are not the agency's records."""
    shown = {r["state"] for r in result["rows"]} | {r["state"] for r in (result["approximate"] or {}).get("rows", [])}
    return [{"name": state["name"], "sample": state["resource"] in synthetic, **state["agency_words"]} for state in states
            if state["code"] in shown and state.get("agency_words")]


async def identifier_of(datasette, q):
    """(state, identifier, retired) when a search's text is nothing but an officer's identifier (as the
    officer page and its address give it, e.g. a reporter's citation, in any case the state allows) or
    an identifier since retired; else None. The identifier rules are the officer page's
    (plugins/certsearch.py)."""
    q = (q or "").strip()
    if not q or any(c.isspace() for c in q):
        return None
    from datasette.plugins import pm
    officers = pm.get_plugin("certsearch.py")
    for state in states_config(datasette):
        found = await officers.officer_identifier(datasette, state, q)
        if found is not None:
            return state, *found
    return None


async def search_page(datasette, request):
    """The search page; asked for nothing but an officer's identifier, it opens the officer's page (a
    retired identifier's page says what became of it)."""
    from datasette.utils.asgi import Response
    named = await identifier_of(datasette, request.args.get("q"))
    if named is not None and set(request.args) == {"q"}:
        return Response.redirect(datasette.urls.path(f"/officer/{named[0]['route']}/{url_quote(named[1], safe='')}"))
    try:
        agency_page = min(MAX_PAGE, max(1, int(request.args.get("agency_page") or 1)))
    except ValueError:
        agency_page = 1

    async def facets_and_agencies(execute, result):
        if result["query"]:  # an identifier's officer is one row: nothing to filter
            result["facet_rows"] = [] if named else await execute(*facets_sql(result["query"], result["filters"]))
            result["agency_rows"] = await search_agencies(execute, result["q"], agency_page)
    result = await run_search(datasette, request, named, facets_and_agencies)
    url = page_urls(datasette, result)
    context = dict(result, **paging(url, "/search", result), facets=None, agencies=[], agency_total=0,
                   state_labels={s["code"]: s["name"] for s in states_config(datasette)})  # the menu gives a state's name, not its code
    # (a filter's links are on the page whenever a filter is, a search of no word too: an attack run after the twentieth
    # answered "q=*&license_status=Revoked" with a 500)
    context["filter_url"] = lambda column, value: url("/search", page=1, **{column: value})
    context["sort_url"] = lambda sort: url("/search", page=1, sort=sort)
    if result["query"]:
        context["facets"] = facet_lists(result["facet_rows"], result["filters"]) if result["facet_rows"] else None
        context["agencies"], context["agency_total"] = result["agency_rows"]
        context["agency_page"] = agency_page
        context["agency_caveats"] = agency_caveats(states_config(datasette), result, synthetic_resources(datasette))
        context["agency_more_url"] = (url("/search", agency_page=agency_page + 1)
                                      if agency_page * AGENCY_PAGE < context["agency_total"] else None)
        context["json_url"] = url("/search.json")
        context["csv_url"] = url("/search.csv", page=1)
        if result["approximate"]:
            context["suggestion_url"] = url("/search", q=result["approximate"]["suggestion"], page=1)
    context["state_names"] = [s["name"] for s in states_config(datasette)]
    context["base"] = str(datasette.urls.path("/"))  # plain text: links in loops are built by joining, not by urls.path
    labels = {s["code"]: s.get("detail_label") for s in states_config(datasette)}
    marked = marked_states(datasette)
    context["rows_html"] = result_rows(result["rows"], escape(context["base"]), labels=labels, marked=marked)
    if result["approximate"]:
        context["approximate_rows_html"] = result_rows(result["approximate"]["rows"], escape(context["base"]), approximate=True,
                                                       labels=labels, marked=marked)
    shown = [r["state"] for r in [*result["rows"], *(result["approximate"] or {}).get("rows", []), *context["agencies"]]]
    context["page_sample"] = shows_sample(datasette, shown)
    context["first"] = (result["page"] - 1) * result["size"] + 1
    context["page_size_default"] = PAGE_SIZE
    return Response.html(await render_search(datasette, context, request))


PARTS = weakref.WeakKeyDictionary()  # per server: the templates and the plugins' variables do not change while it runs
MARKS = ("\x00title\x00", "\x00content\x00")  # no template writes a NUL


async def page_parts(datasette):
    """search.html cut once per server: the frame Datasette renders around its two blocks (base.html
    with every variable Datasette and the plugins give a page without a signed-in actor), with the sample's
    banner and without ({page_sample: frame}), each as the text
    before, between and after them; search.html in a synchronous overlay of Datasette's Jinja
    environment (the blocks await nothing); and the variables the blocks may read, merged as
    Datasette merges them. Datasette's rendering of the whole page for each search (its hooks,
    asynchronous Jinja, base.html) had been most of a search page's time."""
    if datasette not in PARTS:
        frames = {}
        for sample in (True, False):  # with the sample's banner and without (page_sample)
            frame = await datasette.render_template(datasette.jinja_env.from_string(
                '{% extends "search.html" %}{% block title %}' + MARKS[0] + '{% endblock %}'
                '{% block content %}' + MARKS[1] + '{% endblock %}'), {"page_sample": sample})
            frames[sample] = [piece.split(MARKS[0]) for piece in frame.split(MARKS[1])]  # the title may be written more than once
            if len(frames[sample]) != 2:
                raise ValueError("search.html's frame does not write its content block exactly once")
        variables = {"urls": datasette.urls, "base_url": datasette.setting("base_url"), "zip": zip}
        from datasette.plugins import pm
        from datasette.utils import await_me_maybe
        extra = {}
        for found in pm.hook.extra_template_vars(template="search.html", database=None, table=None, columns=None,
                                                 view_name=None, request=None, datasette=datasette):
            extra.update(await await_me_maybe(found))
        template = datasette.jinja_env.overlay(enable_async=False, cache_size=50).get_template("search.html")
        PARTS[datasette] = frames, template, variables, extra
    return PARTS[datasette]


async def render_search(datasette, context, request):
    """The search page, the same text as datasette.render_template("search.html", context, request)
    (tests/test_search.py compares them): the frame cut once, the title and content blocks rendered
    for this search. A request that may carry a signed-in actor or Datasette's messages (its
    cookies) gets Datasette's own rendering: for those the frame can differ."""
    if "ds_actor" in request.cookies or "ds_messages" in request.cookies:
        return await datasette.render_template("search.html", context, request=request)
    frames, template, variables, extra = await page_parts(datasette)
    before, after = frames[bool(context.get("page_sample"))]
    blocks = template.new_context({**context, "request": request, **variables, **extra})
    title = "".join(template.blocks["title"](blocks))
    return title.join(before) + "".join(template.blocks["content"](blocks)) + title.join(after)


DIRECT = {"/search": search_page, "/search.json": search_json}
ANONYMOUS_VARY = (b"Cookie", b"Authorization")


def varied(message):
    """An answer's start as Datasette's router sends an anonymous request's: Vary names Cookie and
    Authorization (a cached copy must not serve a request that carries either)."""
    if message["type"] != "http.response.start":
        return message
    headers = list(message.get("headers", []))
    vary = [part.strip() for key, value in headers if key.lower() == b"vary" for part in value.split(b",") if part.strip()]
    if b"*" not in vary:
        vary += [name for name in ANONYMOUS_VARY if name.lower() not in {part.lower() for part in vary}]
    return dict(message, headers=[(k, v) for k, v in headers if k.lower() != b"vary"] + [(b"vary", b", ".join(vary))])


@hookimpl(tryfirst=True)  # the innermost wrapper: the others (labels, cache, limits) apply to these answers too
def asgi_wrapper(datasette):
    """A GET of /search or /search.json without a cookie or an Authorization header (so without an actor
    or Datasette's messages) goes straight to its view, past Datasette's router and CSRF layer (a quarter
    of a search page's time on the event loop). A view that fails is asked again through the router,
    which answers its errors (a search past the SQL time limit costs its client twice). The answer is
    the router's, headers included (tests/test_search.py compares them)."""
    from datasette.utils.asgi import Request

    def wrap(app):
        async def direct(scope, receive, send):
            path = scope.get("path")
            view = DIRECT.get(path) if scope.get("type") == "http" and scope.get("method") == "GET" else None
            if (view is None or scope.get("raw_path", path.encode()) != path.encode()  # the router reads the raw path:
                    # /search%2Ejson is its redirect, never this page
                    or not datasette._startup_invoked or datasette.setting("base_url") != "/"
                    or any(name in (b"cookie", b"authorization") for name, _ in scope.get("headers") or ())):
                return await app(scope, receive, send)
            if datasette.setting("force_https_urls") and scope.get("scheme") != "https":
                scope = dict(scope, scheme="https")
            request = Request(dict(scope, actor=None, url_route={"kwargs": {}}), receive)

            async def send_varied(message):
                await send(varied(message))
            try:
                response = await view(datasette, request)
            except Exception:  # answered by the router, as it answers its own (its error pages need its CSRF layer)
                return await app(scope, receive, send)
            await response.asgi_send(send_varied)
        return direct
    return wrap


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("fts_query", 2, fts_query, deterministic=True)


@hookimpl
def register_routes():
    return [
        (r"^/search$", search_page),
        (r"^/search\.json$", search_json),
        (r"^/search\.csv$", search_csv),
    ]
