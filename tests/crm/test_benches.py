"""The CRM benches run from a clean checkout as `python -m bench.x` or `python bench/x.py`: they may not lean
on the test suite's modules, which are not on the path there."""
import ast
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("script", sorted(BENCH.glob("hubspot_*.py")) + sorted(BENCH.glob("salesforce_*.py")),
                         ids=lambda p: p.name)
def test_a_crm_bench_imports_nothing_from_tests(script):
    tree = ast.parse(script.read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name == "tests" or name.startswith("tests.")]
