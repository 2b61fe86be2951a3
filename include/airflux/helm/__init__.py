"""Helm apps: HelmRepository charts resolved and stored, rendered in-process by the Helm engine
(``helm-python-sdk``), and installed/upgraded through the same diff/apply/prune/health engine as
Kustomizations, with hooks, release history in the cluster and remediation. See docs/helm.md.
"""

from airflux.helm.cluster import cluster_capabilities, namespaced_by
from airflux.helm.engine import Capabilities, ReleaseFacts
from airflux.helm.history import ReleaseRecord, read_history
from airflux.helm.release import ReleaseFailed, ReleaseSummary, apply_release, engine_app
from airflux.helm.render import HelmRender, render_release
from airflux.helm.repository import BasicAuth, ChartArtifact, ChartVersion, fetch_chart
from airflux.helm.values import kube_values_reader

__all__ = [
    "BasicAuth",
    "Capabilities",
    "ChartArtifact",
    "ChartVersion",
    "HelmRender",
    "ReleaseFacts",
    "ReleaseFailed",
    "ReleaseRecord",
    "ReleaseSummary",
    "apply_release",
    "cluster_capabilities",
    "engine_app",
    "fetch_chart",
    "kube_values_reader",
    "namespaced_by",
    "read_history",
    "render_release",
]
