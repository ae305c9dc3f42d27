"""Delivering reports: the static site archive (`publish`), CI gates, Markdown summaries,
per-team scoping and mail."""
