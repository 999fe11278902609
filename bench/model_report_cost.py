"""What keeping each model version's report costs at training: the CPU time to compute the backtest and to render
the report (HTML with its SVG plots, and its JSON), and the bytes stored per version in the database.

    .venv/bin/python -m bench.model_report_cost --rows 2000
"""
from __future__ import annotations

import argparse
import json
import time

from scoring.evaluation import backtest
from scoring.report import render
from scoring.training import TrainingOptions, train
from tests.scoring.datasets import b2b_leads


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    frame, facts = b2b_leads(n=args.rows)
    result = train(frame, TrainingOptions(target=facts["target"], id_column=facts["id"], learner="logistic"))
    report = result.report
    start = time.process_time()
    for _ in range(10):
        backtest(report.y_true, report.probability, report.tiers)
    backtest_ms = (time.process_time() - start) * 100  # per call, in ms
    start = time.process_time()
    html, doc = render(report)
    render_s = time.process_time() - start
    print(f"held-out rows: {len(report.y_true):,}")
    print(f"backtest: {backtest_ms:.2f} CPU-ms")
    print(f"report render (HTML + JSON): {render_s:.2f} CPU-s")
    print(f"stored per version: report_html {len(html.encode()):,} bytes, report_json "
          f"{len(json.dumps(doc).encode()):,} bytes, backtest {len(json.dumps(report.backtest).encode()):,} bytes")


if __name__ == "__main__":
    main()
