"""Source stage: resolve a GitRepository's ref cheaply and export the selected commit.

``resolve`` answers "which commit does the ref point to now?" with one ``git ls-remote`` (used by
watchers and sensors); ``fetch_source`` turns that commit into a filtered directory in the artifact
store, doing nothing when it is already there.
"""

from airflux.source.credentials import GitCredentials, redact_url
from airflux.source.export import tree_digest
from airflux.source.fetch import SourceArtifact, fetch_source, repo_key
from airflux.source.refs import ResolvedRef, Revision, resolve

__all__ = [
    "GitCredentials",
    "ResolvedRef",
    "Revision",
    "SourceArtifact",
    "fetch_source",
    "redact_url",
    "repo_key",
    "resolve",
    "tree_digest",
]
