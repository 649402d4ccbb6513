"""Compute: pure functions from statements and a moment to what the site shows.

Rule: pure. No file, no clock (the moment is an argument; `build_time` only reads
SOURCE_DATE_EPOCH or the clock for the caller), no MkDocs, no rendering.
"""
from .status import DepartmentStatus, Incident, PlannedClosure, Snapshot, build_time, compute

__all__ = ["DepartmentStatus", "Incident", "PlannedClosure", "Snapshot", "build_time", "compute"]
