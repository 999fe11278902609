"""`leadscore demo` as a newcomer runs it: a fresh process, the embedded default, one JSON summary."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

LEADSCORE = str(Path(sys.executable).with_name("leadscore"))


@pytest.mark.slow
def test_demo_installs_syncs_trains_and_summarises(tmp_path):
    done = subprocess.run([LEADSCORE, "demo", "--contacts", "600", "--json", "--instance", str(tmp_path)],
                          capture_output=True, text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert summary["synced"] == 600 and summary["scored"] == 600
    assert summary["written"] >= 600
    assert sum(summary["tiers"].values()) == 600 and set(summary["tiers"]) == set("ABCD")
    assert set(summary["conversion_by_tier"]) == set("ABCD")
    assert summary["api_calls"]["write"] >= 6 and summary["api_calls"]["total"] >= summary["api_calls"]["write"]
    assert len(summary["examples"]) == 3 and all(e["reasons"] for e in summary["examples"])
    assert "Installing through the OAuth flow" in done.stderr  # progress goes to stderr, JSON alone to stdout
    audit = summary["audit"]  # read back from the sandbox through its API
    assert audit["records"] == 600 and audit["records_with_score"] == 600
    assert audit["tasks_expected"] > 0 and audit["tasks_in_crm"] == audit["tasks_expected"]
    assert audit["duplicate_tasks"] == 0 and audit["missing_tasks"] == 0
