"""The typed options of the `statuspress` block in mkdocs.yml.

Only shapes are checked here; what the values mean (known time zone, valid
ids, names per language) is checked by generator.read.site, with line numbers.
"""
from mkdocs.config import base
from mkdocs.config import config_options as c


class StatuspressConfig(base.Config):
    # `check` reads these without MkDocs: a new option goes into generator/read/mkdocs_yml.py's
    # OPTIONS too (tests/read/test_check_config.py compares the two).
    timezone = c.Type(str, default="UTC")
    languages = c.ListOfItems(c.Type(str), default=["en"])
    groups = c.Type(dict, default={})
    departments = c.Type(dict, default={})
    updates_dir = c.Type(str, default="updates")
    # The site name per language ({nl: ..., fr: ...}); mkdocs.yml's `site_name` when absent.
    site_name = c.Optional(c.Type((str, dict)))
    organisation = c.Optional(c.Type((str, dict)))
    # What to do while something is down: [{text: {lang: ...}, phone: "112"}, ...]
    advice = c.Type(list, default=[])
    # A feed-to-e-mail sign-up page: a URL, or a URL per language.
    email_signup = c.Optional(c.Type((str, dict)))
    # Items per feed, newest first: a feed is fetched again and again, and readers keep what
    # they saw; the full history stays on the pages.
    feed_items = c.Type(int, default=50)
    # The browser editor's script (Decap CMS), for organisations that host it themselves:
    # an https:// address, or a path on the site such as /admin/decap-cms.js.
    editor_bundle = c.Optional(c.Type(str))
    # Seconds a build waits for another build publishing to the same site_dir before failing.
    publish_lock_timeout = c.Type(int, default=600)
    # The country phone numbers in statements are written for (ISO 3166 code such as BE): they
    # become tel: links in international form.
    region = c.Optional(c.Type(str))
    # Days a notice without `expires` stays on the overview.
    notice_days = c.Type(int, default=7)
    # Minutes after which a page open in a browser says it may be out of date.
    stale_after = c.Type(int, default=30)
