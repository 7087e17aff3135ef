"""The build options the command line can set (kept apart so that reading them loads no
renderer)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Options:
    """Build options that the command line can set over the kit's own settings."""

    large_print: bool | None = None
    forms: bool = True
    documents: bool = True
    """Also write each document as its own PDF."""
    tagged: bool = True
    """Write tagged PDF (PDF/UA-1); off only to measure what tagging costs."""
