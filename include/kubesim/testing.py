"""pytest plugin: a fresh kubesim API server per test, and a handle to drive and inspect it.

Enable with ``pytest_plugins = ["kubesim.testing"]`` in a root conftest. Fixtures:

- ``kubesim``: a started server on 127.0.0.1 and a free port, with ``url``, ``kubeconfig`` (a file
  written for this test), ``kubectl(...)`` (the real binary with that kubeconfig), ``api_client()``
  (an official ``kubernetes`` client), state inspection (``get``, ``objects``, ``snapshot``,
  ``diff``), fault injection (``fail``, ``delay``, ``drop``) and the request log (``requests``).
- ``kubesim_factory``: start servers with options (``controllers=False``, ``history=N``, ``state_file``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kubesim import loop, patches
from kubesim.faults import LoggedRequest
from kubesim.server import KubeSim
from kubesim.store import Obj, clone


def kubectl_binary() -> str:
    local = Path(sys.executable).parent / "kubectl"
    return str(local) if local.exists() else (shutil.which("kubectl") or "kubectl")


@dataclass
class KubeSimHandle:
    sim: KubeSim
    kubeconfig: Path
    cache_dir: Path

    @property
    def url(self) -> str:
        return self.sim.url

    @property
    def store(self) -> Any:
        return self.sim.store

    # ---- state ----------------------------------------------------------------------------
    def _type(self, api_version: str, kind: str) -> Any:
        group = api_version.rpartition("/")[0] if "/" in api_version else ""
        version = api_version.rpartition("/")[2]
        for rt in self.sim.registry.by_kind(group, kind):
            if rt.version == version:
                return rt
        raise KeyError(f"{kind} in {api_version} is not served")

    def get(self, api_version: str, kind: str, name: str, namespace: str = "") -> Obj | None:
        rt = self._type(api_version, kind)
        with self.store.lock:
            obj = self.store.get(rt, namespace, name)
        return None if obj is None else {**clone(obj), "apiVersion": rt.api_version}

    def objects(self, api_version: str, kind: str, namespace: str | None = None) -> list[Obj]:
        rt = self._type(api_version, kind)
        with self.store.lock:
            return [{**clone(o), "apiVersion": rt.api_version}
                    for o in self.store.items(rt.group, rt.plural, namespace)]

    def apply(self, obj: Obj, *, manager: str = "kubesim-test", force: bool = True) -> Obj:
        """Server-side apply of one object straight into the store (no HTTP), for test setup."""
        rt = self._type(obj["apiVersion"], obj["kind"])
        m = obj.get("metadata") or {}
        namespace = m.get("namespace", "default") if rt.namespaced else ""
        result, _ = patches.apply(self.store, rt, namespace, m["name"], json.dumps(obj).encode(), subresource="",
                                  dry_run=False, manager=manager, force=force)
        return clone(result)

    def snapshot(self) -> dict[str, Any]:
        return self.store.snapshot()

    @staticmethod
    def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
        """Human-readable differences between two snapshots ([] when the stored state is identical)."""
        out = []
        a, b = before["objects"], after["objects"]
        out += [f"added {k}" for k in sorted(set(b) - set(a))]
        out += [f"removed {k}" for k in sorted(set(a) - set(b))]
        out += [f"changed {k}" for k in sorted(set(a) & set(b)) if a[k] != b[k]]
        if before["resourceVersion"] != after["resourceVersion"]:
            out.append(f"resourceVersion {before['resourceVersion']} -> {after['resourceVersion']}")
        return out

    def tick(self) -> None:
        """Run the simulated controllers and garbage collector once, now."""
        loop.tick(self.store)

    def compact(self) -> None:
        self.store.compact()

    def wait_for(self, predicate: Callable[[], Any], *, timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError("condition not reached in time")
            time.sleep(0.02)

    # ---- faults and the request log -------------------------------------------------------
    def fail(self, *, method: str = ".*", path: str = ".*", code: int = 500, count: int | None = 1,
             retry_after: int = 1, message: str = "") -> int:
        return self.sim.faults.add(method=method, path=path, code=code, count=count, retry_after=retry_after,
                                   message=message)

    def delay(self, seconds: float, *, method: str = ".*", path: str = ".*", count: int | None = None) -> int:
        return self.sim.faults.add(method=method, path=path, latency=seconds, count=count)

    def drop(self, *, method: str = ".*", path: str = ".*", count: int | None = 1) -> int:
        return self.sim.faults.add(method=method, path=path, drop=True, count=count)

    def clear_faults(self) -> None:
        self.sim.faults.clear()

    def requests(self, *, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        return [r for r in self.sim.faults.requests()
                if (method is None or r.method == method) and (path is None or path in r.path)]

    # ---- clients ----------------------------------------------------------------------------
    def kubectl(self, *args: str, input: str | None = None, check: bool = False,
                timeout: float = 60) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "KUBECONFIG": str(self.kubeconfig), "KUBECACHEDIR": str(self.cache_dir)}
        return subprocess.run([kubectl_binary(), "--kubeconfig", str(self.kubeconfig), *args], input=input,
                              capture_output=True, text=True, check=check, env=env, timeout=timeout)

    def api_client(self) -> Any:
        from kubernetes import config

        return config.new_client_from_config(config_file=str(self.kubeconfig))

    def dynamic_client(self) -> Any:
        from kubernetes import dynamic

        return dynamic.DynamicClient(self.api_client())


def start(tmp: Path, **options: Any) -> KubeSimHandle:
    sim = KubeSim(**options).start()
    return KubeSimHandle(sim, sim.write_kubeconfig(tmp / "kubeconfig"), tmp / "kube-cache")


@pytest.fixture
def kubesim(tmp_path: Path) -> Iterator[KubeSimHandle]:
    handle = start(tmp_path / "kubesim")
    try:
        yield handle
    finally:
        handle.sim.stop()


@pytest.fixture
def kubesim_factory(tmp_path: Path) -> Iterator[Callable[..., KubeSimHandle]]:
    started: list[KubeSimHandle] = []

    def make(**options: Any) -> KubeSimHandle:
        handle = start(tmp_path / f"kubesim-{len(started)}", **options)
        started.append(handle)
        return handle

    try:
        yield make
    finally:
        for handle in started:
            handle.sim.stop()
