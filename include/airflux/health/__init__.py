"""Health stage: kstatus-style readiness, polled until the timeout (see ``health.stage``)."""

from airflux.health.rules import Health, Status, assess
from airflux.health.stage import HealthCheckFailed, HealthOptions, HealthResult, Target, wait_healthy

__all__ = ["Health", "HealthCheckFailed", "HealthOptions", "HealthResult", "Status", "Target", "assess",
           "wait_healthy"]
