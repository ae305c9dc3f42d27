"""reportgen: static reports from YAML dashboards of Sumo Logic-style log queries."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
