"""Registers the Airflux webhook receiver app with Airflow's API server under ``/airflux``.

Flux serves ``/hook/<digest>``; Airflux serves ``<api base url>/airflux/hook/<digest>`` so a Flux
Receiver's URL only needs the host and the prefix changed.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from airflux_receiver.airflow_side import emit, receivers, token_of
from airflux_receiver.hooks import HookConfig, create_app

URL_PREFIX = "/airflux"


class AirfluxReceiverPlugin(AirflowPlugin):
    name = "airflux_receiver"
    fastapi_apps = [  # noqa: RUF012 - Airflow reads this class attribute
        {
            "app": create_app(HookConfig(receivers=receivers, token_of=token_of, emit=emit)),
            "url_prefix": URL_PREFIX,
            "name": "Airflux webhook receivers",
        }
    ]
