"""Airflow adapters for the Airflux engine: operators per stage and the DAG factory that wires them.

Thin on purpose: every decision lives in ``include/airflux``; this package only turns definitions into
Airflow objects, Airflow connections into engine inputs, and engine errors into Airflow outcomes.
It sits in the plugins folder because Airflow puts that folder on every component's ``sys.path``.
"""
