"""Read: files in, validated statements and located problems out.

Rule: every problem is located (`path:line: what, how to fix`) and all of them are reported in
one run; nothing here renders or writes. The statement-file format `statuspress new` writes
lives here too (format.py), beside the reader that refuses what is left as written.
"""
from .problems import Problem, Problems
from .site import missing_site_url, read_site, site_dir_problems
from .updates import TEMPLATE_BODY, is_untouched_stub, read_updates

__all__ = ["Problem", "Problems", "TEMPLATE_BODY", "is_untouched_stub", "missing_site_url", "read_site",
           "read_updates"]
