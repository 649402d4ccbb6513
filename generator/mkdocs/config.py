"""The typed options of the `statuspress` block in mkdocs.yml.

Only shapes are checked here; what the values mean (known time zone, valid
ids, names per language) is checked by generator.read.site, with line numbers.
"""
from mkdocs.config import base
from mkdocs.config import config_options as c


class StatuspressConfig(base.Config):
    timezone = c.Type(str, default="UTC")
    languages = c.ListOfItems(c.Type(str), default=["en"])
    groups = c.Type(dict, default={})
    departments = c.Type(dict, default={})
    updates_dir = c.Type(str, default="updates")
    # Seconds a build waits for another build publishing to the same site_dir before failing.
    publish_lock_timeout = c.Type(int, default=600)
