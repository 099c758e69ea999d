"""Source documents: the repository's copies, and the check that every quote is in them.

Takes: a ``Package`` whose ``sources`` name each source document by ``pcr:id`` with
its copy in ``pcr:text`` (a text file under ``data/sources/``). Gives: the
documents, normalised for comparison, and ``quote_problems``: every quoted passage
in the package (disclosure grounds, and every cell of a field marked ``pcr:quote``)
that is not in its source document, as ``Problem`` rows naming file, row and field.

Comparison ignores what a copy cannot keep stable: runs of spaces, typographic
quotes and apostrophes, Markdown bold markers, and the line numbers printed in the
margin of a bill (documents marked ``pcr:lineNumbered``, whose lines are wrapped prose:
their line breaks are spaces). A document without margin numbers has a line per
paragraph, and its line breaks are the source's own (a signature block, a heading, a
question and its answer): a quote keeps them, neither joining two lines nor breaking one.
A quote may leave words out with `` ... ``; each part must then appear, in order.

The copies replace every telephone number and e-mail address of the correspondence
with a plain placeholder (``redact``): nothing of them is kept, not even a hash.
"""
import contextlib
import csv
import hashlib
import html
import os
import re
import unicodedata
from pathlib import Path

from . import disclosure, templatecache
from .names import (EMAIL, PHONE, birth_date_in, contact_value, free_phone, free_text_problem, mixed_phone,  # one definition of
                    plain_digits, spelled_number)  # a contact detail
from .validate import Problem

PHONE_PLACEHOLDER = "[phone number removed]"
EMAIL_PLACEHOLDER = "[e-mail address removed]"
TYPOGRAPHIC = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "`": "'", "\u00a0": " "})
MARGIN_NUMBER = re.compile(r"(?m)^[ \t]*\d{1,3}[ \t]+(?=\S)")
NOT_A_QUOTE = {"", "not stated in the record"}


def redact(text):
    """The text with every e-mail address and telephone number replaced by a placeholder
    (an inline image reference such as cid:image001.png@... is not an address and is kept)."""
    def email(match):
        return match.group() if text[max(0, match.start() - 4):match.start()] == "cid:" else EMAIL_PLACEHOLDER
    return PHONE.sub(PHONE_PLACEHOLDER, EMAIL.sub(email, text))


def normalise(text, line_numbered=False, lines=False):
    """Text as quotes are compared: margin numbers (if any), bold markers, quote styles and spacing evened
    out; with lines, each run of whitespace that holds a line break is one line break, else a space."""
    if line_numbered:
        text = MARGIN_NUMBER.sub("", text)
    text = text.replace("**", "").translate(TYPOGRAPHIC)
    if not lines:
        return " ".join(text.split())
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def documents(package):
    """{source id: normalised text} of every source document the package declares."""
    found = {}
    for source in package.descriptor.get("sources", []):
        if source.get("pcr:id") and source.get("pcr:text"):
            path = package.root / source["pcr:text"]
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = None  # fails closed: every quote of an unreadable source is refused
            numbered = source.get("pcr:lineNumbered", False)
            found[source["pcr:id"]] = normalise(text, numbered, lines=not numbered) if text is not None else None
    return found


def quote_in(quote, text):
    """True when the quote (parts joined by ' ... ' in order; a quote that stops before its sentence does
    may end with ' ...', one that starts inside it begin with '... ') is in the normalised text."""
    if not text:
        return False
    position = 0
    quote = normalise(quote, lines="\n" in text)
    quote = quote[4:] if quote.startswith("... ") else quote
    quote = quote[:-4] if quote.endswith(" ...") else quote
    for part in quote.split(" ... "):
        found = text.find(part, position)
        while found >= 0 and not on_word_boundaries(text, found, found + len(part)):
            found = text.find(part, found + 1)
        if not part or found < 0:
            return False
        position = found + len(part)
    return True


def on_word_boundaries(text, start, end):
    """A quote neither begins nor ends inside a word of the source ("... may be list" is not a quote of "listed")."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (text[start].isalnum() and before.isalnum()) and not (text[end - 1].isalnum() and after.isalnum())


def ground_quotes(resource):
    """(field name, ground index, quote, source id) for every quote in the disclosure grounds."""
    for field in resource["schema"]["fields"]:
        for index, ground in enumerate(disclosure.grounds(field)):
            if isinstance(ground, dict) and ground.get("quote"):
                yield field["name"], index, ground["quote"], ground.get("source")


def quoted_cells(package, resource):
    """(row number, field name, quote, source id) for every cell of a field marked pcr:quote."""
    marked = {f["name"]: f["pcr:quote"] for f in resource["schema"]["fields"] if f.get("pcr:quote")}
    if not marked:
        return
    with open(package.path(resource), encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            for name, spec in marked.items():
                value = (row.get(name) or "").strip()
                if value not in NOT_A_QUOTE:
                    yield number, name, value, spec.get("source") or row.get(spec.get("sourceField", ""), "")


def source_copies(package):
    """{source id: the repository's copy} of every source document the package declares with a copy."""
    return {s["pcr:id"]: package.root / s["pcr:text"] for s in package.descriptor.get("sources", [])
            if isinstance(s, dict) and s.get("pcr:id") and s.get("pcr:text")}


def download_name(source_id):
    """Where a source document's copy is published, under downloads/."""
    return f"sources/{source_id}.txt"


# What a source copy must not hold, read more widely than in a name (a copy is free text): a telephone number with
# any separators (no-break spaces, slashes, dashes of any kind), a country code or none, or seven digits alone
# ("555-0142"), besides what names.contact_value finds. An inline image's reference (cid:image001.png@01D9F21B.CC63ED80,
# as Outlook writes it) is no address.
LOOSE_PHONE = re.compile(r"(?<![\d,.])(?:\+?1[\s./\u2010-\u2015\u2212-]*)?\(?\d{3}\)?[\s./\u2010-\u2015\u2212-]*\d{3}"
                         r"[\s./\u2010-\u2015\u2212-]+\d{4}(?![\d,])"  # with its area code, any separators
                         r"|(?<![\d,.])\d{3}[\s\u2010-\u2015\u2212-]+\d{4}(?![\d,.])"  # seven digits, a dash or a space ("590.1150" is a section)
                         r"|(?<!\d)1?\d{10}(?!\d)")
INLINE_IMAGE = re.compile(r"cid:image\d+\.(?:png|jpg|jpeg|gif)@[0-9A-F]{8}\.[0-9A-F]{8}(?=\])")
# Digits with up to three signs or spaces between each (no letter, no line break, no comma before a space): ten of
# them, or eleven after a 1, are a telephone number however they are grouped or separated ("555·555·0142", "555 555
# 01 42", "5 5 5 5 5 5 0 1 4 2", "555-**555**-0142": the twelfth attack run), unless they are one number written
# with thousands' commas ("1,234,567,890"). ("January 18, 2023, 15,049 users" is no number: a comma and a space.)
# A colon is no separator: "January 3, 2023 10:15:33 AM", an e-mail's date line, is no number; nor are groups of five
# digits or more ("Reference 10001 20002"). After a +, eight to fifteen digits are an international number.
DIGIT_RUN = re.compile(r"\+?\d(?:(?:[^\w\n,:]|_|,(?! )){0,3}\d)+")
THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def digit_run_phone(text):
    """Whether text holds ten digits (or eleven after a 1, or eight to fifteen after a +) run together by signs or
    spaces only, in groups of at most four."""
    for match in DIGIT_RUN.finditer(text):
        run = match.group()
        digits = sum(c.isdigit() for c in run)
        if max(map(len, re.findall(r"\d+", run))) > 4 or THOUSANDS.fullmatch(run):
            continue
        if digits == 10 or (digits == 11 and run.startswith("1")) or (run.startswith("+") and 8 <= digits <= 15):
            return True
    return False


def holds_contact(line):
    """Whether a line of a source copy holds a telephone number or an e-mail address: as it is written, and as it
    shows once its markup is dropped (HTML tags, Markdown's emphasis: "jdoe**@**example.com", "records.desk<span>@
    </span>example.com") and its quoted-printable escapes read ("jdoe=40example.com")."""
    line = INLINE_IMAGE.sub(" ", html.unescape(line))  # "555&#45;555&#45;0142" is read as it shows
    forms = {line, MARKUP.sub("", line)}
    forms |= {QUOTED_PRINTABLE.sub(lambda m: chr(int(m.group(1), 16)), form) for form in forms if "=" in form}
    return any(form_holds_contact(form) for form in forms)


def form_holds_contact(line):
    """holds_contact's tests of one form of a line: besides the copies' own, the free text's (names.free_phone: a local
    number with any separator, "555.0142", "55501-42", an extension, "x0142", the 00 that dials abroad; a date of birth,
    names.birth_date_in), and an address whose @ is drawn as another sign (STAND_IN_AT: "jdoe․example.com", with a
    one-dot leader)."""
    plain = unicodedata.normalize("NFKC", line)
    if not line.isascii() and STAND_IN_AT.search(line):
        return True
    digits = plain_digits(plain)
    return bool(contact_value(line) or LOOSE_PHONE.search(plain) or digit_run_phone(plain) or LOOSE_AT.search(plain)
                or ANY_SEPARATOR_PHONE.search(plain) or vanity_number(plain) or spelled_number(digits)
                or free_phone(digits) or birth_date_in(digits) or mixed_phone(plain))


# An e-mail address whose @ is written as another sign, one no letter's address or text puts between two words (an
# attack run after the fourteenth published "jdoe․example.com", with U+2024 ONE DOT LEADER, which NFKC makes a dot): a
# word, a sign that is not ASCII (a dot leader, a bullet, a middle dot, a ring...), and a domain. (An address written with
# the dot's look-alikes, "jdoe@example․com", is NFKC's: read with a dot.)
STAND_IN_AT = re.compile(r"[\w.+-](?:(?![\w\s])[^\x00-\x7f])[\w-]+(?:[.\u2024\ufe52\uff0e\u3002][\w-]+)*"
                         r"[.\u2024\ufe52\uff0e\u3002](?:com|org|net|gov|edu|mil|us|info|biz|io|co|uk|ca|de|fr|es|it|nl|me)\b",
                         re.IGNORECASE)


# An @ with a space on one side of it, or wrapped in brackets or quotes ("jdoe@ example.gov", "jdoe [@] example.gov",
# '"john.doe"@example.com'): an address however written, where free text may otherwise hold an @ ("Twitter
# @MoPublicSafety").
LOOSE_AT = re.compile(r"[\w.+\"'-]\s*[\[(<{]?\s*[@\uff20\ufe6b]\s*[\])>}]?\s*[\w-]+\.[\w-]", re.IGNORECASE)
# What a copy's markup adds between an address's or a number's characters: an HTML tag, Markdown's emphasis.
MARKUP = re.compile(r"<[^<>\n]{0,200}>|\*+|_{2,}")
QUOTED_PRINTABLE = re.compile(r"=([0-9A-Fa-f]{2})")  # an e-mail's escapes: "=40" is an @
# A telephone number's 3, 3 and 4 digits with any signs between (up to three: "573:555:0142", "573, 555, 0142"), which
# DIGIT_RUN leaves to others: it takes no colon (a time, "10:15:33") and no comma before a space (a date's).
ANY_SEPARATOR_PHONE = re.compile(r"(?<![\d.,])\(?\d{3}\)?[^\w\n]{1,3}\d{3}[^\w\n]{1,3}\d{4}(?![\d])")
# A number with letters for some of its digits ("(573) 555-HELP", "1-800-DESK-NO1"): an area code and seven letters or
# digits, in capitals (or a word after three digits: "555-Help"), the area code written as one ("(573)", "573-",
# "1-800") or the rest holding a digit.
VANITY = re.compile(r"(?<![\w.])(1[\s.\u2010-\u2015\u2212-]+)?(\()?[2-9][0-9]{2}(\))?([\s.\u2010-\u2015\u2212-]*)"
                    r"((?:[0-9A-Z][.\u2010-\u2015\u2212-]?|[0-9A-Z] ){6}[0-9A-Z]|[0-9]{3}[\s.\u2010-\u2015\u2212-][A-Za-z]{4})(?!\w)")


def vanity_number(text):
    """Whether text holds a telephone number with letters for some of its digits (VANITY)."""
    for match in VANITY.finditer(text):
        prefix, opened, closed, separator, rest = match.groups()
        letters = sum(c.isalpha() for c in rest)
        if letters and (prefix or (opened and closed) or separator.strip(" ") or any(c.isdigit() for c in rest)):
            return True
    return False


def text_holds_contact(text):
    """Whether a source copy holds a telephone number or an e-mail address on a line, or across a line break (a
    signature block wraps: "Cell: (555) 555-" then "0199"; "records.custodian" then "@example.gov")."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if holds_contact(line):
            return True
        for span in range(2, 9):  # wrapped over two lines, or three ("records.custodian", "@", "example.gov"), or
            # a number in pieces of digits and signs over up to eight ("573-", "555-", "01", "42")
            following = [part.strip() for part in lines[number + 1:number + span]]
            if len(following) != span - 1 or not all(following) or (span > 3 and LETTER.search(following[-1])):
                break
            if not holds_contact(" ".join(following)):
                if any(holds_contact(joiner.join([line.strip(), *following])) for joiner in ("", " ")):
                    return True
    return False


LETTER = re.compile(r"[^\W\d_]")


# The code of the checks that read the published texts line by line (the source copies, the site's hand-written
# sources): a text that passed is read again when any of it changes.
CHECKS_KEY = hashlib.sha256(b"".join((Path(__file__).parent / name).read_bytes()
                                     for name in ("guard.py", "names.py", "sources.py", "redaction.py",
                                                  "../plugins/search.py"))).hexdigest()  # (names folds with it)


def passed_stamp(data):
    """The file that, once made, says these bytes passed these checks (CHECKS_KEY), or None where none may be kept.
    Reading every line of the copies and of the site's templates costs a second or two, and most builds change none.
    The stamps are kept inside the build's own virtual environment, as the compiled templates are
    (templatecache.own_folder), never where a writer of the package's folders could mark a file as passed."""
    folder = templatecache.own_folder("var", "cache", "certdata-checked-texts")
    return folder / hashlib.sha256(CHECKS_KEY.encode() + b"\0" + data).hexdigest() if folder else None


class PassedTexts:
    """``names.free_text_problem`` for the guard, which reads some 4,000 strings of the package at every build (its
    words, the hand-edited tables' notes, the site's own pages: a second of it for the long ones), and most builds
    change none. The digests of the strings that passed these checks (CHECKS_KEY) are kept, never the strings, in one
    file where the stamps are (passed_stamp); a string that passed before is not read again. ``save`` keeps the digests
    of the strings this build read and passed, so the file holds no more than the package does."""

    DIGEST = 16  # bytes of SHA-256 kept per string

    def __init__(self):
        folder = templatecache.own_folder("var", "cache", "certdata-checked-texts")
        self.path = folder / f"free-text-{CHECKS_KEY[:32]}" if folder else None
        self.before, self.now = self.read(), set()

    def read(self):
        try:
            data = self.path.read_bytes() if self.path else b""
        except OSError:
            data = b""
        size = self.DIGEST
        return frozenset(data[i:i + size] for i in range(0, len(data) - len(data) % size, size))

    def problem(self, value):
        """free_text_problem(value), or None at once for a string that passed before."""
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()[:self.DIGEST]
        problem = None if digest in self.before else free_text_problem(value)
        if problem is None:
            self.now.add(digest)
        return problem

    def save(self):
        """Keep this build's passed strings (a cache that cannot be written is simply not kept)."""
        if self.path is None or self.now == self.before:
            return
        temp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            temp.write_bytes(b"".join(sorted(self.now)))
            os.replace(temp, self.path)


def mark_passed(stamp):
    """Make the stamp (passed_stamp) of a text that passed; a cache that cannot be written is simply not kept."""
    if stamp is not None:
        with contextlib.suppress(OSError):
            stamp.touch()


def copy_problems(package):
    """A copy of a source document that holds a telephone number or an e-mail address: the copies are published
    (downloads/sources/), and no output republishes those of the correspondence. Nothing of them is shown."""
    problems = []
    for source_id, path in source_copies(package).items():
        where = path.relative_to(package.root).as_posix()
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):  # a copy that cannot be checked is not published (the fourteenth attack
            # run: a letter saved as Windows-1252 or UTF-16 went out with its telephone number and e-mail address)
            problems.append(Problem(where, None, None, "unreadable-source-copy",
                                    f"the copy of source {source_id!r} cannot be read as UTF-8 text, so it cannot be "
                                    "checked for telephone numbers and e-mail addresses, and the copies are published: "
                                    "save it as UTF-8"))
            continue
        stamp = passed_stamp(data)
        if stamp is not None and stamp.is_file():
            continue  # these bytes passed these checks before
        if not text_holds_contact(text):  # (all that redact replaces, and more)
            mark_passed(stamp)
        else:
            problems.append(Problem(where, None, None, "contact-in-source-copy",
                                    f"the copy of source {source_id!r} holds a telephone number or an e-mail address (not "
                                    f"shown); replace each with {PHONE_PLACEHOLDER} or {EMAIL_PLACEHOLDER}: the copies are "
                                    "published"))
    return problems


def quote_problems(package):
    """Every quote in the package that is not found in its source document."""
    texts = documents(package)
    problems = []

    def check(file, row, field, quote, source, what):
        if source not in texts:
            problems.append(Problem(file, row, field, "unknown-source",
                                    f"{what} names source {source!r}, which is not a source document of the package"))
        elif texts[source] is None:
            problems.append(Problem(file, row, field, "unreadable-source",
                                    f"{what}: the copy of source {source!r} cannot be read as UTF-8 text, so no quote can be checked"))
        elif not quote_in(quote, texts[source]):
            problems.append(Problem(file, row, field, "quote-not-in-source",
                                    f"{what} is not, word for word, in source {source!r}"))

    for resource in package.resources:
        schema_file = package.schema_file(resource)
        for name, index, quote, source in ground_quotes(resource):
            check(schema_file, None, name, quote, source, f"the quote of disclosure ground {index + 1}")
        try:
            for number, name, quote, source in quoted_cells(package, resource):
                check(resource["path"], number, name, quote, source, "the quoted passage")
        except (OSError, UnicodeDecodeError, csv.Error):
            problems.append(Problem(resource["path"], None, None, "unreadable-file",
                                    "the file cannot be read as UTF-8 CSV, so its quotes cannot be checked"))
    return problems
