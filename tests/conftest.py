"""Shared test set-up: the kubesim fixture (a real HTTP Kubernetes API emulator) for every test."""

import importlib.util

# kubesim.testing is being written in parallel; register it as soon as it exists.
pytest_plugins = ["kubesim.testing"] if importlib.util.find_spec("kubesim.testing") else []
