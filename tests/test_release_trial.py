"""An independent trial with hand-written release files: what an import let through without a word, or refused with
advice that misled. Names are made up; no real officer is named."""
from .conftest import run_cli
from .test_importers import read_csv

HEADER = "Name,License Status,License Class,Commissioning Agency\n"


def unchanged(root):
    """The package's CSVs and descriptor, to compare after a refused import."""
    return {p.name: p.read_bytes() for p in [*(root / "data").glob("*.csv"), root / "datapackage.json"]}


def refused(root, path, *expected, source="mo-roster", extra=()):
    """Import path, expect a refusal whose message holds every expected text, and that nothing changed."""
    before = unchanged(root)
    result = run_cli(root, "import", source, str(path), *extra)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr, (text, result.stderr)
    assert unchanged(root) == before
    return result.stderr


def test_an_unclosed_quote_that_swallows_the_rows_after_it_is_refused_at_its_row_and_field(small_package, tmp_path):
    """The trial: row 3's agency opened a quote it never closed; the next three officers' rows went into its cell
    (line breaks folded to spaces), three officers were dropped and the import succeeded."""
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + '"Quillon, Ada",Revoked,unknown,Columbia Police Department\n'
                    'Tomas Brackwater,Revoked,unknown,"Millbrook Police Department\n'
                    "Lise Fennimore,Revoked,unknown,Columbia PD\nPell Ostrander,Surrendered,unknown,Columbia PD\n"
                    "Nell Varga,Revoked,unknown,Columbia PD\n", encoding="utf-8")
    stderr = refused(small_package, path, "roster.csv, row 3, field agency_name: a line break inside the cell",
                     "from line 3 to line 6", "a quote that is not closed")
    assert "Millbrook" not in stderr and "Fennimore" not in stderr
    # in a column that is not read, a cell over lines is kept out of the way (a note typed over two lines) unless
    # its lines are shaped as the file's rows: then rows would be lost
    path.write_text("Name,License Status,License Class,Notes\n"
                    '"Quillon, Ada",Revoked,unknown,"a note\ntyped over two lines"\n'
                    '"Varga, Nell",Revoked,unknown,"never closed\nLise Fennimore,Revoked,unknown,x\n'
                    "Pell Ostrander,Revoked,unknown,x\n", encoding="utf-8")
    refused(small_package, path, "roster.csv, row 3, column 4 (not read): a cell running from line 4 to line 6")
    path.write_text("Name,License Status,License Class,Notes\n"
                    '"Quillon, Ada",Revoked,unknown,"a note\ntyped over two lines"\n"Varga, Nell",Revoked,unknown,\n',
                    encoding="utf-8")
    result = run_cli(small_package, "import", "mo-roster", str(path))
    assert result.returncode == 0, result.stderr
    assert len(read_csv(small_package / "data" / "mo_officers.csv")) == 2
