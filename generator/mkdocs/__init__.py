"""MkDocs glue: a thin plugin that calls read -> compute -> render and hands MkDocs the results."""
