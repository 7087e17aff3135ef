"""Installed libraries carry the known security fixes."""
from __future__ import annotations

from importlib.metadata import version


def as_tuple(v: str) -> tuple[int, ...]:
    return tuple(int("".join(ch for ch in part if ch.isdigit()) or 0) for part in v.split(".")[:3])


def test_reportlab_has_the_security_fixes():
    assert as_tuple(version("reportlab")) >= (5, 0, 3)


def test_pypdf_has_the_denial_of_service_fixes():
    assert as_tuple(version("pypdf")) >= (7, 0, 1)
