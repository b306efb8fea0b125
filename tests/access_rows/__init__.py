"""The rows of the access-matrix table, one module per feature.

Each module defines ``ROWS``: ``{(endpoint, method): (kind, status_when_allowed,
overrides_by_actor)}``, and may define ``url_values(world) -> dict`` giving values
for the URL arguments its routes need (objects belonging to ``world.inquiry``).
Kinds: "public", "signed_in", "create", "member", "manage", and "roles:a,b" for
routes open to members with one of the listed roles (see test_permissions).
A module that builds on what the others made sets ``LATE = True``: its ``url_values``
runs after theirs.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable


def collect() -> tuple[dict, list[Callable]]:
    rows: dict = {}
    makers: list[Callable] = []
    late: list[Callable] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        overlap = rows.keys() & module.ROWS.keys()
        assert not overlap, f"rows stated twice: {overlap}"
        rows.update(module.ROWS)
        if hasattr(module, "url_values"):
            (late if getattr(module, "LATE", False) else makers).append(module.url_values)
    return rows, makers + late
