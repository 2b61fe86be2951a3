"""Render stage: a Kustomization at one source revision → a validated, cached set of objects.

Runs the real kustomize engine the way Flux's kustomize-controller does (generated kustomization,
targetNamespace, name affixes, patches, images, components, postBuild substitution,
commonMetadata) and stores the result in the artifact store, keyed so an unchanged revision is
never rebuilt.
"""

from airflux.render.cluster_vars import kube_reader
from airflux.render.render import render
from airflux.render.result import RenderFileError, RenderResult

__all__ = ["RenderFileError", "RenderResult", "kube_reader", "render"]
