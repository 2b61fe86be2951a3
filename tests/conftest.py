"""Shared test set-up: the kubesim fixture (a real HTTP Kubernetes API emulator) for every test."""

pytest_plugins = ["kubesim.testing"]
