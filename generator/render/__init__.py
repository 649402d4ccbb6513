"""Render: pages and files as strings and bytes, from a computed snapshot.

Rule: nothing here writes a file or starts a process (tests/test_layout.py checks it);
the build (generator/build) writes what this room produces.
"""
