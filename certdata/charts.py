"""Static SVG bar charts drawn at build time (no JavaScript, no CDN).

Takes: labelled values. Gives: SVG files, each with a <title> and <desc>, and
the alt text and table rows the documentation prints beside it. A chart drawn from
a synthetic sample says so in its title, its description and its alt text.
"""
from xml.sax.saxutils import escape

import textwrap

# Narrow enough that a phone shows it near full size (text stays at 11 px or more on a 390 px
# screen); each label on its own lines above its bar, wrapped, never cut.
WIDTH, BAR_WIDTH, BAR_HEIGHT, GAP = 360, 280, 16, 14
TITLE_SIZE, LABEL_SIZE, LINE = 15, 13, 17
TITLE_CHARS, LABEL_CHARS = 40, 46


def text_lines(x, y, lines, size, weight="normal"):
    """One <text> with a <tspan> per line, starting at baseline y."""
    spans = "".join(f'<tspan x="{x}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>' for i, line in enumerate(lines))
    return f'<text x="{x}" y="{y}" font-family="sans-serif" font-size="{size}" font-weight="{weight}">{spans}</text>'


def bar_chart_svg(title, rows):
    """A horizontal bar chart of (label, value) rows as SVG text: the title, then for each row
    its whole label (wrapped) above a bar with the value beside it."""
    top = max((v for _, v in rows), default=0) or 1
    desc = f"{title}. " + "; ".join(f"{label}: {value:,}" for label, value in rows)
    title_lines = textwrap.wrap(title, TITLE_CHARS) or [""]
    parts = [text_lines(0, 16, title_lines, TITLE_SIZE, "bold")]
    y = 16 + LINE * len(title_lines) + 6
    for label, value in rows:
        lines = textwrap.wrap(str(label), LABEL_CHARS) or [""]
        parts.append(text_lines(0, y + LABEL_SIZE, lines, LABEL_SIZE))
        y += LINE * len(lines) + 2
        length = max(1, round(BAR_WIDTH * value / top))
        parts += [f'<rect x="0" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#3f51b5"/>',
                  f'<text x="{length + 6}" y="{y + BAR_HEIGHT - 3}" font-family="sans-serif" font-size="{LABEL_SIZE}">{value:,}</text>']
        y += BAR_HEIGHT + GAP
    height = y + 4
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="t d">',
            f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>']
    return "\n".join(head + parts + ["</svg>"]) + "\n"


def measure_groups(measures, source=None):
    """Charts of the source's figures: only figures of the same unit, period and date are drawn side
    by side (one bar chart per group of two or more), each titled with its period as the source states it
    and, given source (its title), with the source."""
    groups = {}
    for m in measures:
        if m["value"] and m["availability"] == "stated":
            groups.setdefault((m["unit"], m["period_start"], m["period_end"], m["as_of"]), []).append((m["measure"], int(m["value"])))
    charts = []
    for (unit, start, end, as_of), rows in groups.items():
        if len(rows) < 2 or not (start or end or as_of):  # undated figures are never set side by side
            continue
        when = f"{start} to {end}" if start or end else f"as of {as_of}"
        charts.append((f"figures-{unit.replace(' ', '-')}-{start or as_of or 'undated'}", f"{unit.capitalize()}, {when}",
                       rows, False, source))
    return charts


SAMPLE_LABEL = "SYNTHETIC SAMPLE, not real data: "


def write_charts(specs, directory):
    """Write every chart of the (name, heading, rows, sample[, source]) specs the states give (their module's
    ``chart_specs``); returns {name: {file, heading, title, alt, rows}} for the templates. The chart's own title
    (drawn in the SVG, which may be taken alone) adds the source to the heading, which a page sets above it (a
    new-user walk: the page had repeated the whole title as its heading)."""
    charts = {}
    for name, heading, rows, sample, *source in specs:
        heading = SAMPLE_LABEL + heading if sample else heading
        title = heading + (f". Source: {source[0]}" if source and source[0] else "")
        (directory / f"{name}.svg").write_text(bar_chart_svg(title, rows), encoding="utf-8")
        alt = f"Bar chart. {title}: " + "; ".join(f"{label}: {value:,}" for label, value in rows)
        charts[name] = {"file": f"figures/{name}.svg", "heading": heading, "title": title, "alt": alt, "rows": rows}
    return charts
