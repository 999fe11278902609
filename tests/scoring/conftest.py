"""Shared fixtures for the scoring tests: the X Education data set and models trained through the CLI."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from connector.cli import cli

X_EDUCATION = Path(__file__).resolve().parent / "../../../shared/data/leads_x_education.csv"


@pytest.fixture(scope="session")
def x_education_path() -> Path:
    if not X_EDUCATION.is_file():
        pytest.skip(f"the X Education data set is not at {X_EDUCATION}")
    return X_EDUCATION.resolve()


@pytest.fixture(scope="session")
def x_education(x_education_path) -> pd.DataFrame:
    return pd.read_csv(x_education_path, low_memory=False)


@pytest.fixture()
def leadscore():
    """Run `leadscore ARGS...` in process and return the click result."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def x_education_model(x_education_path, tmp_path_factory) -> tuple[Path, str]:
    """`leadscore train` on the X Education set, once per session: (model directory, printed summary)."""
    out = tmp_path_factory.mktemp("x_education_model")
    result = CliRunner().invoke(cli, ["train", "--csv", str(x_education_path), "--target", "Converted",
                                      "--id", "Prospect ID", "--segment", "City", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output
