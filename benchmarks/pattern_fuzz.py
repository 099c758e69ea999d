"""Random regular expressions that ``certdata.patterns`` lets through, timed on long values.

Takes a seed and a count (``python benchmarks/pattern_fuzz.py 4 3000``); gives every accepted
pattern whose matching grows faster than the value (30 characters taking 10 ms, or 2,000 taking
more than 8 times what 500 take), one line each, and the totals. Timing belongs here, not in the
tests: ``tests/test_patterns.py`` holds the known slow forms and the usual safe ones.
"""
import random
import re
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from certdata.patterns import slow_pattern  # noqa: E402

ATOMS = ["a", "b", "[ab]", ".", r"\w", r"\d", "[^a]", "-", "(?=a)", "(?!b)", r"\b", r"(?=\w*b)", r"\s", "[a-]"]
QUANTIFIERS = ["*", "+", "?", "{2}", "{0,3}", "*?", "+?", "{3,}"]


class TimedOut(Exception):
    pass


def pattern(rng, depth=0):
    r = rng.random()
    if depth > 3 or r < 0.35:
        return rng.choice(ATOMS)
    if r < 0.6:
        return pattern(rng, depth + 1) + pattern(rng, depth + 1)
    if r < 0.8:
        return "(?:" + pattern(rng, depth + 1) + ")" + rng.choice(QUANTIFIERS)
    if r < 0.9:
        return "(?:" + pattern(rng, depth + 1) + "|" + pattern(rng, depth + 1) + ")"
    return pattern(rng, depth + 1) + rng.choice(["*", "+", "?"])


def seconds(compiled, value):
    signal.alarm(2)
    start = time.perf_counter()
    try:
        compiled.fullmatch(value)
    except TimedOut:
        return 99.0
    finally:
        signal.alarm(0)
    return time.perf_counter() - start


def main(seed=0, count=3000):
    def stop(*_):
        raise TimedOut
    signal.signal(signal.SIGALRM, stop)
    rng, accepted, slow = random.Random(seed), 0, 0
    for _ in range(count):
        text = pattern(rng)
        try:
            compiled = re.compile(text)
        except re.error:
            continue
        if slow_pattern(text):
            continue
        accepted += 1
        for unit in ("a", "ab", "b", "a-", "1", "a1", "aab", "-"):
            for tail in ("!", "\n", ""):
                short = seconds(compiled, unit * 30 + tail)
                small, large = seconds(compiled, unit * 500 + tail), seconds(compiled, unit * 2000 + tail)
                if short > 0.01 or (large > 0.01 and large / max(small, 2e-4) > 8):
                    slow += 1
                    print(f"slow: {text!r} on {unit!r} * n + {tail!r}: {small:.4f} s at 500, {large:.4f} s at 2000", flush=True)
                    break
            else:
                continue
            break
    print(f"seed {seed}: {accepted} patterns accepted, {slow} of them slow")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main(*map(int, sys.argv[1:3])))
