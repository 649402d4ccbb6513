"""Read: files in, validated statements and located problems out."""
from .problems import Problem, Problems
from .site import read_site
from .updates import read_updates

__all__ = ["Problem", "Problems", "read_site", "read_updates"]
