"""Reusable test helpers (never imported by product code)."""
