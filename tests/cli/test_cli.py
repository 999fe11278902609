from click.testing import CliRunner

from connector.cli import cli


def test_cli_lists_its_nouns():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "sandbox" in result.output
