"""Adapter tests import ``airflux_ops`` from the plugins folder, with a private AIRFLOW_HOME.

Set at import time because Airflow reads its configuration once, when it is first imported.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="airflux-test-airflow-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
if str(PLUGINS) not in sys.path:
    sys.path.insert(0, str(PLUGINS))
