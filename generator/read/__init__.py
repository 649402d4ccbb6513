"""Read: files in, validated statements and located problems out."""
from .problems import Problem, Problems
from .site import missing_site_url, read_site, site_dir_problems
from .updates import TEMPLATE_BODY, is_untouched_stub, read_updates

__all__ = ["Problem", "Problems", "TEMPLATE_BODY", "is_untouched_stub", "missing_site_url", "read_site",
           "read_updates"]
