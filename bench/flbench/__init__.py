"""Helpers of bench/run.py: corpus, venvs, measuring, rows, reports."""
