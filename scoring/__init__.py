"""Pure data science: features, guards, models, calibration, tiers, reasons, reports, registry.

Imports nothing of Flask, Celery or any CRM, so a data scientist can train and score a CSV with it alone.
"""
