"""Importers: dashboards from other tools turned into reportgen dashboard YAML."""
