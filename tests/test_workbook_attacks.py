"""Workbooks built to make the import publish something other than what Excel shows, or to cost it far more
than their size: each written here by hand (zip and XML), small, so every part and attribute is the test's."""
import zipfile
from xml.sax.saxutils import escape, quoteattr

import pytest
from openpyxl.utils import get_column_letter

from certdata import importers

from .conftest import run_cli, run_cli_peak, settle_ma_disclosure

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
MO_HEADER = ["Name", "License Status", "License Class", "Commissioning Agency"]
MO_ROWS = [["Doe, Jane Q", "Revoked", "unknown", "Boone County Sheriff's Office"],
           ["Roe, Richard", "Surrendered", "unknown", "Ashland Police Department"]]


class Shared(int):
    """A cell that refers to the table of texts by index."""


def cell_xml(ref, value, style=None):
    s = f' s="{style}"' if style is not None else ""
    if isinstance(value, Shared):
        return f'<c r="{ref}"{s} t="s"><v>{int(value)}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    return f'<c r="{ref}"{s}><v>{value!r}</v></c>'


def sheet_xml(rows, styles=None, before="", after=""):
    """A worksheet: rows of values; styles {(row, column): cellXfs index}, both numbered from 1."""
    styles = styles or {}
    body = "".join(f'<row r="{r}">' + "".join(cell_xml(f"{get_column_letter(c)}{r}", v, styles.get((r, c)))
                                            for c, v in enumerate(row, start=1) if v is not None) + "</row>"
                   for r, row in enumerate(rows, start=1))
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{before}<sheetData>{body}</sheetData>{after}</worksheet>'


def styles_xml(formats=(), xfs=("0",), dxfs=""):
    """A stylesheet: custom number formats [(id, code)] and cellXfs, each its numFmtId (index 0 first)."""
    numfmts = "".join(f'<numFmt numFmtId="{i}" formatCode={quoteattr(code)}/>' for i, code in formats)
    cell_xfs = "".join(f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" xfId="0"'
                       f'{" applyNumberFormat=" + chr(34) + "1" + chr(34) if n != "0" else ""}/>' for n in xfs)
    return (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><numFmts count="{len(formats)}">{numfmts}</numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{cell_xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            f'{dxfs}</styleSheet>')


def strings_xml(texts, prolog=""):
    items = "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' for t in texts)
    return f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<sst xmlns="{MAIN}" count="{len(texts)}">{items}</sst>'


def workbook(path, sheet, styles=None, strings=None, strings_part="xl/sharedStrings.xml", strings_rel=None, parts=None):
    """An .xlsx of one sheet (its XML), with a stylesheet and a table of texts if given; strings_rel: the part
    the workbook's relationships name as its table of texts, when not the one its content types declare;
    parts: more parts, or replacements, {name: text or bytes}."""
    overrides = {"/xl/workbook.xml": f"{CT}.sheet.main+xml", "/xl/worksheets/sheet1.xml": f"{CT}.worksheet+xml"}
    rels = {"rId1": ("worksheet", "worksheets/sheet1.xml")}
    files = {"xl/worksheets/sheet1.xml": sheet}
    if styles is not None:
        overrides["/xl/styles.xml"] = f"{CT}.styles+xml"
        rels["rId2"] = ("styles", "styles.xml")
        files["xl/styles.xml"] = styles
    if strings is not None:
        overrides["/" + strings_part] = f"{CT}.sharedStrings+xml"
        rels["rId3"] = ("sharedStrings", (strings_rel or strings_part).removeprefix("xl/"))
        files[strings_part] = strings
    files["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides.items()) + "</Types>")
    files["_rels/.rels"] = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
                            f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    files["xl/workbook.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}">'
                                '<sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>')
    files["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
        + "".join(f'<Relationship Id="{i}" Type="{DOC}/{kind}" Target="{target}"/>' for i, (kind, target) in rels.items())
        + "</Relationships>")
    files.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def mo_file(path, rows=None, **options):
    return workbook(path, sheet_xml([MO_HEADER] + (rows or MO_ROWS)), **options)


def refused(result, *expected, absent=()):
    """The import failed with a message holding each expected text, no traceback and none of the absent texts."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    for text in expected:
        assert text in result.stderr, (text, result.stderr)
    for text in absent:
        assert text not in result.stderr, (text, result.stderr)


def unchanged(root, before):
    assert (root / "data" / "mo_officers.csv").read_bytes() == before


# 3. A part's role is the one the workbook gives it, never a guess from its first bytes.

@pytest.mark.parametrize("prolog", ["<!--<worksheet-->", "<?worksheet x?>", "<!-- <x:worksheet> -->"])
def test_the_table_of_texts_is_bounded_whatever_its_first_bytes_say(tmp_path, monkeypatch, prolog):
    """The thirteenth attack run: a table of texts beginning with <!--<worksheet--> passed for a sheet (the check
    matched "<worksheet" in a part's first 4 KB), escaped its limit and took 1.28 GB for a 0.9 MB file."""
    monkeypatch.setattr(importers, "MAX_SHARED_STRINGS", 4000)
    texts = MO_HEADER + [v for row in MO_ROWS for v in row] + ["Sample padding"] * 300
    path = workbook(tmp_path / "texts.xlsx", sheet_xml([[Shared(i) for i in range(4)]]), strings=strings_xml(texts, prolog))
    with pytest.raises(importers.ImportError_) as raised:
        importers.check_workbook_size(path)
    assert "texts.xlsx: a part of the workbook that is not a sheet (its table of texts" in str(raised.value)


def test_a_sheet_is_checked_as_a_sheet_whatever_its_first_bytes_say(small_package, tmp_path):
    """The reverse: a sheet whose first 4 KB are a comment was not taken for a sheet, so a cell past the column
    limit in it was not looked for (openpyxl then builds every row as wide as that cell)."""
    padding = "<!--" + "x" * 5000 + "-->"
    sheet = sheet_xml([MO_HEADER] + MO_ROWS + [[None] * 16383 + ["x"]])
    path = workbook(tmp_path / "late.xlsx", sheet.replace("<worksheet", padding + "<worksheet", 1))
    refused(run_cli(small_package, "import", "mo-roster", str(path)), "late.xlsx: a sheet has a cell beyond column 200")


def test_a_table_of_texts_or_a_workbook_that_excel_would_not_read_is_refused(small_package, tmp_path):
    """Excel finds the workbook, its table of texts and its styles by the relationships; openpyxl by the content
    types (and xl/styles.xml): where they differ, a reader in Excel sees other texts than those published."""
    sheet = sheet_xml([[Shared(i) for i in range(4)], [Shared(i) for i in range(4, 8)]])
    shown, other = MO_HEADER + MO_ROWS[0], MO_HEADER + MO_ROWS[1]
    path = workbook(tmp_path / "two.xlsx", sheet, strings=strings_xml(other), strings_part="xl/texts.xml",
                    strings_rel="xl/sharedStrings.xml", parts={"xl/sharedStrings.xml": strings_xml(shown)})
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    refused(run_cli(small_package, "import", "mo-roster", str(path)),
            "two.xlsx: the workbook's relationships and its content types name different parts as its table of texts")
    unchanged(small_package, before)
    path = workbook(tmp_path / "root.xlsx", sheet, strings=strings_xml(shown), parts={"_rels/.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
        'Target="xl/other.xml"/></Relationships>')})
    refused(run_cli(small_package, "import", "mo-roster", str(path)), "root.xlsx: the workbook's relationships and its "
            "content types name different parts as its workbook")
    path = workbook(tmp_path / "plain.xlsx", sheet, strings=strings_xml(shown))  # the same, its parts agreeing
    assert run_cli(small_package, "import", "mo-roster", str(path)).returncode == 0


# 4. Every part read whole is bounded: the styles, and any other part that is not a sheet or the table of texts.

def test_styles_of_two_million_cell_formats_are_refused_before_they_are_read(small_package, tmp_path):
    """The thirteenth attack run: a 20 KB workbook whose styles held 2 million empty <xf/> imported at 1.3 GB peak."""
    from certdata.importers import MAX_PART_ELEMENTS
    plain = mo_file(tmp_path / "plain.xlsx", styles=styles_xml())
    result, baseline = run_cli_peak(small_package, "import", "mo-roster", str(plain))
    assert result.returncode == 0, result.stderr
    styles = styles_xml().replace("</cellXfs>", "<xf/>" * 2_000_000 + "</cellXfs>")
    result, peak = run_cli_peak(small_package, "import", "mo-roster", str(mo_file(tmp_path / "styles.xlsx", styles=styles)))
    refused(result, f"styles.xlsx: its styles holds more than {MAX_PART_ELEMENTS:,} XML elements")
    assert peak - baseline < 20_000, (peak, baseline)  # kilobytes: it was 1.24 GB more


@pytest.mark.parametrize("part", ["xl/worksheets/_rels/sheet1.xml.rels", "docProps/core.xml", "xl/workbook.xml"])
def test_any_other_part_read_whole_is_bounded(small_package, tmp_path, part):
    """openpyxl reads whole, as objects, every part that is not a sheet or the table of texts: a sheet's
    relationships, the document properties, the workbook. Each is bounded in elements and in bytes."""
    from certdata.importers import MAX_PART_ELEMENTS, MAX_WHOLE_PART
    many = f'<?xml version="1.0"?><Relationships xmlns="{RELS}">' + "<r/>" * MAX_PART_ELEMENTS + "</Relationships>"
    result = run_cli(small_package, "import", "mo-roster", str(mo_file(tmp_path / "many.xlsx", parts={part: many})))
    refused(result, f"many.xlsx: a part of the workbook that is not a sheet holds more than {MAX_PART_ELEMENTS:,} XML elements")
    large = f'<?xml version="1.0"?><x>{"a" * (MAX_WHOLE_PART + 1)}</x>'
    result = run_cli(small_package, "import", "mo-roster", str(mo_file(tmp_path / "large.xlsx", parts={part: large})))
    refused(result, f"bytes; the limit is {MAX_WHOLE_PART:,} for a part read whole")


@pytest.mark.parametrize("block", [1, 2, 3, 5, 1 << 20])
def test_elements_are_counted_across_blocks_and_never_under(block):
    import io

    from certdata.importers import element_count
    xml = b'<?xml version="1.0"?><!-- a --><a><b/><c x="1">t</c><![CDATA[ < ]]></a>'
    assert element_count(io.BytesIO(xml), block) == 4  # a, b, c and the "<" inside the CDATA: over, never under
    assert element_count(io.BytesIO(b"<xf/>" * 1000), block) == 1000


# 5. Excel's escapes (_xHHHH_) are decoded once, as Excel does, in shared texts as in inline ones.

def agency_names(root):
    import csv
    with open(root / "data" / "agencies.csv", encoding="utf-8", newline="") as handle:
        return {r["agency_name"] for r in csv.DictReader(handle) if r["state"] == "MO"}


@pytest.mark.parametrize("shared", [True, False])
def test_an_escaped_underscore_is_decoded_once_as_excel_shows_it(small_package, tmp_path, shared):
    """The thirteenth attack run: "_x005F_x0051_" in the table of texts, which Excel shows as "_x0051_", was published
    as "Q" (openpyxl drops "x005F_", then the importer decoded "_x0051_" again); and openpyxl drops "x005F_" wherever
    it is, even where Excel shows it as it is."""
    shown = {"Columbia _x005F_x0051_ Police Department": "Columbia _x0051_ Police Department",
             "Boone x005F_County Sheriff's Office": "Boone x005F_County Sheriff's Office",
             "Ashland _x0050_olice Department": "Ashland Police Department"}
    rows = [[f"Doe, Jane {letter}", "Revoked", "unknown", stored] for letter, stored in zip("ABC", shown)]
    if shared:
        texts = MO_HEADER + [v for row in rows for v in row]
        path = workbook(tmp_path / "escapes.xlsx", sheet_xml([[Shared(i * 4 + c) for c in range(4)] for i in range(4)]),
                        strings=strings_xml(texts))
    else:
        path = mo_file(tmp_path / "escapes.xlsx", rows)
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 0, result.stderr
    assert set(shown.values()) <= agency_names(small_package), agency_names(small_package)
    texts = MO_HEADER + ["Doe, Jane _x005F_x0051_", "Revoked", "unknown", ""]  # shown "_x0051_": digits, no name
    path = workbook(tmp_path / "name.xlsx", sheet_xml([[Shared(c) for c in range(4)], [Shared(c) for c in range(4, 7)]]),
                    strings=strings_xml(texts))
    refused(run_cli(small_package, "import", "mo-roster", str(path)), "name.xlsx [sheet 1], row 2, field officer_name",
            absent=["_x0051_", "Doe"])


# 6. A column too narrow to show a character, or a row too low to show a line, is hidden.

TWO_NAMES = [["Officer Name", "Name", "License Status", "License Class"],
             ["Roe, Richard", "Doe, Jane", "Revoked", "unknown"]]


@pytest.mark.parametrize("cols, hidden", [
    ('<cols><col min="1" max="1" width="0.5" customWidth="1"/></cols>', True),  # the attack run's: 3 pixels
    ('<cols><col min="1" max="1" width="1.6" customWidth="1"/></cols>', True),  # 11 pixels: less than a digit's text
    ('<cols><col min="1" max="1" width="1.7" customWidth="1"/></cols>', False),  # one character shows
    ('<cols><col min="1" max="1"/></cols>', True),  # no width: the sheet's default, below
    ("", True),  # the default width of a column not listed
])
def test_a_column_too_narrow_to_show_a_character_is_hidden(small_package, tmp_path, cols, hidden):
    """The thirteenth attack run: an "Officer Name" column 0.5 wide (3 pixels, no character readable) before the
    visible "Name" counted as visible, and its values were published in place of the visible ones."""
    others = '<col min="2" max="4" width="12" customWidth="1"/>'
    cols = cols.replace("</cols>", others + "</cols>") if cols else f"<cols>{others}</cols>"
    before = '<sheetFormatPr baseColWidth="0" defaultRowHeight="15"/>' + cols  # default: 5 pixels, the margins alone
    path = workbook(tmp_path / "narrow.xlsx", sheet_xml(TWO_NAMES, before=before))
    result = run_cli(small_package, "import", "mo-roster", str(path))
    if hidden:
        refused(result, "narrow.xlsx [sheet 1]: the column of officer_name is hidden in the workbook (or too narrow to "
                "show a character)", absent=["Roe", "Doe"])
    else:
        assert result.returncode == 0, result.stderr


def test_a_row_too_low_to_show_a_line_is_reported_as_hidden(small_package, tmp_path):
    rows = [MO_HEADER] + MO_ROWS + [["Poe, Edgar", "Revoked", "unknown", ""]]
    xml = sheet_xml(rows).replace('<row r="3"', '<row r="3" ht="2" customHeight="1"', 1).replace(
        '<row r="4"', '<row r="4" ht="6" customHeight="1"', 1)  # (below 6 points: hidden, since the twenty-first)
    result = run_cli(small_package, "import", "mo-roster", str(workbook(tmp_path / "low.xlsx", xml)))
    assert result.returncode == 0, result.stderr
    assert "1 row(s) hidden in the workbook (rows 3) are imported" in result.stderr, result.stderr


# 1. A cell whose number format makes Excel show other text, or none, is refused by row and field.

TEXT_HIDDEN = ";;;"
TEXT_REPLACED = ';;;"Columbia Police Department"'
ACCOUNTING = '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)'


def formatted(path, codes, cells, rows=None):
    """A roster whose cells {(row, column): code} (numbered from 1) have the given number formats."""
    rows = rows or [MO_HEADER] + MO_ROWS
    formats = [(164 + i, code) for i, code in enumerate(dict.fromkeys(codes))]
    ids = {code: str(i) for i, code in formats}
    xfs = ["0"] + [ids[code] for code in codes]
    style = {cell: xfs.index(ids[code], 1) for cell, code in cells.items()}
    return workbook(path, sheet_xml(rows, style), styles=styles_xml(formats, xfs))


def test_text_that_its_number_format_hides_or_replaces_is_refused(small_package, tmp_path):
    """The thirteenth attack run: an agency formatted ;;;"Columbia Police Department" (Excel shows that name, whatever
    the cell holds) and another ;;; (Excel shows nothing) were published as stored."""
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    path = formatted(tmp_path / "shown.xlsx", [TEXT_REPLACED, TEXT_HIDDEN], {(2, 4): TEXT_REPLACED, (3, 4): TEXT_HIDDEN})
    refused(run_cli(small_package, "import", "mo-roster", str(path)),
            "shown.xlsx [sheet 1], row 2, field agency_name: its number format makes Excel show other text, or nothing",
            absent=["Boone", "Columbia"])
    path = formatted(tmp_path / "hidden.xlsx", [TEXT_HIDDEN], {(3, 4): TEXT_HIDDEN})
    refused(run_cli(small_package, "import", "mo-roster", str(path)), "hidden.xlsx [sheet 1], row 3, field agency_name: "
            "its number format makes Excel show other text, or nothing", absent=["Ashland"])
    unchanged(small_package, before)
    shown = ["General", "@", "0.00", ";;", "0;0;0;@", ACCOUNTING, "[$-409]@", '"Sample"']  # all show text as it is
    cells = {(row, column): shown[(row * 4 + column) % len(shown)] for row in (2, 3) for column in (1, 2, 3, 4)}
    path = formatted(tmp_path / "plain.xlsx", shown, cells)
    assert run_cli(small_package, "import", "mo-roster", str(path)).returncode == 0
    assert {"Boone County Sheriff's Office", "Ashland Police Department"} <= agency_names(small_package)


@pytest.mark.parametrize("code, shown", [
    (TEXT_HIDDEN, False), (TEXT_REPLACED, False), ('"Sample "@', False), ("@@", False), ("[White]@", False),
    ("0;@", False), ('@" Office"', False), ("*-@", False), ('0;0;0;"x"', False), ("0;0;0;", False),
    ("General", True), ("@", True), ("0.00", True), (";;", True), ("0;0;0;@", True), (ACCOUNTING, True),
    ("[$-409]@", True), ('"Sample"', True), ("* @", True), ("_(@_)", True)])
def test_which_number_formats_show_text_as_it_is(code, shown):
    """Text is shown as it is under a format with no text section (the fourth, or a lone section with @), or whose
    text section is @ with nothing beside it but room (_x, a fill of spaces) or a locale tag."""
    from certdata.importers.formats import text_shown
    assert text_shown(code) is shown


def test_every_way_a_format_reaches_a_cell_is_checked(small_package, tmp_path):
    """A format reaches a cell by its style (the default style of a cell without one included), by the cell style its
    style says it takes its format from; a blank text under a format with a text section shows that text; a style
    the workbook does not define shows what cannot be told."""
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    default = workbook(tmp_path / "default.xlsx", sheet_xml([MO_HEADER] + MO_ROWS), styles=styles_xml(
        [(164, TEXT_HIDDEN)], ["164"]))  # every cell, headers included: none is read as a header
    refused(run_cli(small_package, "import", "mo-roster", str(default)), "default.xlsx [sheet 1]: missing column(s)")
    parent = styles_xml([(164, TEXT_HIDDEN)], ["0", "0"]).replace(
        '<cellStyleXfs count="1"><xf numFmtId="0"', '<cellStyleXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0"/><xf numFmtId="164"').replace('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>',
                                                    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="1" '
                                                    'applyNumberFormat="0"/></cellXfs>')
    path = workbook(tmp_path / "parent.xlsx", sheet_xml([MO_HEADER] + MO_ROWS, {(2, 4): 1}), styles=parent)
    refused(run_cli(small_package, "import", "mo-roster", str(path)), "parent.xlsx [sheet 1], row 2, field agency_name")
    rows = [MO_HEADER, MO_ROWS[0][:3] + [""], MO_ROWS[1]]
    path = formatted(tmp_path / "blank.xlsx", [TEXT_REPLACED], {(2, 4): TEXT_REPLACED}, rows=rows)
    refused(run_cli(small_package, "import", "mo-roster", str(path)), "blank.xlsx [sheet 1], row 2, field agency_name",
            absent=["Columbia"])
    path = workbook(tmp_path / "undefined.xlsx", sheet_xml([MO_HEADER] + MO_ROWS, {(3, 1): 7}), styles=styles_xml())
    refused(run_cli(small_package, "import", "mo-roster", str(path)), "undefined.xlsx [sheet 1], row 3, field "
            "officer_name: a cell style or number format the workbook does not define")
    unchanged(small_package, before)


DXF = ('<dxfs count="6"><dxf><numFmt numFmtId="164" formatCode=";;;"/></dxf><dxf><font><b/></font></dxf>'
       '<dxf><font><color rgb="FFFFFFFF"/></font></dxf>'
       '<dxf><font><color rgb="FF000080"/></font><fill><patternFill><bgColor rgb="FF000080"/></patternFill></fill></dxf>'
       '<dxf><font><color rgb="FF9C0006"/></font><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf>'
       '<dxf><fill><patternFill><bgColor rgb="FF000000"/></patternFill></fill></dxf></dxfs>')
X14 = ('<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
       'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
       '<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
       '<x14:cfRule type="expression" priority="1" id="{00000000-0000-0000-0000-000000000001}"><xm:f>TRUE</xm:f>'
       '<x14:dxf><numFmt numFmtId="164" formatCode=";;;"/></x14:dxf></x14:cfRule><xm:sqref>D2:D3</xm:sqref>'
       '</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>')
X14_WHITE = X14.replace('<x14:dxf><numFmt numFmtId="164" formatCode=";;;"/></x14:dxf>',
                        '<x14:dxf><font><color rgb="FFFFFFFF"/></font></x14:dxf>')
X14_BOLD = X14.replace('<x14:dxf><numFmt numFmtId="164" formatCode=";;;"/></x14:dxf>', '<x14:dxf><font><b/></font></x14:dxf>')
RULES = {
    "a format": '<conditionalFormatting sqref="D2:D3"><cfRule type="expression" dxfId="0" priority="1"><formula>TRUE'
                "</formula></cfRule></conditionalFormatting>",
    "a bar without the value": '<conditionalFormatting sqref="D2:D3"><cfRule type="dataBar" priority="1"><dataBar '
                               'showValue="0"><cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar>'
                               "</cfRule></conditionalFormatting>",
    "Excel 2010's format": X14,
    "bold": '<conditionalFormatting sqref="D2:D3"><cfRule type="expression" dxfId="1" priority="1"><formula>TRUE'
            "</formula></cfRule></conditionalFormatting>",  # the value is shown
    # an attack run after the twentieth: a rule drawing the text white (on the sheet's white), or in its fill's colour
    "a white font": '<conditionalFormatting sqref="D2:D3"><cfRule type="expression" dxfId="2" priority="1"><formula>TRUE'
                    "</formula></cfRule></conditionalFormatting>",
    "a font in its fill's colour": '<conditionalFormatting sqref="D2:D3"><cfRule type="expression" dxfId="3" priority="1">'
                                   "<formula>TRUE</formula></cfRule></conditionalFormatting>",
    "a black fill": '<conditionalFormatting sqref="D2:D3"><cfRule type="expression" dxfId="5" priority="1"><formula>TRUE'
                    "</formula></cfRule></conditionalFormatting>",  # over the cells' automatic black
    "Excel 2010's white font": X14_WHITE,  # (a second attack run after the twentieth)
    "Excel 2010's bold": X14_BOLD,
    "a red fill": '<conditionalFormatting sqref="D2:D3"><cfRule type="expression" dxfId="4" priority="1"><formula>TRUE'
                  "</formula></cfRule></conditionalFormatting>",  # the value is shown, highlighted
}


@pytest.mark.parametrize("rule", RULES)
def test_a_conditional_format_that_can_hide_an_open_column_is_refused(small_package, tmp_path, rule):
    """A conditional format can apply a number format (;;;), or show a data bar without the value, whenever its
    condition holds, which the importer cannot evaluate: over an open column it is refused."""
    path = workbook(tmp_path / "conditional.xlsx", sheet_xml([MO_HEADER] + MO_ROWS, after=RULES[rule]),
                    styles=styles_xml().replace("</cellStyles>", "</cellStyles>" + DXF))
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert "site-packages" not in result.stderr and "Traceback" not in result.stderr  # (openpyxl's warning named its path)
    if rule in ("bold", "a red fill", "Excel 2010's bold"):
        assert result.returncode == 0, result.stderr
    else:
        refused(result, "conditional.xlsx [sheet 1], rows 2-3, field agency_name: a conditional format over these cells")


@pytest.mark.parametrize("ref, covered", [("D2:D3", (4, 2, 3)), ("D:D", (4, 2, 9)), ("3:4", (1, 3, 4)), ("A1:D1", None),
                                          ("E2:F9", None), ("B2:B9 D5", (4, 5, 5)), ("A10:D12", None), ("bad", None)])
def test_the_ranges_of_a_conditional_format_over_data_rows_are_found(ref, covered):
    from certdata.importers import ranges_over
    found = ranges_over([(ref.split(), "why")], {1: "officer_name", 4: "agency_name"}, 2, 9)
    assert found == (None if covered is None else ({1: "officer_name", 4: "agency_name"}[covered[0]], *covered[1:], "why"))


# 2. A number is published only where Excel shows it as stored; never re-rendered from its format.

MA_HEADER = ["Acadis ID", "Officer Name", "Course Name", "Completion Date", "Employing Agency"]


def ma_file(path, acadis, code=None, date="2023-01-05", date_code=None):
    row = [acadis, "Jane Q Doe", "Firearms Qualification", date, "Quincy Police Department"]
    codes = [c for c in (code, date_code) if c]
    cells = {(2, 1): code} if code else {}
    if date_code:
        cells[(2, 4)] = date_code
    return formatted(path, codes, cells, rows=[MA_HEADER, row])


def training_ids(root):
    import csv
    with open(root / "data" / "ma_training.csv", encoding="utf-8", newline="") as handle:
        return [(r["acadis_id"], r["completion_date"]) for r in csv.DictReader(handle)]


def test_an_identifier_is_imported_only_as_excel_shows_it(small_package, tmp_path):
    """The thirteenth attack run: an Acadis ID stored as the number 123 and formatted 000000, which Excel shows as
    000123, was published as 123: the officer's page at another address than the ID the agency's file shows."""
    settle_ma_disclosure(small_package)
    before = (small_package / "data" / "ma_training.csv").read_bytes()
    for acadis, code in ((555123, "000000"), (123456789012, None)):  # the second shown as 1.23457E+11
        result = run_cli(small_package, "import", "ma-training", str(ma_file(tmp_path / "acadis.xlsx", acadis, code)))
        refused(result, "acadis.xlsx [sheet 1], row 2, field acadis_id: a number whose number format makes Excel show it "
                "otherwise than it would be published", absent=[str(acadis)])
        assert (small_package / "data" / "ma_training.csv").read_bytes() == before
    for acadis, code in ((555123, None), ("000123", "@")):  # a number in General, a text under Text (each file another
        result = run_cli(small_package, "import", "ma-training",  # officer: the previous one's Acadis ID is retired)
                         str(ma_file(tmp_path / "acadis.xlsx", acadis, code)), "--retire-most")
        assert result.returncode == 0, result.stderr
        assert training_ids(small_package) == [(str(acadis), "2023-01-05")]


@pytest.mark.parametrize("code, value, shown", [
    ("000000", 123, False), ("#,##0", 1234, False), ('0" "', 123, False), (";;;", 123, False), ("0.00", 123, False),
    ("General", 123.0, False), ("0", 123.4, False), ("General", 123456789012, False), ("General", 0.1 + 0.2, False),
    ("[Red]General", 123, False), ("General", 123, True), ("general", 123, True), ("0", 123, True), ("@", 123, True),
    ("General", 123.5, True), ("General", 12345678901, True)])
def test_which_numbers_excel_shows_as_stored(code, value, shown):
    from certdata.importers.formats import number_shown
    assert number_shown(code, value) is shown


def test_a_date_is_imported_only_where_its_format_shows_the_whole_date(small_package, tmp_path):
    """A date cell is published as an ISO date, whatever format shows it, when the format shows its day, month and
    year; one that shows a part of it, or words beside it, is refused; a number under a format that is no date's
    (;;;) is refused as a number."""
    settle_ma_disclosure(small_package)
    path = ma_file(tmp_path / "dates.xlsx", "555123", date=44931, date_code="m/d/yyyy")  # 2023-01-05
    assert run_cli(small_package, "import", "ma-training", str(path)).returncode == 0
    assert training_ids(small_package) == [("555123", "2023-01-05")]
    path = ma_file(tmp_path / "dates.xlsx", "555123", date=44931, date_code="mm/dd")
    refused(run_cli(small_package, "import", "ma-training", str(path)),
            "dates.xlsx [sheet 1], row 2, field completion_date: a date whose number format does not show", absent=["44931"])
    path = ma_file(tmp_path / "hidden.xlsx", "555123", date=44931, date_code=TEXT_HIDDEN)
    refused(run_cli(small_package, "import", "ma-training", str(path)),
            "hidden.xlsx [sheet 1], row 2, field completion_date: a number whose number format", absent=["44931"])


@pytest.mark.parametrize("code, shown", [
    ("m/d/yyyy", True), ("mm-dd-yy", True), ("yyyy-mm-dd", True), ("d-mmm-yy", True), ("dddd, mmmm d, yyyy", True),
    ("m/d/yy h:mm", True), ("[$-409]m/d/yyyy", True), ("yyyy-mm-dd;;;", True), ("d/m/yyyy h:mm:ss AM/PM", True),
    ("mm/dd", False), ("d-mmm", False), ("mmm-yy", False), ("h:mm", False), ("yyyy h:mm d", False), ("yy-dd", False),
    ('"Completed "yyyy-mm-dd', False), ("[White]yyyy-mm-dd", False), ("yyyy-mm-dd @", False), ("General", False),
    ("dddd yyyy mmmm", False), ('yyyy"x"mm-dd', False), ("[h]:mm", False)])
def test_which_date_formats_show_the_whole_date(code, shown):
    from certdata.importers.formats import date_shown
    assert date_shown(code) is shown


def test_a_part_read_whole_is_bounded_even_when_named_as_a_sheet_too(tmp_path):
    """The styles named also as a sheet's part (a second <sheet> whose relationship points at xl/styles.xml): openpyxl
    still reads them whole, as styles, so they are bounded as a part read whole, not exempt as a sheet."""
    from certdata.importers import MAX_PART_ELEMENTS
    styles = styles_xml().replace("</cellXfs>", "<xf/>" * MAX_PART_ELEMENTS + "</cellXfs>")
    path = mo_file(tmp_path / "both.xlsx", styles=styles, parts={"xl/workbook.xml": (
        f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="Roster" sheetId="1" '
        'r:id="rId1"/><sheet name="Two" sheetId="2" r:id="rId2"/></sheets></workbook>')})
    with pytest.raises(importers.ImportError_) as raised:
        importers.check_workbook_size(path)
    assert f"both.xlsx: its styles holds more than {MAX_PART_ELEMENTS:,} XML elements" in str(raised.value)


# A neighbour of ;;; (the thirteenth attack run's "not covered"): text drawn in its background's colour, or too small.

def styled_roster(path, styles):
    """A roster written by openpyxl whose agency cells (column D) take the given font and fill, one per data row."""
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(MO_HEADER)
    for row, (font, fill) in zip(MO_ROWS, styles):
        sheet.append(row)
        cell = sheet.cell(row=sheet.max_row, column=4)
        cell.font = font
        if fill is not None:
            cell.fill = fill
    book.save(path)
    return path


def test_text_drawn_in_its_background_s_colour_or_too_small_to_read_is_refused(small_package, tmp_path):
    from openpyxl.styles import Font, PatternFill
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    black_fill = PatternFill(fill_type="solid", fgColor="FF000000")
    from openpyxl.styles import GradientFill
    for name, styles in (("white-on-white", [(Font(color="FFFFFFFF"), None), (Font(), None)]),
                         ("black-on-black", [(Font(), None), (Font(color="FF000000"), black_fill)]),
                         ("tiny", [(Font(sz=1), None), (Font(), None)]),
                         # an attack run after the twentieth: a dark pattern and a gradient were read as the sheet's white
                         ("dark pattern", [(Font(), PatternFill(patternType="darkGray", fgColor="FF000000",
                                                                bgColor="FF000000")), (Font(), None)]),
                         ("dark pattern, default colour", [(Font(), PatternFill(patternType="darkGray")), (Font(), None)]),
                         ("gradient", [(Font(), GradientFill(stop=("FF000000", "FF000000"))), (Font(), None)])):
        path = styled_roster(tmp_path / f"{name}.xlsx", styles)
        result = run_cli(small_package, "import", "mo-roster", str(path))
        refused(result, "field agency_name: its font is drawn in its background's colour, or is too small to read",
                absent=["Boone", "Ashland"])
        unchanged(small_package, before)
    # white on a dark fill, a coloured font, the default: read as Excel shows them
    path = styled_roster(tmp_path / "readable.xlsx", [(Font(color="FFFFFFFF"), black_fill), (Font(color="FFC00000", sz=8), None)])
    assert run_cli(small_package, "import", "mo-roster", str(path)).returncode == 0
    path = styled_roster(tmp_path / "readable.xlsx", [(Font(), PatternFill(patternType="lightGray", fgColor="FF000000")),
                                                      (Font(), PatternFill(patternType="gray125"))])  # mostly white
    assert run_cli(small_package, "import", "mo-roster", str(path)).returncode == 0
    assert {"Boone County Sheriff's Office", "Ashland Police Department"} <= agency_names(small_package)


# The fourteenth attack run: a run of rich text drawn unreadable (1-point white " age 43" after "Doe, John") was
# published; Excel shows only the visible text. Every run's <rPr> is checked, in the table of texts and inline.

def rich(visible, hidden, props):
    """A rich text's runs: the visible text in the cell's font, then the hidden text in a run of its own font."""
    return f'<r><t>{escape(visible)}</t></r><r><rPr>{props}</rPr><t xml:space="preserve">{escape(hidden)}</t></r>'


def rich_roster(path, shared, name_props, agency_props=None, styles=None, extra=""):
    """MO_ROWS with " Quillon" added to the first name and " Annex" to the first agency, each in a run of the given
    <rPr> content (None: no such run), as shared texts or inline ones. The words are ones the name checks pass, so
    that only the run's look can refuse them (the attack run's " age 43" is refused by its words too)."""
    runs = {(2, 1): (MO_ROWS[0][0], " Quillon", name_props), (2, 4): (MO_ROWS[0][3], " Annex", agency_props)}
    runs = {cell: rich(*run) + extra for cell, run in runs.items() if run[2] is not None}
    rows = [MO_HEADER] + MO_ROWS
    if shared:
        items = []
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                items.append(runs.get((r, c), f'<t xml:space="preserve">{escape(value)}</t>'))
        table = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">' + "".join(f"<si>{i}</si>" for i in items) + "</sst>"
        sheet = sheet_xml([[Shared(r * 4 + c) for c in range(4)] for r in range(len(rows))])
        return workbook(path, sheet, styles=styles, strings=table)
    sheet = sheet_xml(rows)
    for (r, c), xml in runs.items():
        plain = f'<c r="{get_column_letter(c)}{r}" t="inlineStr"><is><t xml:space="preserve">{escape(rows[r - 1][c - 1])}</t></is>'
        sheet = sheet.replace(plain, f'<c r="{get_column_letter(c)}{r}" t="inlineStr"><is>{xml}</is>', 1)
    return workbook(path, sheet, styles=styles)


HIDDEN_RUNS = {
    "1-point white (the attack run's)": '<sz val="1"/><color rgb="FFFFFFFF"/>',
    "white": '<sz val="11"/><color rgb="FFFFFFFF"/>',
    "1 point": '<sz val="1"/>',
    "3.5 points": '<sz val="3.5"/><color theme="1"/>',
    "a size that is no number": '<sz val="NaN"/>',
    "all but white": '<color rgb="FFFEFEFE"/>',
    "the default theme's white": '<color theme="0"/>',
    "the palette's white": '<color indexed="9"/>',
    "black tinted to near white": '<color theme="1" tint="0.95"/>',
}


@pytest.mark.parametrize("shared", [True, False], ids=["shared", "inline"])
@pytest.mark.parametrize("props", HIDDEN_RUNS.values(), ids=HIDDEN_RUNS)
def test_a_run_of_rich_text_drawn_unreadable_is_refused(small_package, tmp_path, shared, props):
    before = (small_package / "data" / "mo_officers.csv").read_bytes()
    for name, agency, field in ((props, None, "officer_name"), (None, props, "agency_name")):
        path = rich_roster(tmp_path / "rich.xlsx", shared, name, agency)
        refused(run_cli(small_package, "import", "mo-roster", str(path)),
                f"rich.xlsx [sheet 1], row 2, field {field}: part of its text (a run of rich text) is drawn in its "
                "background's colour, or too small to read", absent=["Quillon", "Annex", "Doe", "Boone"])
        unchanged(small_package, before)


def test_readable_runs_of_rich_text_are_imported_as_excel_shows_them(small_package, tmp_path):
    """Runs in a colour, bold, black, of their own size, or drawn in white on a dark fill, are read (their text is the
    cell's); a phonetic run (<rPh>, a reading shown above Japanese text) is never published."""
    phonetic = '<rPh sb="0" eb="3"><t>Lives in Riverside</t></rPh><phoneticPr fontId="0" type="noConversion"/>'
    for shared in (True, False):
        path = rich_roster(tmp_path / "readable.xlsx", shared, '<b/><sz val="11"/><color rgb="FFC00000"/>',
                           '<sz val="8"/><color theme="1"/>', extra=phonetic)
        result = run_cli(small_package, "import", "mo-roster", str(path))
        assert result.returncode == 0, result.stderr
        assert "Boone County Sheriff's Office Annex" in agency_names(small_package)
        published = (small_package / "data" / "mo_officers.csv").read_text(encoding="utf-8")
        assert "Doe, Jane Q Quillon" in published
        assert "Riverside" not in published and "Riverside" not in " ".join(agency_names(small_package))
    dark = styles_xml().replace('<fills count="1"><fill><patternFill patternType="none"/></fill></fills>',
                                '<fills count="1"><fill><patternFill patternType="solid"><fgColor rgb="FF000000"/>'
                                '</patternFill></fill></fills>').replace('<font><sz val="11"/>',
                                                                         '<font><sz val="11"/><color rgb="FFFFFFFF"/>')
    path = rich_roster(tmp_path / "dark.xlsx", True, '<color rgb="FFFFFFFF"/>', None, styles=dark)
    assert run_cli(small_package, "import", "mo-roster", str(path)).returncode == 0
    path = rich_roster(tmp_path / "black.xlsx", True, '<color rgb="FF000000"/>', None, styles=dark)
    refused(run_cli(small_package, "import", "mo-roster", str(path)), "black.xlsx [sheet 1], row 2, field officer_name: "
            "part of its text (a run of rich text)", absent=["Quillon"])


def test_the_attack_run_s_rich_text_written_by_openpyxl_is_refused(small_package, tmp_path):
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    for column, (visible, hidden) in ((1, ("Doe, John", " age 43")),
                                      (4, ("Columbia Police Department", " Lives in Shelbyville"))):
        book = openpyxl.Workbook()
        book.active.append(MO_HEADER)
        row = list(MO_ROWS[0])
        row[column - 1] = CellRichText(visible, TextBlock(InlineFont(sz=1, color="FFFFFFFF"), hidden))
        book.active.append(row)
        book.save(tmp_path / "openpyxl.xlsx")
        refused(run_cli(small_package, "import", "mo-roster", str(tmp_path / "openpyxl.xlsx")),
                f"row 2, field {['officer_name', 'agency_name'][column > 1]}: part of its text", absent=[hidden.strip()])


def test_the_looks_of_runs_are_kept_once_and_bounded(monkeypatch):
    """Each different look of a run is kept once, and a workbook's texts may hold only so many: 2 million texts of as
    many colours would otherwise take a gigabyte. A text past the bound is refused by row and field."""
    import xml.etree.ElementTree as ElementTree

    from certdata.importers import formats
    monkeypatch.setattr(formats, "MAX_RUN_LOOKS", 2)
    drawn = formats.CellFormats()

    def text(rgb, size="11"):
        return ElementTree.fromstring(f'<si xmlns="{MAIN}"><t>Doe</t><r><rPr><sz val="{size}"/><color rgb="{rgb}"/></rPr>'
                                      '<t>, Jane</t></r></si>')
    first = drawn.runs(text("FF111111"))
    assert drawn.runs(text("FF111111", "12")) is first  # sizes that are readable are one look
    assert drawn.runs(ElementTree.fromstring(f'<si xmlns="{MAIN}"><t>Doe, Jane</t></si>')) is None
    assert drawn.runs_problem(0, first) is None
    assert drawn.runs_problem(0, drawn.runs(text("FFFFFFFF"))) == formats.RUN_UNREADABLE
    assert drawn.runs(text("FF333333")) is formats.OVERFLOW
    assert drawn.runs_problem(0, formats.OVERFLOW) == formats.MANY_LOOKS


@pytest.mark.parametrize("font, fill, shown", [
    ({"color": "FFFEFEFE"}, None, False),  # all but white, on white
    ({"color": {"theme": 4}}, "FF4F81BD", False),  # the theme's first accent on a fill of its RGB
    ({"color": {"theme": 1, "tint": 0.95}}, None, False),  # black tinted to F2F2F2
    ({"color": {"indexed": 8}}, "FF000000", False),  # the palette's black on black
    ({"color": {"theme": 4}}, None, True), ({"color": "FFE0E0E0"}, None, True), ({"color": {"theme": 1, "tint": 0.5}}, None, True)])
def test_a_cell_s_font_is_compared_with_its_background_as_excel_draws_them(small_package, tmp_path, font, fill, shown):
    """A theme or palette colour is resolved (the theme from the workbook's theme part), its tint applied, and a colour
    within a few steps of the background's is the background's."""
    from openpyxl.styles import Color, Font, PatternFill
    drawn = Font(color=Color(**font["color"]) if isinstance(font["color"], dict) else font["color"])
    fills = PatternFill(fill_type="solid", fgColor=fill) if fill else None
    path = styled_roster(tmp_path / "colour.xlsx", [(drawn, fills), (Font(), None)])
    result = run_cli(small_package, "import", "mo-roster", str(path))
    if shown:
        assert result.returncode == 0, result.stderr
    else:
        refused(result, "row 2, field agency_name: its font is drawn in its background's colour", absent=["Boone"])


# The fourteenth attack run: a 0.95 MB workbook of 12,000 rows of 10,000-character texts (482 MB unpacked) peaked at
# 580 MB, every row held, before its row 2 was refused for holding more than the schema's 200 characters.

def long_texts(path, header, rows, long_columns):
    long = "Doe, Jane" + " Quillfeather" * 768  # 9,993 characters, under the 10,000 of any cell
    row = [long if column in long_columns else value for column, value in enumerate(["Doe, Jane", "Revoked", "unknown",
                                                                                       "Ashland Police Department"])]
    row = row[:1] + [long] * (len(header) - 4) + row[1:]
    cells = "".join(f'<c r="{get_column_letter(c)}{{r}}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                    for c, v in enumerate(row, start=1))
    head = "".join(f'<c r="{get_column_letter(c)}1" t="inlineStr"><is><t>{h}</t></is></c>' for c, h in enumerate(header, 1))
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData><row r="1">{head}</row>'
             + "".join(f'<row r="{r}">' + cells.replace("{r}", str(r)) + "</row>" for r in range(2, rows + 2))
             + "</sheetData></worksheet>")
    return workbook(path, sheet)


def test_a_text_longer_than_its_field_is_refused_as_it_is_read(small_package, tmp_path):
    result, baseline = run_cli_peak(small_package, "import", "mo-roster", str(mo_file(tmp_path / "plain.xlsx")))
    assert result.returncode == 0, result.stderr
    path = long_texts(tmp_path / "long.xlsx", MO_HEADER, 2_500, {0, 1, 2, 3})  # 100 MB of texts unpacked
    result, peak = run_cli_peak(small_package, "import", "mo-roster", str(path))
    refused(result, "long.xlsx [sheet 1], row 2, field officer_name: 9,993 characters, more than the 200 the field may "
            "hold; it is not shown", absent=["Quillfeather"])
    assert peak - baseline < 30_000, (peak, baseline)  # kilobytes: it was 100 MB more, every row held


def test_the_cells_of_a_column_that_is_not_read_are_not_held(small_package, tmp_path):
    """Long texts in closed columns between open ones are dropped as each row is read, not held to the end."""
    result, baseline = run_cli_peak(small_package, "import", "mo-roster", str(mo_file(tmp_path / "plain.xlsx")))
    assert result.returncode == 0, result.stderr
    header = MO_HEADER[:1] + ["Notes A", "Notes B", "Notes C", "Notes D"] + MO_HEADER[1:]
    result, peak = run_cli_peak(small_package, "import", "mo-roster",  # other officers than plain.xlsx's: retires them
                                str(long_texts(tmp_path / "closed.xlsx", header, 2_500, set())), "--retire-most")
    assert result.returncode == 0, result.stderr
    assert "Quillfeather" not in result.stderr
    assert peak - baseline < 30_000, (peak, baseline)


class Written:
    """A number cell's text as the XML holds it."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def test_a_number_cell_beyond_what_excel_holds_is_refused_never_read_as_inf(small_package, tmp_path):
    """An attack run after the seventeenth: Acadis IDs written 1E999 and 2E999 (beyond a double) were read as inf, and
    two officers became one page, /officer/ma/inf."""
    settle_ma_disclosure(small_package)
    before = (small_package / "data" / "ma_training.csv").read_bytes()
    for text in ("1E999", "-1E999"):
        path = workbook(tmp_path / "ids.xlsx", sheet_xml([["Acadis ID", "Officer Name", "Course Name", "Completion Date"],
                                                          [Written(text), "Ann Lee", "Firearms", "2019-06-14"]]))
        result = run_cli(small_package, "import", "ma-training", str(path), "--received", "2023-10-01")
        refused(result, "row 2, field acadis_id", absent=("inf", "nan"))
        assert (small_package / "data" / "ma_training.csv").read_bytes() == before
    path = workbook(tmp_path / "ids.xlsx", sheet_xml([["Acadis ID", "Officer Name", "Course Name", "Completion Date"],
                                                      [Written("NaN"), "Ann Lee", "Firearms", "2019-06-14"]]))
    refused(run_cli(small_package, "import", "ma-training", str(path), "--received", "2023-10-01"), "ids.xlsx")


def test_a_line_break_in_a_workbook_cell_is_named(small_package, tmp_path):
    """A second attack run after the twentieth: a wrapped cell in a row one line high shows its first line in Excel
    ("Doe, Jane"); its second line was published without a word. It is read as a space, and the row named."""
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(MO_HEADER)
    for row in MO_ROWS:
        sheet.append(row)
    sheet.cell(row=3, column=1).value = sheet.cell(row=3, column=1).value + "\nJr"
    book.save(tmp_path / "wrapped.xlsx")
    result = run_cli(small_package, "import", "mo-roster", str(tmp_path / "wrapped.xlsx"))
    assert result.returncode == 0, result.stderr
    assert "1 cell(s) of the columns read hold a line break (rows 3)" in result.stderr, result.stderr
