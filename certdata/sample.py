"""Deterministic synthetic samples for the officer-level resources.

Takes: a seed and sizes. Gives: ``agencies`` and each registered state's officer
CSVs (its module's ``sample``) in the shape of the real releases, with generated
names whose surname starts with ``Sample-`` (so that a row copied, filtered or cropped out of
its page still says it is a sample: a generated "Tucker, Benjamin" listed as Revoked could be
taken for a record of a real person of that name). Same seed and sizes, same bytes.

A state's sample never invents values the record does not name: where the sources
name only some values of a field, the others are placeholders ("Sample status A").
"""
import csv
import io
import random

from .names import agency_id

SEED = 590180

FIRST = ("James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel "
         "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
         "Ronald Jason Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
         "Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry "
         "Tyler Aaron José Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Walter "
         "Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan "
         "Jesse Bryan Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah Wayne Randy Vincent "
         "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
         "Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie "
         "Rebecca Sharon Laura Cynthia Dorothy Amy Kathleen Angela Shirley Emma Brenda Pamela Nicole "
         "Anna Samantha Katherine Christine Debra Rachel Carolyn Janet María Olivia Heather Helen "
         "Catherine Diane Julie Victoria Joyce Lauren Kelly Christina Ruth Joan Virginia Judith Evelyn "
         "Hannah Andrea Megan Cheryl Jacqueline Madison Teresa Abigail Sophia Martha Sara Gloria "
         "Janice Kathryn Ann Isabella Judy Charlotte Julia Grace Amber Alice Jean Denise Frances "
         "Danielle Marilyn Natalie Beverly Diana Brittany Theresa Kayla Alexis Doris Lori Tiffany "
         "DeShawn Malik Darnell Tyrone Jamal Andre Marcus Terrence Lamar Keisha Latoya Tamika").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
        "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
        "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
        "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
        "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers "
        "Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson "
        "Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo "
        "Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell "
        "Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson "
        "Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera "
        "Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison "
        "Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker "
        "Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason "
        "Dixon Muñoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox "
        "Warren Mills Meyer Rice Schmidt García Fuller Kowalski Schneider Nováková O'Brien O'Neil "
        "McCarthy Smith-Jones St._John D'Angelo Van_Buren De_La_Cruz Yilmaz Okafor Nwosu Haddad").split(" ")
LAST = [name.replace("_", " ") for name in LAST]  # multi-word surnames stay whole


NAME_MARK = "Sample-"  # every generated surname starts with it


def make_names(rng, n):
    """n generated names as (first, middle, last) tuples, the surname marked as a sample."""
    return [(rng.choice(FIRST), rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.7 else "",
             NAME_MARK + rng.choice(LAST)) for _ in range(n)]


def weighted_agencies(rng, names, k):
    """k agency names drawn with a long tail: a few large agencies, many small ones."""
    weights = [1.0 / (1 + i) ** 0.9 for i in range(len(names))]
    order = names[:]
    rng.shuffle(order)
    return rng.choices(order, weights=weights, k=k)


def to_csv(header, rows):
    """CSV text with LF line ends, as every CSV in data/ is written."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def scratch_package(source, dest, **options):
    """A copy of the package at source in dest (descriptor, schemas, source documents, every table
    that is not a sample), with the sample generated by ``generate(**options)``; returns dest.
    Agency originals (data/raw/) are never copied."""
    import shutil
    from pathlib import Path
    source, dest = Path(source), Path(dest)
    shutil.copytree(source / "data", dest / "data", dirs_exist_ok=True, ignore=shutil.ignore_patterns("raw"))
    shutil.copyfile(source / "datapackage.json", dest / "datapackage.json")
    for name, text in generate(root=source, **options).items():
        (dest / "data" / f"{name}.csv").write_text(text, encoding="utf-8")
    return dest


def generate(seed=SEED, root=None, **options):
    """Every registered state's sample CSVs and the agencies they name, as {resource name: text}.
    One random stream, drawn by the states in package order; each state takes its own options
    (sizes, extra rows for test fixtures: see its ``sample``)."""
    from . import states
    rng = random.Random(seed)
    out, agencies = {}, set()
    for state in states.registered(root):
        if state.get("sample"):
            texts, names = state.sample(rng, options)
            out.update(texts)
            agencies |= {(state.CODE, name) for name in names}
    out = {"agencies": to_csv(["agency_id", "state", "agency_name"],
                              sorted((agency_id(s, a), s, a) for s, a in agencies)), **out}
    return out
