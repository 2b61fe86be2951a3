"""Validation of the workload kinds: apps/v1 Deployment, ReplicaSet, StatefulSet, DaemonSet and
batch/v1 Job, CronJob (pkg/apis/apps/validation, pkg/apis/batch/validation and the apps/batch
registry strategies that add the immutable-selector rules).

These are the rules GitOps pipelines hit most: a selector that does not match the template labels,
a changed selector or Job template on re-apply, a Job whose pods may restart Always.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from kubesim.cron import cron_error
from kubesim.validation_common import (
    Cause,
    forbidden,
    immutable,
    invalid,
    nonnegative,
    not_supported,
    required,
    selector_is_empty,
    selector_matches,
    semantic_equal,
    validate_label_selector,
    validate_labels,
)
from kubesim.validation_pod import validate_pod_template

_PERCENT_RE = re.compile(r"[0-9]+%")
_PERCENT_MSG = (
    "a valid percent string must be a numeric string followed by an ending '%' "
    "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
)
SELECTOR_MISMATCH = "`selector` does not match template `labels`"


def _int_or_percent(value: Any, path: str) -> list[Cause]:
    if isinstance(value, str):
        return [] if _PERCENT_RE.fullmatch(value) else [invalid(path, value, _PERCENT_MSG)]
    return nonnegative(path, value)


def _int_or_percent_value(value: Any) -> int:
    if isinstance(value, str):
        return int(value[:-1]) if _PERCENT_RE.fullmatch(value) else 0
    return value if isinstance(value, int) else 0


def _selector_and_template(
    spec: Mapping[str, Any],
    kind_word: str,
    *,
    template_path: str = "spec.template",
    require_selector: bool = True,
) -> list[Cause]:
    """Selector required and non-empty, template labels matched, template validated."""
    out: list[Cause] = []
    selector = spec.get("selector")
    template = spec.get("template")
    if selector is None:
        if require_selector:
            out.append(required("spec.selector", ""))
    else:
        out.extend(validate_label_selector(selector, "spec.selector"))
        if isinstance(selector, Mapping) and selector_is_empty(selector):
            out.append(invalid("spec.selector", selector, f"empty selector is invalid for {kind_word}"))
    if template is None:
        out.append(required(template_path, ""))
        return out
    out.extend(_pod_template(template, selector, template_path))
    return out


def _pod_template(template: Any, selector: Any, path: str) -> list[Cause]:
    """The pod template at ``path``: its labels match a non-empty ``selector``, and it validates."""
    out: list[Cause] = []
    labels = ((template.get("metadata") or {}) if isinstance(template, Mapping) else {}).get("labels")
    if (
        isinstance(selector, Mapping)
        and not selector_is_empty(selector)
        and not selector_matches(selector, labels)
    ):
        out.append(invalid(f"{path}.metadata.labels", labels or {}, SELECTOR_MISMATCH))
    out.extend(validate_pod_template(template, path))
    return out


def _restart_always(spec: Mapping[str, Any], path: str, kind: str) -> list[Cause]:
    pod = (
        ((spec.get("template") or {}).get("spec") or {}) if isinstance(spec.get("template"), Mapping) else {}
    )
    out: list[Cause] = []
    restart = pod.get("restartPolicy")
    if restart is not None and restart != "Always":
        out.append(not_supported(f"{path}.spec.restartPolicy", restart, ["Always"]))
    if pod.get("activeDeadlineSeconds") is not None:
        out.append(
            forbidden(
                f"{path}.spec.activeDeadlineSeconds", f"activeDeadlineSeconds in {kind} is not Supported"
            )
        )
    return out


def validate_deployment(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out = nonnegative("spec.replicas", spec.get("replicas"))
    out.extend(_selector_and_template(spec, "deployment"))
    out.extend(_restart_always(spec, "spec.template", "ReplicaSet"))
    strategy = spec.get("strategy") or {}
    stype = strategy.get("type")
    if stype == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            out.append(
                forbidden(
                    "spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"
                )
            )
    elif stype == "RollingUpdate":
        ru = strategy.get("rollingUpdate") or {}
        mu, ms = ru.get("maxUnavailable"), ru.get("maxSurge")
        out.extend(_int_or_percent(mu, "spec.strategy.rollingUpdate.maxUnavailable"))
        out.extend(_int_or_percent(ms, "spec.strategy.rollingUpdate.maxSurge"))
        if _int_or_percent_value(mu) == 0 and _int_or_percent_value(ms) == 0:
            out.append(
                invalid("spec.strategy.rollingUpdate.maxUnavailable", mu, "may not be 0 when `maxSurge` is 0")
            )
        if isinstance(mu, str) and _PERCENT_RE.fullmatch(mu) and int(mu[:-1]) > 100:
            out.append(
                invalid("spec.strategy.rollingUpdate.maxUnavailable", mu, "must not be greater than 100%")
            )
    elif stype is not None:
        out.append(not_supported("spec.strategy", strategy, ["Recreate", "RollingUpdate"]))
    out.extend(nonnegative("spec.minReadySeconds", spec.get("minReadySeconds")))
    out.extend(nonnegative("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit")))
    pds = spec.get("progressDeadlineSeconds")
    if isinstance(pds, int):
        out.extend(nonnegative("spec.progressDeadlineSeconds", pds))
        if pds <= (spec.get("minReadySeconds") or 0):
            out.append(invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"))
    if old is not None:
        out.extend(immutable("spec.selector", spec.get("selector"), (old.get("spec") or {}).get("selector")))
    return out


def validate_replicaset(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out = nonnegative("spec.replicas", spec.get("replicas"))
    out.extend(nonnegative("spec.minReadySeconds", spec.get("minReadySeconds")))
    out.extend(_selector_and_template(spec, "deployment"))  # the real message says "deployment" too
    out.extend(_restart_always(spec, "spec.template", "ReplicaSet"))
    if old is not None:
        out.extend(immutable("spec.selector", spec.get("selector"), (old.get("spec") or {}).get("selector")))
    return out


def validate_daemonset(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out = _selector_and_template(spec, "daemonset")
    out.extend(_restart_always(spec, "spec.template", "DaemonSet"))
    out.extend(nonnegative("spec.minReadySeconds", spec.get("minReadySeconds")))
    out.extend(nonnegative("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit")))
    strategy = spec.get("updateStrategy") or {}
    stype = strategy.get("type")
    if stype == "RollingUpdate":
        ru = strategy.get("rollingUpdate")
        if ru is None:
            out.append(required("spec.updateStrategy.rollingUpdate", ""))
        else:
            mu, ms = ru.get("maxUnavailable"), ru.get("maxSurge")
            out.extend(_int_or_percent(mu, "spec.updateStrategy.rollingUpdate.maxUnavailable"))
            out.extend(_int_or_percent(ms, "spec.updateStrategy.rollingUpdate.maxSurge"))
            has_u, has_s = _int_or_percent_value(mu) != 0, _int_or_percent_value(ms) != 0
            if has_u and has_s:
                out.append(
                    invalid(
                        "spec.updateStrategy.rollingUpdate.maxSurge",
                        ms,
                        "may not be set when maxUnavailable is non-zero",
                    )
                )
            elif not has_u and not has_s:
                out.append(
                    required(
                        "spec.updateStrategy.rollingUpdate.maxUnavailable", "cannot be 0 when maxSurge is 0"
                    )
                )
    elif stype not in (None, "OnDelete"):
        out.append(not_supported("spec.updateStrategy", strategy, ["RollingUpdate", "OnDelete"]))
    if old is not None:
        out.extend(immutable("spec.selector", spec.get("selector"), (old.get("spec") or {}).get("selector")))
    return out


_STS_MUTABLE = (
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
)
STS_FORBIDDEN_MSG = (
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
    "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
)


def validate_statefulset(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out: list[Cause] = []
    pmp = spec.get("podManagementPolicy")
    if pmp is not None and pmp not in ("OrderedReady", "Parallel"):
        out.append(invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"))
    strategy = spec.get("updateStrategy") or {}
    stype = strategy.get("type")
    if stype == "OnDelete" and strategy.get("rollingUpdate") is not None:
        out.append(
            invalid(
                "spec.updateStrategy.rollingUpdate",
                strategy["rollingUpdate"],
                "only allowed for updateStrategy 'RollingUpdate'",
            )
        )
    elif stype == "RollingUpdate":
        out.extend(
            nonnegative(
                "spec.updateStrategy.rollingUpdate.partition",
                (strategy.get("rollingUpdate") or {}).get("partition"),
            )
        )
    elif stype is not None:
        out.append(invalid("spec.updateStrategy", strategy, "must be 'RollingUpdate' or 'OnDelete'"))
    policy = spec.get("persistentVolumeClaimRetentionPolicy") or {}
    for key in ("whenDeleted", "whenScaled"):
        if key in policy and policy[key] not in ("Retain", "Delete"):
            out.append(
                not_supported(
                    f"spec.persistentVolumeClaimRetentionPolicy.{key}", policy[key], ["Retain", "Delete"]
                )
            )
    out.extend(nonnegative("spec.replicas", spec.get("replicas")))
    out.extend(nonnegative("spec.minReadySeconds", spec.get("minReadySeconds")))
    out.extend(_selector_and_template(spec, "statefulset"))
    out.extend(_restart_always(spec, "spec.template", "StatefulSet"))
    if old is not None:
        old_spec = old.get("spec") or {}
        rest_new = {k: v for k, v in spec.items() if k not in _STS_MUTABLE}
        rest_old = {k: v for k, v in old_spec.items() if k not in _STS_MUTABLE}
        if not semantic_equal(rest_new, rest_old):
            out.append(forbidden("spec", STS_FORBIDDEN_MSG))
    return out


# --- batch/v1 --------------------------------------------------------------------------------------

JOB_RESTART_POLICIES = ("OnFailure", "Never")


def _job_spec(spec: Mapping[str, Any], path: str, *, in_template: bool) -> list[Cause]:
    out: list[Cause] = []
    for key in (
        "parallelism",
        "completions",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "activeDeadlineSeconds",
    ):
        out.extend(nonnegative(f"{path}.{key}", spec.get(key)))
    mode = spec.get("completionMode")
    if mode is not None and mode not in ("NonIndexed", "Indexed"):
        out.append(not_supported(f"{path}.completionMode", mode, ["NonIndexed", "Indexed"]))
    if mode == "Indexed" and spec.get("completions") is None:
        out.append(required(f"{path}.completions", "when completion mode is Indexed"))
    selector = spec.get("selector")
    template = spec.get("template")
    manual = spec.get("manualSelector") is True
    if in_template and selector is not None:
        out.append(invalid(f"{path}.selector", selector, "`selector` will be auto-generated"))
    if in_template and manual:
        out.append(not_supported(f"{path}.manualSelector", True, ["nil", "false"]))
    if selector is None and manual:
        out.append(required(f"{path}.selector", ""))
    elif selector is not None:
        out.extend(validate_label_selector(selector, f"{path}.selector"))
    if template is None:
        out.append(required(f"{path}.template", ""))
        return out
    out.extend(_pod_template(template, selector, f"{path}.template"))
    pod = (template.get("spec") or {}) if isinstance(template, Mapping) else {}
    restart = pod.get("restartPolicy")
    if restart not in JOB_RESTART_POLICIES:
        # the real server words this as Required even when the (defaulted) value is "Always"
        out.append(required(f"{path}.template.spec.restartPolicy", 'valid values: "OnFailure", "Never"'))
    return out


def validate_job(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out = _job_spec(spec, "spec", in_template=False)
    if old is not None:
        old_spec = old.get("spec") or {}
        out.extend(immutable("spec.selector", spec.get("selector"), old_spec.get("selector")))
        if not semantic_equal(spec.get("template"), old_spec.get("template")):
            out.append(invalid("spec.template", spec.get("template"), "field is immutable"))
        if spec.get("completionMode") == "Indexed" and spec.get("completions") == spec.get("parallelism"):
            pass  # elastic Indexed Jobs may scale completions together with parallelism
        else:
            out.extend(immutable("spec.completions", spec.get("completions"), old_spec.get("completions")))
        out.extend(
            immutable("spec.completionMode", spec.get("completionMode"), old_spec.get("completionMode"))
        )
        out.extend(
            immutable("spec.podFailurePolicy", spec.get("podFailurePolicy"), old_spec.get("podFailurePolicy"))
        )
    return out


def validate_cronjob(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    spec = obj.get("spec") or {}
    out: list[Cause] = []
    name = (obj.get("metadata") or {}).get("name") or ""
    if len(name) > 52:
        out.append(invalid("metadata.name", name, "must be no more than 52 characters"))
    schedule = spec.get("schedule")
    if not schedule:
        out.append(required("spec.schedule", ""))
    else:
        err = cron_error(str(schedule))
        if err:
            out.append(invalid("spec.schedule", schedule, err))
        if "TZ" in str(schedule):
            out.append(
                invalid(
                    "spec.schedule",
                    schedule,
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                )
            )
    tz = spec.get("timeZone")
    if tz is not None:
        try:
            if not tz or tz.lower() == "local":
                raise ValueError
            ZoneInfo(tz)
        except Exception:
            out.append(invalid("spec.timeZone", tz, f"unknown time zone {tz}"))
    policy = spec.get("concurrencyPolicy")
    if policy is not None and policy not in ("Allow", "Forbid", "Replace"):
        out.append(not_supported("spec.concurrencyPolicy", policy, ["Allow", "Forbid", "Replace"]))
    for key in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        out.extend(nonnegative(f"spec.{key}", spec.get(key)))
    jt = spec.get("jobTemplate")
    if not isinstance(jt, Mapping):
        out.append(required("spec.jobTemplate", ""))
    else:
        out.extend(
            validate_labels((jt.get("metadata") or {}).get("labels"), "spec.jobTemplate.metadata.labels")
        )
        out.extend(_job_spec(jt.get("spec") or {}, "spec.jobTemplate.spec", in_template=True))
    return out
