"""Reflex states: thin adapters between pages and the core."""
