"""Jinlin (近邻): match what a neighbourhood needs with who can provide it."""

__version__ = "0.1.0"
