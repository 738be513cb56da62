"""Asking a page's tags many questions without bs4 walking the whole page for each.

``soup.find()`` with attribute filters builds bs4's general matcher and walks
every tag, every time; even ``find_all("a")`` walks every node. The built-ins
ask a tree's index instead: its tags listed once, in document order, with
the tags of each name and the tags that carry each attribute (made on the
first question, in one pass, and shared by every scraper of the run). These
helpers answer as find() and find_all() would.
"""

# Where a tree keeps its index: on the soup itself, so the two go together
# (a table beside them would hold every tree alive through its tags).
_ATTRIBUTE = "_gleaner_tag_index"


class TagIndex:
    """A tree's tags in document order (``all``), by name and by attribute name.

    Every list is a tuple: scrapers share them, and none may change them.
    The tree must not change after the index is made (page.soup is read-only).
    """

    def __init__(self, soup):
        self.all = tuple(soup.find_all(True))
        by_name, by_attribute = {}, {}
        for tag in self.all:
            named = by_name.get(tag.name)
            if named is None:
                by_name[tag.name] = [tag]
            else:
                named.append(tag)
            for attribute in tag.attrs:
                carrying = by_attribute.get(attribute)
                if carrying is None:
                    by_attribute[attribute] = [tag]
                else:
                    carrying.append(tag)
        self._by_name = {name: tuple(tags) for name, tags in by_name.items()}
        self._by_attribute = {attribute: tuple(tags) for attribute, tags in by_attribute.items()}

    def named(self, *names):
        """soup.find_all(names): the tags of these names, in document order."""
        if len(names) == 1:
            return self._by_name.get(names[0], ())
        wanted = set(names)
        return tuple(tag for tag in self.all if tag.name in wanted)

    def with_attribute(self, attribute):
        """soup.find_all(attrs={attribute: True}): the tags that carry this attribute, in document order."""
        return self._by_attribute.get(attribute, ())


def index(soup):
    """The TagIndex of this tree, made on the first call."""
    made = soup.__dict__.get(_ATTRIBUTE)  # not getattr: bs4 reads a missing attribute as find(name)
    if made is None:
        made = soup.__dict__[_ATTRIBUTE] = TagIndex(soup)
    return made


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
