"""MkDocs glue: a thin plugin that calls read -> compute -> render -> build and hands MkDocs the results.

Rule: MkDocs' events only in plugin.py; every piece of knowledge about Material's files,
templates, CSS hooks and per-page language set-up in material.py (with its tripwire tests in
tests/mkdocs/test_material.py); the theme page rendered the way MkDocs renders a page in wrap.py.
"""
