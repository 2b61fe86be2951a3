"""The Airflux webhook receiver: Flux Receiver objects served by the Airflow API server as a plugin app.

``hooks`` is the HTTP adapter (FastAPI, one route, no Airflow login: the token-derived path and the
signature are the authentication); ``airflow_side`` is what it needs from Airflow (connections for the
tokens, asset events); ``receiver_plugin`` registers it with Airflow under ``/airflux``.
"""
