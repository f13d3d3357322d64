"""Loads deploy/render.py (a script beside the manifests, not a package) for the deploy tests."""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="session")
def render() -> ModuleType:
    if "duban_deploy_render" not in sys.modules:
        spec = importlib.util.spec_from_file_location("duban_deploy_render", REPO_ROOT / "deploy" / "render.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["duban_deploy_render"]
