"""Prune stage: delete what left the render and is still ours (see ``prune.stage``)."""

from airflux.prune.namespaces import blocking_objects, namespaces_in_use
from airflux.prune.plan import PrunePlan, check_empty_render, plan_prune
from airflux.prune.stage import PruneFailed, PruneOptions, PruneResult, prune

__all__ = ["PruneFailed", "PruneOptions", "PrunePlan", "PruneResult", "blocking_objects", "check_empty_render",
           "namespaces_in_use", "plan_prune", "prune"]
