"""``python -m kubesim`` and state persistence (issue item 16)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from tests.kubesim.conftest import _call, cm

from kubesim.server import KubeSim


def test_state_survives_restart(tmp_path):
    state = tmp_path / "state.json"
    first = KubeSim(state_file=state, controllers=False).start()
    created = _call(first.url, "POST", "/api/v1/namespaces/default/configmaps", cm("kept")).body
    first.stop()
    second = KubeSim(state_file=state, controllers=False).start()
    try:
        again = _call(second.url, "GET", "/api/v1/namespaces/default/configmaps/kept").body
        assert again["metadata"]["uid"] == created["metadata"]["uid"]
        assert again["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
        newer = _call(second.url, "POST", "/api/v1/namespaces/default/configmaps", cm("next")).body
        assert int(newer["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    finally:
        second.stop()


def test_main_prints_url_and_writes_kubeconfig(tmp_path):
    kubeconfig = tmp_path / "kc"
    proc = subprocess.Popen([sys.executable, "-m", "kubesim", "--port", "0", "--kubeconfig", str(kubeconfig),
                             "--state", str(tmp_path / "s.json")], stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert json.loads(kubeconfig.read_text())["clusters"][0]["cluster"]["server"] == url
        assert _call(url, "GET", "/api/v1/namespaces/default").code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    assert (tmp_path / "s.json").exists()


def test_tls_with_self_signed_ca_in_kubeconfig(kubesim_factory):
    from kubernetes import client

    secure = kubesim_factory(tls=True)
    assert secure.url.startswith("https://127.0.0.1:")
    names = [n.metadata.name for n in client.CoreV1Api(secure.api_client()).list_namespace().items]
    assert "default" in names
    result = secure.kubectl("get", "ns", "default", "-o", "name")
    assert result.returncode == 0 and result.stdout.strip() == "namespace/default"
