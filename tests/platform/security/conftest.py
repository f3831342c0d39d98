"""The authorisation matrix's helper modules (its world and its table) sit beside its test."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
