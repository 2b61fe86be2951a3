"""Cluster-wide admission state: Service clusterIPs from the service CIDR (10.96.0.0/12, the
kubeadm/kind default) and NodePorts from 30000-32767, like the real Service REST storage.

Allocation is deterministic (lowest free address of the dynamic band, which starts above the
static band reserved for explicitly requested IPs) so tests see stable values; a real cluster
picks a random free one. Conflicts and out-of-range requests raise the same 422 Invalid causes
the real allocator returns.
"""

from __future__ import annotations

import ipaddress
import threading
from typing import Any

from kubesim import errors
from kubesim.validation_common import invalid

Obj = dict[str, Any]

SERVICE_CIDR = "10.96.0.0/12"
NODE_PORT_RANGE = (30000, 32767)


def _needs_cluster_ip(spec: Obj) -> bool:
    return (spec.get("type") or "ClusterIP") != "ExternalName" and spec.get("clusterIP") != "None"


def _needs_node_ports(spec: Obj) -> bool:
    stype = spec.get("type") or "ClusterIP"
    if stype == "LoadBalancer":
        return spec.get("allocateLoadBalancerNodePorts", True) is not False
    return stype == "NodePort"


def _name_of(obj: Obj) -> str:
    meta = obj.get("metadata")
    return str(meta.get("name") or "") if isinstance(meta, dict) else ""


def _spec_of(obj: Obj) -> Obj:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def _ports(spec: Obj) -> list[Obj]:
    ports = spec.get("ports")
    return [p for p in ports if isinstance(p, dict)] if isinstance(ports, list) else []


def _port_key(port: Obj) -> tuple[str, str]:
    return (str(port.get("port")), str(port.get("protocol", "TCP")))


def _node_ports(spec: Obj) -> set[int]:
    return {p["nodePort"] for p in _ports(spec) if isinstance(p.get("nodePort"), int) and not isinstance(p.get("nodePort"), bool)}


def _ips(spec: Obj) -> list[int]:
    raw = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    out = []
    for ip in raw if isinstance(raw, list) else []:
        try:
            out.append(int(ipaddress.ip_address(ip)))
        except ValueError:
            continue
    return out


class Allocator:
    """Service clusterIP/NodePort allocation shared by every request (thread-safe)."""

    def __init__(self, *, service_cidr: str = SERVICE_CIDR,
                 node_ports: tuple[int, int] = NODE_PORT_RANGE) -> None:
        self._net = ipaddress.ip_network(service_cidr)
        self._ports = node_ports
        size = self._net.num_addresses
        static_band = min(max(16, size // 16), 256)
        # the network address and the first host (the `kubernetes` Service) are never handed out
        self._first_dynamic = int(self._net.network_address) + static_band + 1
        self._ips: set[int] = {int(self._net.network_address), int(self._net.network_address) + 1}
        self._node_ports: set[int] = set()
        self._next_ip = self._first_dynamic
        self._next_port = node_ports[0]
        self._lock = threading.Lock()

    # --- public contract -------------------------------------------------------------------------

    def admit_create(self, group: str, kind: str, obj: Obj) -> None:
        """Assign clusterIP/clusterIPs and nodePorts to a new Service (in place)."""
        if group != "" or kind != "Service":
            return
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        name = _name_of(obj)
        with self._lock:
            taken_ip: int | None = None
            taken_ports: list[int] = []
            try:
                if _needs_cluster_ip(spec):
                    taken_ip = self._take_ip(spec, name)
                if _needs_node_ports(spec):
                    taken_ports = self._take_ports(spec, name, keep=set())
            except errors.ApiError:
                if taken_ip is not None:
                    self._ips.discard(taken_ip)
                for port in taken_ports:
                    self._node_ports.discard(port)
                raise

    def admit_update(self, group: str, kind: str, obj: Obj, old: Obj) -> None:
        """Carry allocated values over an update that omits them (as the real Service REST
        storage does) and allocate what a type change needs (a clusterIP when leaving
        ExternalName, node ports when becoming NodePort/LoadBalancer).

        Nothing is released here: the update may still fail validation or be a dry run. After a
        successful write call :meth:`commit_update` (frees what ``old`` held and ``obj`` no longer
        does); after a failed or dry-run update call :meth:`release_update` (frees what this call
        took)."""
        if group != "" or kind != "Service":
            return
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        old_spec = _spec_of(old)
        name = _name_of(obj)
        with self._lock:
            old_needs, new_needs = _needs_cluster_ip(old_spec), _needs_cluster_ip(spec)
            if old_needs and new_needs and not spec.get("clusterIP") and old_spec.get("clusterIP"):
                spec["clusterIP"] = old_spec["clusterIP"]
                spec["clusterIPs"] = list(old_spec.get("clusterIPs") or [old_spec["clusterIP"]])
            elif not old_needs and new_needs:
                self._take_ip(spec, name)
            elif (spec.get("type") or "ClusterIP") == "ExternalName":
                spec.pop("clusterIP", None)
                spec.pop("clusterIPs", None)
            old_ports = _node_ports(old_spec)
            if _needs_node_ports(spec):
                by_key = {_port_key(p): p["nodePort"] for p in _ports(old_spec) if isinstance(p.get("nodePort"), int)}
                for port in _ports(spec):
                    if not port.get("nodePort"):
                        previous = by_key.get(_port_key(port))
                        if previous:
                            port["nodePort"] = previous
                self._take_ports(spec, name, keep=old_ports)
            else:
                # dropTypeDependentFields: node ports carried over from the old type are cleared
                for port in _ports(spec):
                    if port.get("nodePort") in old_ports:
                        port.pop("nodePort", None)

    def commit_update(self, group: str, kind: str, obj: Obj, old: Obj) -> None:
        """After a stored update: free what ``old`` held that ``obj`` no longer uses."""
        if group != "" or kind != "Service":
            return
        new_spec = _spec_of(obj)
        old_spec = _spec_of(old)
        with self._lock:
            keep = set(_ips(new_spec))
            for value in _ips(old_spec):
                if value not in keep and value != int(self._net.network_address) + 1:
                    self._ips.discard(value)
            for port in _node_ports(old_spec) - _node_ports(new_spec):
                self._node_ports.discard(port)

    def release_update(self, group: str, kind: str, obj: Obj, old: Obj) -> None:
        """After a failed or dry-run update: free what :meth:`admit_update` took for ``obj``."""
        self.commit_update(group, kind, old, obj)

    def release(self, group: str, kind: str, obj: Obj) -> None:
        """Return a deleted (or dry-run created) Service's clusterIP and nodePorts."""
        if group != "" or kind != "Service":
            return
        spec = _spec_of(obj)
        with self._lock:
            self._release_ip(spec)
            for port in _node_ports(spec):
                self._node_ports.discard(port)

    def observe(self, group: str, kind: str, obj: Obj) -> None:
        """Mark a stored Service's allocations as taken (after loading persisted state)."""
        if group != "" or kind != "Service":
            return
        spec = _spec_of(obj)
        with self._lock:
            self._ips.update(_ips(spec))
            self._node_ports.update(_node_ports(spec))

    # --- internals (lock held) -------------------------------------------------------------------

    def _fail(self, name: str, causes: list[dict[str, str]]) -> errors.ApiError:
        return errors.invalid("", "Service", name, causes)

    def _take_ip(self, spec: Obj, name: str) -> int:
        ips = spec.get("clusterIPs")
        requested = spec.get("clusterIP") or (ips[0] if isinstance(ips, list) and ips else "")
        if requested:
            try:
                addr = ipaddress.ip_address(requested)
            except ValueError:
                raise self._fail(name, [invalid("spec.clusterIPs[0]", requested,
                                                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]) from None
            value = int(addr)
            if addr not in self._net:
                msg = (f"failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. "
                       f"The range of valid IPs is {self._net}")
                raise self._fail(name, [invalid("spec.clusterIPs", [requested], msg)])
            if value in self._ips:
                msg = f"failed to allocate IP {requested}: provided IP is already allocated"
                raise self._fail(name, [invalid("spec.clusterIPs", [requested], msg)])
        else:
            free = self._free_ip()
            if free is None:
                raise self._fail(name, [invalid("spec.clusterIPs", [], "failed to allocate a serviceIP: range is full")])
            value = free
        self._ips.add(value)
        ip = str(ipaddress.ip_address(value))
        spec["clusterIP"] = ip
        spec["clusterIPs"] = [ip]
        return value

    def _free_ip(self) -> int | None:
        last = int(self._net.broadcast_address) - 1
        span = last - self._first_dynamic + 1
        candidate = self._next_ip
        for _ in range(span):
            if candidate > last:
                candidate = self._first_dynamic
            if candidate not in self._ips:
                self._next_ip = candidate + 1
                return candidate
            candidate += 1
        return None

    def _release_ip(self, spec: Obj) -> None:
        for value in _ips(spec):
            if value != int(self._net.network_address) + 1:
                self._ips.discard(value)

    def _take_ports(self, spec: Obj, name: str, *, keep: set[int]) -> list[int]:
        low, high = self._ports
        taken: list[int] = []
        ports = spec.get("ports")
        for i, port in enumerate(ports if isinstance(ports, list) else []):
            if not isinstance(port, dict):
                continue
            wanted = port.get("nodePort")
            if wanted:
                if isinstance(wanted, int) and wanted in keep:
                    continue
                if not isinstance(wanted, int) or not low <= wanted <= high:
                    msg = f"provided port is not in the valid range. The range of valid ports is {low}-{high}"
                    self._undo(taken)
                    raise self._fail(name, [invalid(f"spec.ports[{i}].nodePort", wanted, msg)])
                if wanted in self._node_ports:
                    self._undo(taken)
                    raise self._fail(name, [invalid(f"spec.ports[{i}].nodePort", wanted,
                                                    "provided port is already allocated")])
                value = wanted
            else:
                found = self._free_port()
                if found is None:
                    self._undo(taken)
                    raise self._fail(name, [invalid(f"spec.ports[{i}].nodePort", 0, "range is full")])
                value = found
            self._node_ports.add(value)
            taken.append(value)
            port["nodePort"] = value
        return taken

    def _undo(self, taken: list[int]) -> None:
        for port in taken:
            self._node_ports.discard(port)

    def _free_port(self) -> int | None:
        low, high = self._ports
        candidate = self._next_port
        for _ in range(high - low + 1):
            if candidate > high:
                candidate = low
            if candidate not in self._node_ports:
                self._next_port = candidate + 1
                return candidate
            candidate += 1
        return None
