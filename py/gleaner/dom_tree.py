"""A BeautifulSoup tree built from the browser's DOM, without parsing the HTML again.

The browser has parsed the page already; extension/content/capture.js walks
its DOM into one string, the *walk*: tokens separated by U+007F (DEL; a
page whose HTML holds that character sends no walk, and its HTML is parsed
instead). Flat, as a page may nest elements deeper than any reader recurses;
one string split once, as most of a page is many short strings (a JSON
array of them took a third of the time this module spends):

    gleaner-walk-2 DEL shape DEL n DEL name DEL count ... DEL tokens...

The *shape* has one character per event, in document order:

- ``"``: text, the next token (the walk merges the texts next to each other);
- ``/``: the innermost open element ends;
- a *kind*: an element starts, of the name and with the number of attributes
  listed for that kind after the shape (n pairs of a name and a count; the
  kinds are named by the characters ``0`` to ``~`` then ``¡`` to ``ÿ``, see
  kind_character); its attributes follow as tokens, each a name then a value;
- ``*``: an element of a kind past the list starts: its name, its attribute
  count, then its attributes;
- ``!``: a comment; ``#``: the doctype; ``$``: a processing instruction
  (``<?text>``); ``%``: markup the DOM keeps as text (a noscript's content in
  a page that runs scripts) and html.parser parses: each the next token.

Names come lowercased and void elements without children, as html.parser
sees them in the HTML. The tree is built by the same BeautifulSoup steps
html.parser's events take, so it is the tree ``make_soup`` gives for the
page's HTML (the capture's other half): the corpus tests hold the two equal
node for node. One thing differs: tags carry no ``sourceline``/``sourcepos``
(there is no source). The steps for text, starts and ends are bs4's
handlers inlined (a call per event was most of the time), with what depends
only on an element's kind worked out once per kind.
"""

from itertools import islice

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction, Tag
from bs4.builder import nonwhitespace_re

from .soup import GleanerHTMLParser, GleanerTreeBuilder

FORMAT = "gleaner-walk-2"
SEPARATOR = "\x7f"
TEXT, END, UNLISTED, COMMENT, DOCTYPE, PROCESSING_INSTRUCTION, MARKUP = '"', "/", "*", "!", "#", "$", "%"
# How events() names an element's start.
START = "<"
# The events bs4's own calls make strings of, by their class.
STRING_EVENTS = {COMMENT: Comment, DOCTYPE: Doctype, PROCESSING_INSTRUCTION: ProcessingInstruction}
# Printable characters of one byte each, so the walk stays a one-byte string.
KINDS = 79 + 95


def kind_character(index):
    """The shape's character for the index-th kind listed: ``0`` to ``~``, then ``¡`` to ``ÿ``."""
    if not 0 <= index < KINDS:
        raise ValueError(f"no character for element kind {index}")
    return chr(0x30 + index if index < 79 else 0xA1 + index - 79)


def attribute_count(token):
    count = int(token)
    if count < 0:
        raise ValueError(f"an element with {count} attributes")
    return count


def read_walk(walk):
    """The walk's shape, its kinds ({character: (name, attribute count)}) and an iterator over its tokens."""
    tokens = iter(walk.split(SEPARATOR))
    if next(tokens) != FORMAT:
        raise ValueError("not a DOM walk Gleaner reads")
    try:
        shape = next(tokens)
        kinds = {}
        for index in range(attribute_count(next(tokens))):
            kinds[kind_character(index)] = (next(tokens), attribute_count(next(tokens)))
    except StopIteration:
        raise ValueError("the DOM walk ends early") from None
    return shape, kinds, tokens


def take_attributes(tokens, count):
    pairs = tuple(islice(tokens, 2 * count))
    if len(pairs) != 2 * count:
        raise ValueError("the DOM walk ends early")
    return dict(zip(pairs[::2], pairs[1::2]))


def events(walk):
    """The walk's events in document order, as (kind, value): (TEXT, text), (END, None),
    (START, (name, attributes)), or a comment, doctype, processing instruction or markup
    and its text. The reference reading: DomTreeBuilder._build reads the walk inline."""
    shape, kinds, tokens = read_walk(walk)
    try:
        for kind in shape:
            if kind == TEXT:
                yield TEXT, next(tokens)
            elif kind == END:
                yield END, None
            elif kind in kinds or kind == UNLISTED:
                name, count = kinds[kind] if kind in kinds else (next(tokens), attribute_count(next(tokens)))
                yield START, (name, take_attributes(tokens, count))
            elif kind in STRING_EVENTS or kind == MARKUP:
                yield kind, next(tokens)
            else:
                raise ValueError(f"unknown DOM event {kind!r}")
    except StopIteration:
        raise ValueError("the DOM walk ends early") from None
    if next(tokens, None) is not None:
        raise ValueError("the DOM walk has tokens left over")


class DomTreeBuilder(GleanerTreeBuilder):
    NAME = "gleaner.dom"

    def prepare_markup(self, markup, *args, **kwargs):
        yield markup, None, None, False

    def feed(self, walk):
        if self.soup.parse_only is not None:
            # A filter decides, tag by tag, what bs4 keeps: only its own calls know.
            self._replay(walk)
        else:
            self._build(walk)

    def _replay(self, walk):
        """Build the tree through bs4's own handlers, one call per event.

        What html.parser's events do, so this is the definition of the tree:
        _build makes the same tree the same way, only without most of the
        calls (which are most of the time).
        """
        soup = self.soup
        # The open elements' names, innermost last; None for one already closed.
        open_names = []
        for kind, value in events(walk):
            if kind == TEXT:
                soup.handle_data(value)
            elif kind == END:
                if not open_names:
                    raise ValueError("the DOM walk ends an element it never started")
                name = open_names.pop()
                if name is not None:
                    soup.handle_endtag(name)
            elif kind == START:
                name, attributes = value
                tag = soup.handle_starttag(name, None, None, attributes)
                if tag is not None and tag.is_empty_element:
                    # html.parser's builder closes these at once (bs4's empty
                    # elements, a few more than HTML's void ones): what the
                    # DOM nests in one follows it as siblings.
                    soup.handle_endtag(name)
                    name = None
                open_names.append(name)
            else:
                self._other(kind, value)
        if open_names:
            raise ValueError("the DOM walk ended inside an element")

    def _build(self, walk):
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
        # its fields set one by one in the same order (Tag.__init__'s calls
        # were most of the build). In that order, every Tag shares its
        # fields' names with the others (CPython's key-sharing instance
        # dictionaries): a dictionary of its own, made at once, took three
        # times as long to make and half as much memory again. A <meta>
        # (set_up_substitutions looks at it) or a Tag subclass goes through
        # its own __init__.
        plain_tags = tag_class is Tag and self.attribute_dict_class is not None and not self.is_xml
        parser_class = soup.__class__
        value_list_class = self.attribute_value_list_class
        cdata_list_attributes = self.cdata_list_attributes
        empty_element_tags = self.empty_element_tags
        main_string_types = Tag.MAIN_CONTENT_STRING_TYPES
        new_object = object.__new__

        def kind_of(name, count):
            """What a start of this name with this many attributes needs, worked out once per kind."""
            # _replace_cdata_list_attribute_values: the attributes whose values are lists.
            listed = None
            if count and cdata_list_attributes:
                listed = cdata_list_attributes.get("*", set()) | cdata_list_attributes.get(name.lower(), set()) or None
            return (
                name, count, plain_tags and name != "meta" and name != root_name, name == root_name, listed,
                # can_be_empty_element: its is_empty_element as it starts, with no contents.
                empty_element_tags is None or name in empty_element_tags,
                # The class of the strings it holds, if its own.
                string_containers.get(name), name in preserve_whitespace_tags, name in string_containers,
            )

        shape, listed_kinds, tokens = read_walk(walk)
        kinds = {character: kind_of(name, count) for character, (name, count) in listed_kinds.items()}
        take = tokens.__next__
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
            siblings = parent.contents
            previous = siblings[-1] if siblings else None
            if cls in plain_strings:
                # A str subclass's fields are a dictionary of its own anyway:
                # made at once, in the order bs4 sets them.
                string = new_string(cls, text)
                string.__dict__ = {"hidden": False, "parent": parent, "previous_element": recent, "next_element": None,
                                   "next_sibling": None, "previous_sibling": previous}
            else:
                string = cls(text)
                string.hidden = False
                string.parent = parent
                string.previous_element = recent
                string.next_element = None
                string.next_sibling = None
                string.previous_sibling = previous
            if recent is not None:
                recent.next_element = string
            if previous is not None:
                previous.next_sibling = string
            siblings.append(string)
            return string

        try:
            for event in shape:
                if event == TEXT:
                    # handle_data: text waits, to merge with any text next to it.
                    text = take()
                    pending = text if pending is None else pending + text
                    continue

                if event == END:
                    if not open_elements:
                        raise ValueError("the DOM walk ends an element it never started")
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
                    continue

                kind = kinds.get(event)
                if kind is None:
                    if event == UNLISTED:
                        kind = kind_of(take(), attribute_count(take()))
                    elif event in STRING_EVENTS or event == MARKUP:
                        soup.current_data = [] if pending is None else [pending]
                        soup.currentTag, soup._most_recent_element = stack[-1], recent
                        self._other(event, take())
                        pending = "".join(soup.current_data) if soup.current_data else None
                        soup.current_data = []
                        recent = soup._most_recent_element
                        continue
                    else:
                        raise ValueError(f"unknown DOM event {event!r}")
                name, count, plain, is_root, listed, empty, container, keeps_whitespace, holds_strings = kind
                if count == 0:
                    attrs = {}
                elif count == 1:
                    attrs = {take(): take()}
                else:
                    attrs = take_attributes(tokens, count)
                # handle_starttag
                if pending is not None:
                    recent = end_data(pending, recent)
                    pending = None
                if is_root:
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
                if plain:
                    if listed:
                        for key in attrs:
                            if key in listed:
                                attrs[key] = value_list_class(nonwhitespace_re.findall(attrs[key]))
                    siblings = parent.contents
                    previous = siblings[-1] if siblings else None
                    tag = new_object(Tag)
                    tag.parser_class = parser_class
                    tag.name = name
                    tag.namespace = None
                    tag._namespaces = {}
                    tag.prefix = None
                    tag.sourceline = None
                    tag.sourcepos = None
                    tag.attribute_value_list_class = value_list_class
                    tag.attrs = attrs
                    tag.known_xml = False
                    tag.contents = []
                    tag.parent = parent
                    tag.previous_element = recent
                    tag.next_element = None
                    tag.next_sibling = None
                    tag.previous_sibling = previous
                    tag.hidden = False
                    tag.can_be_empty_element = empty
                    tag.cdata_list_attributes = cdata_list_attributes
                    tag.preserve_whitespace_tags = preserve_whitespace_tags
                    tag.interesting_string_types = main_string_types if container is None else {container}
                    if recent is not None:
                        recent.next_element = tag
                    if previous is not None:
                        previous.next_sibling = tag
                else:
                    tag = tag_class(soup, self, name, None, None, attrs, parent, recent)
                    empty = tag.is_empty_element
                recent = tag
                # pushTag
                parent.contents.append(tag)
                stack.append(tag)
                counts[name] = counts.get(name, 0) + 1
                if keeps_whitespace:
                    preserving.append(tag)
                if holds_strings:
                    containing.append(tag)
                if empty:
                    # See _replay: handle_endtag at once, popTag.
                    stack.pop()
                    counts[name] -= 1
                    if keeps_whitespace:
                        preserving.pop()
                    if holds_strings:
                        containing.pop()
                    tag = None
                open_elements.append(tag)
        except StopIteration:
            raise ValueError("the DOM walk ends early") from None

        if open_elements:
            raise ValueError("the DOM walk ended inside an element")
        if next(tokens, None) is not None:
            raise ValueError("the DOM walk has tokens left over")
        # What is left for the parse's end (BeautifulSoup._feed) to finish.
        soup.current_data = [] if pending is None else [pending]
        soup.currentTag, soup._most_recent_element = stack[-1], recent

    def _other(self, kind, text):
        """The events bs4's own calls handle: comments, doctype, processing instructions and markup."""
        if kind in STRING_EVENTS:
            self._string(text, STRING_EVENTS[kind])
        elif kind == MARKUP:
            self._parse(text)
        else:
            raise ValueError(f"unknown DOM event {kind!r}")

    def _string(self, text, container):
        self.soup.endData()
        self.soup.handle_data(text)
        self.soup.endData(container)

    def _parse(self, markup):
        args, kwargs = self.parser_args
        parser = GleanerHTMLParser(self.soup, *args, **kwargs)
        parser.feed(markup)
        parser.close()


def soup_from_dom(walk):
    """The tree of a page from its DOM walk (see the module's docstring)."""
    return BeautifulSoup(walk, builder=DomTreeBuilder())


def count_elements(walk):
    """How many elements the walk holds (the bench's measure of a page's size)."""
    return sum(1 for kind, _ in events(walk) if kind == START)
