"""Whether a schema's ``pattern`` can take more than linear time to match a value.

Takes a Python regular expression, as a Table Schema ``pattern`` constraint holds it (both validators
and frictionless match it with Python's ``re``, which has no time limit); gives the reason it may be
slow, or None. A backtracking matcher is slow when it can share a value between two repetitions in
more than one way: ``a*a*`` or ``[^,]*x[^,]*`` (time grows with the square of the value's length),
``(a+)+``, ``(a|aa)*`` or ``(\\w+\\s?)+`` (time doubles with each character). A 64,000-character cell,
which the CSV readers allow, then holds the build for minutes or for ever.

The check is conservative: it refuses a pattern where two repetitions can match the same character
with nothing between them that only one of them could match, a repetition of something that can be
empty, alternatives inside a repetition that can begin alike, and back-references. Patterns written
so that a repetition stops at a character it cannot match (``[a-z]+-[0-9]+``, a lookahead over
non-letters, then the letters) pass. Character sets are compared on a sample that holds a character of
every kind that can differ: the pattern's characters and ranges cut the code points into pieces within which
every set of the pattern matches alike but for the classes ``\\d``, ``\\w`` and ``\\s``, and the sample takes
from each piece one digit, one other word character, one space and one other character where the piece has
one (with every ASCII character and a few of other scripts besides).
"""
import array
import bisect
import functools
import re
from re import _constants as sre
from re import _parser

MAX_STEPS = 5_000  # a pattern whose analysis needs more is refused as too intricate
OTHER_CHARACTERS = "éßΩж中٣৩ａ１\u00a0\u2007\u2028\u202e\u200b\ufeff\U000e0001\U0001d7d8"
CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
              sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}
SINGLE = {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN}
REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT}


class Slow(Exception):
    """The reason a pattern may take more than linear time."""


@functools.lru_cache(maxsize=256)  # the fields of a package share a few patterns (a name's, an identifier's)
def slow_pattern(pattern):
    """Why matching the pattern may take more than linear time in the value's length, or None (also
    for a pattern that does not compile: that is reported where it is compiled)."""
    try:
        tree = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    try:
        Analysis(tree).sequence(list(tree), [], in_repeat=False)
    except Slow as reason:
        return str(reason)
    except RecursionError:
        return "it is nested too deeply to be checked"
    return None


class Analysis:
    """Walks the parsed pattern left to right, keeping the character sets of the repetitions that are
    still open: those that could go on matching, because nothing since could only be matched by what
    follows them."""

    def __init__(self, tree):
        self.memo = {}
        self.ignore_case = bool(tree.state.flags & re.IGNORECASE)
        self.dot_all = bool(tree.state.flags & re.DOTALL)
        self.sample = sorted(set(map(chr, range(128))) | set(OTHER_CHARACTERS) | set(own_characters(tree))
                             | set(piece_characters(tree)))
        self.steps = 0

    def sequence(self, items, open_sets, in_repeat):
        """The open sets after the items, given those open before them."""
        for op, av in items:
            self.step()
            if op in SINGLE:
                chars = self.chars(op, av)
                open_sets = [s for s in open_sets if s & chars]  # disjoint: that repetition stops here
            elif op is sre.SUBPATTERN:
                open_sets = self.sequence(list(av[-1]), open_sets, in_repeat)
            elif op is sre.BRANCH:
                open_sets = self.branch(av[1], open_sets, in_repeat)
            elif op in REPEATS:
                open_sets = self.repeat(*av, open_sets, in_repeat)
            elif op in (sre.POSSESSIVE_REPEAT, sre.ATOMIC_GROUP):  # never backtracked into
                body = list(av[-1] if op is sre.POSSESSIVE_REPEAT else av)
                chars, empty = self.first(body)
                if empty and op is sre.POSSESSIVE_REPEAT and av[1] > 1:
                    raise Slow("a repetition of something that can match nothing can make matching slow")
                self.overlap(chars, open_sets)  # it would be matched again at every place they could stop
                self.sequence(body + body if op is sre.POSSESSIVE_REPEAT else body, list(open_sets), in_repeat)
                open_sets = [s for s in open_sets if s & chars]
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                inner = list(av[1])
                if (in_repeat or open_sets) and self.has_repeat(inner):
                    raise Slow("a lookaround holding a repetition, inside or after another repetition, is matched "
                               "again at every place that repetition could stop (time grows with the square of "
                               "the value's length)")
                self.sequence(inner, [], in_repeat)
            elif op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
                raise Slow("back-references and conditionals can make matching slow; write the pattern without them")
            # AT (anchors) consumes nothing and changes nothing
        return open_sets

    def repeat(self, low, high, body, open_sets, in_repeat):
        body = list(body)
        if high <= 1 and low == high:
            return self.sequence(body, open_sets, in_repeat)
        chars = self.all_chars(body)
        start, empty = self.first(body)
        if high > 1:  # where one turn ends and the next begins
            self.sequence(body + body, [], in_repeat=True)
        if low == high:  # a fixed count: its turns are written out, as far as can matter
            return self.sequence(body + body, open_sets, in_repeat)
        if empty:  # (x*)*, (?=x)?: the matcher can take it or leave it at every place, to the same effect
            raise Slow("a repetition or an optional part that can itself match nothing can make matching slow")
        self.overlap(start, open_sets)  # where it must begin with what no open repetition matches, it is told apart
        after = self.sequence(body, list(open_sets), in_repeat or high > 1)
        return open_sets + [chars] + [s for s in after if s not in open_sets]

    def branch(self, alternatives, open_sets, in_repeat):
        firsts = [self.first(list(a)) for a in alternatives]
        if in_repeat:
            for number, (start, empty) in enumerate(firsts):
                if any(start & other or (empty and other_empty) for other, other_empty in firsts[number + 1:]):
                    raise Slow("alternatives inside a repetition can begin alike, so the matcher can try every "
                               "way of choosing among them (time doubles with each character)")
        result = []
        for alternative in alternatives:
            for chars in self.sequence(list(alternative), list(open_sets), in_repeat):
                if chars not in result:
                    result.append(chars)
        if any(empty for _, empty in firsts):  # an alternative that matches nothing: the rest are optional
            self.overlap(frozenset().union(*(start for start, _ in firsts)), open_sets)
            chars = frozenset().union(*(self.all_chars(list(a)) for a in alternatives))
            result = open_sets + [c for c in [chars, *result] if c not in open_sets]
        return result

    def step(self):
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Slow("it is too intricate to be checked for slow matching; write it more simply")

    @staticmethod
    def overlap(chars, open_sets):
        """Refuse a repetition or an optional part that can match what an open repetition before it can."""
        if any(other & chars for other in open_sets):
            raise Slow("two repetitions can match the same characters one after the other, so the matcher "
                       "tries every way of sharing a value between them (time grows with a power of the "
                       "value's length)")

    def first(self, items):
        """(the characters the items can begin with, whether they can match nothing)."""
        chars = frozenset()
        for op, av in items:
            self.step()
            if op in SINGLE:
                return chars | self.chars(op, av), False
            if op is sre.SUBPATTERN:
                start, empty = self.first(list(av[-1]))
            elif op is sre.ATOMIC_GROUP:
                start, empty = self.first(list(av))
            elif op is sre.BRANCH:
                firsts = [self.first(list(a)) for a in av[1]]
                start, empty = frozenset().union(*(f[0] for f in firsts)), any(f[1] for f in firsts)
            elif op in REPEATS or op is sre.POSSESSIVE_REPEAT:
                start, empty = self.first(list(av[2]))
                empty = empty or av[0] == 0
            elif op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
                start, empty = frozenset(self.sample), True
            else:  # anchors and lookarounds consume nothing
                continue
            chars |= start
            if not empty:
                return chars, False
        return chars, True

    def all_chars(self, items):
        """Every character the items can match, anywhere (a lookaround matches none)."""
        chars = frozenset()
        for op, av in items:
            self.step()
            if op in SINGLE:
                chars |= self.chars(op, av)
            elif op not in (sre.ASSERT, sre.ASSERT_NOT):
                for part in parts(op, av):
                    chars |= self.all_chars(part)
        return chars

    def has_repeat(self, items):
        for op, av in items:
            if (op in REPEATS and av[0] != av[1]) or op is sre.POSSESSIVE_REPEAT:
                return True
            if any(self.has_repeat(part) for part in parts(op, av)):
                return True
        return False

    def chars(self, op, av):
        """The sample characters one single-character item matches."""
        key = (op, id(av) if op is sre.IN else av)
        if key not in self.memo:
            self.memo[key] = self.item_chars(op, av)
        return self.memo[key]

    def item_chars(self, op, av):
        if op is sre.ANY:
            return frozenset(c for c in self.sample if self.dot_all or c != "\n")
        if op is sre.LITERAL:
            return frozenset(c for c in self.sample if self.same(c, chr(av)))
        if op is sre.NOT_LITERAL:
            return frozenset(c for c in self.sample if not self.same(c, chr(av)))
        negate = bool(av) and av[0][0] is sre.NEGATE
        parts = av[1:] if negate else av
        return frozenset(c for c in self.sample if any(self.member(c, part) for part in parts) != negate)

    def member(self, char, part):
        op, av = part
        variants = case_variants(char) if self.ignore_case else {char}
        if op is sre.LITERAL:
            return chr(av) in variants
        if op is sre.RANGE:
            return any(av[0] <= ord(v) <= av[1] for v in variants)
        if op is sre.CATEGORY:
            return re.fullmatch(CATEGORIES.get(av, r"[\s\S]"), char) is not None
        return True  # anything else is taken to match, which can only make the check stricter

    def same(self, a, b):
        return a == b or (self.ignore_case and bool(case_variants(a) & case_variants(b)))


def case_variants(char):
    """The characters a case-insensitive match takes a character for, as far as one character goes: the long s
    (U+017F) is s and S, the Kelvin sign k and K."""
    return {v for v in (char, char.lower(), char.upper(), char.upper().lower(), char.lower().upper()) if len(v) == 1}


def parts(op, av):
    """The item lists inside a group, an alternation, a repetition or a lookaround."""
    if op is sre.SUBPATTERN:
        return [list(av[-1])]
    if op is sre.ATOMIC_GROUP:
        return [list(av)]
    if op is sre.BRANCH:
        return [list(a) for a in av[1]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [list(av[1])]
    if op in REPEATS or op is sre.POSSESSIVE_REPEAT:
        return [list(av[2])]
    return []


def own_characters(tree):
    """Every literal character and range end the pattern names, so that two of its sets that overlap only
    there are seen to overlap."""
    for op, av in tree:
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            yield chr(av)
        elif op is sre.RANGE:
            yield chr(av[0])
            yield chr(av[1])
        elif op is sre.IN:
            yield from own_characters(av)
        for part in parts(op, av):
            yield from own_characters(part)


# The classes within which \d, \w and \s match alike: digits, other word characters, spaces, the rest.
CLASSES = (r"\d+", r"[^\W\d]+", r"\s+", r"[^\w\s]+")


@functools.lru_cache(maxsize=1)
def class_runs():
    """For each of CLASSES, (starts, ends) of its runs of code points, ends exclusive, over all of Unicode."""
    every = array.array("I", range(0x110000)).tobytes().decode("utf-32-le", "surrogatepass")  # every code point, in order
    runs = []
    for pattern in CLASSES:
        found = [m.span() for m in re.finditer(pattern, every)]
        runs.append(([a for a, _ in found], [b for _, b in found]))
    return runs


def own_bounds(tree):
    """Where the pattern's characters and ranges begin and end (ends exclusive)."""
    for op, av in tree:
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            yield av
            yield av + 1
        elif op is sre.RANGE:
            yield av[0]
            yield av[1] + 1
        elif op is sre.IN:
            yield from own_bounds(av)
        for part in parts(op, av):
            yield from own_bounds(part)


def piece_characters(tree):
    """A character of each class in each piece the pattern's characters and ranges cut the code points into
    (a line break is a piece of its own, for the dot)."""
    bounds = sorted({0, 0x110000, 10, 11} | {b for b in own_bounds(tree) if 0 <= b <= 0x110000})
    for lo, hi in zip(bounds, bounds[1:]):
        for starts, ends in class_runs():
            i = bisect.bisect_right(ends, lo)  # the first run that ends after lo
            if i < len(starts) and starts[i] < hi:
                yield chr(max(lo, starts[i]))
