"""``spec.dependsOn`` between Kustomizations and between HelmReleases: the checks at load time (missing dependency, cycle) and
the rule at run time (a dependency must have applied the same source revision and be Ready)."""

from airflux.deps.graph import DependencyProblem, dependency_problems, order
from airflux.deps.readiness import DependencyState, blocking, failed

__all__ = ["DependencyProblem", "DependencyState", "blocking", "dependency_problems", "failed", "order"]
