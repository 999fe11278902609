"""Nurturing: run an installation's rules for the tier transitions a sync produced, each action once.

The sync calls `run_for_transitions` after score writes succeed and before it advances the cursor.
"""
from __future__ import annotations

from .engine import NurtureSummary, run_for_transitions
from .overrides import effective_tier

__all__ = ["NurtureSummary", "effective_tier", "run_for_transitions"]
