"""The benchmark and the load test run end to end on small data (their timings are not asserted)."""
import subprocess
import sys

from .conftest import ROOT


def test_benchmark_prints_the_ratio_table_at_1k_rows(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--rows", "1000", "--ma-rows", "1000",
                             "--duration", "1", "--work", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    for expected in ("== 1,000 Missouri rows", "ours/naive", "ours/physical", "throughput ours/default", "one client",
                     "docs and downloads", "same schema and rows True", "CSV downloads identical True", "/search/floor",
                     "its undoing"):
        assert expected in result.stdout, result.stdout
    assert "not rebuilt incrementally" not in result.stdout, result.stdout


def test_load_test_has_no_errors_for_five_seconds(built):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "loadtest.py"), "--root", str(built),
                             "--duration", "5", "--clients", "10"], capture_output=True, text=True, timeout=300)
    assert "errors 0" in result.stdout, result.stdout + result.stderr[-2000:]
    assert '"200"' in result.stdout
