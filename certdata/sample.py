"""Deterministic synthetic samples for the officer-level resources.

Takes: a seed and sizes. Gives: the CSVs of ``agencies``, ``mo_officers`` and
``ma_training`` in the shape of the real releases, with generated names (never
names of real officers). Same seed and sizes, same bytes.

The sample's licence statuses and classes are placeholders ("Sample status A",
"Sample class A"), never values the record does not name; only Revoked,
Surrendered and the class unknown are POST's words. The Missouri default size is
a round number of the order of a state roster, not a figure from the record.
"""
import csv
import io
import random
from datetime import date, timedelta

from .names import agency_id, mo_row_ids

SEED = 590180
MO_ACTIVE = 16000  # rows with the placeholder status CURRENT (and an agency)
CURRENT, NO_AGENCY = "Sample status A", "Sample status B"
MO_HISTORICAL = {NO_AGENCY: 4800, "Revoked": 950, "Surrendered": 700}
MA_OFFICERS = 3000

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
        "McCarthy Smith-Jones St. John D'Angelo Van Buren De La Cruz Yilmaz Okafor Nwosu Haddad").split(" ")

MO_PLACES = ("Kansas City|St. Louis|Springfield|Columbia|Independence|Lee's Summit|O'Fallon|St. Joseph|"
             "St. Charles|St. Peters|Blue Springs|Florissant|Joplin|Chesterfield|Jefferson City|Cape Girardeau|"
             "Wildwood|University City|Ballwin|Raytown|Liberty|Wentzville|Mehlville|Kirkwood|Maryland Heights|"
             "Hazelwood|Gladstone|Grandview|Belton|Webster Groves|Sedalia|Ferguson|Arnold|Rolla|Raymore|"
             "Nixa|Warrensburg|Hannibal|Ozark|Creve Coeur|Poplar Bluff|Farmington|Kearney|Sikeston|"
             "Manchester|Washington|Kirksville|Excelsior Springs|Marshall|Neosho|Branson|Festus|Lebanon|"
             "Clayton|Moberly|Union|Mexico|Bolivar|Carthage|Fulton|Maryville|Overland|Chillicothe|"
             "Troy|Warrenton|Smithville|West Plains|Pleasant Hill|Harrisonville|Jackson|Perryville|"
             "Richmond Heights|Brentwood|Town and Country|Sunset Hills|Sullivan|Boonville|Nevada|Aurora|"
             "Monett|Republic|Willard|Camdenton|Osage Beach|Lake Ozark|Dexter|Kennett|Caruthersville|"
             "Hollister|Macon|Trenton|Savannah|Platte City|Parkville|Riverside|Peculiar|Cameron").split("|")
MO_COUNTIES = ("Jackson|St. Louis|Greene|St. Charles|Clay|Jefferson|Boone|Jasper|Cass|Platte|Franklin|"
               "Christian|Cole|Buchanan|Cape Girardeau|Johnson|Camden|Lincoln|Newton|Taney|Pulaski|Pettis|"
               "Phelps|Callaway|Warren|Butler|St. Francois|Scott|Laclede|Howell|Stone|Barry|Polk|Lawrence|"
               "Audrain|Marion|Dunklin|Adair|Miller|Morgan|Benton|Henry|Vernon|Webster|Wright|Ste. Genevieve").split("|")
MO_STATEWIDE = ["Missouri State Highway Patrol", "Missouri Department of Conservation",
                "University of Missouri Police Department", "St. Louis Metropolitan Police Department",
                "Kansas City Missouri School District Police Department"]
MA_PLACES = ("Boston|Worcester|Springfield|Cambridge|Lowell|Brockton|Quincy|Lynn|New Bedford|Fall River|"
             "Newton|Lawrence|Somerville|Framingham|Haverhill|Waltham|Malden|Brookline|Plymouth|Medford|"
             "Taunton|Chicopee|Weymouth|Revere|Peabody|Methuen|Barnstable|Pittsfield|Attleboro|Arlington|"
             "Everett|Salem|Westfield|Leominster|Fitchburg|Beverly|Holyoke|Marlborough|Woburn|Chelsea|"
             "Braintree|Shrewsbury|Dartmouth|Chelmsford|Andover|Natick|Randolph|Watertown|Franklin|"
             "Lexington|Dracut|Falmouth|Gloucester|Northampton|Amherst|Milton|Needham|Wellesley|Dedham|"
             "Tewksbury|Saugus|Danvers|Wakefield|Norwood|Belmont|Reading|Stoughton|Agawam|Yarmouth").split("|")
MA_STATEWIDE = ["Massachusetts State Police", "Massachusetts Environmental Police",
                "University of Massachusetts Amherst Police Department", "MBTA Transit Police Department"]
COURSES = ["Basic Recruit Academy", "Reserve/Intermittent Academy", "Annual In-Service Training",
           "Firearms Qualification", "CPR and First Aid", "Legal Updates", "Use of Force",
           "De-escalation and Crisis Intervention", "Domestic Violence Response", "Field Training Officer",
           "Breath Test Operator", "Emergency Vehicle Operations", "Defensive Tactics",
           "Criminal Investigations", "First-Line Supervisor", "Sexual Assault Investigation",
           "Narcotics Investigation", "Taser Certification", "Police Prosecutor", "Cultural Competency"]
MO_CLASSES = ["Sample class A", "Sample class B", "unknown"]


def make_names(rng, n):
    """n generated names written "Last, First M" (POST style) as (first, middle, last) tuples."""
    return [(rng.choice(FIRST), rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.7 else "",
             rng.choice(LAST)) for _ in range(n)]


def mo_agencies():
    """Missouri sample agency names: city police, county sheriffs, statewide agencies."""
    names = [f"{p} Police Department" for p in MO_PLACES]
    names += [f"{c} County Sheriff's Office" for c in MO_COUNTIES] + MO_STATEWIDE
    return sorted(set(names))


def ma_agencies():
    """Massachusetts sample agency names."""
    return sorted(set([f"{p} Police Department" for p in MA_PLACES] + MA_STATEWIDE))


def weighted_agencies(rng, names, k):
    """k agency names drawn with a long tail: a few large agencies, many small ones."""
    weights = [1.0 / (1 + i) ** 0.9 for i in range(len(names))]
    order = names[:]
    rng.shuffle(order)
    return rng.choices(order, weights=weights, k=k)


def mo_officer_rows(rng, active=MO_ACTIVE, historical=None):
    """Rows (officer_name, license_status, license_class, agency_name or '') for Missouri."""
    if historical is None:
        historical = {s: round(n * active / MO_ACTIVE) for s, n in MO_HISTORICAL.items()}
    statuses = [CURRENT] * active + [s for s, n in historical.items() for _ in range(n)]
    names = make_names(rng, len(statuses))
    agencies = weighted_agencies(rng, mo_agencies(), len(statuses))
    rows = []
    for status, (first, middle, last), agency in zip(statuses, names, agencies):
        cls = rng.choices(MO_CLASSES, weights=[90, 6, 4 if status == CURRENT else 20])[0]
        name = f"{last}, {first} {middle}".strip()
        rows.append((name, status, cls, agency if status == CURRENT else ""))
    return rows


def ma_training_rows(rng, officers=MA_OFFICERS):
    """Rows (acadis_id, state_id, officer_name, course, completion_date, agency_name) for Massachusetts."""
    agencies = ma_agencies()
    rows = []
    for i, (first, middle, last) in enumerate(make_names(rng, officers)):
        acadis = str(100000 + i * 7)
        state_id = f"MA{rng.randrange(10**6):06d}" if rng.random() < 0.8 else ""
        name = f"{first} {middle + ' ' if middle else ''}{last}"
        start = date(2000, 1, 1) + timedelta(days=rng.randrange(365 * 22))
        agency = weighted_agencies(rng, agencies, 1)[0]
        day = start
        for k in range(rng.randint(1, 8)):
            if k and rng.random() < 0.12:
                agency = weighted_agencies(rng, agencies, 1)[0]
            course = "Basic Recruit Academy" if k == 0 else rng.choice(COURSES[2:])
            rows.append((acadis, state_id, name, course, day.isoformat(),
                         "" if rng.random() < 0.03 else agency))
            day += timedelta(days=rng.randint(60, 900))
            if day > date(2023, 9, 1):
                break
    return rows


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
    for name, text in generate(**options).items():
        (dest / "data" / f"{name}.csv").write_text(text, encoding="utf-8")
    return dest


def generate(seed=SEED, mo_active=MO_ACTIVE, mo_historical=None, ma_officers=MA_OFFICERS, extra_mo=(), extra_ma=()):
    """The three sample CSVs as {resource name: text}; extra rows (same tuple shapes as
    mo_officer_rows and ma_training_rows) are added as given, for test fixtures."""
    rng = random.Random(seed)
    mo = mo_officer_rows(rng, mo_active, mo_historical) + list(extra_mo)
    ma = ma_training_rows(rng, ma_officers) + list(extra_ma)
    agencies = sorted({("MO", a) for *_, a in mo if a} | {("MA", r[5]) for r in ma if r[5]})
    mo_ids = mo_row_ids([(n, s, c, a) for n, s, c, a in mo])
    mo_out = sorted((rid, n, s, c, agency_id("MO", a) if a else "") for rid, (n, s, c, a) in zip(mo_ids, mo))
    counters = {}
    ma_out = []
    for acadis, sid, name, course, done, agency in sorted(ma, key=lambda r: (r[0], r[4], r[3])):
        counters[acadis] = counters.get(acadis, 0) + 1
        ma_out.append((f"MA-{acadis}-{counters[acadis]}", acadis, sid, name, course, done,
                       agency_id("MA", agency) if agency else ""))
    return {
        "agencies": to_csv(["agency_id", "state", "agency_name"],
                           sorted((agency_id(s, a), s, a) for s, a in agencies)),
        "mo_officers": to_csv(["row_id", "officer_name", "license_status", "license_class", "agency_id"], mo_out),
        "ma_training": to_csv(["record_id", "acadis_id", "state_id", "officer_name", "course_name",
                               "completion_date", "agency_id"], ma_out),
    }
