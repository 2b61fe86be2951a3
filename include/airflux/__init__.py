"""Airflux engine: everything that decides and does (specs, source, render, diff, apply, ...).

This package never imports Airflow, so every stage can run from a plain script, the CLI or a test.
"""
