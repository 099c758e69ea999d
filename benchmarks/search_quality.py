#!/usr/bin/env python3
"""Search quality and speed: does /search put the intended person first, and how fast?

    .venv/bin/python benchmarks/search_quality.py [--rows 50000] [--per-form 300] [--duration 20] [--clients 20]

Generates a deterministic roster of hard, realistic name forms (suffixes JR/SR/II/III,
hyphens, apostrophes, particles DE / DE LA / VAN / VANDER / MC / MAC / O' written spaced
and joined, two-word surnames, multi-part given names, initials, accents, namesakes at
several agencies; a Zipf-like mix of common and rare surnames), builds it with build.py
(cached under benchmarks/work/), and asks /search.json the queries of each form of
issue 14, printing hit@1 and hit@10 per form. Then latency: one client, and 20 clients
issuing distinct queries, against `build.py serve` (response cache off) and against a
floor measured in the same run: a minimal ASGI app running the same search code and SQL
on the same file. The corpus and the query sample depend only on --seed and --rows
(the generator was frozen before the search was tuned). Never fails on figures.
"""
import argparse
import asyncio
import itertools
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from certdata import sample  # noqa: E402
from certdata.states import ma, mo  # noqa: E402
from certdata.names import fold  # noqa: E402
from load import Connection, percentile  # noqa: E402
from loadtest import free_port, serve_ours, stop  # noqa: E402

SEED = 14

COMMON = sample.LAST[:150] + ("Moore Schultz Hoffman Becker Koch Richter Klein Wolf Neumann Schwarz Zimmermann "
          "Braun Krueger Hartmann Lange Werner Krause Lehmann Kaiser Fuchs Peters Jansen Bauer Vogel Franke "
          "Friedrich Keller Guenther Frank Berger Winkler Roth Beck Lorenz Baumann Albrecht Simon Ludwig Boehm "
          "Winter Kraus Martin Schumacher Kruger Voigt Sommer Haas Graf Heinrich Brandt Schulte Dietrich Kuhn "
          "Nowak Kowalczyk Wisniewski Wojcik Kaminski Lewandowski Zielinski Szymanski Wozniak Dabrowski "
          "Nguyen Tran Le Pham Hoang Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly Kim Park Choi Jung Kang Cho Yoon "
          "Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Hong Jeon Patel Shah Singh Kumar Sharma Gupta "
          "Mehta Joshi Desai Reddy Rao Iyer Nair Menon Pillai Chowdhury Hussain Ahmed Ali Khan Rahman "
          "Islam Hassan Ibrahim Mohamed Yusuf Abdullah Mustafa Osman Okafor Okeke Eze Nwosu Adeyemi Ogunleye").split()
COMMON = list(dict.fromkeys(w for w in COMMON if w and " " not in w and "'" not in w and "-" not in w))
PARTICLE_SURNAMES = [  # (written forms, all the same family of spellings)
    "De Leon", "DeLeon", "De La Cruz", "Dela Cruz", "DelaCruz", "De La Rosa", "Van Buren", "VanBuren",
    "Vander Yacht", "VanderYacht", "Van der Berg", "Vandenberg", "Van Dyke", "VanDyke", "La France", "LaFrance",
    "Le Blanc", "LeBlanc", "Mc Donald", "McDonald", "MacDonald", "Mac Kenzie", "MacKenzie", "McCarthy",
    "O'Brien", "O'Neil", "O'Connor", "O'Malley", "D'Angelo", "D'Amico", "St. John", "St. Clair", "Ste. Marie",
    "Du Bois", "DuBois", "Von Holt", "Diaz Rivera", "Diaz-Rivera", "Garcia Lopez", "Smith-Jones",
    "Perez-Gonzalez", "Santa Maria", "Del Rio", "Di Napoli", "Ten Eyck",
]
ACCENTED = ["García", "Muñoz", "Peña", "Núñez", "Sánchez", "Gómez", "Hernández", "Nováková", "Müller", "Jiménez",
            "Ibáñez", "Ordóñez", "Bélanger", "Côté", "Lévesque"]
FIRST = sample.FIRST + ["Zoë", "Noël", "Renée", "Chloé", "Björn", "Ángel", "Jesús", "Inés"]
DOUBLE_GIVEN = ["Mary Kate", "Jose Luis", "Juan Carlos", "Mary Ann", "Anna Maria", "John Paul", "Billy Joe",
                "Maria Elena", "Luis Miguel", "Jean Pierre", "Mary-Kate", "Jo Ann"]
SUFFIX = ["Jr", "Sr", "II", "III", "JR", "SR"]
SYLLABLES = "ka ri mo ta lu ne vo sa be do fi ga ho ji ku li ma no pe ra si tu vi wa yo ze bra cla dre fro gri".split()


def rare_surname(rng):
    """A long tail of plausible but rare surnames, as a real roster has."""
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
    return word[0].upper() + word[1:] + rng.choice(["", "", "son", "er", "ski", "ez", "man", "ley"])


def surname_pool(rng, size):
    """Weighted surnames: Zipf-like common ones, particle and accented ones, a long rare tail."""
    rare = list(dict.fromkeys(rare_surname(rng) for _ in range(size // 3)))
    names = COMMON + PARTICLE_SURNAMES + ACCENTED + rare
    weights = ([60 / (1 + i) ** 0.7 for i in range(len(COMMON))] + [3.0] * len(PARTICLE_SURNAMES)
               + [3.0] * len(ACCENTED) + [0.35] * len(rare))
    return names, weights


def person(rng, surnames, cum_weights):
    """(surname, given names, suffix) of one generated person (cum_weights: the surnames' weights
    accumulated once; the same draw as rng.choices(surnames, weights), without summing them per call)."""
    surname = rng.choices(surnames, cum_weights=cum_weights)[0]
    roll = rng.random()
    if roll < 0.08:
        given = rng.choice(DOUBLE_GIVEN)
    elif roll < 0.12:
        given = rng.choice("ABCDEFGJKLMRST") + " " + rng.choice(FIRST)  # goes by the middle name: "J Robert"
    else:
        given = rng.choice(FIRST)
    middle = rng.random()
    if middle < 0.55:
        given += " " + rng.choice("ABCDEFGHJKLMNPRSTW")
    elif middle < 0.65:
        given += " " + rng.choice(FIRST)
    suffix = rng.choice(SUFFIX) if rng.random() < 0.05 else ""
    return surname, given, suffix


def written(rng, surname, given, suffix, state):
    """The name as the agency writes it: POST "LAST, FIRST M" (often upper case), MPTC "First M Last"."""
    if state == "MA":
        return " ".join(x for x in (given, surname, suffix) if x)
    text = f"{surname} {suffix}, {given}" if suffix and rng.random() < 0.5 else f"{surname}, {given} {suffix}".strip()
    return text.upper() if rng.random() < 0.5 else text


def corpus(rows, seed=SEED):
    """The roster: a list of (state, written name, surname, given, suffix, agency). Deterministic."""
    rng = random.Random(seed)
    surnames, weights = surname_pool(rng, max(1000, rows // 4))
    cum_weights = list(itertools.accumulate(weights))
    mo_agencies, ma_agencies = mo.agencies(), ma.agencies()
    out = []
    while len(out) < rows:
        surname, given, suffix = person(rng, surnames, cum_weights)
        state = "MA" if rng.random() < 0.15 else "MO"
        copies = 1 if rng.random() < 0.93 else rng.choice((2, 2, 3))  # namesakes at several agencies
        for _ in range(copies):
            agency = rng.choice(ma_agencies if state == "MA" else mo_agencies)
            out.append((state, written(rng, surname, given, suffix, state), surname, given, suffix, agency))
    return out[:rows]


def make_package(rows, work, seed=SEED):
    """Build the corpus into a package under work (cached); returns its root."""
    root = work / f"quality-{rows}-{seed}"
    if (root / "site" / "downloads" / "certification.db").exists():
        return root
    people = corpus(rows, seed)
    mo = [(name, "Sample status A", "Sample class A", agency) for state, name, *_, agency in people if state == "MO"]
    ma = [(str(900000 + i), "", name, "Basic Recruit Academy", "2015-01-01", agency)
          for i, (state, name, *_, agency) in enumerate(people) if state == "MA"]
    sample.scratch_package(ROOT, root, mo_active=0, mo_historical={}, ma_officers=0, extra_mo=mo, extra_ma=ma)
    env = dict(os.environ, CERTDATA_ROOT=str(root))
    started = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "build.py")], env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"built {rows:,} rows in {time.monotonic() - started:.1f} s (with the docs site)", flush=True)
    return root


def surname_key(surname):
    return fold(surname).replace(" ", "")


def targets(database):
    """person_id of every roster row with its parsed identity, read back from the build."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return conn.execute("select person_id, officer_name, state from people order by person_id").fetchall()
    finally:
        conn.close()


def drop_letter(rng, word):
    i = rng.randrange(1, len(word))  # people rarely drop the first letter
    return word[:i] + word[i + 1:]


def swap_letters(rng, word):
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def alternate_surname(surname):
    """The same particle or two-word surname typed the other way: spaced <-> joined (None for
    surnames that are neither)."""
    if surname not in PARTICLE_SURNAMES:
        return None
    words = fold(surname).split()
    if len(words) > 1:
        return "".join(words)
    folded = words[0]
    for particle in ("vander", "vanden", "van", "dela", "de", "la", "le", "mac", "mc", "du", "o", "d"):
        if folded.startswith(particle) and len(folded) > len(particle) + 2:
            return particle + " " + folded[len(particle):]
    return None


def queries(people, rows, per_form, seed=SEED):
    """{form: [(query, person ids that count as a hit)]}, a deterministic sample per form."""
    rng = random.Random(seed + 1)
    ids = {}  # the build's person ids in corpus order (person ids are stable hashes, so match by name+state)
    pool = {}
    for pid, name, state in rows:
        pool.setdefault((state, name), []).append(pid)
    for i, (state, name, _surname, _given, _suffix, _agency) in enumerate(people):
        ids[i] = pool.get((state, name), [None]).pop(0) if pool.get((state, name)) else None
    full = {}  # "first surname" -> person ids (namesakes share it)
    holders = {}
    middle_full = {}
    for i, (_state, _name, surname, given, _suffix, _agency) in enumerate(people):
        first = fold(given).split()[0]
        full.setdefault((first, surname_key(surname)), []).append(ids[i])
        middle_full.setdefault((fold(given), surname_key(surname)), []).append(ids[i])
        holders.setdefault(surname_key(surname), []).append(ids[i])
    forms = {f: [] for f in ("first last", "LAST, FIRST", "First Middle Last", "surname only",
                             "4 letters of surname + initial", "one letter dropped (surname)",
                             "two letters swapped (surname)", "particle surname spaced/joined")}
    order = list(range(len(people)))
    rng.shuffle(order)
    for i in order:
        state, name, surname, given, suffix, agency = people[i]
        if ids[i] is None:
            continue
        first = fold(given).split()[0]
        key = (first, surname_key(surname))
        unique = len(full[key]) == 1
        add = lambda form, q, hits: len(forms[form]) < per_form and forms[form].append((q, set(hits)))
        if unique:
            add("first last", f"{first} {surname}".lower(), [ids[i]])
            add("LAST, FIRST", f"{surname}, {first}".upper(), [ids[i]])
            letters = fold(surname).replace(" ", "")
            if len(letters) >= 5:
                add("one letter dropped (surname)", f"{first} {drop_letter(rng, letters)}".lower(), [ids[i]])
                add("two letters swapped (surname)", f"{first} {swap_letters(rng, letters)}".lower(), [ids[i]])
        if " " in given.strip() and len(middle_full[(fold(given), surname_key(surname))]) == 1:
            add("First Middle Last", f"{given} {surname}", [ids[i]])
        if len(holders[surname_key(surname)]) <= 10:
            add("surname only", surname.lower(), [ids[i]])
        if len(fold(surname).replace(" ", "")) >= 4:
            add("4 letters of surname + initial", f"{fold(surname).replace(' ', '')[:4]} {fold(first)[0]}", full[key])
        other = alternate_surname(surname)
        if other and unique:
            add("particle surname spaced/joined", f"{first} {other}".lower(), [ids[i]])
    return forms


def evaluate(port, forms):
    """Per form: (count, hit@1, hit@10, p50 ms, p95 ms) from /search.json, one client; hits counted in the
    order a reader sees them: the ranked rows, then the approximate ones."""
    results, latencies = {}, []
    for form, items in forms.items():
        hit1 = hit10 = 0
        for q, hits in items:
            started = time.monotonic()
            body = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/search.json?"
                                                     + urllib.parse.urlencode({"q": q, "size": 10})).read())
            latencies.append(1000 * (time.monotonic() - started))
            seen = [r["person_id"] for r in body["rows"]] + [r["person_id"] for r in (body["approximate"] or {}).get("rows", [])]
            hit1 += bool(seen[:1] and seen[0] in hits)
            hit10 += bool(hits & set(seen[:10]))
        n = len(items)
        results[form] = (n, hit1 / n if n else float("nan"), hit10 / n if n else float("nan"))
    return results, latencies


FLOOR_APP = '''
import asyncio, importlib.util, json, sqlite3, threading, urllib.parse
from concurrent.futures import ThreadPoolExecutor
spec = importlib.util.spec_from_file_location("search_plugin_floor", {plugin!r})
plugin = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plugin)
DATABASE = {database!r}
local = threading.local()
pool = ThreadPoolExecutor({threads})

def run(sql, params):
    if not hasattr(local, "conn"):
        local.conn = sqlite3.connect(f"file:{{DATABASE}}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        local.conn.row_factory = sqlite3.Row
        local.conn.create_function("fts_query", 1, plugin.fts_query, deterministic=True)
    return local.conn.execute(sql, params or {{}}).fetchall()

async def execute(sql, params=None):
    return await asyncio.get_running_loop().run_in_executor(pool, run, sql, params)

async def app(scope, receive, send):
    args = urllib.parse.parse_qs(scope["query_string"].decode())
    query = plugin.Query(args.get("q", [""])[0])
    result = await plugin.search(execute, query, {{}}, "relevance", int(args.get("size", [plugin.PAGE_SIZE])[0]), 1)
    body = {{"total": result["total"], "rows": result["rows"], "approximate": result["approximate"]}}
    if "page" in args and query:  # what the /search page adds: facet counts and matching agencies
        body["facets"] = [dict(r) for r in await execute(*plugin.facets_sql(query, {{}}))]
        body["agencies"] = [dict(r) for r in (await plugin.search_agencies(execute, query.text, 1))[0]]
    body = json.dumps(body).encode()
    await send({{"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}})
    await send({{"type": "http.response.body", "body": body}})
'''


def serve_floor(root, work):
    """The floor: uvicorn serving the minimal ASGI app above (Datasette's number of SQL threads)."""
    from certdata.datasette import SETTINGS
    database = root / "site" / "downloads" / "certification.db"
    app = work / "floor_app.py"
    app.write_text(FLOOR_APP.format(plugin=str(ROOT / "plugins" / "search.py"), database=str(database), threads=SETTINGS["num_sql_threads"]))
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(work), "floor_app:app", "--port", str(port),
               "--log-level", "warning"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=a", timeout=2)
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("floor server did not start")


def distinct_urls(forms, count):
    """Distinct /search.json URLs (no repeats, so no response cache helps)."""
    urls = list(dict.fromkeys("/search.json?" + urllib.parse.urlencode({"q": q}) for items in forms.values() for q, _ in items))
    return urls[:count]


def concurrent(port, urls, clients):
    """Each URL once, shared by `clients` concurrent keep-alive clients: req/s, p95 ms, errors."""
    latencies, errors, pending = [], [], iter(urls)

    async def worker(number):
        # each client from its own loopback address, as readers are (the server bounds requests per client)
        connection = Connection("127.0.0.1", port, f"127.0.3.{1 + number}")
        for url in pending:
            started = time.monotonic()
            status, _, _ = await connection.get(url)
            latencies.append(1000 * (time.monotonic() - started))
            if status != 200:
                errors.append(f"{status} {url}")
        connection.close()

    async def everyone():
        await asyncio.gather(*(worker(number) for number in range(clients)))
    started = time.monotonic()
    asyncio.run(everyone())
    return {"rps": len(urls) / (time.monotonic() - started), "p95": percentile(latencies, 0.95), "errors": len(errors)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000, help="roster rows (the issue's targets are for 1,000,000)")
    parser.add_argument("--per-form", type=int, default=300, help="queries per form")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--no-speed", action="store_true", help="quality only")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cores, {args.rows:,} rows, seed {args.seed}")
    root = make_package(args.rows, args.work, args.seed)
    database = root / "site" / "downloads" / "certification.db"
    people = corpus(args.rows, args.seed)
    forms = queries(people, targets(database), args.per_form, args.seed)
    process, port = serve_ours(root, cache=False)
    try:
        quality, latencies = evaluate(port, forms)
        print(f"{'query form':34} {'n':>5} {'hit@1':>7} {'hit@10':>7}")
        for form, (n, h1, h10) in quality.items():
            print(f"{form:34} {n:5d} {h1:7.3f} {h10:7.3f}")
        print(f"one client, /search.json, {len(latencies)} queries: p50 {percentile(latencies, 0.5):.0f} ms, "
              f"p95 {percentile(latencies, 0.95):.0f} ms (target <= 50 ms)", flush=True)
        if args.no_speed:
            return 0
        urls = distinct_urls(forms, 10_000)
        ours = concurrent(port, urls, args.clients)
        print(f"{args.clients} clients, {len(urls)} distinct queries: ours {ours['rps']:.0f} req/s, p95 {ours['p95']:.0f} ms "
              f"(target <= 100 ms), errors {ours['errors']}", flush=True)
    finally:
        stop(process)
    floor_process, floor_port = serve_floor(root, args.work)
    try:
        floor = concurrent(floor_port, urls, args.clients)
    finally:
        stop(floor_process)
    print(f"floor (minimal ASGI app, same search code and SQL): {floor['rps']:.0f} req/s, p95 {floor['p95']:.0f} ms, "
          f"errors {floor['errors']} | throughput ours/floor {ours['rps'] / floor['rps']:.2f} (target >= 0.6)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
