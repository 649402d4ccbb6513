"""Build: the statement and incident pages filled into their slotted theme page and written
(both cores), the other outputs made, the finished folder published in one step.

Rule: nothing here imports `mkdocs` (tests/test_layout.py checks it); the MkDocs glue
(generator/mkdocs) hands this room strings and bytes and the slotted theme pages it rendered.
This is the room that writes files (`files.py` for single files) and starts processes.
"""
