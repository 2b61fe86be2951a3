"""kubectl's imperative generators send Kubernetes protobuf bodies; a real API server accepts them.

"API Concepts → Alternate representations of resources → Kubernetes Protobuf encoding": built-in
kinds may be sent as ``application/vnd.kubernetes.protobuf`` (magic ``k8s\\x00`` + ``runtime.Unknown``);
custom resources cannot. Each test runs the real kubectl 1.37 and checks that the request really was
protobuf and that the stored object holds everything the same command prints with
``--dry-run=client -o json`` (the object kubectl meant), plus what the server adds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.kubesim.kubectl_helpers import ok

PROTOBUF = "application/vnd.kubernetes.protobuf"

GENERATORS: dict[str, tuple[str, ...]] = {
    "namespace": ("create", "namespace", "team-a"),
    "configmap": ("create", "configmap", "cfg", "--from-literal=mode=fast", "--from-literal=level=3"),
    "configmap-binary": ("create", "configmap", "bin", "--from-file=blob=BINARY"),
    "secret-generic": ("create", "secret", "generic", "creds", "--from-literal=user=admin", "--type=Opaque"),
    "secret-docker-registry": ("create", "secret", "docker-registry", "reg", "--docker-server=r.example.com",
                               "--docker-username=u", "--docker-password=p"),
    "secret-tls": ("create", "secret", "tls", "cert", "--cert=CERT", "--key=KEY"),
    "deployment": ("create", "deployment", "web", "--image=nginx:1.25", "--image=busybox:1.36", "--replicas=3",
                   "--port=8080"),
    "deployment-zero": ("create", "deployment", "idle", "--image=nginx", "--replicas=0"),
    "service-clusterip": ("create", "service", "clusterip", "api", "--tcp=80:8080", "--tcp=443:8443"),
    "service-headless": ("create", "service", "clusterip", "db", "--clusterip=None"),
    "service-nodeport": ("create", "service", "nodeport", "np", "--tcp=80:8080", "--node-port=30080"),
    "service-loadbalancer": ("create", "service", "loadbalancer", "lb", "--tcp=5678:8080"),
    "service-externalname": ("create", "service", "externalname", "ext", "--external-name=example.com"),
    "job": ("create", "job", "once", "--image=busybox", "--", "date"),
    "cronjob": ("create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *", "--restart=OnFailure",
                "--", "date"),
    "serviceaccount": ("create", "serviceaccount", "robot"),
    "role": ("create", "role", "reader", "--verb=get,list", "--resource=pods,configmaps",
             "--resource-name=cfg"),
    "rolebinding": ("create", "rolebinding", "read", "--role=reader", "--user=alice", "--group=devs",
                    "--serviceaccount=default:robot"),
    "clusterrole": ("create", "clusterrole", "viewer", "--verb=get", "--resource=deployments.apps",
                    "--non-resource-url=/healthz", "--verb=get"),
    "clusterrole-aggregated": ("create", "clusterrole", "agg", "--aggregation-rule=team=a"),
    "clusterrolebinding": ("create", "clusterrolebinding", "view", "--clusterrole=viewer", "--user=bob"),
    "ingress": ("create", "ingress", "site", "--class=nginx", "--rule=foo.com/bar*=svc1:8080,tls=my-cert",
                "--default-backend=defsvc:http", "--annotation=team=a"),
    "poddisruptionbudget": ("create", "poddisruptionbudget", "keep", "--selector=app=web", "--min-available=50%"),
    "priorityclass": ("create", "priorityclass", "high", "--value=1000", "--description=important",
                      "--preemption-policy=Never"),
    "quota": ("create", "quota", "limits", "--hard=pods=10,requests.cpu=2", "--scopes=NotTerminating"),
}


def _contains(stored: Any, meant: Any, path: str = "") -> list[str]:
    """Where `stored` lacks or differs from what kubectl meant (empty and null values are not sent)."""
    if isinstance(meant, dict):
        if not isinstance(stored, dict):
            return [f"{path}: {stored!r} is not an object"]
        problems: list[str] = []
        for key, value in meant.items():
            if value in (None, {}):
                continue
            problems += _contains(stored.get(key), value, f"{path}.{key}")
        return problems
    if isinstance(meant, list):
        if not isinstance(stored, list) or len(stored) != len(meant):
            return [f"{path}: {stored!r} != {meant!r}"]
        return [p for i, (s, m) in enumerate(zip(stored, meant, strict=True)) for p in _contains(s, m, f"{path}[{i}]")]
    return [] if stored == meant else [f"{path}: {stored!r} != {meant!r}"]


@pytest.fixture
def tls_files(tmp_path: Path) -> dict[str, str]:
    # a throw-away self-signed pair: kubectl only checks that both are PEM
    from kubesim import tls

    cert = tls.self_signed(tmp_path, "127.0.0.1")
    cert_file, key_file = cert.cert_file, cert.key_file
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)))
    return {"CERT": str(cert_file), "KEY": str(key_file), "BINARY": str(blob)}


@pytest.mark.kubectl
@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_kubectl_create_generator_stores_what_kubectl_meant(kubesim: Any, tls_files: dict[str, str],
                                                            name: str) -> None:
    args = [a.replace("BINARY", tls_files["BINARY"]).replace("CERT", tls_files["CERT"])
            .replace("KEY", tls_files["KEY"]) for a in GENERATORS[name]]
    if name == "rolebinding":
        ok(kubesim, "create", "serviceaccount", "robot")
    split = args.index("--") if "--" in args else len(args)
    meant = json.loads(ok(kubesim, *args[:split], "--dry-run=client", "-o", "json", *args[split:]))
    ok(kubesim, *args)
    posts = [r for r in kubesim.requests(method="POST") if r.content_type == PROTOBUF]
    assert [r.code for r in posts][-1:] == [201], "kubectl did not send this object as protobuf"
    kind, api_version = meant["kind"], meant["apiVersion"]
    namespace = "" if kind in ("Namespace", "ClusterRole", "ClusterRoleBinding", "PriorityClass") else "default"
    stored = kubesim.get(api_version, kind, meant["metadata"]["name"], namespace)
    assert stored is not None and stored["metadata"]["uid"]
    assert _contains(stored, {k: v for k, v in meant.items() if k != "status"}) == []


@pytest.mark.kubectl
def test_pointer_zero_and_binary_data_survive(kubesim: Any, tls_files: dict[str, str]) -> None:
    ok(kubesim, "create", "deployment", "idle", "--image=nginx", "--replicas=0")
    assert kubesim.get("apps/v1", "Deployment", "idle", "default")["spec"]["replicas"] == 0
    ok(kubesim, "create", "configmap", "bin", f"--from-file=blob={tls_files['BINARY']}")
    import base64

    stored = kubesim.get("v1", "ConfigMap", "bin", "default")
    assert base64.b64decode(stored["binaryData"]["blob"]) == bytes(range(256))


@pytest.mark.kubectl
def test_create_dry_run_server_prints_the_would_be_object_and_stores_nothing(kubesim: Any) -> None:
    before = kubesim.snapshot()
    out = yaml.safe_load(ok(kubesim, "create", "deployment", "web", "--image=nginx:1.25", "--dry-run=server",
                            "-o", "yaml"))
    assert out["metadata"]["uid"] and out["metadata"]["creationTimestamp"]
    assert out["spec"]["strategy"]["type"] == "RollingUpdate"  # server-side defaults ran
    assert out["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    ns = yaml.safe_load(ok(kubesim, "create", "namespace", "dry", "--dry-run=server", "-o", "yaml"))
    assert ns["status"]["phase"] == "Active" and ns["spec"]["finalizers"] == ["kubernetes"]
    assert kubesim.diff(before, kubesim.snapshot()) == []
    assert "web" not in ok(kubesim, "get", "deploy", "-o", "name")


@pytest.mark.kubectl
def test_create_job_from_a_cronjob(kubesim: Any) -> None:
    ok(kubesim, "create", "cronjob", "tick", "--image=busybox", "--schedule=0 * * * *", "--", "date")
    ok(kubesim, "create", "job", "manual", "--from=cronjob/tick")
    job = kubesim.get("batch/v1", "Job", "manual", "default")
    cron = kubesim.get("batch/v1", "CronJob", "tick", "default")
    assert job["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"] == "manual"
    assert job["metadata"]["ownerReferences"][0]["uid"] == cron["metadata"]["uid"]
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["date"]


@pytest.mark.kubectl
def test_generator_errors_are_the_servers_validation(kubesim: Any) -> None:
    result = kubesim.kubectl("create", "deployment", "Bad_Name", "--image=nginx")
    assert result.returncode == 1
    assert 'Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"' in result.stderr
    ok(kubesim, "create", "configmap", "twice")
    again = kubesim.kubectl("create", "configmap", "twice")
    assert again.returncode == 1 and 'configmaps "twice" already exists' in again.stderr
