"""Airflow triggers that start reconciles: the per-GitRepository git watcher and the commit sensor's trigger.

They live in the plugins folder because the triggerer imports triggers by classpath and the plugins
folder (unlike the DAGs folder) is on every component's ``sys.path``. The deciding logic is in
``airflux.source.resolve`` (one ``git ls-remote``); this package only schedules the polls.
"""
