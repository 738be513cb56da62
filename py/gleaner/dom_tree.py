"""A BeautifulSoup tree built from the browser's DOM, without parsing the HTML again.

The browser has parsed the page already; extension/content/capture.js walks
its DOM into JSON text: one flat list of events in document order (flat, as
a page may nest elements deeper than a JSON reader recurses):

- ``[name, [attribute, value, ...]]``: an element starts;
- ``0``: the innermost open element ends;
- a string: text;
- ``[1, text]``: a comment;
- ``[2, markup]``: markup the DOM keeps as text (a noscript's content in a
  page that runs scripts) and html.parser parses;
- ``[3, declaration]``: the doctype;
- ``[4, text]``: a processing instruction (``<?text>``).

The tree is built by the same BeautifulSoup steps html.parser's events
take, so it is the tree ``make_soup`` gives for the page's HTML (the
capture's other half): the corpus tests hold the two equal node for node. One
thing differs: tags carry no ``sourceline``/``sourcepos`` (there is no
source). The steps for text, starts and ends are bs4's handlers inlined (a
call per event was most of the time): the build takes about a quarter of
the time of a parse, where it was most of a warm scrape.
"""

import json

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction, Tag

from .soup import GleanerHTMLParser, GleanerTreeBuilder

END, COMMENT, MARKUP, DOCTYPE, PROCESSING_INSTRUCTION = 0, 1, 2, 3, 4


class DomTreeBuilder(GleanerTreeBuilder):
    NAME = "gleaner.dom"

    def prepare_markup(self, markup, *args, **kwargs):
        yield markup, None, None, False

    def feed(self, events_json):
        events = json.loads(events_json)
        if self.soup.parse_only is not None:
            # A filter decides, tag by tag, what bs4 keeps: only its own calls know.
            self._replay(events)
        else:
            self._build(events)

    def _replay(self, events):
        """Build the tree through bs4's own handlers, one call per event.

        What html.parser's events do, so this is the definition of the tree:
        _build makes the same tree the same way, only without most of the
        calls (which are most of the time).
        """
        soup = self.soup
        # The open elements' names, innermost last; None for one already closed.
        open_names = []
        for event in events:
            if type(event) is str:
                soup.handle_data(event)
            elif type(event) is int:
                if event != END:
                    raise ValueError(f"unknown DOM event {event!r}")
                name = open_names.pop()
                if name is not None:
                    soup.handle_endtag(name)
            elif type(event[0]) is str:
                name, attributes = event
                tag = soup.handle_starttag(name, None, None, dict(zip(attributes[::2], attributes[1::2])))
                if tag is not None and tag.is_empty_element:
                    # html.parser's builder closes these at once (bs4's empty
                    # elements, a few more than HTML's void ones): what the
                    # DOM nests in one follows it as siblings.
                    soup.handle_endtag(name)
                    name = None
                open_names.append(name)
            else:
                self._other(event)
        if open_names:
            raise ValueError("the DOM walk ended inside an element")

    def _build(self, events):
        """The tree _replay builds, with bs4's handlers inlined for text, starts and ends.

        Each step below does what the bs4 4.15 method it names does, and
        leaves the soup's parse state (tagStack, open_tag_counter, the
        whitespace and string-container stacks) as that method would: the
        rare events (comments, markup to parse, an element of the root's
        name) still go through bs4's own calls, which read that state. Three
        pieces of it are kept apart, for speed, and handed over around those
        calls: the text not yet made a string (current_data, here one str or
        None), the node made last (_most_recent_element) and currentTag
        (always the last of tagStack).
        """
        soup = self.soup
        stack = soup.tagStack
        counts = soup.open_tag_counter
        preserving = soup.preserve_whitespace_tag_stack
        containing = soup.string_container_stack
        preserve_whitespace_tags = self.preserve_whitespace_tags
        string_containers = self.string_containers
        spaces = soup.ASCII_SPACES
        root_name = soup.ROOT_TAG_NAME
        tag_class = soup.element_classes.get(Tag, Tag)
        text_class = soup.element_classes.get(NavigableString, NavigableString)
        # String classes made here as NavigableString(text) makes them (all
        # of bs4's): str's own construction, then the fields set below.
        plain_strings = {
            cls
            for cls in (text_class, *string_containers.values())
            if cls.__new__ is NavigableString.__new__ and cls.__init__ is object.__init__
        }
        new_string = str.__new__
        # A Tag made as Tag.__init__ makes one for this builder (bs4 4.15),
        # its fields set at once in the same order (Tag.__init__ was most
        # of the build); a <meta> (set_up_substitutions looks at it) or a
        # Tag subclass goes through its own __init__.
        plain_tags = tag_class is Tag and self.attribute_dict_class is not None and not self.is_xml
        parser_class = soup.__class__
        value_list_class = self.attribute_value_list_class
        cdata_list_attributes = self.cdata_list_attributes
        list_values = self._replace_cdata_list_attribute_values
        empty_element_tags = self.empty_element_tags
        main_string_types = Tag.MAIN_CONTENT_STRING_TYPES
        new_object = object.__new__
        # The open elements, innermost last: the Tag; None for one bs4 closed
        # already (its end is no call at all); or the name of one bs4 itself
        # is to end.
        open_elements = []
        pending = "".join(soup.current_data) if soup.current_data else None
        soup.current_data = []
        recent = soup._most_recent_element

        def end_data(text, recent):
            """endData: the text waiting becomes a string, the node made last."""
            if not preserving and not text.strip(spaces):
                # Only ASCII spaces: one space or newline.
                text = "\n" if "\n" in text else " "
            # string_container()
            cls = text_class
            if containing and cls is NavigableString:
                cls = string_containers.get(containing[-1].name, cls)
            # object_was_parsed: linked last in the innermost open element,
            # after the node made last. (Its _linkage_fixer has nothing to
            # fix: an open element is always its parent's last child.)
            parent = stack[-1]
            string = new_string(cls, text) if cls in plain_strings else cls(text)
            string.hidden = False
            string.parent = parent
            string.previous_element = recent
            if recent is not None:
                recent.next_element = string
            string.next_element = None
            string.next_sibling = None
            siblings = parent.contents
            if siblings:
                previous = string.previous_sibling = siblings[-1]
                previous.next_sibling = string
            else:
                string.previous_sibling = None
            siblings.append(string)
            return string

        for event in events:
            if type(event) is str:
                # handle_data: text waits, to merge with any text next to it.
                pending = event if pending is None else pending + event

            elif type(event) is int:
                if event != END:
                    raise ValueError(f"unknown DOM event {event!r}")
                tag = open_elements.pop()
                if tag is None:
                    continue
                # handle_endtag
                if pending is not None:
                    recent = end_data(pending, recent)
                    pending = None
                if tag is stack[-1]:
                    # _popToTag pops this one only, bs4's innermost open
                    # element: popTag.
                    stack.pop()
                    counts[tag.name] -= 1
                    if preserving and preserving[-1] is tag:
                        preserving.pop()
                    if containing and containing[-1] is tag:
                        containing.pop()
                else:
                    # Markup parsed in the element left elements open in it,
                    # or closed it already; or bs4 closes no element of this
                    # name: bs4 finds what to pop. (Its endData has nothing
                    # left to do.)
                    soup.currentTag = stack[-1]
                    soup.handle_endtag(tag if type(tag) is str else tag.name)

            elif type(event[0]) is str:
                name, attributes = event
                attrs = dict(zip(attributes[::2], attributes[1::2]))
                # handle_starttag
                if pending is not None:
                    recent = end_data(pending, recent)
                    pending = None
                if name == root_name:
                    # pushTag does not count an element of this name and
                    # handle_endtag never closes one: bs4's own calls.
                    soup.currentTag, soup._most_recent_element = stack[-1], recent
                    tag = soup.handle_starttag(name, None, None, attrs)
                    recent = soup._most_recent_element
                    if tag.is_empty_element:
                        soup.handle_endtag(name)
                        open_elements.append(None)
                    else:
                        open_elements.append(name)
                    continue
                parent = stack[-1]
                # Its __init__ links it last in its parent, after the node
                # made last.
                if plain_tags and name != "meta":
                    if attrs and cdata_list_attributes:
                        attrs = list_values(name, attrs)
                    siblings = parent.contents
                    previous = siblings[-1] if siblings else None
                    tag = new_object(Tag)
                    tag.__dict__ = {
                        "parser_class": parser_class, "name": name, "namespace": None, "_namespaces": {}, "prefix": None,
                        "sourceline": None, "sourcepos": None, "attribute_value_list_class": value_list_class,
                        "attrs": attrs, "known_xml": False, "contents": [], "parent": parent,
                        "previous_element": recent, "next_element": None, "next_sibling": None,
                        "previous_sibling": previous, "hidden": False,
                        "can_be_empty_element": empty_element_tags is None or name in empty_element_tags,
                        "cdata_list_attributes": cdata_list_attributes, "preserve_whitespace_tags": preserve_whitespace_tags,
                        "interesting_string_types": {string_containers[name]} if name in string_containers else main_string_types,
                    }
                    if recent is not None:
                        recent.next_element = tag
                    if previous is not None:
                        previous.next_sibling = tag
                else:
                    tag = tag_class(soup, self, name, None, None, attrs, parent, recent)
                recent = tag
                # pushTag
                parent.contents.append(tag)
                stack.append(tag)
                counts[name] = counts.get(name, 0) + 1
                keeps_whitespace = name in preserve_whitespace_tags
                if keeps_whitespace:
                    preserving.append(tag)
                holds_strings = name in string_containers
                if holds_strings:
                    containing.append(tag)
                if tag.is_empty_element:
                    # See _replay: handle_endtag at once, popTag.
                    stack.pop()
                    counts[name] -= 1
                    if keeps_whitespace:
                        preserving.pop()
                    if holds_strings:
                        containing.pop()
                    tag = None
                open_elements.append(tag)

            else:
                soup.current_data = [] if pending is None else [pending]
                soup.currentTag, soup._most_recent_element = stack[-1], recent
                self._other(event)
                pending = "".join(soup.current_data) if soup.current_data else None
                soup.current_data = []
                recent = soup._most_recent_element

        if open_elements:
            raise ValueError("the DOM walk ended inside an element")
        # What is left for the parse's end (BeautifulSoup._feed) to finish.
        soup.current_data = [] if pending is None else [pending]
        soup.currentTag, soup._most_recent_element = stack[-1], recent

    def _other(self, event):
        """The events bs4's own calls handle: comments, doctype, processing instructions and markup."""
        if event[0] == COMMENT:
            self._string(event[1], Comment)
        elif event[0] == DOCTYPE:
            self._string(event[1], Doctype)
        elif event[0] == PROCESSING_INSTRUCTION:
            self._string(event[1], ProcessingInstruction)
        elif event[0] == MARKUP:
            self._parse(event[1])
        else:
            raise ValueError(f"unknown DOM event {event[0]!r}")

    def _string(self, text, container):
        self.soup.endData()
        self.soup.handle_data(text)
        self.soup.endData(container)

    def _parse(self, markup):
        args, kwargs = self.parser_args
        parser = GleanerHTMLParser(self.soup, *args, **kwargs)
        parser.feed(markup)
        parser.close()


def soup_from_dom(events_json):
    """The tree of a page from its DOM walk (see the module's docstring)."""
    return BeautifulSoup(events_json, builder=DomTreeBuilder())
