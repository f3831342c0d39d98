"""Twinning runs (filled in below)."""
