"""Celery tasks that sync, rescore, train and nurture, with their locks and the shared rate limiter."""
