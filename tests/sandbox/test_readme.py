"""The README's "Sandbox CRMs" section, run as written: its two `leadscore sandbox` command lines started as a
user would (on a free port instead of 8901 / 8902, so parallel runs cannot collide), then its SDK snippets
run in a fresh interpreter against them. Only the port is changed."""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
LEADSCORE = str(Path(sys.executable).parent / "leadscore")


def section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def command_for(crm: str) -> tuple[list[str], str]:
    """The README's command line for `crm` and the port it names."""
    for line in blocks(section("Sandbox CRMs"), "").pop(0).splitlines():
        if line.startswith(f"leadscore sandbox {crm} "):
            argv = shlex.split(line)
            return argv, argv[argv.index("--port") + 1]
    raise AssertionError(f"the README shows no `leadscore sandbox {crm}` command")


def snippet_for(module: str) -> str:
    found = [b for b in blocks(section("Sandbox CRMs"), "python") if f"from {module} import" in b]
    assert len(found) == 1, f"expected one {module} snippet in the README"
    return found[0]


def start(argv: list[str], port: str) -> tuple[subprocess.Popen, str]:
    argv = [LEADSCORE, *argv[1:]]
    argv[argv.index(port)] = "0"
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    found = re.search(r"sandbox at (http://\S+)", first)
    if not found:
        process.kill()
        raise AssertionError(f"unexpected output {first!r}: {process.stderr.read()}")
    return process, found.group(1)


@pytest.mark.parametrize("crm, module, expected", [
    ("hubspot", "hubspot", r"'email': '[^']+@"),
    ("salesforce", "simple_salesforce", r"\('00Q\w{15}', '"),
])
def test_the_readme_snippet_runs_against_the_sandbox_the_readme_starts(crm, module, expected):
    argv, port = command_for(crm)
    code = snippet_for(module)
    assert f"http://127.0.0.1:{port}" in code  # the snippet talks to the command's sandbox
    process, base_url = start(argv, port)
    try:
        ran = subprocess.run([sys.executable, "-c", code.replace(f"http://127.0.0.1:{port}", base_url)],
                             capture_output=True, text=True, timeout=120)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert ran.returncode == 0, ran.stderr
    assert re.search(expected, ran.stdout), ran.stdout
