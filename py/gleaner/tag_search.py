"""Asking a page's tags many questions without bs4 walking the whole page for each.

``soup.find()`` with attribute filters builds bs4's general matcher and walks
every tag, every time. A scraper with many questions lists the tags once
(``soup.find_all(True)``, document order) and asks that list instead; these
helpers answer as find() would.
"""


def first(tags, test):
    """soup.find() with a test of our own over the page's tags: the first tag for which test(tag) holds, else None."""
    return next((tag for tag in tags if test(tag)), None)


def attribute_matches(value, test):
    """Whether find(attrs={name: test}) would match this value of the attribute.

    bs4 tries each value of a multi-valued attribute (class, rel), then all
    of them joined by spaces.
    """
    if value is None:
        return False
    if not isinstance(value, list):
        return bool(test(value))
    for single in value:
        if test(single):
            return True
    return len(value) != 1 and bool(test(" ".join(value)))
