"""Massachusetts MPTC Acadis training export: officer, course, completion date, agency at the time."""
from datetime import date, datetime, timedelta

from . import ImportError_

SOURCE = {"name": "ma-training", "resource": "ma_training", "state": "MA",
          "title": "Massachusetts MPTC Acadis training export"}
COLUMNS = {
    "acadis_id": ["Acadis ID", "Officer Acadis ID", "Acadis Unique ID", "Person ID"],
    "state_id": ["State ID", "MPTC ID", "POST ID", "State Unique ID"],
    "officer_name": ["Name", "Officer Name", "Full Name", "Student Name"],
    "course_name": ["Course", "Course Name", "Training", "Class Name"],
    "completion_date": ["Completion Date", "Date Completed", "Completed", "End Date"],
    "agency_name": ["Agency", "Employing Agency", "Department", "Agency Name"],
}
REQUIRED = ["acadis_id", "officer_name", "course_name", "completion_date"]
FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%d-%b-%Y")


def parse_date(value, label, row):
    """ISO date from the formats exports use, including Excel serial numbers."""
    text = value.strip()
    if text.replace(".", "", 1).isdigit() and 20000 < float(text) < 80000:
        return (date(1899, 12, 30) + timedelta(days=int(float(text)))).isoformat()
    for fmt in FORMATS:
        try:
            parsed = datetime.strptime(text.split(" ")[0], fmt).date()
        except ValueError:
            continue
        if fmt == "%m/%d/%y" and parsed.year > date.today().year:
            parsed = parsed.replace(year=parsed.year - 100)
        return parsed.isoformat()
    raise ImportError_(f"{label}, row {row}, field completion_date: {value!r} is not a date "
                       f"(expected YYYY-MM-DD, MM/DD/YYYY or an Excel date)")


def rows(records, package, label):
    """(rows for ma_training.csv, agency names) from mapped records."""
    from ..names import agency_id
    cleaned = []
    for record in records:
        if not record["acadis_id"].isalnum():
            raise ImportError_(f"{label}, row {record['_row']}, field acadis_id: not an Acadis ID")
        done = parse_date(record["completion_date"], label, record["_row"])
        cleaned.append((record["acadis_id"], record.get("state_id", ""), record["officer_name"],
                        record["course_name"], done, record.get("agency_name", "")))
    counters, table = {}, []
    for acadis, sid, name, course, done, agency in sorted(cleaned, key=lambda r: (r[0], r[4], r[3])):
        counters[acadis] = counters.get(acadis, 0) + 1
        table.append((f"MA-{acadis}-{counters[acadis]}", acadis, sid, name, course, done,
                      agency_id("MA", agency) if agency else ""))
    return table, {r[5] for r in cleaned if r[5]}
