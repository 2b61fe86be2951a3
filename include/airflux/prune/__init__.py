"""Prune stage: delete what left the render and is still ours (see ``prune.stage``)."""

from airflux.prune.plan import PrunePlan, check_empty_render, foreign_objects, plan_prune
from airflux.prune.stage import PruneFailed, PruneOptions, PruneResult, prune

__all__ = ["PruneFailed", "PruneOptions", "PrunePlan", "PruneResult", "check_empty_render", "foreign_objects",
           "plan_prune", "prune"]
