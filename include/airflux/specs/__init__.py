"""App definitions: Flux API objects (GitRepository, Kustomization) loaded from YAML into frozen types.

``load_apps()`` is the entry point; see ``fields.py`` for the supported fields and ``errors.py`` for how
problems are reported.
"""

from airflux.specs.errors import DefinitionError, DefinitionErrors, UnsupportedDocument
from airflux.specs.loader import AppSet, apps_dir_from_env, load_apps, load_file

__all__ = [
    "AppSet",
    "DefinitionError",
    "DefinitionErrors",
    "UnsupportedDocument",
    "apps_dir_from_env",
    "load_apps",
    "load_file",
]
