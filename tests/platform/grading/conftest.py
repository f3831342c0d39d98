"""Helpers of the grading tests importable as ``grading_data``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
