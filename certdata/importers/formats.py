"""Reading an agency's file as Excel shows it: where a workbook's rows and cells sit, what a cell's number format and
font make Excel show in place of the value it stores, and which text encoding a CSV export is in.

Takes a sheet's row and cell references (Placement), a workbook's styles and theme (CellFormats, theme_colours,
conditional_problems), a CSV's bytes (csv_encoding). Gives each row's number, or a refusal naming the row; why a cell
would be shown otherwise than published, or None; the codec a CSV is read in, or a refusal naming the row, the likely
encoding and how to convert the file. The rules of each are written above it.

The importer publishes a cell's stored value; Excel shows it through the cell's number format, which can show
other text, or nothing (the thirteenth attack run): ``;;;`` shows nothing at all, ``;;;"Columbia Police
Department"`` shows that agency in place of any text, ``000000`` shows the number 123 as 000123. A cell whose
format would show anything but what is published is refused, by row and field; a reason never quotes the value
or the format code, which can hold a value too.

Text is published as stored when its format has no text section (fewer than four sections, none holding ``@``),
or its text section is ``@`` alone (with nothing beside it but space: ``_(@_)``, the accounting formats').

A number is published as stored only where Excel shows it as stored: under General (or ``@``, or ``0`` for a
whole number) and short enough for General not to round it or turn to 1.2E+11. A number under any other format
is refused, not rendered as Excel would: the only numbers an import takes are identifiers (Acadis ID, state ID)
and dates, and an identifier re-rendered from a format by a renderer that got one case wrong (rounding,
grouping, a locale's built-in format, a condition) would become another officer's identifier, or move an
officer's page, without a word; a refusal is seen, and fixed by an export with the column as text.

A date is published as an ISO date, whatever format shows it, when its format shows its day, month and year and
no other text; a format that shows part of it (``mm/dd``, ``h:mm``) or words beside it is refused.

Conditional formats can apply a number format, or show a data bar or icon without the value: over an open
column they are refused too (conditional_problems), whatever their condition, which the importer cannot evaluate.

A cell whose font is drawn in its background's colour (white on white, black on a black fill), or in one within
NEAR of it in each of red, green and blue (FEFEFE on white), or too small to read (under 4 points) shows nothing
readable, whatever it holds: refused too (the thirteenth attack run's neighbour of ``;;;``). So is a cell holding rich
text (the table of texts' <si>, an inline <is>) one of whose runs is drawn so (the fourteenth attack run: "Doe, John"
followed by " age 43" in white 1-point text was published; Excel shows "Doe, John"): a run's <rPr> sets its own size
and colour, a property it leaves out is the cell font's (or, for a colour, automatic black: either is checked).
SpreadsheetML has no hidden-text property (WordprocessingML's ``vanish``); phonetic runs (<rPh>) are never published.
Colours are resolved as Excel draws them: an RGB value, a theme colour from the workbook's theme (its first two, white
and black, when it has none), the legacy palette (as the styles' <indexedColors> may redefine it), each with its tint;
a colour that cannot be told (another theme colour without a theme) is taken as readable.
"""
import colorsys
import datetime
import functools
import math
import re

from openpyxl.styles.colors import COLOR_INDEX

from ..names import APOSTROPHE_LETTERS

BUILTIN = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
           12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
           19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 37: "#,##0_);(#,##0)",
           38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)", 40: "#,##0.00_);[Red](#,##0.00)",
           41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)', 42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
           43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
           44: '_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)', 45: "mm:ss", 46: "[h]:mm:ss",
           47: "mmss.0", 48: "##0.0E+0", 49: "@"}  # Excel's own (openpyxl's table lacks 44's semicolons)
CUSTOM_FLOOR = 164  # ids below are Excel's built-in formats; those not listed above depend on the locale

TEXT_SHOWN = ("its number format makes Excel show other text, or nothing, in place of the cell's text (a format "
              "such as ;;; hides it, a quoted text in its fourth section replaces it)")
NUMBER_SHOWN = ("a number whose number format makes Excel show it otherwise than it would be published (a format of "
                "zeros adds leading zeros; others round it, group its digits or add text; General shows a long one in "
                "scientific notation), and a number is not re-rendered from its format: an identifier got wrong would "
                "move an officer's page")
DATE_SHOWN = ("a date whose number format does not show its day, month and year, or shows other text beside them or "
              "in their place")
UNDEFINED = "a cell style or number format the workbook does not define, so what Excel shows cannot be told"
UNREADABLE = ("its font is drawn in its background's colour, or is too small to read, or is a font of symbols (Wingdings), "
              "or the cell is indented out of sight, so Excel shows nothing readable in place of the cell's value")
RUN_UNREADABLE = ("part of its text (a run of rich text) is drawn in its background's colour, or too small to read, or in a "
                  "font of symbols, so Excel shows less than would be published")
SMALLEST_READABLE = 4.0  # points
# Fonts whose letters Excel draws as pictures (an attack run after the twenty-first: a name, or a run " Mormon" after it,
# in Wingdings was published), an indent that pushes a cell's text out of a column's width, and the size Excel draws a
# superscript or subscript run at (of its font's size)
SYMBOL_FONTS = frozenset({"wingdings", "wingdings 2", "wingdings 3", "webdings", "symbol", "marlett", "zapf dingbats",
                          "mt extra", "bookshelf symbol 7", "ms reference specialty", "segoe mdl2 assets",
                          "segoe fluent icons", "ms outlook", "wingdings-regular"})
MAX_INDENT = 15
SCRIPT_SCALE = 0.66
MANY_LOOKS = ("its rich text is drawn in one of more fonts than the importer tells apart (MAX_RUN_LOOKS different "
              "colours and sizes in the workbook's runs), so whether Excel shows all of it cannot be told")
MAX_RUN_LOOKS = 10_000  # different looks of runs a workbook's texts may hold (each kept once): a real one has a few
OVERFLOW = frozenset({(("overflow",), None)})  # the looks of a text past MAX_RUN_LOOKS
NEAR = 24  # of 255, in each of red, green and blue: a text colour this close to its background's cannot be read
WHITE, BLACK = "FFFFFF", "000000"
INHERITED = "inherited"  # a run's colour its <rPr> does not set
# The legacy palette (the <color indexed="n"/> colours), as Excel's default; 64 and 65 are the system's foreground and
# background (black, white). A workbook's styles may redefine the first 64 (<colors><indexedColors>).
PALETTE = tuple(c[-6:] for c in COLOR_INDEX) + (BLACK, WHITE)
THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6", "hlink",
               "folHlink")  # a theme colour's index: Excel swaps the scheme's first two pairs (dk1, lt1, dk2, lt2)


def colour(node, theme=None, palette=PALETTE, automatic=None):
    """The RGB a <color>, <fgColor> element (or its attributes) names, tint applied: an ARGB or RGB value, a theme
    colour (theme: the workbook's, by index; without one, the default theme's first two, white and black), the
    legacy palette's; automatic for auto="1"; None when it cannot be told, which is taken as readable."""
    if node is None:
        return None
    rgb = None
    if node.get("rgb"):
        rgb = node.get("rgb")[-6:].upper()
    elif node.get("theme") is not None:
        index = number(node.get("theme"))
        rgb = (theme[index] if theme and 0 <= index < len(theme) else {0: WHITE, 1: BLACK}.get(index) if not theme
               else None)
    elif node.get("indexed") is not None:
        index = number(node.get("indexed"))
        rgb = palette[index] if 0 <= index < len(palette) else None
    elif str(node.get("auto")).lower() in ("1", "true"):
        rgb = automatic
    if rgb is None or not re.fullmatch("[0-9A-F]{6}", rgb):
        return None
    tint = node.get("tint")
    if tint not in (None, "0", "0.0"):
        try:
            tint = float(tint)
        except ValueError:
            return None
        if not -1 <= tint <= 1:
            return None
        hue, light, saturation = colorsys.rgb_to_hls(*(int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4)))
        light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint  # Excel's tint: towards black or white
        rgb = "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(hue, light, saturation))
    return rgb


def alike(text, background):
    """Whether text drawn in the RGB text is unreadable on the RGB background: the same, or within NEAR in each of red,
    green and blue (FEFEFE on white). None (a colour that cannot be told) is taken as readable."""
    if text is None or background is None:
        return False
    return all(abs(int(text[i:i + 2], 16) - int(background[i:i + 2], 16)) <= NEAR for i in (0, 2, 4))


def too_small(size):
    """Whether a font size (points; None: not set) is too small to read; a size that is no number (nan) is too."""
    return size is not None and not (size >= SMALLEST_READABLE)


def font_size(text):
    try:
        return float(text) if text is not None else None
    except ValueError:
        return math.nan  # not a size Excel can draw: taken as unreadable


def symbol_font(node):
    """Whether a <font> or a run's <rPr> names a font of symbols (its <name> or <rFont>)."""
    return any(child.tag.rsplit("}", 1)[-1] in ("name", "rFont") and str(child.get("val", "")).strip().lower() in SYMBOL_FONTS
               for child in node)


def scripted(node):
    """Whether a <font> or <rPr> draws its text as a superscript or subscript (smaller)."""
    return any(child.tag.rsplit("}", 1)[-1] == "vertAlign" and child.get("val") in ("superscript", "subscript")
               for child in node)


def theme_colours(source):
    """The theme's colours (RGB or None) by the index a <color theme="n"/> gives, from its part's XML."""
    import xml.etree.ElementTree as ElementTree
    found = {}
    for _, node in ElementTree.iterparse(source):
        name = node.tag.rsplit("}", 1)[-1]
        if name in THEME_ORDER and name not in found:
            value = next(filter(None, (drawing_colour(child) for child in node)), None)
            found[name] = value.upper() if value and re.fullmatch("[0-9A-Fa-f]{6}", value) else None
        elif name == "clrScheme":
            break
    return [found.get(name) for name in THEME_ORDER] if found else None


# DrawingML's preset and system colours by name (those a theme may give its text and background in; the others are
# told by their RGB where the part gives one)
PRESET_COLOURS = {"white": WHITE, "black": BLACK, "window": WHITE, "windowText": BLACK, "snow": "FFFAFA",
                  "ivory": "FFFFF0", "ghostWhite": "F8F8FF", "whiteSmoke": "F5F5F5", "floralWhite": "FFFAF0"}


def drawing_colour(child):
    """The RGB of a DrawingML colour element of a theme: srgbClr, sysClr (its last colour, or its name's), scrgbClr
    (linear percentages), hslClr, prstClr (an attack run after the twenty-first made the theme's text white with each
    of the last three, which were taken as readable); None for another element."""
    kind = child.tag.rsplit("}", 1)[-1]
    if kind == "srgbClr":
        return child.get("val")
    if kind == "sysClr":
        return child.get("lastClr") or PRESET_COLOURS.get(child.get("val"))
    if kind == "prstClr":
        return PRESET_COLOURS.get(child.get("val"))
    values = [number(child.get(a)) for a in (("r", "g", "b") if kind == "scrgbClr" else ("hue", "sat", "lum"))]
    if min(values) < 0:  # not a number: cannot be told
        return None
    try:
        if kind == "scrgbClr":  # linear light, in thousandths of a percent: as sRGB
            linear = [min(1.0, v / 100_000) for v in values]
            return "".join(f"{round(255 * (12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055)):02X}" for v in linear)
        if kind == "hslClr":  # hue in 60,000ths of a degree, saturation and light in thousandths of a percent
            hue, sat, light = values
            rgb = colorsys.hls_to_rgb(hue / 21_600_000 % 1, min(1.0, light / 100_000), min(1.0, sat / 100_000))
            return "".join(f"{round(255 * c):02X}" for c in rgb)
    except (TypeError, ValueError):
        return None
    return None


CONDITIONAL = ("a conditional format over these cells that can change what Excel shows in place of their values (a "
               "number format, or a data bar or icon set shown without the value)")


def sections(code):
    """The format code's sections (split at ; outside quotes), each a list of (kind, text) tokens: literal (quoted
    or escaped text), space (_x: room the width of x), fill (*x: x repeated), bracket ([Red], [$-409], [>0]), text
    (@) and char (anything else: digits' placeholders, date codes, punctuation shown as it is)."""
    out, tokens, i = [], [], 0
    while i < len(code):
        c = code[i]
        if c == ";":
            out.append(tokens)
            tokens = []
        elif c == '"':
            end = code.find('"', i + 1)
            end = len(code) if end < 0 else end
            tokens.append(("literal", code[i + 1:end]))
            i = end
        elif c in "\\_*" and i + 1 < len(code):
            tokens.append(({"\\": "literal", "_": "space", "*": "fill"}[c], code[i + 1]))
            i += 1
        elif c == "[":
            end = code.find("]", i + 1)
            end = len(code) if end < 0 else end
            tokens.append(("bracket", code[i + 1:end]))
            i = end
        elif c == "@":
            tokens.append(("text", c))
        else:
            tokens.append(("char", c))
        i += 1
    out.append(tokens)
    return out


def blank(token):
    """A token that shows only space, or nothing: _x, a fill of spaces, a space, a locale tag such as [$-409]."""
    kind, text = token
    return (kind == "space" or (kind in ("fill", "char", "literal") and not text.strip())
            or (kind == "bracket" and text.startswith("$-")))


def text_shown(code):
    """Whether Excel shows a text cell under this format as the text itself."""
    parts = sections(code)
    if len(parts) >= 4:
        section = parts[3]
    elif not any(kind == "text" for part in parts for kind, _ in part):
        return True  # no text section: Excel shows text as it is
    elif len(parts) == 1:
        section = parts[0]
    else:
        return False  # an @ in a number's section: which section Excel gives text is not certain
    shown = [token for token in section if not blank(token)]
    return shown == [("text", "@")]


def general(code):
    return code.strip().lower() == "general" or code.strip() == "@"


def number_shown(code, value):
    """Whether Excel shows a number cell under this format as str(value), the text the importer publishes."""
    if isinstance(value, bool):
        return True  # true/false: refused by the importer in every column
    if isinstance(value, float) and not math.isfinite(value):
        return False  # 1E999 is read as inf, which Excel shows as no number (an attack run after the seventeenth:
        # two officers' identifiers written so became one page, the officer page of "inf")
    if isinstance(value, int):
        shown = str(value)
        fits = general(code) or code.strip() == "0"
    else:
        shown = str(int(value)) if value == value and value.is_integer() else repr(value)
        fits = general(code)
    return fits and len(shown) <= 11 and "e" not in shown and shown == str(value)


DATE_RUN = re.compile(r"(?i)am/pm|a/p|([a-z])\1*|.")


def date_shown(code):
    """Whether a date under this format shows its day, month and year and nothing but separators and time."""
    chars = []
    for kind, text in sections(code)[0]:
        if kind == "bracket" and not text.startswith("$-"):
            return False  # a colour (white on white), a condition, an elapsed time
        if kind in ("literal", "fill") and re.search(r"[^\W_]", text):
            return False  # words or digits beside the date
        if kind == "text":
            return False
        if kind == "char":
            chars.append(text)
    runs = []
    for match in DATE_RUN.finditer("".join(chars)):
        run = match.group(0).lower()
        if run in ("am/pm", "a/p"):
            continue
        if run[0].isalpha():
            if run[0] not in "ymdhs":
                return False  # another letter shows as itself, or an era (e, g, b) in place of the year
            runs.append(run)
    letters = [run[0] for run in runs]
    month = any(run[0] == "m" and not (i and letters[i - 1] == "h") and letters[i + 1:i + 2] != ["s"]
                for i, run in enumerate(runs))  # m after h, or before s, is minutes
    day = any(run[0] == "d" and len(run) <= 2 for run in runs)  # ddd and dddd are the day's name
    return month and day and "y" in letters


class CellFormats:
    """A workbook's cell formats as Excel reads them from its styles part (Excel's, found by the relationships), its
    colours from its theme (theme: the theme part's colours, theme_colours): problem(style, value) says why Excel
    would show a cell of that style otherwise than published, or None; runs and runs_problem do for rich text."""

    def __init__(self, source=None, theme=None):
        self.codes, self.cell_xfs, self.style_xfs, self.dxf_formats, self.dxf_looks = {}, [], [], [], []
        self.fonts, self.fills, self.looks = [], [], []  # (its <color>'s attributes or None, size), a fill's, per xf
        self.indents = []  # per xf: its alignment's indent
        self.theme, self.palette = theme, list(PALETTE)
        self.text, self.dates, self.numbers = {}, {}, {}  # style: the verdict on its text, its dates; its formats
        self.drawn, self.run_looks = {}, {}  # style: (RGB, size, background); the runs' looks, each kept once
        if source is not None:
            self.read(source)

    def read(self, source):
        import xml.etree.ElementTree as ElementTree
        path, palette = [], []
        for event, node in ElementTree.iterparse(source, events=("start", "end")):
            name = node.tag.rsplit("}", 1)[-1]
            if event == "start":
                path.append(name)
                continue
            path.pop()
            parent = path[-1] if path else None
            if name == "numFmt" and parent == "numFmts":
                self.codes[number(node.get("numFmtId"))] = node.get("formatCode") or ""
            elif name == "xf" and parent == "cellXfs":
                self.cell_xfs.append((number(node.get("numFmtId", "0")), number(node.get("xfId", "0")),
                                      node.get("applyNumberFormat")))
                self.indents.append(max([number(c.get("indent", "0")) for c in node if c.tag.rsplit("}", 1)[-1] == "alignment"],
                                        default=0))
                self.looks.append((number(node.get("fontId", "0")), number(node.get("fillId", "0"))))
            elif name == "font" and parent == "fonts":
                size = font_size(next((child.get("val") for child in node if child.tag.rsplit("}", 1)[-1] == "sz"), None))
                size = 0.0 if symbol_font(node) else size * SCRIPT_SCALE if size and scripted(node) else size
                drawn = next((c for c in node if c.tag.rsplit("}", 1)[-1] == "color"), None)
                self.fonts.append((None if drawn is None else dict(drawn.attrib), size))  # no colour: automatic, black
            elif name == "fill" and parent == "fills":
                self.fills.append(fill_grounds(node))
            elif name == "dxf" and parent == "dxfs":
                self.dxf_looks.append(dxf_look(node))
            elif name == "rgbColor" and parent == "indexedColors":
                palette.append((node.get("rgb") or "")[-6:].upper())
            elif name == "xf" and parent == "cellStyleXfs":
                self.style_xfs.append(number(node.get("numFmtId", "0")))
            if name == "dxf" and parent == "dxfs":
                self.dxf_formats.append(any(child.tag.rsplit("}", 1)[-1] == "numFmt" for child in node))
            if name in ("xf", "dxf", "numFmt", "font", "fill", "rgbColor") and parent != "dxf":  # (a dxf reads its own)
                node.clear()
        self.palette[:len(palette[:64])] = palette[:64]

    def format_codes(self, style):
        """The format codes Excel may show a cell of this style with (its own, and its cell style's where it says
        it does not apply its own), or None when the style or a format is not defined."""
        if not self.cell_xfs:
            return ["General"]  # no styles: Excel shows every cell in General
        if not 0 <= style < len(self.cell_xfs):
            return None
        own, parent, applied = self.cell_xfs[style]
        ids = [own] + ([self.style_xfs[parent]] if applied in ("0", "false") and 0 <= parent < len(self.style_xfs) else [])
        codes = []
        for format_id in ids:
            code = self.codes.get(format_id, BUILTIN.get(format_id))
            if format_id < 0 or (code is None and format_id >= CUSTOM_FLOOR):
                return None
            codes.append(code)  # None: a built-in format of the locale (a currency, an Asian date), no text section
        return codes

    def appearance(self, style):
        """(RGB of its font or None, size or None, the RGBs its background is drawn in, each or None) of a cell style, as Excel draws it."""
        try:
            return self.drawn[style]
        except KeyError:
            pass
        font_id, fill_id = self.looks[style] if 0 <= style < len(self.looks) else (0, 0)
        drawn, size = self.fonts[font_id] if 0 <= font_id < len(self.fonts) else (None, None)
        rgb = BLACK if drawn is None else colour(drawn, self.theme, self.palette, BLACK)  # no <color>: automatic
        grounds = self.fills[fill_id] if 0 <= fill_id < len(self.fills) else ()
        background = tuple(colour(g, self.theme, self.palette, BLACK) for g in grounds) or (WHITE,)  # no fill: the sheet's
        self.drawn[style] = rgb, size, background
        return self.drawn[style]

    def unreadable(self, style):
        """Whether the style draws its text in (or near) its background's colour (a sheet's is white) or under 4 points."""
        if not 0 <= style < len(self.looks):
            return False
        rgb, size, background = self.appearance(style)
        return (too_small(size) or any(alike(rgb, ground) for ground in background)
                or (style < len(self.indents) and self.indents[style] > MAX_INDENT))

    def runs(self, node):
        """The looks of the runs of rich text (<r>) in a <si> or <is> element that set their own font (an <rPr>) and
        hold text, each (its colours: RGB, None or INHERITED; whether a size it sets is too small, None when it sets
        none), as one shared frozenset (OVERFLOW past MAX_RUN_LOOKS different ones); None when no run sets one
        (plain text, the common case: one pass over the element's children). Phonetic runs (<rPh>) are not looked
        at: they are never published."""
        found = None
        for run in node if node is not None else ():
            tag = run.tag
            if tag[-2:] != "}r" and tag != "r":  # (not rsplit: this runs for every text cell)
                continue
            props, text = None, ""
            for child in run:
                name = child.tag.rsplit("}", 1)[-1]
                if name == "rPr":
                    props = child
                elif name == "t":
                    text += child.text or ""
            if props is None or not text:
                continue
            colours, sizes = [], []
            for child in props:
                name = child.tag.rsplit("}", 1)[-1]
                if name == "color":
                    colours.append(colour(child, self.theme, self.palette, BLACK))
                elif name == "sz":
                    sizes.append(font_size(child.get("val")))
            if scripted(props):
                sizes = [size * SCRIPT_SCALE for size in sizes]
            if symbol_font(props):
                sizes.append(0.0)
            small = any(too_small(size) for size in sizes) if sizes else None  # None: the cell font's size
            found = found or set()
            found.add((tuple(sorted(set(colours), key=str)) or (INHERITED,), small))
        if found is None:
            return None
        found = frozenset(found)
        if found not in self.run_looks and len(self.run_looks) >= MAX_RUN_LOOKS:
            return OVERFLOW  # (each look kept once: 2 million texts of as many colours would take a gigabyte)
        return self.run_looks.setdefault(found, found)  # one object for every cell whose runs look alike

    def runs_problem(self, style, looks):
        """Why a cell of this style whose runs look so (runs) shows less than its text, or None."""
        if looks is OVERFLOW:
            return MANY_LOOKS
        rgb, size, background = self.appearance(style)
        for colours, small in looks:
            drawn = [c for c in colours if c != INHERITED] + ([rgb, BLACK] if INHERITED in colours else [])
            if (too_small(size) if small is None else small) or any(alike(c, ground) for c in drawn for ground in background):
                return RUN_UNREADABLE
        return None

    def problem(self, style, value):
        """Why Excel would show the cell otherwise than the importer publishes it, or None."""
        if type(value) is str:  # the common case first: one look-up a cell
            try:
                return self.text[style]
            except KeyError:
                codes = self.format_codes(style)
                verdict = UNDEFINED if codes is None else UNREADABLE if self.unreadable(style) else None if all(
                    code is None or text_shown(code) for code in codes) else TEXT_SHOWN
                self.text[style] = verdict
                return verdict
        if self.unreadable(style):
            return UNREADABLE
        if isinstance(value, DATES):
            if style not in self.dates:
                codes = self.format_codes(style)
                self.dates[style] = UNDEFINED if codes is None else None if all(
                    code is not None and date_shown(code) for code in codes) else DATE_SHOWN
            return self.dates[style]
        if style not in self.numbers:
            self.numbers[style] = self.format_codes(style)
        codes = self.numbers[style]  # a number's verdict depends on the number too
        if codes is None:
            return UNDEFINED
        return None if all(code is not None and number_shown(code, value) for code in codes) else NUMBER_SHOWN

    def dxf_sets_format(self, index):
        return not 0 <= index < len(self.dxf_formats) or self.dxf_formats[index]

    def dxf_hides(self, index):
        """Whether a conditional format's differential format draws text unreadably: its font's colour alike its fill's
        (or, without a fill, the sheet's white), or its font too small (an attack run after the twentieth: a rule
        drawing a range's text white was imported unseen)."""
        if not 0 <= index < len(self.dxf_looks):
            return True
        return self.look_hides(self.dxf_looks[index])

    def look_hides(self, look):
        """dxf_hides for a differential format's look (dxf_look): Excel 2010's rules hold theirs in the rule."""
        font, size, grounds = look
        rgb = colour(font, self.theme, self.palette, BLACK) if font is not None else BLACK  # (no colour of its own: the
        # cell's, most often the automatic black; a rule filling a range black hides it)
        return too_small(size) or any(alike(rgb, colour(g, self.theme, self.palette, BLACK)) for g in grounds) or (
            not grounds and alike(rgb, WHITE))


DATES = (datetime.date, datetime.time, datetime.timedelta)


# Patterns that draw mostly their foreground colour over their background (Excel's fill patterns; the light ones, and
# gray125 and gray0625, mostly the background)
DARK_PATTERNS = frozenset("solid darkGray mediumGray darkHorizontal darkVertical darkDown darkUp darkGrid darkTrellis".split())


def fill_grounds(node):
    """The colours (each a <color>'s attributes) a <fill> draws a cell's background in: a solid or dark pattern's
    foreground (the patterns Excel draws mostly in it), a light pattern's background, every stop of a gradient; () for
    no fill (the sheet's white). A dark pattern was read as the sheet's white, and text drawn in its colour imported
    unseen (an attack run after the twentieth: a dark gray pattern in black, a gradient from black to black)."""
    for child in node:
        kind = child.tag.rsplit("}", 1)[-1]
        if kind == "patternFill":
            pattern = child.get("patternType") or "none"
            if pattern == "none":
                return ()
            wanted = "fgColor" if pattern in DARK_PATTERNS else "bgColor"
            ground = next((c for c in child if c.tag.rsplit("}", 1)[-1] == wanted), None)
            # (no colour given: a foreground is the automatic black, a background the sheet's white)
            return (dict(ground.attrib) if ground is not None else {"rgb": BLACK if wanted == "fgColor" else WHITE},)
        if kind == "gradientFill":
            return tuple(dict(c.attrib) for stop in child if stop.tag.rsplit("}", 1)[-1] == "stop"
                         for c in stop if c.tag.rsplit("}", 1)[-1] == "color") or ({"rgb": WHITE},)
    return ()


def dxf_look(node):
    """(its font's <color> attributes or None, its font's size or None, its fill's colours) of a differential format
    (<dxf>), as a conditional format draws with it. A dxf's solid fill gives its colour as the background (bgColor)."""
    font = next((c for c in node if c.tag.rsplit("}", 1)[-1] == "font"), None)
    drawn = None if font is None else next((c for c in font if c.tag.rsplit("}", 1)[-1] == "color"), None)
    size = None if font is None else font_size(next((c.get("val") for c in font if c.tag.rsplit("}", 1)[-1] == "sz"), None))
    grounds = ()
    for fill in (c for c in node if c.tag.rsplit("}", 1)[-1] == "fill"):
        for pattern in (c for c in fill if c.tag.rsplit("}", 1)[-1] == "patternFill"):
            colours = [c for c in pattern if c.tag.rsplit("}", 1)[-1] in ("bgColor", "fgColor")]
            grounds = tuple(dict(c.attrib) for c in colours)
    return None if drawn is None else dict(drawn.attrib), size, grounds


def number(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return -1


def conditional_problems(element, formats):
    """[(ranges, reason)] of each conditional format in element (a <conditionalFormatting>, or an <extLst> holding
    Excel 2010's) that can change what Excel shows in its cells: a rule applying a differential format that holds
    a number format, a data bar or icon set shown without the value."""
    found = []
    for node in element.iter():
        if node.tag.rsplit("}", 1)[-1] != "conditionalFormatting":
            continue
        ranges, hides = (node.get("sqref") or "").split(), False
        for inner in node.iter():
            name = inner.tag.rsplit("}", 1)[-1]
            if name == "sqref":
                ranges += (inner.text or "").split()
            elif name == "numFmt":  # a format of the rule's own (Excel 2010's x14:dxf)
                hides = True
            elif name == "dxf":  # Excel 2010's differential format, in its rule: a font drawn unreadable hides too (a
                hides |= formats.look_hides(dxf_look(inner))  # second attack run after the twentieth)
            elif name == "cfRule" and inner.get("dxfId") is not None:
                hides |= formats.dxf_sets_format(number(inner.get("dxfId"))) or formats.dxf_hides(number(inner.get("dxfId")))
            if str(inner.get("showValue", "1")).lower() in ("0", "false"):
                hides = True
        if hides and ranges:
            found.append((ranges, CONDITIONAL))
    return found


# Where a workbook's rows and cells sit. Excel numbers a sheet's rows from 1 to 1,048,576 and its columns from A to XFD
# (16,384), each row and each cell of a row in ascending order; a <row> or <c> that leaves out its r follows the one
# before it. A reference the reader cannot place exactly as Excel does (a row numbered 0, -5, 2.0 or past the last
# row; a cell of another row, out of order or given twice) is refused by the row it is in, never read: the reader skipped
# a row numbered 0 or less and read the others wherever they said (an attack run: <row r="0"> dropped an officer,
# exit 0), so a row could be dropped, read twice, or named by another row's number.
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
ROW_NUMBER = re.compile(r"[1-9][0-9]{0,6}")
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
REPLACE = "open the workbook in Excel and save it again, or ask the agency for a new export"


class Placement:
    """Takes a sheet's rows' and cells' r attributes in the order of its XML (row(r) for each <row>, then cell(r) for
    each of its <c>; None for one left out); gives each row's number (row) and each cell's column (cell), or raises
    ValueError with a reason that names the row and never quotes the attribute (it can hold anything)."""

    def __init__(self):
        self.number, self.column = 0, 0
        self.arrays = []  # the ranges of array formulas met so far ("A2:B3"): their cells hold saved values alone

    def in_array(self, row, column):
        """Whether the cell lies in an array formula's range met before it."""
        if not self.arrays:
            return False
        from openpyxl.utils.cell import range_boundaries
        for ref in self.arrays:
            try:
                low_column, low_row, high_column, high_row = range_boundaries(ref)
            except (ValueError, TypeError):
                return True  # a range that cannot be read: taken as covering the cell
            if low_row <= row <= high_row and low_column <= column <= high_column:
                return True
        return False

    def row(self, reference):
        if reference is None:
            number = self.number + 1
        elif ROW_NUMBER.fullmatch(reference) and int(reference) <= EXCEL_ROWS:
            number = int(reference)
        else:
            after = f"the row after row {self.number:,}" if self.number else "the sheet's first row"
            raise ValueError(f"{after}: its number in the sheet's XML is not a row number from 1 to {EXCEL_ROWS:,} "
                             "(Excel's rows), so where it belongs cannot be told and its cells would be dropped or "
                             f"misplaced; {REPLACE}")
        if number > EXCEL_ROWS or number <= self.number:
            raise ValueError(f"row {number:,}: the sheet's XML gives it after row {self.number:,} (rows must come in "
                             "ascending order, each once), so one row's cells would be read as another's or twice; "
                             f"{REPLACE}")
        self.number, self.column = number, 0
        return number

    def cell(self, reference):
        if reference is None:
            column = self.column + 1
        else:
            match = CELL_REFERENCE.fullmatch(reference)
            column = 0
            for letter in match.group(1) if match else "":
                column = column * 26 + ord(letter) - 64
            if not match or int(match.group(2)) != self.number or column > EXCEL_COLUMNS:
                raise ValueError(f"row {self.number:,}: a cell whose reference in the sheet's XML is not a cell of this "
                                 "row (from column A to XFD), so where Excel shows its value cannot be told; " + REPLACE)
        if column > EXCEL_COLUMNS or column <= self.column:
            raise ValueError(f"row {self.number:,}, column {column:,}: the sheet's XML gives this cell after column "
                             f"{self.column:,} of the row (cells must come in ascending order, each once), so one "
                             f"value would hide another; {REPLACE}")
        self.column = column
        return column


# The text encoding of a CSV export. UTF-8 is read as such (it is self-checking: other bytes are seldom valid UTF-8).
# A file that is not UTF-8 is read as Windows-1252 only when every word it holds that is not plain ASCII reads as a
# word of one language written in Windows-1252's Latin letters. Every single-byte encoding decodes as Windows-1252
# without an error, and gives Latin letters for its own: Greek (Windows-1253) "Παπαδόπουλος" reads "Ðáðáäüðïõëïò",
# Mac Roman "Müller" reads "MŸller" (the data trial: both imported as such, exit 0). What is refused, in a file that is
# not UTF-8 (plausible, with strict):
# - a sign no roster holds (a symbol, a control, a fraction; NOT_IN_A_ROSTER's, and any other that is no letter),
#   and a quotation mark or dash between a lowercase letter and a letter other than a possessive's "’s" (Mac Roman's
#   í, ñ, ó: "Mart’nez", "Mu–oz");
# - a letter another encoding gives the same byte to as a letter of its own: Š š Ž ž Œ œ Ÿ (Mac Roman's ä é ö ú û
#   ü and å, Windows-1250's ś ź), Ð ð Þ þ Ý ý (Windows-1254's Ğ ğ Ş ş İ ı, Greek's π ώ);
#   and ª º µ, which no name holds (Windows-1251's Є and є read as ª and º);
# - a capital after a word's first letter beside a lowercase one ("MŸller", "JosŽ"), a lowercase letter before a
#   capital, where either is not ASCII (letters of another alphabet read in the wrong case: KOI8-R);
# - a word of three letters or more none of which is ASCII (another alphabet read as Latin letters), or whose
#   letters no one language's alphabet holds together (LANGUAGES: "Nováèek", Windows-1250's č read as è).
# A name written in such letters in a legacy encoding must then be exported as UTF-8, which the message says.
# The same test, with a vowel in every longer word, one script a word and the rules of Greek's final sigma and
# Cyrillic's signs, names the encodings a refused file probably is in (likely).
LANGUAGES = ("áéíóúñü", "áâãàçéêíóôõúü", "àâæçéèêëîïôœùûüÿ", "àèéìíîòóùú", "àçèéíïòóúü", "äöüßé", "éèëïöü",
             "åæøé", "åäöéü", "åäöšž", "áéíóúýþðæö", "äöõüšž", "áéíóöőúüű", "áčďéěíňóřšťúůýž",
             "áäčďéíĺľňóôŕšťúýž", "ąćęłńóśźż", "čćđšž", "ăâîșşțţ", "çğıöşüâîû", "āčēģīķļņšūž", "ąčęėįšųūž", "çë",
             "ċġħżàèìòù")
LANGUAGE_SETS = tuple(frozenset(letters) for letters in LANGUAGES)
AMBIGUOUS = frozenset("ŠšŽžŒœŸƒÐðÞþÝýªºµ")  # and three signs that are letters to Unicode
QUOTES = frozenset("‘’“”–—")
VOWELS = {"LATIN": set("aeiouyæøœ"), "GREEK": set("αεηιουω"), "CYRILLIC": set("аеёиоуыэюяєіїў")}
ALPHABETS = ("LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "HEBREW", "ARABIC", "GEORGIAN")
WORD = re.compile(r"[^\W\d_]+")
TOKEN = re.compile(r"[^\W\d_]*[^\x00-\x7f][^\W\d_]*")  # a sign that is not ASCII, with the letters on each side


def script(letter):
    import unicodedata
    return unicodedata.name(letter, "?").split(" ")[0]


def base_letter(letter):
    import unicodedata
    return unicodedata.normalize("NFD", letter)[0].lower()




def word_plausible(word, strict):
    """Whether a word of letters, some not ASCII, reads as a word of one language (see above)."""
    for i, letter in enumerate(word):
        if letter.isascii() or letter in APOSTROPHE_LETTERS:
            continue
        if strict and letter in AMBIGUOUS:
            return False
        if "\uff61" <= letter <= "\uff9f":
            return False  # half-width katakana: what single bytes read as Shift-JIS give, and no roster's names
        before, after = word[i - 1] if i else "", word[i + 1:i + 2]
        if letter.isupper() and i and (before.islower() or after.islower()):
            return False
        if letter.islower() and after.isupper():
            return False
    if any(a.islower() and b.isupper() and not b.isascii() for a, b in zip(word, word[1:])):
        return False
    scripts = {script(letter) for letter in word} & set(ALPHABETS)
    if len(scripts) > 1:
        return False
    alphabet = next(iter(scripts), None)
    lower = word.lower()
    if alphabet == "LATIN":
        if len(word) >= 2 and not any(letter.isascii() for letter in word):  # (no Latin language's word of two letters
            return False  # or more is all accented: a Chinese one-character surname in GB18030 read as "Íõ", an attack run)
        if not any(letters >= {c for c in lower if not c.isascii() and c not in APOSTROPHE_LETTERS} for letters in LANGUAGE_SETS):
            return False
    if alphabet in VOWELS and len(word) >= 4 and not any(base_letter(c) in VOWELS[alphabet] for c in lower):
        return False
    if alphabet == "GREEK" and ("ς" in lower[:-1] or lower.endswith("σ")):
        return False
    if alphabet == "CYRILLIC" and lower[0] in "ьъы":
        return False
    return True


def token_plausible(token, strict):
    """Whether a sign that is not ASCII, with the letters on each side (TOKEN), reads as text of one language."""
    for i, sign in enumerate(token):
        if sign.isascii() or sign.isalpha() or sign.isspace():
            continue
        if sign in QUOTES:
            before, after = token[i - 1:i], token[i + 1:i + 3]
            if before.islower() and after[:1].isalpha() and not (sign == "’" and after in ("s", "S")):
                return False
            continue
        if not strict and ("\u3000" <= sign <= "\u303f" or "\uff01" <= sign <= "\uff60" or sign == "\u30fb"):
            continue  # ideographic and full-width punctuation, in a reading as an East Asian encoding
        return False
    return all(word.isascii() or word_plausible(word, strict) for word in WORD.findall(token))


def first_implausible(text, strict=True, verdicts=None):
    """The offset in text of the first token (TOKEN) that reads as no one language's text, or None."""
    verdicts = {} if verdicts is None else verdicts
    if text.isascii():
        return None
    for match in TOKEN.finditer(text):
        token = match.group(0)
        verdict = verdicts.get(token)
        if verdict is None:
            verdict = token_plausible(token, strict)
            if len(verdicts) < 100_000:
                verdicts[token] = verdict
        if not verdict:
            return match.start()
    return None


# The code pages text converted twice is seen through: UTF-8's bytes read as one of them and saved again as UTF-8
# ("JĂłĹşwiak" for "Jóźwiak" through Windows-1250, "D√©partement" through Mac Roman, "D├⌐partement" through DOS 437: an
# attack run after the twenty-first saw them published; the pattern MOJIBAKE knows Windows-1252's alone).
TWICE = ("cp1252", "cp1250", "cp1257", "mac_roman", "cp437", "cp850", "cp1251", "latin-1", "iso8859_2", "iso8859_16",
         "mac_latin2", "cp1253", "cp1254", "cp1255", "cp1256", "tis_620", "koi8_r", "euc_kr", "gbk", "big5", "shift_jis")
MULTIBYTE = re.compile(r"[\u0080-\U0010ffff]")


@functools.lru_cache(maxsize=1 << 14)
def converted_twice(text):
    """The code page text reads as UTF-8 converted twice through (TWICE): its letters, written in it, are UTF-8's bytes
    of other text that reads as one language's (first_implausible), and of letters that are not ASCII; else None."""
    if text.isascii():
        return None
    for page in TWICE:
        try:
            original = text.encode(page).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if original != text and MULTIBYTE.search(original) and first_implausible(original, False) is None:
            return page
    return None


LEGACY = (("cp1252", "Windows-1252 (Western European)", "WINDOWS-1252"),
          ("mac_roman", "Mac Roman (Western European, from a Macintosh)", "MACINTOSH"),
          ("cp850", "DOS code page 850 (Western European)", "CP850"),
          ("cp1250", "Windows-1250 (Central European)", "WINDOWS-1250"),
          ("cp1251", "Windows-1251 (Cyrillic)", "WINDOWS-1251"),
          ("koi8_r", "KOI8-R (Cyrillic)", "KOI8-R"),
          ("cp1253", "Windows-1253 (Greek)", "WINDOWS-1253"),
          ("cp1254", "Windows-1254 (Turkish)", "WINDOWS-1254"),
          ("cp1257", "Windows-1257 (Baltic)", "WINDOWS-1257"),
          ("shift_jis", "Shift-JIS (Japanese)", "SHIFT_JIS"),
          ("gb18030", "GB18030 (Chinese)", "GB18030"),
          ("big5", "Big5 (Chinese)", "BIG5"),
          ("euc_kr", "EUC-KR (Korean)", "EUC-KR"))
SAMPLE = 1 << 16  # bytes of lines holding signs that are not ASCII the likely encoding is told from
HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def sample_lines(data, keep=None):
    """The file's first lines holding a byte that is not ASCII (keep: a test a line must pass too), up to SAMPLE bytes."""
    found, size, start = [], 0, 0
    while size < SAMPLE:
        match = HIGH_BYTE.search(data, start)
        if not match:
            break
        begin = data.rfind(b"\n", 0, match.start()) + 1
        end = data.find(b"\n", match.start())
        end = len(data) if end < 0 else end
        line = data[begin:end]
        if keep is None or keep(line):
            found.append(line)
            size += len(line)
        start = end + 1
    return b"\n".join(found)


def likely(data, but=(), keep=None):
    """The encodings of LEGACY (but those named) that read the file's sample (sample_lines, of the lines keep takes) as
    one language's text each word, most likely first: [(name, iconv's name)]; at most three."""
    sample = sample_lines(data, keep)
    fits = []
    for codec, name, iconv in LEGACY:
        if codec in but:
            continue
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if first_implausible(text, strict=False) is None:
            fits.append((name, iconv))
    return fits[:3]


def advice(fits):
    """What a refusal says of the likely encoding (likely) and how to convert the file."""
    if not fits:
        return ("its encoding cannot be told; ask the agency for the file as UTF-8 (in Excel: Save As, "
                "\"CSV UTF-8 (Comma delimited)\")")
    names = " or ".join(name for name, _ in fits)
    name, iconv = fits[0]
    return (f"it is probably in another encoding, {names}; convert it to UTF-8: in Excel, Data, From Text/CSV, File Origin {name}, then "
            f"Save As \"CSV UTF-8 (Comma delimited)\", or iconv -f {iconv} -t UTF-8")


UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def mixed_utf8(data):
    """Whether the file holds lines of UTF-8 text beside its lines that are not UTF-8 (a file pasted together from
    two exports, or edited by hand): a line that decodes as UTF-8 to text of one language (first_implausible)."""
    if not UTF8_SEQUENCE.search(data):
        return False

    def utf8_line(line):
        try:
            return UTF8_SEQUENCE.search(line) is not None and first_implausible(line.decode("utf-8"), strict=False) is None
        except UnicodeDecodeError:
            return False
    return bool(sample_lines(data, utf8_line))


def not_utf8(line):
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# Letters Windows-1252 gives for other encodings' letters (Czech ě and ň, Hungarian ő, Czech ř, Croatian đ, Romanian ţ,
# Czech ů and Hungarian ű, Polish ć; Latvian ņ, Lithuanian ų; Vietnamese tones) that Western European names rarely hold: a
# file read as Windows-1252 holding one is checked against those encodings (ñ, è, ë and ã are common in Western names
# and are not among them, so "Zieliñski" for "Zieliński" is not caught)
SUSPECT = frozenset("ìòõøðþùûæ")
OTHER_WESTERN = (("cp1250", "Windows-1250 (Central European)"), ("cp1257", "Windows-1257 (Baltic)"),
                 ("cp1258", "Windows-1258 (Vietnamese)"))


def other_readings(data, limit=SAMPLE):
    """For a file read as Windows-1252: ([rows], [encodings]) when its first lines holding letters that are not ASCII
    (up to limit bytes) read, in another Windows encoding of Latin letters, as other words of one language each
    (first_implausible), so that which the agency wrote cannot be told from the letters; else None."""
    chunk = sample_lines(data)[:limit]
    lines = [line for line in chunk.split(b"\n") if line]
    if not lines:
        return None
    western = chunk.decode("cp1252", "replace")
    if SUSPECT.isdisjoint(western.lower()):
        return None  # (Spanish, French, German or Portuguese letters alone: a Western file's, most likely)
    found = []
    for codec, name in OTHER_WESTERN:
        try:
            text = chunk.decode(codec)
        except UnicodeDecodeError:
            continue
        if text != western and first_implausible(text, True) is None:
            found.append(name)
    if not found:
        return None
    rows = [data.count(b"\n", 0, data.find(line)) + 1 for line in lines if line.decode("cp1252", "replace")
            != line.decode(OTHER_WESTERN[0][0], "replace")][:10] or [data.count(b"\n", 0, data.find(lines[0])) + 1]
    return rows, found


def csv_encoding(data, piece=1 << 20):
    """Takes a CSV export's bytes; gives (the codec it is read in, None): UTF-8 (with or without its byte-order mark),
    or Windows-1252 when it is not UTF-8 and reads as text of one language each word (first_implausible); else (None,
    (the row to name, the reason, with the likely encoding and how to convert the file)). Decoded a piece at a time
    (piece: bytes), so a 40 MB file costs 1 MB of text, not 40 MB."""
    import codecs
    decoder, failure = codecs.getincrementaldecoder("utf-8-sig")(), None
    for start in range(0, len(data), piece):
        held = len(decoder.getstate()[0])  # the start of a character cut at the last piece's end
        try:
            decoder.decode(data[start:start + piece], final=start + piece >= len(data))
        except UnicodeDecodeError as error:
            failure = start - held + error.start
            break
    if failure is None:
        return "utf-8-sig", None
    if mixed_utf8(data):
        return None, (data.count(b"\n", 0, failure) + 1,
                      "the file mixes encodings: it holds UTF-8 text, and this row, the first that is not UTF-8, is "
                      f"not: {advice(likely(data, keep=not_utf8))}; re-export the whole file as UTF-8, or correct "
                      "the rows that are not")
    decoder, lines, rest, verdicts = codecs.getincrementaldecoder("cp1252")(), 0, "", {}
    for start in range(0, len(data), piece):
        final = start + piece >= len(data)
        try:
            text = rest + decoder.decode(data[start:start + piece], final=final)
        except UnicodeDecodeError as error:
            return None, (data.count(b"\n", 0, start + error.start) + 1,
                          "the file is neither UTF-8 nor Windows-1252 text (it holds a byte Windows-1252 does not "
                          f"use): {advice(likely(data, but=('cp1252',)))}")
        cut = len(text) if final else text.rfind("\n") + 1  # whole lines: a word is never judged in two halves
        text, rest = text[:cut], text[cut:]
        odd = first_implausible(text, True, verdicts)
        if odd is not None:
            return None, (lines + text.count("\n", 0, odd) + 1,
                          "the file is not UTF-8, and read as Windows-1252 it holds signs or letters that make no word "
                          "of one language (what another encoding's letters give), so it cannot be read with "
                          f"confidence: {advice(likely(data, but=('cp1252',)))}")
        lines += text.count("\n")
    return "cp1252", None
