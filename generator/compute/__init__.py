"""Compute: pure functions from statements and a moment to what the site shows."""
from .status import DepartmentStatus, Incident, PlannedClosure, Snapshot, build_time, compute

__all__ = ["DepartmentStatus", "Incident", "PlannedClosure", "Snapshot", "build_time", "compute"]
