"""Importers: an agency's release file, as received, into the package.

Each state module (``certdata/states/``) that takes a release file declares
``SOURCE`` (name, resource, title), ``COLUMNS`` (our field -> header names the
agency may use) and ``REQUIRED``, and a ``rows(records, package, label)``
function that turns mapped records into our rows. A state that declares
``NAME_PARTS_HEADERS`` takes split name columns (``last_name``, ``first_name``,
``middle_name``, ``name_suffix``) in place of a full name: the display name is composed
("Last, First Middle Suffix") and the parts stay in the record for ``rows`` to keep; beside a full-name column, a
suffix the name lacks is written after it and another part it lacks is refused. This module reads the file (Excel
workbook or CSV in UTF-8 or Windows-1252, its header in its first rows, below a title), maps headers, drops every column that is not open (reporting
its position, and its name only when it is one we know), refuses any value that
cannot be what its column says (a date or digits in a name, an invisible or
text-direction control character, a question mark left for a letter, a line break in a CSV cell, an Excel date
or number cell in a text column), or
that Excel would show otherwise than it would be published (a number format that hides or replaces a text,
a number format other than General, a hidden or too narrow column: ``formats.py``), and writes the normalised CSV, the original under ``data/raw/`` and the
provenance in ``datapackage.json``: all or nothing, never through a symbolic link. It says how many published
identifiers the import retires, and refuses to retire more than half of them unless told to (``retirements``).
No message quotes a cell, a header or a sheet title: the file may put a closed
value (a date of birth, a residence) anywhere.
"""
import csv
import datetime
import decimal
import hashlib
import inspect
import io
import json
import os
import re
import unicodedata
import stat
import zipfile
import zlib
import warnings
from pathlib import Path

from ..cells import cell_limit
from ..errors import CertdataError
from ..names import AGENCY_WORDS, APOSTROPHE_LETTERS, agency_id, fold, mixed_script, name_contact, name_problem, suffix_part, text_problem, text_refused
from ..package import DESCRIPTOR, SAME_OFFICER, SYNTHETIC
from ..sample import to_csv

MAX_ROWS, MAX_COLUMNS, MAX_CELL = 2_000_000, 200, 10_000  # far above any roster; a file beyond is broken or hostile
MAX_UNZIPPED = 512 * 1024 * 1024  # bytes of XML a workbook may unpack to
MAX_FILE_BYTES = 512 * 1024 * 1024  # bytes of a release file, checked before it is read
MAX_SHARED_STRINGS = 128 * 1024 * 1024  # bytes of a workbook's table of texts, which openpyxl holds whole
# Bytes and XML elements of any other part that is not a sheet (styles, workbook, relationships...), which openpyxl
# parses whole into objects of 0.6 to 1 KB an element: Excel keeps at most 64,000 cell formats (an <xf> and an
# <alignment> each, 128,000 elements, some 10 MB); an import's peak of about 70 MB may grow by some 200 MB at most.
MAX_WHOLE_PART, MAX_PART_ELEMENTS = 16 * 1024 * 1024, 200_000
MAX_LINE = MAX_COLUMNS * (4 * MAX_CELL + 3)  # bytes: a row within the limits, every cell quoted, fits one line
MOJIBAKE = re.compile("\ufffd|[ÃÄÅ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|â€|Â[\u00a0-\u00bf]")
# (Ä and Å lead the UTF-8 of Latin Extended-A letters read as Windows-1252: "SzÅ‘ke", "NÄ›mec", a second attack run
# after the twentieth)
# Characters Windows-1252 gives bytes of another encoding (Shift-JIS "山田" reads "ŽR“c") that no name,
# agency, status or course holds: Latin-1 symbols (¡ to ¿, ×, ÷) and cp1252's ƒ ˆ ˜ † ‡ • … ‰ ‹ › ™ „.
# Its letters (Š, œ, Ÿ...), quotes and dashes may be a real export's, and are not among them.
NOT_IN_A_ROSTER = re.compile("[\u00a1-\u00bf\u00d7\u00f7\u0192\u02c6\u02dc\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u2122\u201e]")
# A question mark between two letters: what an export writes for a letter its encoding lacks ("D?ng, Nguy?n"). A
# person's or an agency's name holds no question mark at all; a course's name may end a question with one.
UNWRITTEN = re.compile(r"[^\W\d_]\?[^\W\d_]")
NAME_PARTS = ["last_name", "first_name", "middle_name", "name_suffix"]
NAME_FIELDS = ("officer_name", *NAME_PARTS)
# Headers of closed categories that releases carry, named in messages in these words (never the cell's):
# a header cell equal to one of them, ignoring case, spaces and punctuation, is reported by this name.
CLOSED_HEADERS = ["Date of Birth", "DOB", "Birth Date", "Birthdate", "Age", "Residence", "City of Residence",
                  "Residence City", "Home Address", "Address", "Street Address", "City", "Zip", "Zip Code",
                  "Home Zip", "Postal Code", "Phone", "Phone Number", "Telephone", "Home Phone", "Cell Phone",
                  "Email", "E-mail Address", "Email Address", "SSN", "Social Security Number", "Driver's License",
                  "Driver's License Number", "Gender", "Sex", "Race", "Ethnicity"]


class ImportError_(CertdataError):
    """The file cannot be imported; nothing was changed."""


def source_names(root=None):
    """The importer names of the registered states."""
    from .. import states
    return [s.SOURCE["name"] for s in states.registered(root) if s.get("SOURCE")]


def source_module(name, root=None):
    """The state module importing the source called name."""
    from .. import states
    state = states.by_source(name, root)
    if state is None:
        raise ImportError_(f"unknown source {name!r}; choose one of {', '.join(source_names(root))}")
    return state.module


def refuse_pending(resource):
    """A real release cannot be published with a field whose disclosure is still 'not yet known'."""
    from ..disclosure import kinds
    pending = [f["name"] for f in resource["schema"]["fields"] if "pending" in kinds(f)]
    if pending:
        raise ImportError_(f"{resource['name']}: the disclosure of {', '.join(pending)} is still 'pending' (not yet known). "
                           "Before importing the release, record in the schema what the agency released, in its own words "
                           "(an agency-release ground quoting the agency's letter, kept under data/sources/ and declared in "
                           "datapackage.json sources); see the README, Adding a data release, step 0")


def clean(value):
    """Trim and collapse whitespace; None and non-text become strings."""
    if value is None:
        return ""
    return " ".join(str(value).replace("\u00a0", " ").split())


def header_key(text):
    """Header names compared without case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", clean(text).lower())


def read_table(path, module, report=print, limits=None):
    """(file label, headers, rows, number of the first data row) from an .xlsx workbook (the sheet with
    our headers, named by its number: a title can be anything) or a CSV; limits ({field: maxLength} of the
    resource's schema) are applied to each row as it is read (overlong)."""
    path = Path(path)
    if path.is_dir():
        raise ImportError_(f"{path}: a folder, not a file; give the release file itself")
    if not path.is_file():  # (an attack run after the sixteenth: a FIFO and /dev/zero were "no such file")
        raise ImportError_(f"{path}: {'not a regular file (a device, a pipe or a socket)' if path.exists() else 'no such file'};"
                           " give the release file itself")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # before reading it: a 2.5 GB file had been read whole, then found to hold NUL bytes
        raise ImportError_(f"{path.name}: {size:,} bytes; the limit is {MAX_FILE_BYTES:,} (a roster of two million "
                           "officers is about a third of it)")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(path, module, report, limits)
    data = path.read_bytes()
    if not data or data.isspace():  # (not strip(): a copy of a 200 MB file)
        raise ImportError_(f"{path.name}: the file is empty")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # (a foreign-data trial after the seventeenth: "NUL byte")
        raise ImportError_(f"{path.name}: an Excel 97-2003 workbook (.xls), which the importer does not read; open it in "
                           "Excel or LibreOffice and save it as an Excel workbook (.xlsx) or as \"CSV UTF-8 (Comma "
                           "delimited)\", then import that")
    if data.startswith(b"PK\x03\x04"):
        raise ImportError_(f"{path.name}: a zip archive, such as an Excel workbook under another name; if it is one, "
                           "name it .xlsx and import it again, otherwise take the release file out of the archive")
    if HTML_START.match(data[:4096]):  # (a foreign-data trial after the nineteenth: a report's "Excel" export, a web page)
        raise ImportError_(f"{path.name}: a web page (HTML), as some systems export a report under a spreadsheet's name; "
                           "open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx) or as \"CSV UTF-8 "
                           "(Comma delimited)\", or ask the agency for a CSV, then import that")
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") or (len(data) >= 16 and data[1:4] == b"\x00\x00\x00"
                                                                and data[5:8] == b"\x00\x00\x00"):
        raise ImportError_(f"{path.name}: the file is UTF-32 text, which the importer does not read; open it in a text "
                           "editor or Excel and save it as \"CSV UTF-8 (Comma delimited)\"")
    if utf16(data):
        raise ImportError_(f"{path.name}: the file is UTF-16 text (what Excel saves as \"Unicode Text\"), which the importer "
                           "does not read; open it in Excel and save it as \"CSV UTF-8 (Comma delimited)\"")
    if b"\x00" in data:
        row = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ImportError_(f"{path.name}, row {row}: NUL byte; the file is not a text export")
    if data.count(b"\n") > MAX_ROWS + 2:  # before parsing: 30 MB of empty lines took 2.4 GB as parsed rows
        raise ImportError_(f"{path.name}: more than {MAX_ROWS:,} lines; the limit is {MAX_ROWS:,} rows")
    if b"\r" in data[:MAX_LINE] and b"\n" not in data[:MAX_LINE]:
        raise ImportError_(f"{path.name}: its lines end with a carriage return alone (old Mac line ends); "
                           "re-save it with Windows (CRLF) or Unix (LF) line ends")
    long_line = overlong_line(data)
    if long_line:  # before decoding: a 200 MB one-cell file took 2.4 GB as text and parsed rows
        raise ImportError_(f"{path.name}, row {long_line}: a line longer than {MAX_LINE:,} bytes, more than a row of "
                           f"{MAX_COLUMNS} cells of {MAX_CELL:,} characters can be; it is not a roster export")
    encoding = text_encoding(path.name, data, getattr(module, "ENCODING", None))
    if encoding == "cp1252" and not getattr(module, "ENCODING", None):
        from .formats import other_readings
        others = other_readings(data)
        if others:  # (a second attack run after the twentieth: Polish, Czech, Lithuanian and Vietnamese names in their
            # Windows encodings were published garbled, "Zieliñski" for "Zieliński", each word a plausible one)
            rows, names_ = others
            report(f"warning: {path.name}: the file is not UTF-8 and is read as Windows-1252 (Western European), but its "
                   f"letters in row(s) {numbers(rows)} read as words in {' or '.join(names_)} too: if the agency's system "
                   "writes that encoding, the names are published wrong; convert the file to UTF-8 from it and import "
                   "again (the warning names rows only)")
    ENCODING_HINT.clear()  # worked out only if a message needs it: each try decodes the whole file
    ENCODING_HINT[path.name] = lambda: clean_encoding(path.read_bytes(), encoding)
    rows, width, sign, head, broken = [], 0, ",", [], []
    try:
        with cell_limit(MAX_CELL):  # a longer cell stops the reader at once, not at the end
            reader, head, ends = head_rows(data, encoding, sign, head)  # the header may be below a title
            above = next((i for i, row in enumerate(head) if mapped_width(row, module)), None)
            if above is None:  # read with commas no row maps the required fields: a tab-delimited text or a European
                # CSV (a foreign-data trial after the eighteenth: both were refused, with advice to re-save them in
                # Excel, which is how leading zeros and dates get altered) is read with its own sign
                for other in DELIMITERS:
                    try:
                        found = head_rows(data, encoding, other)
                    except csv.Error:
                        continue
                    at = next((i for i, row in enumerate(found[1]) if mapped_width(row, module)), None)
                    if at is not None:
                        (reader, head, ends), above, sign = found, at, other
                        report(f"{path.name}: its cells are separated by {DELIMITERS[other]}s, not commas; read so")
                        break
            if above is None:  # no row maps the required fields: the first is taken for the header, and the
                above = 0  # message names what it lacks
                if head:  # before the rows are read: a title's one cell would make every row seem too wide. The row
                    # that maps the most fields is named (a foreign-data trial after the seventeenth: below two title
                    # rows, the first title's one cell was said to be the header)
                    best = max(range(len(head)), key=lambda i: (len(mapping(head[i], module)), -i))
                    missing = missing_fields(mapping(head[best], module), module)
                    raise ImportError_(missing_message(path.name, missing, head[best], module)
                                       + (f" (the header taken: row {best + 1})" if best else ""))
            header = heading_above(path.name, head[above], head[above - 1] if above else None, module, report) if head else []
            rows.append(header)
            keep = mapped_width(header, module)  # 60,000 rows of 200 cells kept whole took 1 GB
            limited = limited_columns(header, module, limits)
            columns = {column: field for field, column in mapping(header, module).items()}

            short = []  # (row number, cells) of lines shorter than the header, refused once it is known what follows
            def numbered():  # (row, line before it) of each row below the header
                for i in range(above + 1, len(head)):
                    yield head[i], ends[i - 1]
                line = ends[-1] if ends else 0
                for row in reader:
                    yield row, line
                    line = reader.line_num
            for row, line in numbered():
                width = max(width, len(row))
                end = ends[above + len(rows)] if above + len(rows) < len(ends) else reader.line_num
                if end > line + 1 and spanned(path.name, above + len(rows) + 1, (line + 1, end), row, header, columns, sign):
                    broken.append(above + len(rows) + 1)  # a cell over lines: a line break in the cell
                if len([c for c in row if c.strip()]) == 1 and PAGE_LINE.fullmatch(clean(next(c for c in row if c.strip()))):
                    row = [clean(next(c for c in row if c.strip()))] + [""] * (len(header) - 1)  # "Page 2 of 3" between
                    # pages (a line of its own): read as the row records() names and leaves out
                elif row and len(row) < min(len(header), keep or len(header)) and footer_words(row):
                    short.append((above + len(rows) + 1, len(row)))  # a footer if no full row follows
                    rows.append([])
                    continue
                if short and any(cell.strip() for cell in row) or row and len(row) < min(len(header), keep or len(header)):
                    number, cells = short[0] if short else (above + len(rows) + 1, len(row))
                    raise ImportError_(f"{path.name}, row {number}: {cells} cell(s) where the header has "
                                       f"{len(header)}: a line cut short, or a line break inside a cell that is not "
                                       "quoted; check the export")
                if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
                    raise ImportError_(f"{path.name}, row {above + len(rows) + 1}: {len(row)} cells where the header has "
                                       f"{len(header)}: a {DELIMITERS.get(sign, 'comma')} inside a cell that is not quoted would move the cells "
                                       "after it into the wrong columns; check the export")
                rows.append(row[:keep] if keep else row)
                overlong(path.name, above + len(rows), rows[-1], limited)
            if short:  # below the last record only: a report's footer ("Record Count: 4000"), not a line cut short
                report(footer_message(path.name, [number for number, _ in short]))
    except csv.Error as error:
        if "field limit" in str(error):
            raise ImportError_(f"{path.name}, row {above + len(rows) + 1 if rows else len(head) + 1}: a cell of more "
                               f"than {MAX_CELL:,} characters; the limit is {MAX_CELL:,}") from None
        raise ImportError_(f"{path.name}: not a readable CSV ({error.__class__.__name__})") from None
    if width > MAX_COLUMNS:
        raise ImportError_(f"{path.name}: {width} columns; the limit is {MAX_COLUMNS}")
    check_shape(path.name, rows, start=above + 1)
    if broken:  # a line break typed in a name or a course's title (a foreign-data trial after the eighteenth: the first
        # such cell was refused as a quote not closed, one row a run)
        report(f"{path.name}: row(s) {numbers(broken)}: a line break inside a cell of a field that is read, taken for a "
               "space (as a spreadsheet wraps a long title)")
    titles = [i + 1 for i, row in enumerate(head[:above]) if any(cell.strip() for cell in row)]
    if titles:
        report(f"{path.name}: the header is row {above + 1}; row(s) {numbers(titles)} above it (a title) are not read")
    return path.name, rows[0], rows[1:], above + 2


HTML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta|\?xml[^>]*>\s*<html)",
                        re.IGNORECASE | re.DOTALL)
HEADER_ROWS = 10  # rows of a file the header row is looked for in (a workbook's too): a title may be above it
DELIMITERS = {"\t": "tab", ";": "semicolon", "|": "vertical bar"}  # besides the comma


def head_rows(data, encoding, sign, head=None):
    """(reader, the first HEADER_ROWS rows, the line each ends on) of a CSV's bytes read with the sign given; the rows
    are put in head when given (a cell too long for the reader stops it: the caller then knows the row)."""
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""), delimiter=sign)
    head = [] if head is None else head
    ends = []
    for row in reader:
        head.append(row)
        ends.append(reader.line_num)
        if len(head) == HEADER_ROWS:
            break
    return reader, head, ends


def utf16(data):
    """Whether bytes are UTF-16 text (Excel's "Unicode Text"): its byte-order mark, or a NUL byte beside each of the
    first ASCII characters."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    start = data[:400]
    return len(start) >= 8 and max(start[0::2].count(0), start[1::2].count(0)) > 0.9 * (len(start) // 2)


def spanned(label, number, lines, row, header, columns, sign=","):
    """Refuse a CSV row (number: its place in the table, the header's 1) that ran over lines (first, last of the
    file) when a cell holds lines shaped as the file's rows (as many signs as the header): what a quote that is
    not closed does (the lines after it, and the rows they hold, go into its cell, and the rows are lost: the
    trial's roster had one officer whose agency held the next three officers' rows, each of them dropped).
    Otherwise True when a cell of a field (columns: {column index: field}) holds a line break, which is read as a
    space (clean), as in a course's title wrapped over two lines."""
    first, last = lines
    cause = ("a quote that is not closed takes the lines after it, and the rows they hold, into its cell; "
             "close the quote in the export (or take the line break out of the cell)")
    broken = False
    for column, cell in enumerate(row):
        if "\n" not in cell and "\r" not in cell:
            continue
        if len(header) > 1 and any(part.count(sign) >= len(header) - 1 for part in cell.splitlines()[1:]):
            where = f"field {columns[column]}" if column in columns else f"column {column + 1} (not read)"
            raise ImportError_(f"{label}, row {number}, {where}: a cell running from line {first} to line {last} of the "
                               f"file that holds lines shaped as rows of the file, which would be lost: {cause}; it is "
                               "not shown")
        broken = broken or column in columns
    return broken


DECODE_PIECE = 1 << 20  # bytes decoded at a time: the file's text is never held whole beside its bytes


SINGLE_BYTE = re.compile(r"cp[0-9]+|iso8859-[0-9]+|latin-1|mac-[a-z]+|koi8-[a-z]+|hp-roman8|tis-620|ascii")
MULTIBYTE_CODE_PAGES = frozenset({"cp932", "cp936", "cp949", "cp950", "cp1361", "cp65001"})


def text_encoding(label, data, chosen=None):
    """The encoding the bytes are read in (formats.csv_encoding: UTF-8, else Windows-1252 when every word reads as
    one language's); refused by row, with the likely encoding, when it cannot be read with confidence. chosen: the
    encoding the journalist says the file was saved in (--encoding), which must read every byte (a second foreign-data
    trial after the twenty-first: Windows-1252 files of Icelandic or Czech names, or of course titles with ®, §, ½, could
    not be imported at all)."""
    import codecs
    from .formats import csv_encoding
    if chosen:
        try:
            name = codecs.lookup(chosen).name
        except LookupError:
            raise ImportError_(f"--encoding {chosen[:40]!r}: not an encoding Python knows (such as utf-8, cp1252, cp1250, "
                               "iso8859-2, mac-roman)") from None
        if name.startswith(("utf-16", "utf-32", "utf-7")) or not codecs.lookup(chosen)._is_text_encoding:
            raise ImportError_(f"--encoding {chosen}: the importer reads a CSV of one byte a character or UTF-8")
        try:
            if bytes(range(32, 127)).decode(name) != bytes(range(32, 127)).decode("ascii") or any(
                    word in name for word in ("escape", "idna", "punycode", "undefined", "rot")):
                raise LookupError
        except (LookupError, UnicodeError, ValueError):
            raise ImportError_(f"--encoding {chosen[:40]}: not an encoding a CSV is saved in (such as utf-8, cp1252, "
                               "cp1250, iso8859-2, mac-roman)") from None
        try:
            data.decode(name)
        except UnicodeError as error:
            row = data[:getattr(error, "start", 0)].count(b"\n") + 1
            raise ImportError_(f"{label}, row {row}: a byte that is not {chosen} (the file was saved in another encoding)") from None
        if not (name.startswith("utf-8") or SINGLE_BYTE.fullmatch(name)) or name in MULTIBYTE_CODE_PAGES:
            raise ImportError_(f"--encoding {chosen}: the importer reads a CSV in UTF-8 or in an encoding of one byte a "
                               "character (such as cp1252, cp1250, iso8859-2, mac-roman)")
        if not name.startswith("utf-8") and not data.isascii():
            try:
                data.decode("utf-8-sig")
            except UnicodeDecodeError:
                pass
            else:  # (an attack run after the twenty-first: a UTF-8 file read as ISO-8859-4 published "SchrÃļder")
                raise ImportError_(f"{label}: the file reads as UTF-8 (its letters that are not ASCII are UTF-8's), so "
                                   f"--encoding {chosen} would garble them; import it without --encoding")
        return name
    encoding, refusal = csv_encoding(data, DECODE_PIECE)
    if refusal:
        row, reason = refusal
        raise ImportError_(f"{label}, row {row}: {reason}; if you know the encoding the file was saved in, import it again "
                           "with --encoding NAME (cp1252 for what Excel's \"CSV (Comma delimited)\" writes on Windows)")
    return encoding


def overlong_line(data):
    """The line number of a line longer than MAX_LINE bytes, or None; every window of MAX_LINE bytes is
    searched for a line end (at C speed), so a line of twice that length is always found."""
    for start in range(0, max(len(data) - MAX_LINE, 0), MAX_LINE):
        if data.find(b"\n", start, start + MAX_LINE) < 0:
            return data.count(b"\n", 0, start) + 1
    return None


def check_shape(label, rows, declared=None, start=1):
    """Refuse a table beyond the size limits, by its shape only (no value is read out); start: the number of its
    first row in the file."""
    if len(rows) > MAX_ROWS + 1:
        raise ImportError_(f"{label}: {len(rows) - 1:,} rows; the limit is {MAX_ROWS:,} (split the file or raise MAX_ROWS)")
    width = max((len(r) for r in rows), default=0)
    if width > MAX_COLUMNS:
        raise ImportError_(f"{label}: {width} columns; the limit is {MAX_COLUMNS}")
    for number, row in enumerate(rows, start=start):
        cell_sizes(label, number, row)


def cell_sizes(label, number, row):
    """Refuse a cell of the row (number: its place in the table, the header's 1) longer than MAX_CELL."""
    for column, cell in enumerate(row, start=1):
        if isinstance(cell, str) and len(cell) > MAX_CELL:
            raise ImportError_(f"{label}, row {number}, column {column}: a cell of {len(cell):,} characters; "
                               f"the limit is {MAX_CELL:,}")


def check_workbook_size(path):
    """Refuse a workbook that would unpack too large or declares a huge sheet, before openpyxl reads it; returns
    its parts by role (WorkbookParts). Each part is bounded by what reading it costs: a sheet is read as a
    stream (its declared size and its cells' columns checked), the table of texts is held whole as strings
    (MAX_SHARED_STRINGS). A part's role is the one the workbook's own content types and relationships give it,
    as openpyxl and Excel find it, never a guess from its text (the thirteenth attack run: a table of texts
    beginning with <!--<worksheet--> passed for a sheet, escaped its limit and took 1.3 GB)."""
    import zipfile
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            unpacked = sum(info.file_size for info in entries)
            if unpacked > MAX_UNZIPPED:
                raise ImportError_(f"{path.name}: the workbook unpacks to {unpacked:,} bytes; the limit is {MAX_UNZIPPED:,}")
            parts = workbook_parts(path.name, archive)
            for info in entries:  # every part, whatever its name: a workbook may name its parts as it likes
                if info.filename == parts.strings or info.filename not in parts.sheets:
                    if info.file_size > MAX_SHARED_STRINGS:  # 468 MB of two-letter texts took 2.9 GB as Python strings
                        raise ImportError_(f"{path.name}: a part of the workbook that is not a sheet (its table of texts, "
                                           f"whatever it is named) unpacks to {info.file_size:,} bytes; the limit is "
                                           f"{MAX_SHARED_STRINGS:,} (a roster of two million officers needs about a third of it)")
                if info.filename in parts.whole or info.filename not in parts.sheets | {parts.strings}:
                    check_whole_part(path.name, archive, info, "its styles" if info.filename in (
                        parts.styles, "xl/styles.xml") else "a part of the workbook that is not a sheet")
                if info.filename not in parts.sheets:
                    continue
                with archive.open(info) as part:
                    head = part.read(4096)
                    check_dimension(path.name, head.decode("utf-8", "replace"))
                    if far_cell(head, part):
                        raise ImportError_(f"{path.name}: a sheet has a cell beyond column {MAX_COLUMNS}; "
                                           f"the limit is {MAX_COLUMNS} columns")
            return parts
    except zipfile.BadZipFile:
        raise ImportError_(f"{path.name}: not a readable Excel workbook (not a zip archive)") from None
    except (NotImplementedError, RuntimeError, OSError, EOFError, zlib.error, ValueError) as error:
        # a part packed with a method Python cannot unpack (Deflate64, as Windows writes large archives), an
        # encrypted part, a truncated or corrupt one
        raise ImportError_(f"{path.name}: not a readable Excel workbook (a part is encrypted, packed in a way that "
                           f"cannot be read, or damaged: {type(error).__name__}); save it again from Excel") from None


def check_whole_part(label, archive, name, role="a part of the workbook that is not a sheet"):
    """Refuse a part that openpyxl reads whole (the styles, the workbook, the relationships, the content types,
    the document properties: every part but a sheet and the table of texts) past MAX_WHOLE_PART bytes or
    MAX_PART_ELEMENTS XML elements, before it is read: it becomes Python objects of 0.6 to 1 KB an element
    (the thirteenth attack run: 2 million empty <xf/> cell formats, a 20 KB file, took 1.3 GB)."""
    try:
        info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)
    except KeyError:
        return
    if info.file_size > MAX_WHOLE_PART:
        raise ImportError_(f"{label}: {role} unpacks to {info.file_size:,} bytes; the limit is {MAX_WHOLE_PART:,} for a "
                           "part read whole (the styles of a workbook with Excel's most cell formats take about a quarter of it)")
    if info.file_size > 4 * MAX_PART_ELEMENTS:  # an element takes 4 bytes at least (<a/>): a smaller part has fewer
        with archive.open(info) as part:
            if element_count(part) > MAX_PART_ELEMENTS:
                raise ImportError_(f"{label}: {role} holds more than {MAX_PART_ELEMENTS:,} XML elements; the limit for a "
                                   "part read whole (Excel itself keeps at most 64,000 cell formats, which take about "
                                   "half of it); save the workbook again from Excel, or export the roster alone")


def element_count(part, block=1 << 20):
    """How many XML elements a part's bytes open, over-counted, never under (a comment or CDATA holding "<" counts):
    every "<" but those of an end tag, a comment or declaration, a processing instruction; read in blocks."""
    count, carried = 0, b""
    while True:
        more = part.read(block)
        if not more:
            return count
        data = carried + more
        count += data.count(b"<") - data.count(b"</") - data.count(b"<!") - data.count(b"<?")
        carried = b"<" if data.endswith(b"<") else b""  # what follows it is in the next block: counted there
        count -= len(carried)


class WorkbookParts(tuple):
    """A workbook's parts by role: sheets (the parts openpyxl reads as sheets, as a stream), strings (its
    table of texts, or None), styles (the part Excel takes its cell formats from, or None), whole (the parts
    read whole by name or role, even if also named as a sheet: a sheet's name does not exempt the styles) and theme
    (the part Excel takes its theme's colours from, or None; bounded as every part that is not a sheet)."""
    sheets = property(lambda self: self[0])
    strings = property(lambda self: self[1])
    styles = property(lambda self: self[2])
    whole = property(lambda self: self[3])
    theme = property(lambda self: self[4])


def workbook_parts(label, archive):
    """The workbook's parts by the roles its [Content_Types].xml and relationships give them, found by
    openpyxl's own code (what it will read as what), and refused where Excel would find another part in a role
    (Excel follows the relationships; openpyxl takes the workbook and the table of texts from the content
    types, the styles from xl/styles.xml): a reader in Excel would see other texts, sheets or formats than
    those published."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.constants import (ARC_CONTENT_TYPES, ARC_CORE, ARC_CUSTOM, ARC_ROOT_RELS, ARC_STYLE, ARC_THEME,
                                        SHARED_STRINGS)
    from openpyxl.xml.functions import fromstring
    listed = archive.namelist()
    names = set(listed)
    if len({name.lower() for name in listed}) < len(listed):  # a part's name twice, or in two cases (Excel reads part
        # names without case; Python's zipfile the last of two alike: an attack run after the twenty-first saw a second
        # sheet1.xml published in place of the one Excel shows)
        raise ImportError_(f"{label}: the file holds two parts of one name (or of names differing only in case), so which "
                           "a reader's Excel shows cannot be told; save it again from Excel, or ask the agency")
    for name in (ARC_CONTENT_TYPES, ARC_ROOT_RELS):
        check_whole_part(label, archive, name)

    def related(rels, kind):  # the target of the relationship of this kind (…/officeDocument), or None
        targets = {r.target for r in rels if str(r.Type).rsplit("/", 1)[-1] == kind and r.TargetMode != "External"}
        if len(targets) > 1:
            raise ImportError_(f"{label}: the workbook's relationships name {len(targets)} parts as its {kind}; "
                               "save it again from Excel")
        return targets.pop() if targets else None
    try:
        manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
        workbook = _find_workbook_part(manifest).PartName[1:]
        for name in (workbook, get_rels_path(workbook)):
            check_whole_part(label, archive, name)
        if b"purl.oclc.org/ooxml/spreadsheetml" in archive.read(workbook)[:4096]:  # (an attack run after the nineteenth:
            # refused as "no rows", which said nothing of why)
            raise ImportError_(f"{label}: a workbook saved as \"Strict Open XML Spreadsheet\", which the importer does not "
                               "read; open it in Excel and save it as \"Excel Workbook (.xlsx)\", then import that")
        excel_workbook = related(get_dependents(archive, ARC_ROOT_RELS), "officeDocument") if ARC_ROOT_RELS in names else None
        parser = WorkbookParser(archive, workbook, keep_links=False)
        parser.parse()
        sheets = frozenset(rel.target for _, rel in parser.find_sheets() if "chartsheet" not in str(rel.Type))
        rels = list(parser.rels.values()) if get_rels_path(workbook) in names else []
        strings = manifest.find(SHARED_STRINGS)
        strings = strings.PartName[1:] if strings is not None else None
    except ImportError_:
        raise
    except Exception as error:  # a malformed part: its message may quote it, so the type only
        raise ImportError_(f"{label}: not a readable Excel workbook ({type(error).__name__})") from None
    excel = {"workbook": (excel_workbook, workbook), "table of texts": (related(rels, "sharedStrings"), strings),
             "styles": (related(rels, "styles"), ARC_STYLE if ARC_STYLE in names else None)}
    for role, (excels, ours) in excel.items():
        if excels != ours and (excels in names or ours in names):
            raise ImportError_(f"{label}: the workbook's relationships and its content types name different parts as its "
                               f"{role}, so Excel would show another {role} than the one read; save it again from Excel")
    styles = excel["styles"][0] if excel["styles"][0] in names else None
    theme = related(rels, "theme")
    theme = theme if theme in names else None
    whole = {ARC_CONTENT_TYPES, ARC_ROOT_RELS, workbook, get_rels_path(workbook), ARC_STYLE, styles, ARC_CORE, ARC_CUSTOM,
             ARC_THEME, theme} | {name for name in names if name.endswith(".rels")}  # (the theme: read for its colours)
    return WorkbookParts((sheets, strings, styles, frozenset(whole & names), theme))


# A cell past column MAX_COLUMNS (200, "GR": three letters, two from HA, or GS to GZ) that may hold a value:
# not self-closing (Excel writes a formatted empty cell as <c r="GS5" s="3"/>, which is no value).
FAR_COLUMN = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="(?:[A-Z]{3}|[H-Z][A-Z]|G[S-Z])[0-9]+"[^>]*(?<!/)>')


def far_cell(head, sheet, block=1 << 22):
    """True when the sheet's XML (head, then the rest of the stream) references a cell past the column
    limit; read in blocks, before openpyxl builds rows as wide as their last cell (16,384 for XFD)."""
    data = head
    while True:
        if FAR_COLUMN.search(data):
            return True
        more = sheet.read(block)
        if not more:
            return False
        data = data[-64:] + more  # a reference split between two blocks


def check_dimension(label, head):
    """A sheet's declared dimension (e.g. A1:XFD1048576) within the row and column limits."""
    match = re.search(r'<(?:\w+:)?dimension[^>]*ref="[A-Z]+[0-9]+:([A-Z]+)([0-9]+)"', head)
    if not match:
        return
    letters, rows = match.groups()
    columns = 0
    for letter in letters:
        columns = columns * 26 + ord(letter) - 64
    if columns > MAX_COLUMNS or int(rows) > MAX_ROWS + 1:
        raise ImportError_(f"{label}: a sheet declares {int(rows):,} rows by {columns:,} columns; "
                           f"the limits are {MAX_ROWS:,} rows and {MAX_COLUMNS} columns")


def clean_encoding(data, used):
    """A hint naming the encoding that reads the bytes without garbling, if one does."""
    if used == "utf-8-sig" and MOJIBAKE.search(data.decode("utf-8-sig")):
        try:
            repaired = data.decode("utf-8-sig").encode("cp1252").decode("utf-8")
            if not MOJIBAKE.search(repaired):
                return ("the text was converted twice (UTF-8 read as Windows-1252, then saved as UTF-8); "
                        "re-export it once, as UTF-8")
        except UnicodeError:
            pass
    if "\ufffd" in data.decode(used, "replace") or b"\xef\xbf\xbd" in data:
        return "the export already replaced characters it could not write (U+FFFD); ask the agency for a UTF-8 export"
    for candidate in ("cp1252", "latin-1"):
        try:
            if not MOJIBAKE.search(data.decode(candidate)) and candidate != used:
                return f"the file reads cleanly as {candidate}; re-save it as UTF-8"
        except UnicodeDecodeError:
            continue
    return "re-export it as UTF-8, or as Windows-1252 (cp1252)"


EMPTY = ()  # one object for every blank row


def trimmed(row, width=None):
    """A sheet row as a list no wider than width, trailing blank cells dropped (EMPTY when blank)."""
    width = min(len(row), width or len(row))
    while width and row[width - 1] is None:
        width -= 1
    return list(row[:width]) if width else EMPTY


def read_workbook(path, module, report=print, limits=None):
    """The one sheet whose header row maps every required field. A workbook with two such sheets, or whose
    one is hidden, is refused: a reader of the workbook in Excel would see another roster than the one
    published (the tenth attack run: a hidden sheet was imported in place of the visible one, without a word)."""
    parts = check_workbook_size(path)
    try:
        formats = cell_formats(path, parts)
        workbook = open_workbook(path, formats)
    except Exception as error:  # openpyxl raises many types for unreadable files
        raise ImportError_(f"{path.name}: not a readable Excel workbook ({type(error).__name__})") from None
    best, found, partial, unread = None, [], [], []
    for number, sheet in enumerate(workbook.worksheets, start=1):
        label = f"{path.name} [sheet {number}]"  # never the title: it can be anything, a value included
        try:
            titles, previous, pending = [], None, None  # rows above the header that hold something (a title), the row
            # just above, and a header found, whose next row may be its second line (name_parts_below)
            for index, (_, row, _) in enumerate(sheet_rows(sheet, 1, MAX_COLUMNS + 1, last=HEADER_ROWS + 1, formats=formats,
                                                                   label=label)):
                headers = [clean(c) for c in trimmed(row)]
                if pending is not None:
                    below = name_parts_below(label, pending[3], headers, module, report)
                    found.append(pending if below is None else (*pending[:2], index, below, pending[4]))
                    break
                if index >= HEADER_ROWS:
                    break
                if mapped_width(headers, module):
                    pending = (label, sheet, index, heading_above(label, headers, previous, module, report), titles)
                    continue
                previous = headers
                if any(headers):
                    titles.append(index + 1)
                mapped = mapping(headers, module)
                missing = missing_fields(mapped, module)
                if best is None or len(missing) < len(best[1]):
                    best = (label, missing, headers)
                if (mapped.keys() & {"officer_name", "last_name"} and set(mapped) & (set(module.REQUIRED) - {"officer_name"})
                        and label not in partial):
                    partial.append(label)  # a sheet of records under another header (a class or a status missing)
                if any(headers) and label not in unread:
                    unread.append(label)  # a sheet with something on it, named if it is not the one read
            if pending is not None and (not found or found[-1][0] != label):
                found.append(pending)  # (the header the sheet's last row)
        except ImportError_:
            raise
        except Exception as error:  # a malformed sheet: its message may quote a cell, so the type only
            raise ImportError_(f"{label}: not a readable sheet ({type(error).__name__})") from None
    if len(found) > 1:
        raise ImportError_(f"{path.name}: sheets {sheet_numbers(label for label, *_ in found)} "
                           "each hold a roster's header row (a release may put officers of each status on a sheet of their "
                           "own, such as licensed and revoked or surrendered); the importer reads a single sheet: copy the "
                           "rows of every roster sheet into the first, below its header, and delete the other sheets, "
                           "so that no category of officers is left out")
    partial = [label for label in partial if label not in {f[0] for f in found}]
    if found and partial:  # (a second foreign-data trial after the twenty-first: revoked officers on a sheet of their own,
        # its header without the class, were left out without a word, and the decertified list published empty)
        raise ImportError_(f"{path.name}: sheet(s) {sheet_numbers(partial)} hold "
                           "officers' names under a header that lacks a column the roster's has (a category of officers, such "
                           "as revoked or surrendered, on a sheet of its own?); the importer reads a single sheet: copy every "
                           "sheet's rows into the first, below its header, with the same columns, and delete the other sheets "
                           "(or ask the agency), so that no category of officers is left out")
    unread = [label for label in unread if label not in {f[0] for f in found}]
    if found and unread:  # (a third attack run after the twenty-first: officers under "Name, Date Revoked" on another sheet
        # were left out without a word)
        report(f"warning: {path.name}: sheet(s) {sheet_numbers(unread)} hold "
               "something but no roster's header, and are not read: if officers are listed there, copy them into the "
               "roster's sheet under its header")
    if found:
        label, sheet, index, headers, titles = found[0]
        if getattr(sheet, "sheet_state", "visible") != "visible":
            raise ImportError_(f"{label}: the roster is on a hidden sheet, which a reader of the workbook does not see; "
                               "unhide it in Excel if it is the release, and remove the other sheets")
        if titles:
            report(f"{label}: the header is row {index + 1}; row(s) {numbers(titles)} above it (a title) are not read")
        return read_sheet(label, sheet, index, headers, module, report, formats, limits,
                          drawn=drawings(label, path, getattr(sheet, "_worksheet_path", None)))
    if best is None:
        raise ImportError_(f"{path.name}: the workbook has no rows")
    label, missing, headers = best
    raise ImportError_(missing_message(label, missing, headers, module))


def sheet_numbers(labels):
    """'2, 3' from sheets' labels ("roster.xlsx [sheet 2]", ...)."""
    return ", ".join(label.rsplit(" ", 1)[1].rstrip("]") for label in labels)


def cell_formats(path, parts):
    """The workbook's cell formats (formats.CellFormats), from the styles part Excel reads, its colours from the theme
    part Excel reads (each bounded as a part read whole)."""
    from .formats import CellFormats, theme_colours
    with zipfile.ZipFile(path) as archive:
        theme = None
        if parts.theme is not None:
            with archive.open(parts.theme) as source:
                theme = theme_colours(source)
        if parts.styles is None:
            return CellFormats(theme=theme)
        with archive.open(parts.styles) as source:
            return CellFormats(source, theme)


def open_workbook(path, formats=None):
    """openpyxl's load_workbook(path, read_only=True, data_only=True, keep_links=False), its table of texts kept
    as stored: openpyxl's own reader drops every "x005F_" from it (meant for "_x005F_", Excel's escaped
    underscore), so "_x005F_x0051_", which Excel shows as "_x0051_", reached sheet_rows as "_x0051_" and was
    decoded a second time, to "Q" (the thirteenth attack run), and a text merely holding "x005F_" lost it.
    sheet_rows decodes every text once, as Excel does, a shared one as an inline one. A text of rich text whose
    runs set their own fonts is a Styled, which carries their looks (formats.CellFormats.runs) to sheet_rows; the
    text is the runs' (openpyxl's Text.content), never the phonetic runs' (<rPh>)."""
    from openpyxl.cell.text import Text
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    class Reader(ExcelReader):
        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)  # as openpyxl finds it (workbook_parts checks Excel agrees)
            if part is None:
                return
            tag = f"{{{SHEET_MAIN_NS}}}si"
            with self.archive.open(part.PartName[1:]) as source:
                for _, node in iterparse(source):
                    if node.tag == tag:
                        text = Text.from_tree(node).content
                        looks = formats.runs(node) if formats is not None else None
                        if looks is not None:
                            text = Styled(text)
                            text.looks = looks
                        self.shared_strings.append(text)
                        node.clear()

    reader = Reader(path, read_only=True, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


class Styled(str):
    """A text of the table of texts whose runs set their own fonts, with their looks (formats.CellFormats.runs)."""
    __slots__ = ("looks",)


UNCOMPUTED = type("Uncomputed", (), {"__repr__": lambda self: "UNCOMPUTED"})()  # a formula cell with no saved value


RECOMPUTED = ("a formula, which Excel computes again when it opens a workbook saved by another program or version (or "
              "told to), so the value saved with it, which would be published, may not be the one Excel shows; ask the "
              "agency for the file with its values")


class Misshown:
    """A cell whose number format makes Excel show it otherwise than its stored value, which would be published
    (formats.py): refused by row and field with the reason. As a header it is blank: what Excel shows is no header."""
    __slots__ = ("reason",)

    def __init__(self, reason):
        self.reason = reason

    def __str__(self):
        return ""


EXCEL_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")  # a character Excel stores escaped ("_x0040_" is @), which openpyxl keeps


class MacInt(int):
    """A number of a workbook that counts its days from 1904 (Excel for the Mac's date system, date1904): a date
    column's plain number is that many days after 1904-01-01, not after 1899-12-30 (a foreign-data trial after the
    twentieth: 42000 in such a workbook was published as 2014-12-27 for 2018-12-28). Shown as the number it is."""


class MacFloat(float):
    __doc__ = MacInt.__doc__


MAC_NUMBERS = {int: MacInt, float: MacFloat}
MAC_DAYS = (datetime.date(1904, 1, 1) - datetime.date(1899, 12, 30)).days  # 1,462: a 1904 day as a 1900 one


def sheet_rows(sheet, first, width, last=None, layout=None, formats=None, label="the workbook"):
    """(row number, cells, hidden) of each row of a read-only sheet from row first (to row last), as Excel
    numbers them, each row width cells wide; a formula whose value the workbook did not save is UNCOMPUTED,
    where openpyxl's own reader gives a blank (a program that writes formulas without computing them: a blank
    agency would have been published for a named one), and text is read as Excel shows it, its _xHHHH_ escapes
    decoded (openpyxl keeps them: "_x0040_" passed for no @, "_x202E_" for no direction control). layout, a
    dict, gets the sheet's hidden or zero-width columns ("hidden_columns", numbers from 1) and its merged
    ranges ("merged", such as "E2:E5"), read from the sheet's XML, which the read-only sheet skips. formats (the
    workbook's formats.CellFormats): a cell whose number format makes Excel show it otherwise than its stored value,
    or whose font or one of whose runs of rich text (shared or inline) is drawn unreadable, is a Misshown, and layout
    gets the ranges of conditional formats that can ("conditional": [(ranges, reason)]). A row or cell the sheet's XML
    does not place exactly as Excel does (formats.Placement) is refused, named by its row, labelled label."""
    from openpyxl.utils.datetime import MAC_EPOCH
    from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    from .formats import Placement, conditional_problems
    conditional, placement = [], Placement()
    text_tag, cell_tag = f"{{{SHEET_MAIN_NS}}}t", f"{{{SHEET_MAIN_NS}}}c"
    from_1904 = sheet.parent.epoch == MAC_EPOCH

    class Parser(WorkSheetParser):
        def parse_row(self, row):
            try:
                row.set("r", str(placement.row(row.get("r"))))
                for element in row:
                    if element.tag == cell_tag:
                        placement.cell(element.get("r"))
            except ValueError as refused:
                raise ImportError_(f"{label}, {refused}") from None
            return super().parse_row(row)

        def parse_cell(self, element):
            formula = element.find(FORMULA_TAG)
            if formula is not None and formula.get("t") == "array" and formula.get("ref"):
                placement.arrays.append(formula.get("ref"))  # its other cells hold saved values and no formula
                if len(placement.arrays) > 1000:  # (each cell is looked up in them: a bound, as for every part)
                    raise ImportError_(f"{label}: more than 1,000 array formulas in the sheet; ask the agency for the file "
                                       "with its values")
            cell = super().parse_cell(element)  # data_only: a formula's saved value, None when there is none
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = UNCOMPUTED
                return cell
            if cell["value"] is not None and not (cell["data_type"] == "e" and str(cell["value"]) in EXCEL_ERRORS) and (
                    formula is not None or placement.in_array(cell.get("row") or placement.number, cell["column"])):
                cell["value"] = Misshown(RECOMPUTED)  # (attack runs after the twenty-first: a formula of "Roe, Richard"
                return cell  # saved as "Roe, Richard Mormon" was published, Excel showing the first; a flag to recompute
                # on opening was hidden in many ways, and Excel recomputes a workbook saved by another version anyway)
            looks = None
            if type(cell["value"]) is Styled:  # a shared text whose runs set their own fonts
                looks, cell["value"] = cell["value"].looks, str.__str__(cell["value"])
            if from_1904 and type(cell["value"]) in MAC_NUMBERS:
                cell["value"] = MAC_NUMBERS[type(cell["value"])](cell["value"])
            if isinstance(cell["value"], str) and "_x" in cell["value"]:
                decoded = EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), cell["value"])
                # a pair of escaped surrogates is one character; a lone one becomes U+FFFD, refused as garbled by row
                cell["value"] = decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            if (formats is not None and cell["value"] is not None and cell["data_type"] != "e"  # (an error shows as itself)
                    and cell["column"] <= width):
                problem = formats.problem(cell["style_id"], cell["value"])
                if not problem and looks is None and element.get("t") == "inlineStr":
                    inline = element.find(INLINE_STRING)  # plain text (one <t>, the common case) has no runs
                    if inline is not None and (len(inline) != 1 or inline[0].tag != text_tag):
                        looks = formats.runs(inline)
                if not problem and looks is not None:
                    problem = formats.runs_problem(cell["style_id"], looks)
                if problem:
                    cell["value"] = Misshown(problem)
            return cell

        def parse_formatting(self, element):
            if formats is not None:
                conditional.extend(conditional_problems(element, formats))
            super().parse_formatting(element)

        def parse_extensions(self, element):
            if formats is not None:
                conditional.extend(conditional_problems(element, formats))
            super().parse_extensions(element)

    book = sheet.parent
    with sheet._get_source() as source:
        parser = Parser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                        date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        expected = first
        for number, cells in parser.parse():
            if number < first:
                continue
            if last and number > last:
                break
            for gap in range(expected, min(number, (last or number) + 1)):  # rows the file leaves out are blank
                yield gap, (None,) * width, False
            row = [None] * width
            for cell in cells:
                if cell["column"] <= width:
                    row[cell["column"] - 1] = cell["value"]
            yield number, row, hidden_row(parser.row_dimensions.get(str(number), {}), parser)
            expected = number + 1
    if layout is not None:  # read after the rows: <mergeCells> comes after them, and a <cols> may too
        layout["merged"] = [str(m.coord) for m in getattr(parser.merged_cells, "mergeCell", None) or ()]
        layout["conditional"] = conditional
        default = default_width(parser)
        shown = set()
        layout["hidden_columns"] = set()
        for c in parser.column_dimensions.values():
            columns = range(int(c["min"]), min(int(c.get("max", c["min"])), width) + 1)
            (layout["hidden_columns"] if hidden_column(c, default) else shown).update(columns)
        if default is not None and default < MIN_COLUMN_WIDTH:  # columns of the default width are hidden too
            layout["hidden_columns"] |= set(range(1, width + 1)) - shown


# A column narrower than MIN_COLUMN_WIDTH, in Excel's widths (digits of the default font, 7 pixels each at Calibri 11,
# and 5 pixels of margins and gridline), shows no whole character: below 1.7 (12 pixels) the text has less than a
# digit's 7 pixels, and at 0.5 (3 pixels) none (the thirteenth attack run: a column 0.5 wide counted as visible, and
# its values were published). A row lower than MIN_ROW_HEIGHT points shows no line of text. Either is hidden.
MIN_COLUMN_WIDTH, MIN_ROW_HEIGHT = 1.7, 6.0  # (a row 3.5 points high under an 11-point font showed a sliver)


def as_number(text, default=None):
    try:
        return float(text)
    except (TypeError, ValueError):
        return default


def sheet_format(parser, *names):
    """The first of the sheet's <sheetFormatPr> attributes given, as a number (None when unset)."""
    properties = getattr(parser, "sheet_format", None)
    for name in names:
        value = as_number(getattr(properties, name, None))
        if value is not None:
            return value
    return None


def default_width(parser):
    """The sheet's default column width, in Excel's widths: defaultColWidth, or baseColWidth (digits, without
    the margins, 5 pixels of 7 a digit); None when neither is given."""
    width = sheet_format(parser, "defaultColWidth")
    if width is None:
        base = sheet_format(parser, "baseColWidth")
        width = None if base is None else base + 5 / 7
    return width


def hidden_column(attributes, default=None):
    """Whether a <col> element hides its columns: hidden, or too narrow to show a character (MIN_COLUMN_WIDTH);
    one that gives no width is of the sheet's default width."""
    width = as_number(attributes.get("width"), MIN_COLUMN_WIDTH if default is None else default)
    return attributes.get("hidden") in ("1", "true") or width < MIN_COLUMN_WIDTH


def hidden_row(attributes, parser):
    """Whether a row is hidden: hidden, too low to show a line of text (MIN_ROW_HEIGHT), or of the sheet's default
    height when that is zero."""
    height = as_number(attributes.get("ht"))
    form = getattr(parser, "sheet_format", None)
    zero = str(getattr(form, "zeroHeight", "")).lower() in ("1", "true")
    default = as_number(getattr(form, "defaultRowHeight", None))  # (an attack run after the twenty-first: a default
    # height of 1 point left every row not given its own unseen, without a word)
    return (attributes.get("hidden") in ("1", "true") or (height is not None and height < MIN_ROW_HEIGHT)
            or (height is None and (zero or (default is not None and default < MIN_ROW_HEIGHT))))


def merged_rows(ranges, fields, first, rows=None):
    """(field, first row, last row) of a merged range over more than one data row (from row first) in one
    of the columns fields maps ({column number: field}), or of one row over such a column's cell that holds a value (rows:
    the data rows, from row first), or None."""
    from openpyxl.utils.cell import range_boundaries
    for ref in ranges:
        try:
            low_column, low_row, high_column, high_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        if (high_row > low_row or high_column > low_column) and high_row >= first:  # over rows, or columns whose
            # covered cells Excel hides (in one row, the first cell's value is shown: a read column there is read as
            # shown, one covered is not; a second foreign-data trial after the twenty-first: a name merged over an
            # empty spacer column of a report was refused)
            for column in range(low_column if high_row > low_row else low_column + 1, high_column + 1):
                if column in fields and (high_row > low_row or rows is None or not 0 <= low_row - first < len(rows)
                                         or (column - 1 < len(rows[low_row - first] or ())
                                             and rows[low_row - first][column - 1] not in (None, ""))):
                    # (one row: a covered cell Excel hides matters only if it holds a value; a third attack run saw a
                    # merged "Page 1 of 2" line refused)
                    return fields[column], max(low_row, first), high_row
    return None


def ranges_over(items, fields, first, last):
    """(field, first row, last row, reason) of the first of items, [(ranges, reason)], whose ranges (such as "A2:B9",
    "C:C" or "3:5") cover a data row (first to last) of one of the columns fields maps ({column number: field})."""
    from openpyxl.utils.cell import range_boundaries
    for refs, reason in items:
        for ref in refs:
            try:
                low_column, low_row, high_column, high_row = range_boundaries(ref)
            except (ValueError, TypeError):
                continue
            top, bottom = max(low_row or 1, first), min(high_row or last, last)
            if top > bottom:
                continue
            for column in sorted(fields):
                if (low_column or 1) <= column <= (high_column or MAX_COLUMNS + 1):
                    return fields[column], top, bottom, reason
    return None


def limited_columns(headers, module, limits):
    """[(field, column index, maxLength)] of the header's mapped columns whose field the schema limits (limits)."""
    return [(field, column, limits[field]) for field, column in mapping(headers, module).items() if field in (limits or {})]


def overlong(label, number, row, limited):
    """Refuse a cell of row (row number in the file) longer than its field may hold (limited_columns), as records
    would, in the same words, once the value is cleaned: as the row is read, not once every row is held (the
    fourteenth attack run: a 0.95 MB workbook of 12,000 rows of 10,000-character texts, 482 MB unpacked, peaked at
    580 MB before its row 2 was refused)."""
    for field, column, limit in limited:
        cell = row[column] if column < len(row) else None
        if isinstance(cell, str) and len(cell) > limit and len(clean(cell)) > limit:
            raise ImportError_(f"{label}, row {number}, field {field}: {overlong_reason(len(clean(cell)), limit)}; it is not "
                               "shown. Check the export's columns")


def overlong_reason(length, limit):
    return f"{length:,} characters, more than the {limit} the field may hold"


def numbers(items, limit=10):
    """'5, 9, 12' or '5, 9, ... (12 in all)': row or column numbers in a message."""
    return ", ".join(map(str, items[:limit])) + (f", ... ({len(items):,} in all)" if len(items) > limit else "")


EMU_COLUMN, EMU_ROW = 64 * 9525, 20 * 9525  # a default column's width and row's height, in EMUs (a drawing's sizes)


def drawings(label, path, sheet_part):
    """[(first column, first row, last column, last row)] (from 0) of the cells each picture, chart, shape or text box
    drawn on the sheet covers, as its anchor places it (an anchor by size: a default column's width and row's height
    reckoned); those marked hidden left out. (An attack run after the twenty-first: a chart drawn over the names was
    imported without a word, though Excel shows it over them.)"""
    import posixpath
    import xml.etree.ElementTree as ElementTree
    if not sheet_part:
        return []
    rels = posixpath.join(posixpath.dirname(sheet_part), "_rels", posixpath.basename(sheet_part) + ".rels")
    found = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if rels not in names:
            return []
        check_whole_part(label, archive, rels)
        try:
            relations = list(ElementTree.fromstring(archive.read(rels)))
        except ElementTree.ParseError:
            raise ImportError_(f"{label}: the sheet's relationships are not readable XML; save the workbook again from "
                               "Excel, or ask the agency") from None
        if any(str(node.get("Type", "")).endswith("/image") for node in relations):  # a picture behind the cells (an attack
            # run after the twenty-first: black text on a black background picture was imported)
            raise ImportError_(f"{label}: the sheet has a background picture, drawn behind its cells, so whether Excel shows "
                               "their text cannot be told; remove it in Excel (Page Layout, Delete Background), or ask the "
                               "agency for the file as its system exports it")
        targets = [node.get("Target") for node in relations
                   if str(node.get("Type", "")).endswith("/drawing") and node.get("TargetMode") != "External"]
        for target in targets:
            part = posixpath.normpath(target.lstrip("/") if target.startswith("/") else
                                      posixpath.join(posixpath.dirname(sheet_part), target))
            if part not in names:
                continue
            check_whole_part(label, archive, part)
            try:
                anchors = list(ElementTree.fromstring(archive.read(part)))
            except ElementTree.ParseError:  # (an attack run: an "unexpected internal error" naming nothing)
                raise ImportError_(f"{label}: a drawing of the sheet ({part}) is not readable XML; save the workbook again "
                                   "from Excel, or ask the agency") from None
            for anchor in anchors:
                kind = anchor.tag.rsplit("}", 1)[-1]
                if any(node.tag.rsplit("}", 1)[-1] == "cNvPr" and node.get("hidden") in ("1", "true") for node in anchor.iter()):
                    continue

                def child(node, name):
                    return next((c for c in node if c.tag.rsplit("}", 1)[-1] == name), None) if node is not None else None

                def cell(node):
                    return [number_of(child(node, "col")), number_of(child(node, "row"))]
                start, end, size = child(anchor, "from"), child(anchor, "to"), child(anchor, "ext")
                if kind == "absoluteAnchor":
                    position = child(anchor, "pos")
                    x, y = (as_number(position.get(a), 0) if position is not None else 0 for a in ("x", "y"))
                    first = [int(x // EMU_COLUMN), int(y // EMU_ROW)]
                elif start is not None:
                    first = cell(start)
                else:
                    continue
                if end is not None:  # (a picture ending at a cell's top-left corner does not cover that cell)
                    last = cell(end)
                    if number_of(child(end, "rowOff")) == 0:
                        last[1] = max(first[1], last[1] - 1)
                    if number_of(child(end, "colOff")) == 0:
                        last[0] = max(first[0], last[0] - 1)
                else:
                    cx, cy = (as_number(size.get(a), 0) if size is not None else 0 for a in ("cx", "cy"))
                    last = [first[0] + int(cx // EMU_COLUMN), first[1] + int(cy // EMU_ROW)]
                found.append((*first, *last))
    return found


def number_of(node):
    """A <col> or <row> element's whole number (0 when it holds none)."""
    try:
        return max(0, int((node.text or "0").strip())) if node is not None else 0
    except ValueError:
        return 0


def read_sheet(label, sheet, index, headers, module, report=print, formats=None, limits=None, drawn=()):
    """(label, headers, rows, number of the first data row) of the sheet whose header row is row index + 1.
    Rows and mapped columns hidden in the workbook are read like the others, since they are in the file the
    agency released, and reported: a reader of the workbook in Excel does not see them. A cell longer than
    its field may hold (limits) is refused as its row is read (overlong); a cell of a column that is not read (a
    closed one between open ones) is let go of as its row is read, once within MAX_CELL (checked as check_shape
    does): 12,000 rows of four such cells of 10,000 characters each had taken 600 MB."""
    keep = mapped_width(headers, module)
    limited = limited_columns(headers, module, limits)
    found = mapping(headers, module)  # and the columns that say whether a row is a record (a foreign-data trial after
    # the eighteenth: they were let go of as unread, and every workbook with an enrollment status was refused)
    read = set(found.values()) | status_columns(row_status(headers, module, found))
    unread = min((column for column in range(keep or 0) if column not in read), default=None)  # the first one
    layout, hidden_rows = {}, []
    try:
        check_shape(label, [headers])
        # no wider than one column past the limit (a cell past it is refused before), trailing blanks
        # dropped; below the header, no wider than its last mapped column: a sparse sheet with a cell in
        # its last column (XFD) made 16,384-cell rows, and 2M such rows took 3.5 GB
        rows = []
        for number, row, hidden in sheet_rows(sheet, index + 2, keep, layout=layout, formats=formats, label=label):
            rows.append(trimmed(row, keep))
            overlong(label, number, rows[-1], limited)
            if hidden and rows[-1] is not EMPTY:
                hidden_rows.append(number)
            if unread is not None and len(rows[-1]) > unread:  # a column that is not read: checked and let go of
                cell_sizes(label, len(rows) + 1, rows[-1])  # numbered as check_shape numbers it
                rows[-1] = [cell if column in read else None for column, cell in enumerate(rows[-1])]
            if len(rows) > MAX_ROWS:
                break
        check_shape(label, [headers] + rows)
    except ImportError_:
        raise
    except Exception as error:  # a malformed sheet: its message may quote a cell, so the type only
        raise ImportError_(f"{label}: not a readable sheet ({type(error).__name__})") from None
    found = mapping(headers, module)
    hidden = sorted(field for field, column in found.items() if column + 1 in layout.get("hidden_columns", ()))
    if hidden:  # (the twelfth attack run: a hidden "Officer Name" column before the visible "Name" was published)
        raise ImportError_(f"{label}: the column of {', '.join(hidden)} is hidden in the workbook (or too narrow to show "
                           "a character), so a reader of the workbook in Excel does not see what would be published; "
                           "unhide or widen it if it is the release's column, or delete it")
    last_row = index + len(rows)  # (from 0: the header is row index)
    covered = sorted({field for field, column in found.items() for c1, r1, c2, r2 in drawn
                      if c1 <= column <= c2 and r1 <= last_row and r2 > index})
    if covered:
        raise ImportError_(f"{label}: a picture, chart, shape or text box is drawn over cells of {', '.join(covered)}, so a "
                           "reader of the workbook in Excel sees it in place of what would be published; move or delete it "
                           "in Excel, or ask the agency for the file as its system exports it")
    merged = merged_rows(layout.get("merged", ()), {column + 1: field for field, column in found.items()}, index + 2, rows)
    if merged:  # only a merged range's first cell holds its value: the rows below would be published blank
        field, top, bottom = merged
        raise ImportError_(f"{label}, {f'rows {top}-{bottom}' if bottom > top else f'row {top}'}, field {field}: cells merged over several rows or columns, "
                           "whose value Excel shows from the first cell only (the others would be published blank, or a "
                           "value Excel hides published); unmerge them in Excel, filling each cell, or ask the agency")
    shown = ranges_over(layout.get("conditional", ()), {column + 1: field for field, column in found.items()},
                        index + 2, index + 1 + len(rows))
    if shown:
        field, top, bottom, reason = shown
        raise ImportError_(f"{label}, rows {top}-{bottom}, field {field}: {reason}; it is not shown. Remove the conditional "
                           "format in Excel (Conditional Formatting, Clear Rules), or ask the agency for the file as its "
                           "system exports it")
    columns = sorted(found.values())
    broken = [number for number, row in enumerate(rows, start=index + 2) if any(
        isinstance(row[c], str) and ("\n" in row[c] or "\r" in row[c]) for c in columns if c < len(row))]
    if broken:  # (a second attack run after the twentieth: a wrapped cell in a one-line row showed "Doe, Jane" in Excel,
        # and "Doe, Jane Expecting", its second line, was published without a word; a CSV's are named too)
        report(f"warning: {label}: {len(broken):,} cell(s) of the columns read hold a line break (rows {numbers(broken)}): "
               "each is read as a space, and Excel may show only a cell's first line: check them")
    if hidden_rows:
        report(f"warning: {label}: {len(hidden_rows):,} row(s) hidden in the workbook (rows {numbers(hidden_rows)}) are "
               "imported, as the agency released them, though a reader of the workbook in Excel does not see them "
               "(a filter, or rows hidden by hand): check them with the agency")
    return label, headers, rows, index + 2


def missing_message(label, missing, headers, module):
    """Name only the missing columns and the headers seen, in our words: recognised ones by the name we
    know them by, closed categories by theirs, the rest by count (a header cell may be a value)."""
    found = mapping(headers, module)
    spelling = known_headers(module)
    known = [spelling[header_key(headers[i])] for i in sorted(found.values())]
    others = [h for i, h in enumerate(headers) if i not in found.values() and clean(h)]
    closed = [CLOSED_KEYS[header_key(h)] for h in others if header_key(h) in CLOSED_KEYS]
    # other headers made of a column name's words are shown (a second foreign-data trial after the eighteenth: "Class
    # Start Date", "Enrollment Status" were "N more not shown"); the rest counted
    named = [n for n in (shown_header(h) for h in others if header_key(h) not in CLOSED_KEYS) if n]
    hidden = len(others) - len(closed) - len(named)
    if known:
        seen = (f"recognised {', '.join(known)}" + (f"; also {', '.join(map(repr, named))}" if named else "")
                + (f"; {hidden} more not shown" if hidden else ""))
    else:
        seen = (f"none of its {len(others)} header cell(s) is a known name" + (
                    f" ({', '.join(map(repr, named))}" + (f"; {hidden} more not shown: they may be data)" if hidden else ")")
                    if named else " (they are not shown: they may be data)")
                + f"; the header row is looked for in the first {HEADER_ROWS} rows only: below a longer title, delete the "
                "title rows above it")
    hint = ""
    if "officer_name" in missing and hasattr(module, "NAME_PARTS_HEADERS"):
        hint = "; split names need at least a last-name and a first-name column (e.g. Last Name, First Name)"
    # the closed columns' names last, no count after them: "DOB; 3 more" read as a date of birth, and the message,
    # withheld whole, named neither the file nor the missing column
    also = f"; the file also has columns of closed categories (not read): {', '.join(closed)}" if closed else ""
    spelt = (f"; a column the agency names otherwise is read with --column FIELD=HEADER (the header as the file writes "
             f"it), or its name can be added to that field's names in COLUMNS ({module_file(module)})"
             if module_file(module) else "")
    return (f"{label}: missing column(s) {', '.join(missing)} (for example "
            f"{', '.join(repr(module.COLUMNS[f][0]) for f in missing)}); {seen}{hint}{spelt}{also}")


CLOSED_KEYS = {header_key(name): name for name in CLOSED_HEADERS}


def known_headers(module):
    """{header key: the name we print for it} of the source's known header names."""
    return {header_key(name): name for field, names in module.COLUMNS.items() for name in [field, *names]}


def mapping(headers, module):
    """{our field: column index} for the headers that match the source's known names. Where two columns match one
    field, the one under the name listed first (the field's own, then its names, most specific first) is read, and
    of two under one name the first (an attack run after the seventeenth: "Status" before "License Status" was read
    as the licence status, and revocations were published as the other column's status)."""
    known = {header_key(header): (field, -1) for field, header in getattr(module, "CHOSEN", {}).items()}  # --column: read
    # first, before a column under the field's own name (a second attack run after the twentieth: "License Status" was
    # read where "Current Lic" was chosen, and the chosen column dropped)
    for field, names in module.COLUMNS.items():
        for rank, name in enumerate([field, *names]):
            known.setdefault(header_key(name), (field, rank))
    found, ranks = {}, {}
    for index, header in enumerate(headers):
        field, rank = known.get(header_key(header), (None, None))
        if field and (field not in found or rank < ranks[field]):
            found[field], ranks[field] = index, rank
    return found


def name_parts_below(label, headers, below, module, report):
    """The header row made of two lines where the line below it names the parts of a name under the officer's name's
    heading ("Officer Name" over "Last Name" and "First Name", the other headings merged down both lines: a fourth attack
    run after the twenty-first saw such a file refused, its second line read as a record), or None."""
    parts = mapping(below, module)
    if not {"last_name", "first_name"} <= parts.keys():
        return None
    found = mapping(headers, module)
    name_columns = {found.get("officer_name")} | {i for i, h in enumerate(headers) if not h}
    if any(column not in name_columns for field, column in parts.items() if field in NAME_PARTS) or any(
            cell and i not in parts.values() for i, cell in enumerate(below)):
        return None  # another cell below, or a part under another field's heading: not a heading's second line
    combined = [below[i] if i in parts.values() else header for i, header in enumerate(headers)]
    combined += [below[i] for i in range(len(headers), len(below)) if i in parts.values()]
    report(f"{label}: the header is two lines, the second naming the parts of the officer's name: read so")
    return combined


def heading_above(label, headers, above, module, report):
    """The header row, an empty cell of it under a cell of the row above that is a known name of a field the row does
    not map taken for that column's header: a two-row heading ("Officer" over Last and First, "Commissioning Agency"
    merged down over both rows; a foreign-data trial after the twenty-first saw that column dropped without a word and
    every officer published with no agency). Said in the report; a cell above that is no known name is not read."""
    if not above:
        return headers
    found, filled, named = mapping(headers, module), list(headers) + [""] * max(0, len(above) - len(headers)), []
    for index, cell in enumerate(above):
        field = next(iter(mapping([cell], module)), None) if cell else None
        below = next(iter(mapping([filled[index]], module)), None) if filled[index] else None
        if field and below and below != field and not {field, below} <= set(NAME_FIELDS):  # (a second attack run
            # after the twenty-first: "Name" under "Agency"; "Officer Name" over Last and First is one heading)
            raise ImportError_(f"{label}: column {index + 1} is under two known names, one above the other (a heading of two "
                               f"lines: {field} above, {below} below), so what it holds cannot be told; ask the agency for "
                               "the file with one header line")
        if field and field not in found and not filled[index]:
            after = index + 1
            if after < len(filled) and not filled[after] and not (above[after] if after < len(above) else ""):
                raise ImportError_(f"{label}: the header cells of columns {index + 1} and {after + 1} are empty, and the name "
                                   f"above them ({field}, a heading of two lines) may be either's, so which holds it cannot be "
                                   "told; ask the agency for the file with one header line")
            filled[index], found[field] = cell, index
            named.append(index + 1)
    if not named:
        return headers
    report(f"{label}: column(s) {numbers(named)} have an empty header cell below a known column name in the row above "
           "(a heading of two rows): read under that name")
    return filled


def mapped_width(headers, module):
    """How wide rows below this header row need be kept (up to its last mapped column, or its row status column),
    or None when the row maps not every required field (it is not the header)."""
    found = mapping(headers, module)
    if not found or missing_fields(found, module):
        return None
    status = row_status(headers, module, found)  # read too, though not a field
    return max([*found.values(), *status_columns(status)]) + 1


def missing_fields(found, module):
    """Required fields without a column; a display name counts as present when its parts are."""
    parts = getattr(module, "NAME_PARTS_HEADERS", None)
    has_parts = parts is not None and "last_name" in found and "first_name" in found
    return [f for f in module.REQUIRED if f not in found and not (f == "officer_name" and has_parts)]


TOTALS_ROW = re.compile(r"\s*(?:grand\s+|sub-?\s*)?totals?\b(?!\s*,)(?![-'\u2019])", re.IGNORECASE)  # not a surname "Total, Ann"


def module_file(module):
    """The file name of a state's module, for a message that says where its header names are listed."""
    return Path(getattr(module, "__file__", "") or "").name


# A header naming a number, a score, a kind or who issued something says no row's status, whatever word it holds ("Certificate
# #", "Qualification Score", "Qualification Type", "Issued By": a second foreign-data trial after the twenty-first saw each
# stop the import until its values were listed as a status's words, which numbers cannot be)
NO_STATUS = re.compile(r"[#%]|\b(?:nbr|num|number|score|scores|points|percent|percentage|rate|type|kind|by|id|level|weapon|"
                       r"expires|expiration|expiry|on|at|passing)\b\.?", re.IGNORECASE)  # ("No Show", "Status Code" are)


def row_status(headers, module, found):
    """The columns, when the file has any, that say whether a row is a record of the table at all (the state's
    ROW_STATUS: an enrollment roster's status, whose Withdrawn rows are no completed trainings): those under one of its
    headers, or whose header holds one of its header_parts and is no date's (a second attack run after the eighteenth:
    "Attendance Status", "Result" beside "Enrollment Status", "Completed?" holding Y and N), as {columns: [(column,
    its name)], what, words: {key: the word}, read: the words read}; None when it has none."""
    declared = getattr(module, "ROW_STATUS", None)
    if not declared:
        return None
    names = {header_key(name): name for name in declared["headers"]}
    columns, negative = [], set()
    for i, header in enumerate(headers):
        key = header_key(header)
        if i in found.values() or not key or NO_STATUS.search(clean(header) if isinstance(header, str) else ""):
            continue
        if key in names:
            columns.append((i, names[key]))
        elif not any(part in key for part in declared.get("not_parts", ())) and any(
                part in key for part in (*declared.get("header_parts", ()), *declared.get("negative_parts", ()))):
            columns.append((i, shown_header(header) or "its header not shown"))
        else:
            continue
        if any(part in key for part in declared.get("negative_parts", ())):
            negative.add(i)  # a column that says the row is no record ("Withdrawn": Y): its yes and no read the other way
    if not columns:
        return None
    return {"columns": columns, "what": declared["what"], "read": declared["read"], "negative": negative,
            "flip": dict(declared.get("flipped", {})), "left_out": declared["left_out"],
            "words": {header_key(w): w for w in [*declared["read"], *declared["left_out"]]}}


def status_columns(status):
    """The columns of a row_status (or of None: none)."""
    return {column for column, _ in (status or {}).get("columns", ())}


def refuse_more_specific(label, headers, found, module):
    """Refuse a file where a column this package does not know holds in its header a more specific name of a field
    than the column read for it ("Current License Status" beside "Status", read as the licence status: an attack run
    after the seventeenth saw a revocation published as an employment status). The header is shown when shaped as a
    column's name (shown_header); the maintainer names the right column."""
    spelling = known_headers(module)
    for field, column in found.items():
        names = [field, *module.COLUMNS.get(field, [])]
        read = next((rank for rank, name in enumerate(names) if header_key(name) == header_key(headers[column])), 0)
        better = [header_key(name) for name in names[:read]]
        for index, header in enumerate(headers):
            key = header_key(header)
            if index in found.values() or not key or key in spelling:
                continue
            if any(name and name in key for name in better):
                shown = shown_header(header)
                raise ImportError_(
                    f"{label}: column {index + 1} ({repr(shown) + ', not a name we know' if shown else 'its header is not shown'}) holds a more specific "
                    f"name of {field} than column {column + 1} ({spelling[header_key(headers[column])]}), which would be "
                    f"read for it: name the right column {(module.COLUMNS.get(field) or [field])[0]!r} and the other something else (or add its header "
                    f"to COLUMNS in {module_file(module)}), then import again")


# What another column's header may add to the name of the column read for a field and still be no other candidate for
# the field ("Agency Code", "Agency ORI", "Course Number", "Status Date" beside "Agency", "Course", "Status")
SIDE_PARTS = ("code", "id", "no", "num", "number", "nbr", "ori", "type", "date", "dt", "county", "city", "state", "zip",
              "address", "addr", "phone", "fax", "email", "hours", "hrs", "credit", "credits", "count", "key", "abbr",
              "abbrev", "short", "seq", "sequence", "category", "level", "length", "location", "contact", "changed",
              "effective", "expiration", "exp", "start", "end")


def refuse_ambiguous(label, headers, found, module, status=None):
    """Refuse a file where a column this importer does not read has a header that holds the name of the column read for
    a field and more words than a code's, a number's or a date's (SIDE_PARTS): either may be the field ("Lic Status" or
    "Officer Status" beside "Status", read as the licence status: a foreign-data trial after the nineteenth saw revoked
    officers published as Inactive; "Course Description" beside "Course", which held course codes). The journalist says
    which with --column; a field chosen so is not refused again."""
    chosen, skipped = getattr(module, "CHOSEN", {}), status_columns(status)
    spelling = known_headers(module)
    for field, column in found.items():
        key = header_key(headers[column])
        if field in chosen or len(key) < 4:
            continue
        for index, header in enumerate(headers):
            other = header_key(header)
            if index in found.values() or index in skipped or key not in other or other == key:
                continue
            extra = other.replace(key, " ", 1).split()
            if all(part in SIDE_PARTS or part.isdigit() for part in extra):
                continue
            shown = shown_header(header)
            raise ImportError_(
                f"{label}: column {index + 1} ({repr(shown) if shown else 'its header is not shown'}) and column "
                f"{column + 1} ({spelling.get(key, shown_header(headers[column]) or 'its header')!r}) may both be "
                f"{field}: say which to read with --column {field}=HEADER (the header as the file writes it), and "
                "import again")


def records(label, headers, rows, module, report, first=2, limits=None):
    """Mapped, cleaned records, one at a time (first: the number of the first data row, as the agency's
    file counts it; limits: {field: maxLength} of the resource's schema); dropped columns reported by
    position; a value that cannot be its column's refused by row and field, never shown. Each row is
    let go of (rows[i] = None) once read, and a repeated row is found by a digest: a roster of millions
    of rows is held once, as the state's rows, not three times (file rows, records, repeat keys)."""
    from .formats import converted_twice
    found = mapping(headers, module)
    missing = missing_fields(found, module)
    if missing:
        raise ImportError_(missing_message(label, missing, headers, module))
    status = row_status(headers, module, found)
    chosen = getattr(module, "CHOSEN", {})
    keys = {header_key(h) for h in headers}
    for field, header in chosen.items():
        if header_key(header) not in keys:
            raise ImportError_(f"{label}: --column {field}=...: no column of the header row is headed so (compared "
                               "without case, spaces or punctuation); give the header as the file writes it")
    refuse_more_specific(label, headers, found, module)
    refuse_ambiguous(label, headers, found, module, status)
    expected = [column for column in getattr(module, "EXPECTED", {}) if column not in found]
    if expected:  # (a foreign-data trial after the twenty-first: a first release whose agency column was headed
        # "Employer", or sat under an empty header cell, was published with no agency at all, without a word)
        fields = [module.EXPECTED[column] for column in expected]
        status_read = status_columns(status)
        unknown = [i for i, h in enumerate(headers) if i not in found.values() and i not in status_read and not mapping([h], module)
                   and header_key(h) not in CLOSED_KEYS and (clean(h) or any(i < len(r) and clean(r[i]) for r in rows if r))]
        if unknown:  # a column the importer cannot name may be it: the journalist says which, or that none is
            raise ImportError_(missing_message(label, expected, headers, module) + f"; column(s) {numbers([i + 1 for i in unknown])} "
                               "are under a header the importer does not know or an empty one: if one of them holds "
                               f"{' or '.join(expected)}, read it with --column FIELD=HEADER; if none does, import again "
                               "with " + " ".join(f"--blank-field {field}" for field in fields)
                               + f" ({'it' if len(fields) == 1 else 'they'} will be blank in every row)")
        report(f"{label}: no column of {', '.join(expected)} (for example {', '.join(repr(module.COLUMNS[c][0]) for c in expected)}): "
               f"{', '.join(fields)} published empty in every row")
    # another column under a known name of a field read from one column (a second attack run after the nineteenth: "Name"
    # and "Licensee Name" holding two people's names; one was published, the other dropped): its value must agree
    read_status = status_columns(status)  # ("Completed?": Y, N)
    others = {field: [i for i, h in enumerate(headers) if i != column and i not in read_status
                      and mapping([h], module).get(field) == 0
                      # (a status, an agency: the more specific name is read, unless under the same header twice: an
                      # attack run after the twenty-first saw a second "License Status" saying Surrendered dropped)
                      and (field in NAME_FIELDS or header_key(h) == header_key(headers[column]))]
              for field, column in found.items() if field not in chosen}
    others = {field: columns for field, columns in others.items() if columns}
    for index, header in enumerate(headers):
        if index in found.values() or index in read_status:
            continue
        if clean(header):
            report(f"dropped column {dropped_column(index, header, module, found)}"
                   + ("" if mapping([header], module) else ": a closed category, its values are not read"
                      if header_key(header) in CLOSED_KEYS else ": a header the importer does not know, its values are not "
                      "read (if it holds one of the fields, read it with --column FIELD=HEADER)"))
        elif any(index < len(row) and clean(row[index]) for row in rows):
            # (a foreign-data trial after the twenty-first: an agency column under an empty cell of a two-row heading
            # was dropped without a word)
            report(f"dropped column {index + 1} (an empty header cell over values): its values are not read (if it "
                   "holds one of the fields, give it a header in a copy of the file, or ask the agency for one)")
    kept, left_out, unlisted = 0, {}, {}
    kinds, blanked, state_words = getattr(module, "CELL_KINDS", {}), getattr(module, "BLANKED", ()), getattr(module, "AGENCY_WORDS", {})
    lead = min(found, key=found.get)  # the first mapped column: a repeated header row is looked for by its cell
    header_keys = {key for key, _ in known_headers(module).items()}
    count, seen, repeats, agency_ids, suffixed, placeholders, spellings, enclosed = 0, {}, [], {}, 0, {}, {}, []
    refusals = {}  # (field, reason): row numbers, refused together once every row is read
    grouped = {"runs": {}, "last": None, "before": 0, "below": {}}  # agencies' runs of rows, the blank rows below each
    pages = []  # rows between a report's pages: the header row again, "Page 2 of 3"
    tail, footers = len(rows), []  # the rows from tail on are a footer (trailing), not read
    while tail and trailing(rows[tail - 1], found, module):
        tail -= 1
    tail = below_legend(rows, tail, found, module)
    for index in range(len(rows)):
        row, rows[index], number = rows[index], None, first + index
        if index >= tail:
            if row and filled(row, found):
                footers.append(number)
            continue
        cells = {field: row[index] if index < len(row) else None for field, index in found.items()}
        totals = [f for f in ("officer_name", "last_name") if isinstance(cells.get(f), str) and TOTALS_ROW.match(cells[f])
                  and not (f == "last_name" and isinstance(cells.get("first_name"), str)
                           and any(c.isalpha() for c in cells["first_name"]))]
        if totals:  # a totals row within the table, named as one before its count's number cell is (a second
            # foreign-data trial after the eighteenth: "Subtotal for X:" was refused as a date of birth's cell)
            refusals.setdefault((totals[0], TOTAL_REASON), []).append(number)
            continue
        mistyped = None
        for field, cell in cells.items():
            if isinstance(cell, Misshown):
                raise ImportError_(f"{label}, row {number}, field {field}: {cell.reason}; it is not shown"
                                   + ("" if "ask the agency" in cell.reason else
                                      ". Ask the agency for the file with the column exported as text, as its system holds it"))
            if cell is UNCOMPUTED:
                raise ImportError_(f"{label}, row {number}, field {field}: a formula whose value the workbook did not save "
                                   "(a program that writes formulas without computing them); open the file in Excel or "
                                   "LibreOffice and save it, or ask the agency for the file with its values")
            kind = cell_kind(cell)
            if kind and kind not in kinds.get(field, ()) and mistyped is None:
                mistyped = field, (f"an Excel {kind} cell where text is expected (a date of birth or a number in the wrong "
                                   "column?); check the export's columns, or format the column as text")
        if mistyped:  # every such row named in one run, as the other refusals
            refusals.setdefault(mistyped, []).append(number)
            continue
        record = {field: clean(cell + MAC_DAYS if isinstance(cell, (MacInt, MacFloat)) and "date" in kinds.get(field, ())
                               else cell) for field, cell in cells.items()}  # a date's number, as a 1900 workbook's
        record.update((field, "") for field in blanked if field not in record)
        # (garbled text is looked for before brackets are taken out: a double conversion's › is no bracket)
        garbled = [f for f, v in record.items() if MOJIBAKE.search(v) or (not v.isascii() and converted_twice(v))]
        garbled += [f for f, c in found.items() if not garbled and c < len(row) and isinstance(row[c], str)
                    and not row[c].isascii() and converted_twice(row[c])]  # as written: a no-break space or NEL of the
        # second conversion is a space once the cell is cleaned (an attack run after the twenty-first: "Å imek")
        if garbled:
            raise ImportError_(f"{label}, row {number}, field {garbled[0]}: garbled text (a U+FFFD replacement "
                               f"character or mojibake such as 'Ã©' or 'â€™'); {encoding_hint(label)}")
        disagree = next((field for field, columns in others.items() for c in columns if c < len(row) and isinstance(row[c], str)
                         and clean(row[c]) and not same_words(clean(row[c]), record[field] or "")), None)
        if disagree:
            refusals.setdefault((disagree, TWO_COLUMNS.format(field=disagree)), []).append(number)
            continue
        if record[lead] and header_key(record[lead]) in header_keys and header_again(row, module):
            again = [clean(cell) if isinstance(cell, str) else "" for cell in row]
            if any(cell and not same_header(cell, headers[i] if i < len(headers) else "", module) for i, cell in enumerate(again)):
                # (another column's header where the first has one: an attack run after the twenty-first saw "City of
                # Residence" under the agency's place read as the agency below it, and fields swapped by another order)
                raise ImportError_(f"{label}, row {number}: the header row again, its columns in another order or named otherwise (files "
                                   "joined one below another?): the rows below it would be read under the first header's "
                                   "columns; import each part on its own, or ask the agency for one file")
            pages.append(number)  # (refused until the twenty-first: a foreign-data trial's report printed page by page
            continue  # could not be imported without editing the agency's file)
        present = [field for field, value in record.items() if value]
        if len(present) == 1 and PAGE_LINE.fullmatch(record[present[0]]) and sum(1 for c in row if clean(c)) == 1:
            pages.append(number)  # "Page 2 of 3" between a report's pages
            continue
        if len(present) == 1 and len(module.REQUIRED) > 1:  # a heading within the table ("Agency: X"): every one named
            refusals.setdefault((present[0], ONE_CELL.format(required=", ".join(module.REQUIRED))), []).append(number)
            continue
        for field, value in record.items():
            if value and placeholder(field, value):  # no agency, name or value: read as the blank it stands for
                record[field] = ""
                placeholders.setdefault(field, []).append(number)
        if record.get("officer_name") and NO_NAME_PART_WORD.search(record["officer_name"]):
            record["officer_name"] = re.sub(r"\s+,", ",", " ".join(NO_NAME_PART_WORD.sub(" ", record["officer_name"]).split())).strip(" ,")
            placeholders.setdefault("officer_name", []).append(number)
        unclear = None
        for field in NAME_FIELDS:  # words a name sets apart (a nickname, or a note): taken out, never published
            if record.get(field) and ENCLOSING_SIGNS.search(record[field]):
                parts = [m.group() for m in ENCLOSED_PART.finditer(record[field])]
                if any("," in part or any(c.isdigit() for c in part) for part in parts):
                    unclear = field  # the name itself in quotes, or a measure ("'Doe, Jane' IA", 5'6"): not a part to drop
                    break
                taken = without_enclosed(record[field])
                if taken != record[field]:
                    record[field] = taken
                    enclosed.append(number)
        if unclear:
            refusals.setdefault((unclear, ENCLOSED_UNCLEAR), []).append(number)
            continue
        if not any(record.values()):
            continue
        if status:  # columns saying whether the row is a record of the table at all: each must say it is
            words = [status["words"].get(header_key(row[column] if column < len(row) else "")) for column, _ in status["columns"]]
            said = [f"{name}: {word}" if column in status["negative"] else word  # the file's word, in the report
                    for (column, name), word in zip(status["columns"], words)]
            words = [status["flip"].get(word, word) if column in status["negative"] else word
                     for (column, _), word in zip(status["columns"], words)]
            if None in words:
                unlisted.setdefault(status["columns"][words.index(None)], []).append(number)
                continue
            other = next((said[i] for i, word in enumerate(words) if word not in status["read"]), None)
            if other:  # (a foreign-data trial after the twentieth: a Withdrawn column's Y was reported as "N")
                left_out.setdefault(other, []).append(number)
                continue
            kept += 1
        failed = [f for f, v in record.items() if v.upper() in EXCEL_ERRORS]
        if failed:  # a formula that failed in the agency's workbook: no officer or agency is named "#N/A"
            raise ImportError_(f"{label}, row {number}, field {failed[0]}: an Excel error value (such as #N/A or #REF!, "
                               "a formula that failed in the agency's workbook) where a value is expected; ask the "
                               "agency for the file with its values")
        contact = [f for f, v in record.items() if name_contact(v)]
        if contact:  # a closed value in an open column (an address, a telephone number): refused, never shown
            raise ImportError_(f"{label}, row {number}, field {contact[0]}: the value looks like an e-mail address or a "
                               "telephone number, which this column cannot hold; it is not shown. Check the export's columns")
        unwritten = [f for f, v in record.items() if "?" in v and (f in NAME_FIELDS or f == "agency_name" or UNWRITTEN.search(v))]
        if unwritten:
            raise ImportError_(f"{label}, row {number}, field {unwritten[0]}: a question mark where a letter should be (what "
                               "an export leaves for a character it could not write in its encoding, such as a "
                               "Vietnamese or Polish letter in a Latin-1 export); it is not shown. Ask the agency for the "
                               "file exported as UTF-8 (CSV UTF-8), which keeps every letter")
        if record.get("name_suffix") and not suffix_part(record["name_suffix"]):  # ("LOA" in a Suffix column: an
            refusals.setdefault(("name_suffix", NO_SUFFIX), []).append(number)  # attack run after the nineteenth)
            continue
        if "officer_name" not in found and "last_name" in record:
            record["officer_name"] = display_name(record)
        elif record.get("officer_name") and found.keys() & set(NAME_PARTS):
            record["officer_name"], added = with_parts(label, number, record)
            suffixed += added
        if not record.get("officer_name", "x"):  # every such row named at once (a foreign-data trial after the
            # nineteenth: a transcript grouped by officer was refused at its first row, with no word of why)
            refusals.setdefault(("officer_name", NO_NAME), []).append(number)
            continue
        refused = False
        for field in ("officer_name", "last_name"):  # a totals row within the table (an attack run after the seventeenth:
            # "Grand Total",Active,... was an officer); a surname "Total" beside a given name is a person's
            if TOTALS_ROW.match(record.get(field) or "") and not (field == "last_name" and any(
                    c.isalpha() for c in record.get("first_name") or "")):
                refusals.setdefault((field, TOTAL_REASON), []).append(number)
                refused = True
        for field, value in record.items():
            problem = value and value_problem(field, value)
            if not problem and len(value) > (limits or {}).get(field, MAX_CELL):
                problem = overlong_reason(len(value), limits[field])
            if problem:  # every row refused for it is named at the end, not the first alone (a foreign-data trial
                refusals.setdefault((field, problem), []).append(number)  # after the seventeenth: 336 runs for 336 rows)
                refused = True
        if refused:
            continue
        agency = record.get("agency_name")
        if "agency_name" in found:  # (grouped: below which agency each blank row stands)
            if agency:
                grouped["runs"][agency] = grouped["runs"].get(agency, 0) + (agency != grouped["last"])
                grouped["last"] = agency
            elif grouped["last"] is None:
                grouped["before"] += 1
            else:
                grouped["below"].setdefault(grouped["last"], []).append(number)
        if agency:
            same = agency_ids.setdefault(agency_id(module.CODE, agency), (agency, number))
            if same[1] == number:  # a new agency: its spelling kept by its loose form (abbreviations written out)
                spellings.setdefault(loose_agency(agency_id(module.CODE, agency), state_words), {}).setdefault(agency, number)
            if same[0] != agency:  # both would be one agency: its id is made from the name's letters and digits
                raise ImportError_(f"{label}, rows {same[1]} and {number}, field agency_name: two agency names that differ "
                                   f"only in punctuation, spacing, case or accents ({same[0]!r} and {agency!r}: both passed "
                                   "the checks an agency's name is published after), which would be one agency; write them "
                                   "alike in the file")
        key = hashlib.blake2b("\x1f".join(f"{k}\x1e{v}" for k, v in sorted(record.items())).encode(), digest_size=16).digest()
        if key in seen:
            repeats.append((number, seen[key]))
        else:
            seen[key] = number
        record["_row"] = number
        count += 1
        yield record
    if pages:
        report(f"{label}, row(s) {numbers(pages)}: the header row again or a page's number (a report printed page by page, "
               "or files joined one below another), not an officer's record: not read")
    below = sorted(n for rows_ in grouped["below"].values() for n in rows_)
    if len(grouped["below"]) >= 2 and not grouped["before"] and all(n == 1 for n in grouped["runs"].values()):
        # (a foreign-data trial after the twenty-first: a report printing each group's agency on its first row alone,
        # "hide duplicates", published every other officer of the group with no agency, without a word)
        report(f"warning: {label}: {len(below):,} row(s) with no agency stand below rows of {len(grouped['below']):,} "
               f"agencies, each agency's rows together (rows {numbers(below)}): a report that writes a group's agency on "
               "its first row alone? They are published with no agency: if so, ask the agency for the file with the agency "
               "on every row")
    for (column, name), where in unlisted.items():
        refusals[(None, f"a value (not shown, or blank) of column {column + 1} ({name}), which says whether a row is "
                        f"{status['what']}, that is not among the words listed in ROW_STATUS ({module_file(module)}): add "
                        "the word to those read or those left out there, or ask the agency what it means")] = where
    if refusals:
        raise ImportError_("; ".join(
            f"{label}, {'row' if len(where) == 1 else 'rows'} {numbers(where)}{'' if field is None else ', field ' + field}: {problem}"
            for (field, problem), where in list(refusals.items())[:10])
            + (f"; and {len(refusals) - 10:,} other reason(s)" if len(refusals) > 10 else "")
            + ("" if all("not shown" in problem for _, problem in refusals) else  # (said once: a trial after the
               "; it is not shown. Check the export's columns" if sum(map(len, refusals.values())) == 1  # twenty-first
               else "; they are not shown. Check the export's columns"))  # read "it is not shown" twice)
    if not count:
        raise ImportError_(f"{label}: no data rows")
    if footers:
        report(footer_message(label, footers))
    if status:
        gone = sum(map(len, left_out.values()))
        said = " and ".join(f"column {column + 1} ({name})" for column, name in status["columns"])
        report(f"{label}: {said} {'say' if len(status['columns']) > 1 else 'says'} whether each row is {status['what']}: "
               f"{kept:,} row(s) read ({', '.join(status['read'])}" + "".join(
                   f"; where {name} says {', '.join(w for w in status['flip'] if w in status['left_out'])}"
                   for column, name in status["columns"] if column in status["negative"]) + ")"
               + (f"; {gone:,} left out, not published: " + "; ".join(
                   f"{word} {len(where):,} (rows {numbers(where)})" for word, where in sorted(left_out.items()))
                   if gone else ""))
    if enclosed:
        report(f"{label}: {len(enclosed):,} name(s) held words in brackets or quotes (a nickname, another surname, or a "
               f"note about the officer; not shown), in rows {numbers(sorted(set(enclosed)))}: taken out, not published")
    for field, where in placeholders.items():
        if field == "officer_name":
            report(f"{label}: {len(where):,} name(s) held NMN, NMI or NFN (no middle or first name; rows {numbers(where)}): "
                   "taken out of the name, no part of it")
            continue
        examples = "NMN, NMI, NFN, " + PLACEHOLDER_EXAMPLES if field in ("first_name", "middle_name") else PLACEHOLDER_EXAMPLES
        report(f"{label}: {len(where):,} cell(s) of {field} hold a placeholder for no value ({examples}; rows "
               f"{numbers(where)}), read as blank: a placeholder is no {'agency' if field == 'agency_name' else 'value'}")
    alike = [names for names in spellings.values() if len(names) > 1]
    if alike:  # agency names are open: both spellings are named, for the maintainer to decide
        shown = "; ".join(" and ".join(f'"{name}" (row {row})' for name, row in names.items()) for names in alike[:10])
        report(f"warning: {label}: {len(alike):,} set(s) of agency names that differ only by an abbreviation "
               f"(Dept., PD, Co., St....): {shown}{' ...' if len(alike) > 10 else ''}; each is imported as an agency of "
               "its own: if they are one agency, write them alike in the file (or ask the agency)")
    if suffixed:
        report(f"{label}: {suffixed:,} name(s) of the full-name column take the suffix of the name_suffix column after "
               "them (\"Last, First Middle Suffix\", as split name columns are composed)")
    if repeats:
        shown = ", ".join(f"row {a} = row {b}" for a, b in repeats[:10]) + (" ..." if len(repeats) > 10 else "")
        report(f"warning: {len(repeats)} row(s) repeat an earlier row exactly ({shown}); all are kept, "
               "as released (the release does not say whether a row is listed twice or two records are alike, as two "
               "people's can be): check them with the agency")


# What an export or a clerk writes in a cell for "none": no agency, name, status or course is called so. Compared
# without case, brackets and spaces at the ends; a run of dashes, dots or underscores alone is one too. Words that are
# also people's names (Na, None, Null, Nil, Blank) are placeholders only outside the name columns.
PLACEHOLDER_WORDS = frozenset({"n/a", "n.a.", "n.a", "n / a", "not applicable", "not available", "no agency",
                               "no department", "no value", "none listed", "none given", "not listed", "not given"})
PLACEHOLDER_NAMES = frozenset({"na", "none", "null", "nil", "blank", "empty"})
# and in an agency's column, what a roster writes for an officer with no commissioning or employing agency (a
# foreign-data trial after the seventeenth: "NOT COMMISSIONED" was published as an agency of 1,110 officers)
AGENCY_PLACEHOLDERS = frozenset({"unknown", "unknown agency", "agency unknown", "not commissioned", "uncommissioned",
                                 "non commissioned", "non-commissioned", "noncommissioned", "no commission",
                                 "no commissioning agency", "no employing agency", "not employed", "unemployed",
                                 "unassigned", "not assigned", "none assigned", "no current agency", "no current employer",
                                 # and a person's state written where the agency goes (an attack run after the
                                 # seventeenth: "Deceased" and "Terminated" were published as agencies' names)
                                 "not currently commissioned", "not currently employed", "no longer employed", "tbd",
                                 "to be determined", "pending", "deceased", "terminated", "retired", "separated",
                                 "resigned", "inactive", "former employee", "fired", "suspended",
                                 # a person's leave or state where the agency goes (a second attack run after the
                                 # nineteenth: "Pregnant", "Medical Leave" were published as agencies)
                                 "pregnant", "medical leave", "military leave", "on leave", "leave of absence", "loa",
                                 "light duty", "administrative leave", "admin leave", "sick leave", "maternity leave",
                                 "disability", "workers comp", "deployed", "injured", "fmla"})
# and, in an agency's column, any saying of none made of a negation and these words ("NO COMMISSION ON FILE", "NONE ON
# FILE", "NO CURRENT EMPLOYER", "NOT ON FILE": a foreign-data trial after the nineteenth saw them published as agencies,
# revoked officers listed under them); a word of an agency's name ("Noel Police Department") is none of these
AGENCY_NONE_FIRST = frozenset("no none not non without".split())
AGENCY_NONE_WORDS = frozenset("""current currently active present valid known commission commissioned commissions
commissioning agency agencies employer employers employing employed employment department dept affiliation affiliated
on file files listed recorded record records of found given assigned at this time available in system currently
entered provided reported""".split())
AGENCY_NONE_ALONE = frozenset({"unaffiliated", "unemployed", "nonaffiliated"})
# and what a roster writes for a part of a name a person has not: No Middle Name (or Initial), No First Name (a
# foreign-data trial after the twenty-first: "Doe, John NMN" and "Sting, NFN NMN" were published as names). In a part's
# column the cell is blank; a word of a full name is taken out.
NO_NAME_PART = frozenset({"nmn", "nmi", "nfn", "no middle name", "no middle initial", "no first name", "no middle"})
NO_NAME_PART_WORD = re.compile(r"(?<![\w'\u2019-])(?:NMN|NMI|NFN)(?![\w'\u2019-])\.?", re.IGNORECASE)
PLACEHOLDER_MARKS = re.compile(r"[-\u2010-\u2015._\s]+")
PLACEHOLDER_EXAMPLES = "such as N/A, NONE, No Agency, Not Commissioned, (blank) or a dash"
BLANK = f" (or a placeholder for none, {PLACEHOLDER_EXAMPLES})"


# What sets words apart in a person's name: brackets and quotes ("Smith, Robert (Bob)", 'Lee, Ann "Annie"', "Roe, Rita
# (LOA)"). A nickname, another surname or a note about the officer, which may hold what is not open: an attack run after
# the nineteenth saw notes in one word ("(DV)", "(OIS)", "(Grávida)", "(W)") published, as no rule tells them from a
# nickname. An apostrophe within a name ("O'Brien") is no quote.
ENCLOSERS = "()[]{}<>\"\u201c\u201d\u201e\u201a\u00ab\u00bb\u2039\u203a"  # what encloses words in a name
ENCLOSER = re.compile("[" + re.escape(ENCLOSERS) + "]")
ENCLOSING_SIGNS = re.compile(ENCLOSER.pattern + r"|(?<!\w)['\u2018]|'(?!\w)")
ENCLOSED_PART = re.compile(r"\([^()]*\)?|\[[^\[\]]*\]?|\{[^{}]*\}?|<[^<>]*>?|\"[^\"]*\"?|\u201c[^\u201d]*\u201d?"
                           r"|\u201e[^\u201c\u201d]*[\u201c\u201d]?|\u201a[^\u2018\u2019]*[\u2018\u2019]?|\u2018[^\u2019]*\u2019"
                           r"|\u00ab[^\u00bb]*\u00bb?|\u2039[^\u203a]*\u203a?"
                           r"|(?<!\w)'[^']*'(?!\w)")  # ("'t Hooft, Gerard": a quote that closes nothing is no quote)


ENCLOSED_UNCLEAR = ("brackets or quotes around a part of the name that holds a comma or a digit (the name itself in "
                    "quotes beside a note, or a measure?), so what to take out cannot be told; it is not shown. Ask the "
                    "agency for the names without them")


def without_enclosed(value):
    """A person's name with what brackets or quotes set apart taken out (an unclosed one to the end), stray signs too; a
    suffix in brackets ("(Jr.)") is kept without them: Jr. and Sr. would otherwise be one name."""
    def taken(match):
        inner = match.group()[1:-1]
        return f" {inner} " if inner.strip() and suffix_part(inner) else " "
    value = ENCLOSER.sub(" ", ENCLOSED_PART.sub(taken, value))
    return re.sub(r"\s+,", ",", " ".join(value.split())).strip(" ,")


def placeholder(field, value):
    """Whether a cleaned cell is a placeholder for no value (PLACEHOLDER_WORDS) rather than a value of field."""
    if PLACEHOLDER_MARKS.fullmatch(value):
        return True
    bare = " ".join(value.lower().strip("()[]<>{}* ").split())
    bracketed = bare != value.lower()
    return (bare in PLACEHOLDER_WORDS or (bare in PLACEHOLDER_NAMES and (bracketed or field not in NAME_FIELDS))
            or (field in ("first_name", "middle_name") and bare in NO_NAME_PART)
            or (field == "agency_name" and (bare in AGENCY_PLACEHOLDERS or agency_none(bare))))


def agency_none(bare):
    """Whether an agency's cell (lower case, spaces single) says the officer has none (AGENCY_NONE_FIRST and _WORDS)."""
    words = re.sub(r"[^a-z ]", " ", bare).split()
    return bool(words) and ((words[0] in AGENCY_NONE_FIRST and all(w in AGENCY_NONE_WORDS for w in words[1:]))
                            or (len(words) == 1 and words[0] in AGENCY_NONE_ALONE))


def loose_agency(identifier, state_words=None):
    """An agency identifier (agency_id's) with its abbreviations written out: two names with one loose form are
    likely one agency's spellings ("Quincy Police Dept." and "Quincy Police Department"). state_words: a state
    module's own AGENCY_WORDS (its name abbreviated: a foreign-data trial after the twentieth imported a state police
    under the state's name and under its abbreviation as two agencies without a word)."""
    words = identifier.split("-", 1)[-1].split("-")
    return " ".join((state_words or {}).get(word) or AGENCY_WORDS.get(word, word) for word in words)


def below_legend(rows, tail, found, module):
    """Where the records end (tail, or before a legend): a block below a blank row, at the end, whose every row has a name
    of one word (no space, no comma) and leaves a field a record fills blank is a legend of the codes the table uses
    ("REV | Revoked" below a roster written in codes, under a heading or not: a foreign-data trial after the nineteenth
    saw "officers" named ACT, INA and REV published, REV on the decertified list), not records."""
    blank = next((i for i in range(tail - 1, 0, -1) if rows[i] is not None and not filled(rows[i], found)), None)
    if blank is None or blank == tail - 1:
        return tail
    names = [column for field, column in found.items() if field in ("officer_name", "last_name")]

    def legend_row(row):
        name = next((clean(row[c]) for c in names if c < len(row) and isinstance(row[c], str) and clean(row[c])), "")
        return bool(name) and " " not in name and "," not in name and filled(row, found) < len(module.REQUIRED)
    start = blank + 1 + (filled(rows[blank + 1], found) == 1 and tail - blank > 2)  # under its heading ("Status Codes")
    return blank if names and all(legend_row(rows[i]) for i in range(start, tail)) else tail


def same_header(cell, header, module):
    """Whether a repeated header's cell names its column as the header row's does: the same words, or two names of one
    field ("STATUS" under "License Status")."""
    if header_key(cell) == header_key(header):
        return True
    field = mapping([cell], module)
    return bool(field) and field == mapping([header], module)


def header_again(row, module):
    """Whether a data row is the header row again: its cells map every required field."""
    return mapped_width([clean(cell) if isinstance(cell, str) else "" for cell in row], module) is not None


def footer_message(label, where):
    """The report of a footer's rows, which are not read (a foreign-data trial after the eighteenth: a roster's "Total
    Records: 3009" and a notice below it were refused, so the journalist edited the agency's file, and the copy kept
    under data/raw/ was no longer the file received)."""
    return (f"warning: {label}, row(s) {numbers(where)}: below the last record, a report's footer (a total, a record "
            "count, a notice, an end-of-report line or a legend of codes; not shown), not an officer's record: not read. If one of them is "
            "a record, ask the agency for it")


FOOTER_WORDS = re.compile(r"\b(?:total|count|records?|end\s+of|report|page|generated|printed|run\s+date|confidential|"
                          r"disclaimer|notice|prepared|source|rsmo|m\.?g\.?l)\b|:\s*\d",
                          re.IGNORECASE)


def footer_words(row):
    """Whether a row's first filled cell reads as a report's footer (footer_text)."""
    return footer_text(first_filled(row))


def first_filled(row):
    return next((str(cell) for cell in row if cell not in (None, "") and str(cell).strip()), "")


def footer_text(text):
    """Whether a cell reads as a report's footer, not as a person's name: a count, a date or a page number (digits, no
    comma: "Page 3 of 3", "current as of 1/17/2023"), or a footer's word with a colon, a star or three words or more
    ("Record Count: 4000", "*** End of Report ***", "This report is confidential"). "Page, John", "Tom Page" and "Mary
    Count" are names: a final attack run after the eighteenth saw such last rows left unread as footers."""
    if any(c.isdigit() for c in text) and "," not in text:
        return True
    return bool(FOOTER_WORDS.search(text)) and (":" in text or "*" in text or len(text.split()) >= 3)


def trailing(row, found, module):
    """Whether a row may be part of a footer, below the last record: it fills no cell read, or fewer than a record needs
    and reads as a footer (footer_text: "Total records: | 7295", a foreign-data trial after the seventeenth)."""
    if not row:
        return True
    n = filled(row, found)
    if n == 0:
        return True
    # a name's cell, if it has one, says what the row is: a person's name is no footer though a number (an Access
    # autonumber) stands before it (a second foreign-data trial after the twenty-first: the last officers, with no
    # class, were left unread as a footer); a totals row ("Total", counts beside it: an Excel table's) is one
    named = [row[found[f]] for f in ("officer_name", "last_name") if f in found and found[f] < len(row)]
    named = [clean(c) for c in named if isinstance(c, str) and clean(c)]
    given = "first_name" in found and found["first_name"] < len(row) and any(
        c.isalpha() for c in clean(row[found["first_name"]] or ""))  # (a count under it is no given name)
    if named:  # (a surname "Total" beside a given name is a person's: an attack run after the twenty-first)
        return bool(TOTALS_ROW.match(named[0]) and not given) or (n < len(module.REQUIRED) and footer_text(named[0]))
    return n < len(module.REQUIRED) and footer_words(row)


def filled(cells, found):
    """How many of a row's mapped cells (found: {field: column}) hold something: text, or a number or date cell."""
    return sum(1 for column in found.values() if column < len(cells) and cells[column] not in (None, "")
               and (not isinstance(cells[column], str) or clean(cells[column])))


# Why a row with a single filled cell above the last record is not a record, where every record of the state fills more
# than one: a heading or note within the table (below the last record, a footer: trailing)
PAGE_LINE = re.compile(r"(?i)(?:-\s*)?page\s+\d{1,5}(?:\s*(?:of|/)\s*\d{1,5})?(?:\s*-)?")
ONE_CELL = ("the row's only cell (not shown), where a record fills {required}: a heading, a note or a subtotal within the "
            "table, or a record whose other cells are blank; delete the row if it is no record, or ask the agency for the "
            "record's values")
def same_words(a, b):
    """Whether one name's words hold the other's (case, accents and punctuation aside): "Roe" and "Roe Richard" agree,
    "Doe, Jane" and "Smith, Ann" do not."""
    a, b = set(fold(a).split()), set(fold(b).split())
    return a <= b or b <= a


TWO_COLUMNS = ("two columns under names of {field} hold different values (not shown): say which to read with --column "
               "{field}=HEADER, or ask the agency what each holds")
NO_SUFFIX = ("not a name's suffix (Jr., Sr., II, III, 2nd, a degree such as PhD): a note or another column's value in the "
             "suffix column? Ask the agency what the column holds")
NO_NAME = (f"the name is blank{BLANK}; where the rows give the rest of a record, the report may be grouped by officer, "
           "naming each on their first row only: ask the agency for the records with the name on every row")
TOTAL_REASON = "a total or subtotal row, not an officer's record (delete such rows and import again)"


def dropped_column(index, header, module, found):
    """A dropped column in words: its position, and its header when it is shaped as a column's name (shown_header)."""
    key = header_key(header)
    field = mapping([header], module)
    if field:  # a second column under a header we know: the one under the most specific name is read (mapping)
        (name, _), = field.items()
        why = "chosen with --column" if name in getattr(module, "CHOSEN", {}) else "under a name listed before it"
        return (f"{index + 1} ({known_headers(module)[key]}, another column of {name}; column {found[name] + 1}, {why}, "
                "is read, and this one's values are not: check that it is the right one)")
    if key in CLOSED_KEYS:
        return f"{index + 1} ({CLOSED_KEYS[key]})"
    shown = shown_header(header)
    return f"{index + 1} ({shown!r}, not a column name we know)" if shown else f"{index + 1} (its header is not shown: it may be a value)"


# The words a column's name is made of in an agency's export. A header is shown only when each of its words is one of
# these or an acronym of two to five capitals ("DPS ID", "Badge #"), no digit among them, and one at least is one of
# these: a header row's cell can hold anything (an attack run put an address there), and a message may show no value.
# The words of closed categories (a residence, a birth, a sex) are none of these: such a header is named as CLOSED_HEADERS
# names it, or not at all ("AGE 45", "Sex M", "MAIN STREET": a second attack run after the eighteenth).
HEADER_WORDS = frozenset("""
id ids no num number nbr code codes key seq sequence row index record records count total # type kind category level
officer officers employee person student students trainee name names first last middle suffix full maiden alias
agency agencies department dept division unit bureau employer employing commissioning org organization
course courses class classes session section program programme training trainings academy instructor curriculum
hours hrs hour credit credits score grade result results attendance enrollment enrolment completion completed
date dates day days month year years time start end begin began expiration expires expiry issued issue effective
current previous prior original latest status state
license licence licensure certificate certification cert certified commission commissioned appointment
hire hired hiring separation separated termination reason action discipline notes note comments comment remarks
description details detail mode delivery format location site source rank title badge position job assignment
pass passed fail failed successful withdrawn dropped disposition graduated certified awarded done final attended enrolled
sworn service employment full part time of at in on for and or by
lic stat sts nm typ dt agcy agy certs
remedial qualification qualified qualify decertified revoked surrendered points percent issuer effective
""".split())  # (and the abbreviations of exports: "Lic Stat", "LAST_NM", "LIC_TYP", a foreign-data trial after the twentieth)
HEADER_ACRONYM = re.compile(r"[A-Z]{2,5}")
NOT_ACRONYMS = frozenset("JAN FEB MAR APR MAY JUN JUNE JUL JULY AUG SEP SEPT OCT NOV DEC MALE FEM".split())
HEADER_SHAPE = re.compile(r"[^\W\d_](?:[^\W_]|[ #&()./'’?_-]){0,39}")


def shown_header(header):
    """A header cell of the header row as a message may show it: a column's name of HEADER_WORDS (and acronyms), at
    most 40 characters, no digit; else None (a foreign-data trial after the eighteenth: "Course Code", "Hours"
    and "DPS ID" were named by position alone, and the journalist had to open the file)."""
    text = clean(header) if isinstance(header, str) else ""
    if not HEADER_SHAPE.fullmatch(text) or any(c.isdigit() for c in text):
        return None
    words = [w for w in re.split(r"[\s&()./'’?_-]+|(?<=[a-z])(?=[A-Z])", text) if w]  # ("CreditHours": two words)
    if any(header_key(w) in CLOSED_KEYS for w in words) and header_key(text) not in CLOSED_KEYS:
        return None  # a closed category's word beside an open one ("Officer Name (DOB)"): a message showing it would be
        # withheld whole (an attack run after the twentieth: the refusal named no column at all)
    known = [w.lower().rstrip("#") in HEADER_WORDS or w == "#" for w in words]
    if any(known) and all(k or (HEADER_ACRONYM.fullmatch(w.rstrip("#")) and w.rstrip("#") not in NOT_ACRONYMS)
                          for k, w in zip(known, words)):
        return text
    return None


EXCEL_ERRORS = frozenset("#NULL! #DIV/0! #VALUE! #REF! #NAME? #NUM! #N/A #GETTING_DATA #SPILL! #CALC! #FIELD! "
                         "#BLOCKED! #CONNECT! #BUSY! #UNKNOWN! #EXTERNAL! #PYTHON!".split())


def cell_kind(cell):
    """What a workbook cell is when it is not text: 'date', 'number' or 'true/false'; None for text or blank."""
    if cell is None or isinstance(cell, str):
        return None
    if isinstance(cell, bool):
        return "true/false"
    if isinstance(cell, (datetime.date, datetime.time, datetime.timedelta)):
        return "date"
    if isinstance(cell, (int, float, decimal.Decimal)):
        return "number"
    return "non-text"


def value_problem(field, value):
    """Why a cleaned value cannot be published in the field, or None; the reason never quotes it."""
    if mixed_script(value):
        return ("the value mixes letters of the Latin alphabet with letters of another drawn alike (a Cyrillic о in a "
                "Latin word, or a word of such letters beside Latin ones), which makes it look like another name")
    if field in NAME_FIELDS:
        return name_problem(value) or person_name_shape(value)
    if text_problem(value):
        return text_problem(value)
    kind = {"agency_name": "an agency's name", "course_name": "a course's name"}.get(field)
    if kind and (not any(c.isalpha() for c in value) or text_refused(value, session=field == "course_name")):
        return (f"the value has no letter, or holds what no such name holds: a date, a street address, a long number, a "
                f"telephone number or an e-mail address, or a note about a person (a leave, discipline, health, family), "
                f"so it is not {kind}")
    return None


# What a person's name holds besides letters (of any script, with their marks), spaces and these signs: a note, a code
# or a measure beside it (an attack run after the nineteenth: "<Brady>", "_LOA_", "=IA=", "+LOA", a dagger, 5'6"). A
# name's number is an ordinal (2nd, 3rd).
NAME_SIGNS = frozenset(" .,'\u2019\u2018\u02bb\u02bc`\u00b4-\u2010\u2011\u2013\u200c\u200d"  # (joiners: some scripts write names with them)
                       + ENCLOSERS)  # (what encloses is taken out before, or refused)
ORDINAL = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)\b", re.IGNORECASE)
SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK"}  # a Japanese name mixes these
# what stands where a name is not (the same run: VACANT, TBD, "Unknown, Unknown", REDACTED, "Name Withheld", "XXXXX,
# XXXXX", "DO NOT USE", "DUPLICATE RECORD", Deleted), and an agency's name in the name's column
NAME_PLACEHOLDER_WORDS = frozenset("vacant vacancy tbd tba unknown redacted withheld name duplicate record deleted do not "
                                   "use test dummy none position open void".split())
AGENCY_IN_NAME = re.compile(r"\b(?:police\s+(?:department|dept|dpt)|sheriff'?s?\s+(?:office|department|dept)|state\s+police|"
                            r"county\s+jail|correctional\s+(?:center|facility))\b", re.IGNORECASE)


# Letters of no script in a name (names.APOSTROPHE_LETTERS: the Hawaiian ʻokina, "Kaʻiulani": a foreign-data trial after the
# twenty-first saw it refused as letters of two scripts) and the apostrophe and half rings of transliterations
NAME_SCRIPTLESS = APOSTROPHE_LETTERS | frozenset("\u00aa\u00ba")  # and the ordinal indicators ("Mª José")


CATALAN_L = re.compile("([lL])\u00b7([lL])")


def person_name_shape(value):
    """Why a person's name, as an agency's file gives it, is no name by its shape (a sign or a digit no name holds,
    letters of two scripts, a placeholder, an agency's name), or None; the reason never quotes it."""
    plain = CATALAN_L.sub(r"\1\2", ORDINAL.sub(" ", value))  # ("Sibil·la": Catalan's l·l, a second attack run after the twenty-first)
    if any(not (c.isalpha() or c in NAME_SIGNS or c.isspace() or unicodedata.category(c).startswith("M")) for c in plain):
        return ("the name holds a sign or a digit that no name holds (a note, a code or a measure beside it?); it is not "
                "shown. Ask the agency what the cell holds")
    scripts = {SCRIPT_GROUPS.get(unicodedata.name(c, "?").split()[0], unicodedata.name(c, "?").split()[0])
               for c in value if c.isalpha() and c not in NAME_SCRIPTLESS}
    if len(scripts) > 1:
        return ("the name holds letters of two scripts (a note in another language beside it?); it is not shown. Ask the "
                "agency what the cell holds")
    words = re.sub(r"[^\w]+", " ", value.lower()).split()
    if words and all(w in NAME_PLACEHOLDER_WORDS or set(w) == {"x"} for w in words):
        return "a placeholder where a name should be (vacant, redacted, unknown...), not an officer's name"
    if AGENCY_IN_NAME.search(value):
        return "an agency's name where a person's name should be (a value from another column?); it is not shown"
    return None


ENCODING_HINT = {}


def encoding_hint(label):
    """Which encoding reads the file cleanly, as far as it can be told (set by read_table for text files)."""
    hint = ENCODING_HINT.get(label)
    if hint:
        return hint()
    return ("the file was probably saved in one encoding and read in another: "
            "re-export it from the agency's system as UTF-8, or as Windows-1252 (cp1252)")


def with_parts(label, number, record):
    """(the full name, 1 if a suffix was added else 0) of a record whose file has both a full-name column and name-part
    columns: a suffix the name does not hold is written after it, as display_name composes one ("Harrowgate, Elias"
    and "Jr.": "Harrowgate, Elias Jr."); a last, first or middle name whose words the name does not hold is refused,
    since where it goes in the name cannot be told. (The trial: a Suffix column beside Name was dropped without a
    word, so "Harrowgate, Elias" Jr. and Sr. were published as two indistinguishable officers, one of them revoked.)"""
    name = record["officer_name"]
    words = set(fold(name).split())
    for field in NAME_PARTS[:3]:
        if record.get(field) and not set(fold(record[field]).split()) <= words:
            raise ImportError_(f"{label}, row {number}, field {field}: the file has a full-name column and a {field} "
                               f"column, and the name does not hold this {field} (neither is shown), so where it goes in "
                               "the name cannot be told and it would be lost; ask the agency for one form of the names, "
                               "or delete one of the columns if the other holds all of each name")
    suffix = record.get("name_suffix")
    kind = SUFFIX_FORMS.get(fold(suffix or "").strip(" ."))
    # the suffix's places: the name's last word, and the surname's ("Quillon Jr., Ada"; not "Senior, Paul"'s surname)
    surname = fold(name.split(",", 1)[0]).split() if "," in name else []
    places = {(fold(name).split() or [""])[-1].strip(" ."), *([surname[-1].strip(" .")] if len(surname) > 1 else [])}
    if suffix and not set(fold(suffix).split()) <= words and not (kind and kind in {SUFFIX_FORMS.get(p) for p in places}):
        return f"{name} {suffix}", 1
    return name, 0


# One suffix written two ways: III and 3rd, Jr. and Junior (a second foreign-data trial after the twenty-first saw
# "Jones, William III" with a Suffix column's "3rd" published as "Jones, William III 3rd")
SUFFIX_FORMS = {form: kind for kind, forms in {"jr": "jr junior", "sr": "sr senior", "2": "ii 2nd", "3": "iii 3rd",
                                               "4": "iv 4th", "6": "vi 6th"}.items() for form in forms.split()}
# (not V and 5th: a last word "V" is as likely a middle initial, an attack run after the twenty-first found)


def display_name(record):
    """'Last, First Middle Suffix' from split name columns, the display form of a roster name."""
    given = " ".join(p for p in (record.get("first_name"), record.get("middle_name")) if p)
    name = ", ".join(p for p in (record.get("last_name"), given) if p)
    return f"{name} {record['name_suffix']}" if record.get("name_suffix") else name


def run(source, path, package, received=None, report=print, same_officer=(), retire_most=False, blank_fields=(),
        columns=(), encoding=None):
    """Import path as the source's resource; returns the files written. A state's rows is given received and
    report too when it takes them (keyword arguments of those names). An import that would retire more than half
    of the identifiers the previous release published is refused unless retire_most (retirements), and one that
    would blank every value of a field the previous release published unless blank_fields names it (absent_fields).
    columns: FIELD=HEADER choices, the column headed HEADER read for FIELD (chosen_columns); encoding: a CSV's, as the
    journalist knows it (text_encoding)."""
    module = chosen_columns(source_module(source, package.root), columns)
    if encoding:
        if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
            raise ImportError_(f"--encoding applies to a CSV file; {Path(path).name} is a workbook, whose text is read as it holds it")
        module = Adjusted(module, ENCODING=encoding)
    resource = package.resource(module.SOURCE["resource"])
    optional = {f["name"] for f in resource["schema"]["fields"] if f["name"] in blank_fields
                and f["name"] in module.REQUIRED and not f.get("constraints", {}).get("required")}
    if optional:  # fields blanked on purpose that the schema does not require are not required of the file, and each
        # record gives them blank (a foreign-data trial after the twentieth: a roster without a licence class column
        # could not be imported, --blank-field license_class or not)
        module = Adjusted(module, REQUIRED=[f for f in module.REQUIRED if f not in optional], BLANKED=sorted(optional))
    expected = getattr(module, "EXPECTED", {})
    if expected and (set(expected.values()) & set(blank_fields) or not resource.get(SYNTHETIC)):
        # a column expected of a file is not, once its field is blanked; after a first release, absent_fields asks for
        # what the previous one published (with its counts)
        module = Adjusted(module, EXPECTED={c: f for c, f in expected.items() if f not in blank_fields and resource.get(SYNTHETIC)})
    if same_officer and not getattr(module, "AGENCY_IDENTIFIERS", False):
        raise ImportError_(f"--same-officer applies to a release whose officer identifiers are the agency's own; "
                           f"{source}'s identifiers are made by this package, which retires one whose record changed")
    refuse_received_before_request(package, module, received)
    refuse_pending(resource)
    limits = {f["name"]: f["constraints"]["maxLength"] for f in resource["schema"]["fields"] if "maxLength" in f.get("constraints", {})}
    with warnings.catch_warnings(record=True) as caught:  # a library's warning (openpyxl: "Conditional Formatting
        warnings.simplefilter("always")  # extension is not supported") printed its installation's path: counted here
        label, headers, rows, first = read_table(path, module, report, limits)  # limits applied as each row is read
    if caught:  # (its message may quote a value; the parts it names are checked by the importer itself)
        report(f"{Path(path).name}: {len(caught)} warning(s) of the file readers ({', '.join(sorted({w.category.__name__ for w in caught}))}"
               "), not shown: a part of the file they do not read")
    mapped = records(label, headers, rows, module, report, first, limits)  # read as the state's rows are made
    del rows
    options = {"same_officer": frozenset(same_officer)} if same_officer else {}
    accepted = inspect.signature(module.rows).parameters
    options.update((name, value) for name, value in (("received", received), ("report", report)) if name in accepted)
    table, agencies, *more = module.rows(mapped, package, label, **options)  # more: {resource: rows} the state also keeps
    more = more[0] if more else {}
    absent_fields(package, resource, table, module, label, blank_fields)
    retirements(package, module, label, more, report, retire_most, table)
    respelled_agencies(package, resource, table, label, report)
    return write_all(package, resource, table, agencies, module, Path(path), received, more, sorted(same_officer))


class Adjusted:
    """A state's importer module with some of its attributes given otherwise for one import (the others are the
    module's): columns chosen by the journalist (``--column``: chosen_columns) or fields blanked on purpose
    (``--blank-field``: run)."""

    def __init__(self, module, **attributes):
        self._module = module
        self.__dict__.update(attributes)

    def __getattr__(self, name):
        return getattr(self._module, name)


def chosen_columns(module, columns):
    """The module, or an ``Adjusted`` one for FIELD=HEADER choices (ImportError_ for a field it does not read, a choice
    without its = or a field chosen twice)."""
    chosen = {}
    for choice in columns:
        field, sign, header = choice.partition("=")
        field, header = field.strip(), header.strip()
        if not sign or not header:
            raise ImportError_(f"--column {choice!r}: write it FIELD=HEADER, the field and the header of the column to "
                               "read for it (as in --column license_status=\"Lic Status\")")
        if field not in module.COLUMNS:
            raise ImportError_(f"--column: {field!r} is not a field this importer reads; its fields are "
                               f"{', '.join(module.COLUMNS)}")
        if field in chosen:
            raise ImportError_(f"--column: {field} is chosen twice")
        other = next((f for f in mapping([header], module) if f != field), None)
        if other:  # (a foreign-data trial after the twentieth: an export's State IDs would have been read as another ID)
            raise ImportError_(f"--column {field}={header!r}: that header is a name of {other}, another field; a column "
                               f"is read for the field it holds (ask the agency for the file with a column of {field}, "
                               f"or, if the release has none and the field may be blank, import with --blank-field {field})")
        chosen[field] = header
    if not chosen:
        return module
    keys = {header_key(header) for header in chosen.values()}  # each chosen header is the first name of its field
    return Adjusted(module, CHOSEN=chosen, COLUMNS={field: ([chosen[field]] if field in chosen else [])
                                                   + [name for name in names if header_key(name) not in keys]
                                                   for field, names in module.COLUMNS.items()})


def refuse_received_before_request(package, module, received):
    """Refuse a --received date before the earliest request of the release's state was filed (requests.csv): no
    agency answers a request before it is made (an attack run after the sixteenth: 1900-01-01 was published as the
    day the release was received)."""
    if received is None or not any(r["name"] == "requests" for r in package.resources):
        return
    filed = sorted(r["filed_date"] for r in package.read_rows("requests")
                   if r.get("state") == module.SOURCE.get("state") and DAY.fullmatch(r.get("filed_date") or ""))
    if filed and received < filed[0]:
        raise ImportError_(f"--received {received} is before the request for this release was filed ({filed[0]}, "
                           "data/requests.csv): give the day the release was received")


DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def absent_fields(package, resource, table, module, label, blank_fields=()):
    """Refuse an import that leaves blank in every row a field that held a value in the previous release, unless
    blank_fields names it: the file lacks its column, or has it under a header the importer does not know (dropped
    as not open). (The trial: a roster without its Agency column blanked every officer's agency, took every agency
    of the state out of agencies.csv and retired a namesake's identifier; an export without its State ID column
    blanked the published State IDs, and the officer pages said none was recorded.) Nothing is checked while the
    resource is a synthetic sample (its values were never published as a release's): a column the state's module
    EXPECTS is asked of every file (records)."""
    fields = [f["name"] for f in resource["schema"]["fields"]]
    unknown = sorted(set(blank_fields) - set(fields))
    if unknown:
        raise ImportError_(f"{label}: --blank-field {', '.join(unknown)}: not a field of {resource['name']} "
                           f"(its fields: {', '.join(fields)})")
    if resource.get(SYNTHETIC):
        held = {}
    else:
        held = dict.fromkeys(fields, 0)
        previous = 0
        for row in package.read_rows(resource["name"]):
            previous += 1
            for field in fields:
                if row.get(field) not in (None, ""):
                    held[field] += 1
    empty = [field for column, field in enumerate(fields) if not any(row[column] not in (None, "") for row in table)]
    blank = [field for field in empty if held.get(field)]
    unasked = sorted(set(blank_fields) - set(empty))
    if unasked:
        raise ImportError_(f"{label}: --blank-field {', '.join(unasked)}: the import does not blank "
                           f"{'this field' if len(unasked) == 1 else 'these fields'} (this file gives values of "
                           f"{'it' if len(unasked) == 1 else 'them'})")
    refused = [field for field in blank if field not in blank_fields]
    if not refused:
        return
    counts = "; ".join(f"{field} in {held[field]:,} of the previous release's {previous:,} rows" for field in refused)
    where = module_file(module)  # (a module chosen columns or blanked fields stand in for has no source file)
    raise ImportError_(f"{label}: the previous release published values of {', '.join(refused)} ({counts}), and this "
                       "file would leave it blank in every row: its column is missing, or is under a header the importer "
                       "does not know (a \"dropped column\" above). If the agency renamed the column, add its header to "
                       f"COLUMNS in the state's module ({where}) and import again; if the release no longer gives it and "
                       f"every value should be blanked, import again with "
                       f"{' '.join('--blank-field ' + field for field in refused)}")


def retirements(package, module, label, more, report, retire_most=False, table=None):
    """Say how many of the identifiers the previous release published the import retires (the rows of the state's
    RETIRED resource in more, {resource: rows}, that it did not hold before), and refuse when it is more than half
    unless retire_most: a change of the file's form (the trial: names written "First Last" where the previous
    release had "Last, First") had given every officer a new identifier and retired every published one without a
    word. Nothing is said while the officers are a synthetic sample (its identifiers were never an officer's)."""
    name = getattr(module, "RETIRED", None)
    officers = package.resource(module.SOURCE["resource"])
    if not name or name not in more or officers.get(SYNTHETIC):
        return
    resource = package.resource(name)
    key = resource["schema"]["primaryKey"]
    key = key[0] if isinstance(key, list) else key
    column = [f["name"] for f in resource["schema"]["fields"]].index(key)
    previous_rows = package.read_rows(officers["name"])
    published = {r[key] for r in previous_rows}
    before = set() if resource.get(SYNTHETIC) else {r[key] for r in package.read_rows(name)}
    retiring = ({row[column] for row in more[name]} - before) & published
    if not published:
        return
    report(f"{label}: retires {len(retiring):,} of the {len(published):,} officer identifiers the previous release "
           "published (their addresses say which release last held them)")
    gone_rows(officers, previous_rows, table, label, report)
    if 2 * len(retiring) > len(published) and not retire_most:
        raise ImportError_(f"{label}: the import would retire {len(retiring):,} of the {len(published):,} officer identifiers "
                           "the previous release published, more than half: their addresses would no longer show an "
                           "officer. A change of the file's form does this (names written in another order or form, "
                           "such as \"First Last\" for \"Last, First\"; other columns; part of the roster, or another "
                           "one): compare it with the previous release. If the agency's records did change so, import "
                           "again with --retire-most")


def gone_rows(resource, previous_rows, table, label, report):
    """Say how many of the previous release's rows (records, by the resource's key) this release no longer holds: a
    release holding half of the records may retire no identifier (the trial: an Acadis export with half of each
    officer's training records said only "retires 0 of the 7 officer identifiers"); a warning past half."""
    if table is None:
        return
    key = resource["schema"].get("primaryKey")
    key = key[0] if isinstance(key, list) else key
    if not key:
        return
    column = [f["name"] for f in resource["schema"]["fields"]].index(key)
    kept = {row[column] for row in table}
    gone = sum(1 for r in previous_rows if r[key] not in kept)
    report(f"{'warning: ' if 2 * gone > len(previous_rows) else ''}{label}: {gone:,} of the {len(previous_rows):,} "
           f"records (rows) the previous release published are not in this one (by {key})"
           + (": check that the file holds the whole release" if gone else ""))


def agency_respellings(before, after):
    """{agency of the previous release: agency new in this one} where no record of this release names the first and
    the second is the one new agency of the same name with abbreviations written out (loose_agency), or most of the
    first's officers (at least two, by name) are now under the second: the same agency written another way, most
    likely (a trial after the sixteenth: "Kansas City PD" re-spelled "Kansas City Police Dept."). before and after
    are (officer name, agency) pairs, the agency blank where none is named. Also gives {agency: (new agency, officers
    moved, officers)}."""
    officers = {}
    for name, agency in before:
        if agency:
            officers.setdefault(agency, set()).add(fold(name))
    now_under = {}
    for name, agency in after:  # a name written in capitals now is the same name (fold)
        if agency:
            now_under.setdefault(fold(name), set()).add(agency)
    named_now = {a for agencies in now_under.values() for a in agencies}
    new_agencies, found = named_now - set(officers), {}
    loose = {}
    for agency in new_agencies:
        loose.setdefault(loose_agency(agency), []).append(agency)
    for gone in sorted(set(officers) - named_now):
        alike = loose.get(loose_agency(gone), [])
        if len(alike) == 1:  # its abbreviations written out, the one new agency of the same name ("Joplin PD" for
            now = alike[0]  # "Joplin Police Department"), whatever the number of its officers
            found[gone] = (now, sum(1 for name in officers[gone] if now in now_under.get(name, ())), len(officers[gone]))
            continue
        moved = {}
        for name in officers[gone]:
            for now in now_under.get(name, ()):
                if now in new_agencies:
                    moved[now] = moved.get(now, 0) + 1
        if moved:
            now, count = max(sorted(moved.items()), key=lambda item: item[1])
            if count >= 2 and 2 * count >= len(officers[gone]):
                found[gone] = (now, count, len(officers[gone]))
    return {gone: now for gone, (now, *_) in found.items()}, found


def written_out(renamed):
    """Of agency_respellings' {old: new}, the pairs where the new is the old with its abbreviations written out (the
    same agency, surely), not those where most officers moved (a merger may look so: an attack run after the
    eighteenth saw a namesake take the identifier of another agency's namesake through one)."""
    return {gone: now for gone, now in renamed.items() if loose_agency(gone) == loose_agency(now)}


def respelled_agencies(package, resource, table, label, report):
    """Warn of an agency of the previous release that no record of this one names while most of its officers are now
    under one agency new in this release (``agency_respellings``): this package cannot tell and publishes the two
    spellings as two agencies. Nothing is said while the resource is a synthetic sample."""
    names = [f["name"] for f in resource["schema"]["fields"]]
    if resource.get(SYNTHETIC) or not {"officer_name", "agency_id"} <= set(names):
        return
    person, agency = names.index("officer_name"), names.index("agency_id")
    before = [(row["officer_name"], row.get("agency_id") or "") for row in package.read_rows(resource["name"])]
    _, found = agency_respellings(before, [(row[person], row[agency]) for row in table])
    for gone, (now, count, of) in found.items():
        report(f"warning: {label}: no record of this release names the agency {gone}, and {count:,} of its "
               f"{of:,} officers (by name) are now under {now}, an agency new in this release: the "
               "same agency written another way? The release does not say, and this package publishes each "
               "spelling as its own agency: the changes page will list these officers as having changed agency. "
               "Compare with the previous release before publishing")


REDACTED = "[withheld]"  # what stands in a retired identifier's row for words or a value taken out


def retirement(package, name, agency, agency_names):
    """(name, agency id, when) for a record an import retires, its closed values taken out: REDACTED for a name the
    name checks refuse, a blank agency for one whose name they refuse (a name published with a closed value in it
    by mistake is then corrected by importing the corrected release: the twelfth attack run found the retirement
    kept it), and the version of the release the import replaces, the last to hold the record: the published one's
    (site/downloads/datapackage.json), when there is one (an attack run after the eighteenth bumped the version before
    importing, and retirements named a version that never held the records), else the package's."""
    from ..names import person_name_refused
    if name and person_name_refused(name):
        name = REDACTED
    if agency and text_refused(agency_names.get(agency) or agency.split("-", 1)[-1].replace("-", " ")):
        agency = ""
    return name, agency, f"last in package version {published_version(package)}"


def published_version(package):
    """The version of the release published in site/ (its datapackage.json), or the package's when none is readable."""
    try:
        version = json.loads((Path(package.root) / "site" / "downloads" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return package.version
    return version if isinstance(version, str) and re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version) else package.version


def redaction(old, new):
    """Whether a retired identifier's row new is old with some words of its name, or some values, taken out: each
    word taken out of the name replaced by REDACTED, the rest of the name as it was (punctuation and all), every
    other value the old one or blank. (The twelfth attack run: a name published with an e-mail address in it, once
    retired, could never be taken out; then a rule that let words be dropped made "Smith, John Michael" into
    another officer's "Smith, John". A name holding REDACTED is no officer's.)"""
    name = new["officer_name"] or ""
    values_kept = all(new[c] in (old[c], "", None) for c in old if c != "officer_name")
    if REDACTED not in name or name == old["officer_name"]:
        return name == old["officer_name"] and values_kept
    pattern = r"\S+(?:\s+\S+)*?".join(re.escape(part) for part in name.split(REDACTED))  # a marker: words, whole
    return values_kept and bool(re.fullmatch(pattern, old["officer_name"] or ""))


def merged_agencies(package, state, names):
    """agencies.csv rows: the other states' rows kept, this state's replaced by the import's."""
    kept = [r for r in package.read_rows("agencies") if r["state"] != state]
    rows = {(r["agency_id"], r["state"], r["agency_name"]) for r in kept}
    rows |= {(agency_id(state, n), state, n) for n in names}
    return to_csv(["agency_id", "state", "agency_name"], sorted(rows))


def write_all(package, resource, table, agencies, module, original, received, more=None, same_officer=()):
    """Write the CSVs, the raw copy and the descriptor (with the identifiers confirmed as the same officer's, which
    the build's check against the previous release accepts: SAME_OFFICER); undo every write if anything stops it
    (an error, Ctrl-C). Nothing is written through a symbolic link or outside the package."""
    root = package.root
    data = original.read_bytes()  # read once: the copy kept is the file digested
    digest = hashlib.sha256(data).hexdigest()
    raw = Path("data") / "raw" / f"{resource['name']}-{received or 'undated'}-{digest[:12]}{original.suffix.lower()}"
    header = [f["name"] for f in resource["schema"]["fields"]]
    descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
    mark_real(descriptor, resource["name"], module, raw, digest, received)
    entry = next(r for r in descriptor["resources"] if r["name"] == resource["name"])
    if same_officer:  # this import's confirmations alone, each bound to the names confirmed (the state's
        # ``confirmations``): an earlier one confirms nothing of a later release, nor another name of this one
        entry[SAME_OFFICER] = (module.confirmations(table, frozenset(same_officer)) if getattr(module, "confirmations", None)
                               else list(same_officer))
    else:
        entry.pop(SAME_OFFICER, None)
    files = {root / resource["path"]: to_csv(header, table),
             root / "data" / "agencies.csv": merged_agencies(package, module.CODE, agencies)}
    for name, rows in (more or {}).items():  # e.g. the identifiers a state retires
        other = package.resource(name)
        files[root / other["path"]] = to_csv([f["name"] for f in other["schema"]["fields"]], rows)
        if other.get(SYNTHETIC):  # made from the release: no longer part of the sample
            mark_real(descriptor, name, None, None, None, None)
    mark_real(descriptor, "agencies", None, None, None, None, keep_if_other_synthetic=True)
    files[root / DESCRIPTOR] = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    for target in [*files, root / raw]:
        refuse_links(root, target)
    keep_raw = (root / raw).is_file() and (root / raw).read_bytes() == data  # the same release imported again
    backups = {p: p.read_bytes() for p in [*files, root / raw] if p.exists()}
    made_raw_dir = not (root / raw).parent.exists()
    written = []
    try:
        (root / raw).parent.mkdir(parents=True, exist_ok=True)
        refuse_links(root, root / raw)
        if not keep_raw:
            replace_file(root / raw, data)
            written.append(root / raw)
        for target, text in files.items():
            replace_file(target, text.encode("utf-8"))
            written.append(target)
    except BaseException:
        for target in written:
            if target in backups:
                replace_file(target, backups[target])
            else:
                target.unlink(missing_ok=True)
        if made_raw_dir:
            try:
                (root / raw).parent.rmdir()
            except OSError:
                pass
        raise
    return list(files) + [root / raw]


def refuse_links(root, target):
    """Refuse a target that is, or lies in a folder that is, a symbolic link, or that is not a plain file
    inside the package: a write through it could land anywhere (an outside file, another user's)."""
    root = Path(root)
    relative = Path(os.path.relpath(target, root))
    if relative.is_absolute() or relative.parts[:1] == ("..",):
        raise ImportError_(f"{target}: outside the package; the importer writes only inside it")
    path = root
    for part in relative.parts:
        path = path / part
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return
        if stat.S_ISLNK(info.st_mode):
            raise ImportError_(f"{path.relative_to(root)} is a symbolic link; the importer never writes through a link "
                               "(it may point outside the repository). Remove the link and import again")
        if path != target and not stat.S_ISDIR(info.st_mode):
            raise ImportError_(f"{path.relative_to(root)} is not a folder; remove it and import again")
    if not stat.S_ISREG(info.st_mode):
        raise ImportError_(f"{relative} is not a plain file; remove it and import again")


def replace_file(target, data):
    """Write data to target atomically: a new file beside it (created exclusively, never through a link),
    then renamed over it (a rename replaces a link, it does not follow it)."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.importing")
    try:
        os.unlink(temp)  # a leftover of a killed import (a link is removed, not followed)
    except FileNotFoundError:
        pass
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def mark_real(descriptor, name, module, raw, digest, received, keep_if_other_synthetic=False):
    """Record the release's provenance and drop the synthetic flag."""
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    if keep_if_other_synthetic:
        others = [r for r in descriptor["resources"] if r.get(SYNTHETIC) and r["name"] not in ("agencies", )]
        if others:
            return
    resource.pop(SYNTHETIC, None)
    if module is None:
        resource["sources"] = [s for s in resource["sources"] if not s.get(SYNTHETIC)] or [{"title": "Agency releases imported into this package"}]
    else:
        resource["sources"] = [{"title": f"{module.SOURCE['title']} (as received)", "path": str(raw),
                                "pcr:sha256": digest, "pcr:received": received or "not stated in the record"}]
        if received:
            resource["pcr:received"] = received
        if not any(not s.get(SYNTHETIC) for s in descriptor["sources"] if s.get("path") == str(raw)):
            descriptor["sources"].append(resource["sources"][0])
    # the sample's generator is no source once no resource is a sample (also when the last resource marked real is
    # one the importer marks after the state's own: an attack run found it still listed)
    if not any(r.get(SYNTHETIC) for r in descriptor["resources"]):
        descriptor["sources"] = [s for s in descriptor["sources"] if not s.get(SYNTHETIC)]
