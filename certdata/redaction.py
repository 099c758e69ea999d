"""One redaction for every message the package prints or writes.

Takes: a text meant for the user (a problem's message, file or field; an error's message). Gives: the text with
every quoted part ('...', "...", “...”, ‘...’, «...») that holds a closed value replaced by a note, or, when a closed
value stands outside quotes, the text withheld whole (``safe_text`` gives None; ``safe_line`` a note instead). A
closed value is what the guard refuses in free text (``names.free_text_problem``: a telephone number or an e-mail
address, in digits or in words, a social security number, a street address, where someone lives, an age, a date of
birth) or in a published copy of a letter (``sources.holds_contact``, which reads telephone numbers more widely).

A message names file, row and field, and quotes a value only where it is open; but a value typed into the wrong
place (an attack run put a telephone number in a quoted passage's source_id, and the report printed it back in
"names source '...'") must not be echoed by a message that quotes it. ``validate.Problem`` passes its file, field and
message through here as it is made, so the short report, build/validation-report.json and any test see the same,
and ``build.py`` passes the message of any error it prints.
"""
import re

QUOTED = re.compile(r"""(?<!\w)'(?:[^'\\\n]|\\.)*'(?!\w)|"(?:[^"\\\n]|\\.)*"|“[^”\n]*”|‘[^’\n]*’|«[^»\n]*»""")
NOT_SHOWN = "(a value not shown: it may be closed)"
WITHHELD = ("(the rest of this message is withheld: it would show a value that may be closed, such as a telephone "
            "number or an e-mail address)")


OURS = []  # the regular expression of the identifiers the loaded package makes itself (use_identifiers), if any


def use_identifiers(pattern):
    """Read the values pattern matches (the package's own identifiers: pipeline.made_identifiers) as no value in every
    message from now on (a foreign-data trial after the nineteenth: a build's refusal naming MO-3863364704-1, ten
    numerals, was withheld as a telephone number's)."""
    OURS[:] = [pattern] if pattern is not None else []


def closed(text):
    """Whether a text holds a value the guard's checks refuse (a contact detail or another closed value), the package's
    own identifiers (OURS) and rising lists of row numbers read as no value."""
    from .names import free_text_problem  # (sources imports validate, which imports this module)
    from .sources import holds_contact
    if not text:
        return False
    text = rows_masked(OURS[0].sub("ID", text) if OURS else text)
    return free_text_problem(text) is not None or holds_contact(text)


def safe_text(text):
    """The text with each quoted part that holds a closed value replaced by a note; None when one is left outside
    quotes (the caller withholds the text); the text itself, most often."""
    if not text or not closed(text):
        return text
    text = QUOTED.sub(lambda m: NOT_SHOWN if closed(m.group()) else m.group(), text)
    return None if closed(text) else text


# A list of row or line numbers as the package's messages write them (importers.numbers): "rows 2, 3, 4, 5, 6, 7, 8"
# read as a telephone number's digits, and a refusal naming a file's first rows was withheld whole (a foreign-data trial
# after the eighteenth). Read as no value when the numbers rise, as a list of rows does.
ROW_LIST = re.compile(r"\b(?:rows?|row\(s\)|lines?|line\(s\))\s+([0-9]+(?:,\s[0-9]+)*)(?:,\s\.\.\.\s\([0-9,]+ in all\))?")


def rows_masked(text):
    """The text with each rising list of row numbers (ROW_LIST) written as one placeholder, for the closed-value test."""
    def mask(match):
        numbers = [int(n) for n in match.group(1).split(", ")]
        rising = all(a < b for a, b in zip(numbers, numbers[1:]))
        return match.group(0).replace(match.group(1), "N") if rising else match.group(0)
    return ROW_LIST.sub(mask, text) if "row" in text or "line" in text else text


def safe_line(text, ours=None):
    """safe_text, line by line, a line that cannot be made safe replaced by WITHHELD after its safe start; ours: a
    regular expression of values the package made itself (its identifiers), read as no value (a foreign-data trial
    after the eighteenth: `build.py diff` withheld every line naming an identifier whose ten hex digits were all
    numerals, read as a telephone number)."""
    def plain(part):  # what the test reads: the package's own identifiers (those given too) and row lists as no value
        return part if ours is None else ours.sub("ID", part)
    if not text or not closed(plain(text)):
        return text
    lines = []
    for line in text.split("\n"):
        safe = line if not closed(plain(line)) else safe_text(line)
        if safe is None:
            safe = safe_start(line) + WITHHELD
        lines.append(safe)
    return "\n".join(lines)


def safe_start(line):
    """The line's start, up to the colon before the first part that makes it hold a closed value: what locates the
    problem ("import failed: roster.xlsx [sheet 2], row 5, field y: "), unless that too holds the value. (A message
    withheld from its first colon on had said "import failed:" and no more: neither the file nor the problem.)"""
    start = ""
    for part in line.split(": ")[:-1]:
        if closed(start + part):
            break
        start += part + ": "
    return start
