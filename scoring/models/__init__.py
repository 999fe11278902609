"""Learners, all scikit-learn style estimators with `contributions(X)` in log-odds (see features/info.py)."""
