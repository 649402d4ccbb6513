"""Length limits on a statement's texts, shared by the checks and the renderers.

Kept apart, free of imports, so that `check` learns them without loading the feed library.
"""

MAX_TITLE = 300  # characters: a headline, also the page's <title> and every feed item's title
MAX_SUMMARY = 1000  # characters: a summary is a sentence or two; a longer one is cut
