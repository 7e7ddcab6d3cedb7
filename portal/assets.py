"""What the vendored USWDS stylesheet needs, and the part of it the portal sends: shared by `vendor_uswds` and
the asset tests.

The full USWDS build (static/vendor/uswds/css/uswds.min.css, 520 kB) is kept as vendored, but pages load
`uswds-portal.min.css`: only the rules whose class names the portal can put on a page. A rule is kept when every
class its selector requires appears as a word in the templates, the project's JavaScript or its Python code (form
classes, template tags), or in RUNTIME_CLASSES (what the USWDS script adds while the page runs). Rules without a
class (the reset, `html`, `a:focus`…), media queries, print and forced-colours styles are kept as they are. Only
the web fonts of the kept rules stay, with `font-display: swap`. `manage.py vendor_uswds --purge` writes it again
after a template change; tests/portal/test_assets.py fails until it has been.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# url(...) with or without quotes; the quote, if any, must close the value.
CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<target>.*?)(?P=quote)\s*\)""")
SOURCE_MAP_COMMENT = re.compile(r"/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S+")

FULL_CSS = Path("static/vendor/uswds/css/uswds.min.css")
PORTAL_CSS = Path("static/vendor/uswds/css/uswds-portal.min.css")

# Where class names come from (relative to the project root). Migrations and tests put nothing on a page.
CLASS_SOURCES = {
    "templates": "**/*.html",
    "static/portal/js": "**/*.js",
    "accounts": "**/*.py",
    "complaints": "**/*.py",
    "reporting": "**/*.py",
    "portal": "**/*.py",
}
SKIPPED_SOURCE_PARTS = {"migrations", "tests", "__pycache__"}
SKIPPED_SOURCE_FILES = {"portal/assets.py"}  # this file names classes to explain, not to use (its lists are added)
# The staff admin's pages and the emails do not load the USWDS stylesheet (the admin has its own).
SKIPPED_SOURCE_FOLDERS = {"templates/admin", "templates/emails"}

# Classes the USWDS script puts on the page while it runs, for the components the portal uses (read in the
# package's packages/*/src/index.js; tests/e2e/test_styles.py checks them in a browser):
RUNTIME_CLASSES = {
    # the header's menu on small screens (usa-header): the open menu, the overlay behind it
    "usa-js-mobile-nav--active",
    "is-visible",
    "is-safari",
    # the file input (usa-file-input) builds its drop zone, the instructions and a preview per file
    "usa-file-input--disabled",
    "usa-file-input--drag",
    "usa-file-input__input",
    "usa-file-input__target",
    "usa-file-input__box",
    "usa-file-input__instructions",
    "usa-file-input__drag-text",
    "usa-file-input__choose",
    "usa-file-input__preview",
    "usa-file-input__preview-heading",
    "usa-file-input__preview-image",
    "usa-file-input__preview-image--generic",
    "usa-file-input__preview-image--pdf",
    "usa-file-input__preview-image--word",
    "usa-file-input__preview-image--video",
    "usa-file-input__preview-image--excel",
    "usa-file-input__accepted-files-message",
    "is-loading",
    "has-invalid-file",
    "usa-sr-only",
}

# Class names written with a template expression in them (templates/uswds/field.html: usa-{{ type }}__input;
# base.html: usa-alert--{% if … %}error{% elif … %}…): every value the expression can take.
COMPOSED_CLASSES = {
    "usa-radio",
    "usa-radio__input",
    "usa-radio__label",
    "usa-checkbox",
    "usa-checkbox__input",
    "usa-checkbox__label",
    "usa-alert--error",
    "usa-alert--warning",
    "usa-alert--success",
    "usa-alert--info",
}

# Pseudo-classes whose argument is a selector list that must match for the rule to apply (one alternative is
# enough); :not() is left out: a class it names need not be on the page.
MATCHING_PSEUDOS = {"is", "where", "has", "matches", "-webkit-any", "-moz-any"}
WORD = re.compile(r"[A-Za-z0-9_:\-]+")
ITALIC_ELEMENTS = re.compile(r"<(em|i|cite|var|dfn|address)[\s>]")


def css_local_references(css_text: str) -> list[str]:
    """Relative file references in a stylesheet, without query or fragment (data: and remote ones skipped)."""
    references = []
    for match in CSS_URL.finditer(css_text):
        target = match.group("target").strip()
        if not target or target.startswith(("data:", "#", "http:", "https:", "//")):
            continue
        references.append(re.split(r"[?#]", target, maxsplit=1)[0])
    return sorted(set(references))


def resolve(css_file: Path, reference: str) -> Path:
    return (css_file.parent / reference).resolve()


# --- Reading a stylesheet ---------------------------------------------------------------------------------------


@dataclass
class Rule:
    """A style rule (`selectors{declarations}`) or an at-rule (`@media …{…}`, `@font-face{…}`, `@charset …;`)."""

    prelude: str
    body: str | None = None  # declarations, or None for an at-rule that ends with ';'
    children: list["Rule"] | None = None  # the rules inside @media, @supports…
    comment: bool = False
    selectors: list[str] = field(default_factory=list)

    @property
    def at_name(self) -> str:
        return self.prelude[1:].split(None, 1)[0].split("(", 1)[0].lower() if self.prelude.startswith("@") else ""

    def css(self) -> str:
        if self.comment:
            return self.prelude
        if self.children is not None:
            return self.prelude + "{" + "".join(child.css() for child in self.children) + "}"
        if self.body is None:
            return self.prelude + ";"
        prelude = ",".join(self.selectors) if self.selectors else self.prelude
        return prelude + "{" + self.body + "}"


GROUPING_AT_RULES = {"media", "supports", "layer", "container", "document", "-moz-document"}


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    i += 1
    while i < len(text) and text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _plain(text: str, i: int):  # type: ignore[no-untyped-def]
    """(index, character) from ``i`` on, skipping strings, comments and escaped characters."""
    while i < len(text):
        char = text[i]
        if char in "\"'":
            i = _skip_string(text, i)
            continue
        if text.startswith("/*", i):
            i = text.index("*/", i + 2) + 2
            continue
        if char == "\\":
            i += 2
            continue
        yield i, char
        i += 1


def _find(text: str, i: int, stops: str) -> int:
    """The index of the first of `stops` at this nesting level, skipping strings, comments, url(…) and (…)."""
    depth = 0
    for at, char in _plain(text, i):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char in stops:
            return at
    return len(text)


def _matching_brace(text: str, i: int) -> int:
    """Given text[i] == '{', the index of its '}'."""
    depth = 0
    for at, char in _plain(text, i):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return at
    raise ValueError("unbalanced braces in the stylesheet")


def parse_css(text: str) -> list[Rule]:
    rules: list[Rule] = []
    i = 0
    while i < len(text):
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i >= len(text):
            break
        if text.startswith("/*", i):
            end = text.index("*/", i + 2) + 2
            rules.append(Rule(text[i:end], comment=True))
            i = end
            continue
        stop = _find(text, i, "{;" if text[i] == "@" else "{")
        prelude = text[i:stop].strip()
        if stop >= len(text) or text[stop] == ";":
            rules.append(Rule(prelude))
            i = stop + 1
            continue
        end = _matching_brace(text, stop)
        inner = text[stop + 1 : end]
        rule = Rule(prelude)
        if prelude.startswith("@") and rule.at_name in GROUPING_AT_RULES:
            rule.children = parse_css(inner)
        else:
            rule.body = inner
            if not prelude.startswith("@"):
                rule.selectors = split_top_level(prelude, ",")
        rules.append(rule)
        i = end + 1
    return rules


def split_top_level(text: str, separator: str) -> list[str]:
    parts, start, i = [], 0, 0
    while True:
        stop = _find_in_selector(text, i, separator)
        parts.append(text[start:stop].strip())
        if stop >= len(text):
            return [part for part in parts if part]
        start = i = stop + 1


def _find_in_selector(text: str, i: int, stops: str) -> int:
    depth = 0
    while i < len(text):
        char = text[i]
        if char in "\"'":
            i = _skip_string(text, i)
            continue
        if char == "\\":
            i += 2
            continue
        if depth == 0 and char in stops:
            return i
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        i += 1
    return i


# --- Which selectors can match ----------------------------------------------------------------------------------


def _read_identifier(text: str, i: int) -> tuple[str, int]:
    name = []
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            hex_digits = re.match(r"[0-9a-fA-F]{1,6} ?", text[i + 1 :])
            if hex_digits:
                name.append(chr(int(hex_digits.group().strip(), 16)))
                i += 1 + len(hex_digits.group())
            else:
                name.append(text[i + 1])
                i += 2
            continue
        if char.isalnum() or char in "_-" or ord(char) > 127:
            name.append(char)
            i += 1
            continue
        break
    return "".join(name), i


CLASS_ATTRIBUTE = re.compile(r"""^\s*class\s*(?P<operator>[*^$~|]?)=\s*(?P<quote>['"]?)(?P<value>.*?)(?P=quote)\s*$""")


def _class_attribute_can_match(attribute: str, classes: set[str]) -> bool:
    """[class*=font-mono-] and the like: only when some class the portal uses fits."""
    match = CLASS_ATTRIBUTE.match(attribute)
    if not match:
        return True
    operator, value = match.group("operator"), match.group("value")
    tests = {
        "*": lambda name: value in name,
        "^": lambda name: name.startswith(value),
        "$": lambda name: name.endswith(value),
        "~": lambda name: name == value,
        "|": lambda name: name == value or name.startswith(value + "-"),
        "": lambda name: name == value,
    }
    return any(tests[operator](name) for name in classes)


def selector_can_match(selector: str, classes: set[str]) -> bool:
    """False when the selector needs a class that no page has (outside :not())."""
    i = 0
    while i < len(selector):
        char = selector[i]
        if char in "\"'":
            i = _skip_string(selector, i)
        elif char == "[":
            end = _find_in_selector(selector, i + 1, "]")
            if not _class_attribute_can_match(selector[i + 1 : end], classes):
                return False
            i = end + 1
        elif char == ".":
            name, i = _read_identifier(selector, i + 1)
            if name not in classes:
                return False
        elif char == ":":
            while i < len(selector) and selector[i] == ":":
                i += 1
            name, i = _read_identifier(selector, i)
            if i < len(selector) and selector[i] == "(":
                end = _find_in_selector(selector, i + 1, ")")
                argument = selector[i + 1 : end]
                i = end + 1
                if name.lower() in MATCHING_PSEUDOS and not any(
                    selector_can_match(alternative, classes) for alternative in split_top_level(argument, ",")
                ):
                    return False
        elif char == "\\":
            i += 2
        else:
            i += 1
    return True


def selector_classes(selector: str) -> set[str]:
    """Every class name a selector mentions (also inside :not() and the like)."""
    found = set()
    i = 0
    while i < len(selector):
        char = selector[i]
        if char in "\"'":
            i = _skip_string(selector, i)
        elif char == "[":
            i = _find_in_selector(selector, i + 1, "]") + 1
        elif char == ".":
            name, i = _read_identifier(selector, i + 1)
            found.add(name)
        elif char == "\\":
            i += 2
        else:
            i += 1
    return found


def walk(rules: Iterable[Rule]) -> Iterable[Rule]:
    for rule in rules:
        yield rule
        if rule.children is not None:
            yield from walk(rule.children)


def defined_classes(css_text: str) -> set[str]:
    """The class names a stylesheet's selectors mention."""
    return {name for rule in walk(parse_css(css_text)) for s in rule.selectors for name in selector_classes(s)}


# --- Which classes the portal uses ------------------------------------------------------------------------------


def source_files(root: Path) -> list[Path]:
    files = []
    for folder, pattern in CLASS_SOURCES.items():
        for path in sorted((root / folder).glob(pattern)):
            relative = path.relative_to(root)
            skipped = (
                SKIPPED_SOURCE_PARTS.intersection(relative.parts)
                or relative.as_posix() in SKIPPED_SOURCE_FILES
                or any(relative.is_relative_to(folder) for folder in SKIPPED_SOURCE_FOLDERS)
            )
            if path.is_file() and not skipped:
                files.append(path)
    return files


def words(text: str) -> set[str]:
    """Every word that could be a class name; `tablet:grid-col-4` also as its parts (`{% if x %}usa-current`)."""
    found = set()
    for word in WORD.findall(text):
        found.add(word)
        if ":" in word:
            found.update(part for part in word.split(":") if part)
    return found


def used_classes(root: Path) -> set[str]:
    found = set(RUNTIME_CLASSES) | COMPOSED_CLASSES
    for path in source_files(root):
        found |= words(path.read_text(encoding="utf-8"))
    return found


def templates_use_italics(root: Path) -> bool:
    templates = [path for path in source_files(root) if path.suffix == ".html"]
    return any(ITALIC_ELEMENTS.search(path.read_text(encoding="utf-8")) for path in templates)


# --- The portal's stylesheet ------------------------------------------------------------------------------------

FONT_WEIGHTS = {"normal": 400, "bold": 700, "bolder": 700, "lighter": 300}


def _declarations(rules: Iterable[Rule]) -> str:
    return ";".join(rule.body for rule in walk(rules) if rule.body is not None and not rule.prelude.startswith("@"))


def _purge_rules(rules: list[Rule], classes: set[str]) -> list[Rule]:
    kept = []
    for rule in rules:
        if rule.comment or (rule.body is None and rule.children is None):
            kept.append(rule)
        elif rule.children is not None:
            children = _purge_rules(rule.children, classes)
            if any(not child.comment for child in children):
                kept.append(Rule(rule.prelude, children=children))
        elif rule.prelude.startswith("@"):
            kept.append(rule)  # @font-face, @keyframes: decided below, from the declarations that stay
        else:
            selectors = [selector for selector in rule.selectors if selector_can_match(selector, classes)]
            if selectors:
                kept.append(Rule(rule.prelude, body=rule.body, selectors=selectors))
    return kept


def _font_face(body: str) -> tuple[str, int, str]:
    values = dict(
        (name.strip().lower(), value.strip())
        for name, _, value in (part.partition(":") for part in split_top_level(body, ";"))
    )
    family = values.get("font-family", "").strip("\"'")
    weight = values.get("font-weight", "400")
    return family, FONT_WEIGHTS.get(weight, int(weight) if weight.isdigit() else 400), values.get("font-style", "")


def _keep_fonts_and_keyframes(rules: list[Rule], declarations: str, italics: bool) -> list[Rule]:
    weights = {400, 700} | {int(w) for w in re.findall(r"font-weight:\s*(\d{3})", declarations)}
    weights |= {FONT_WEIGHTS[w] for w in re.findall(r"font-weight:\s*(normal|bold|bolder|lighter)", declarations)}
    italics = italics or bool(re.search(r"font-style:\s*italic", declarations))
    kept = []
    for rule in rules:
        if rule.at_name == "font-face":
            family, weight, style = _font_face(rule.body or "")
            if family not in declarations or weight not in weights or (style == "italic" and not italics):
                continue
            body = re.sub(r"font-display:\s*\w+", "font-display:swap", rule.body or "")
            kept.append(Rule(rule.prelude, body=body))
        elif rule.at_name in {"keyframes", "-webkit-keyframes"}:
            if rule.prelude.split(None, 1)[1] in declarations:
                kept.append(rule)
        elif rule.children is not None:
            kept.append(Rule(rule.prelude, children=_keep_fonts_and_keyframes(rule.children, declarations, italics)))
        else:
            kept.append(rule)
    return kept


def purge(css_text: str, classes: set[str], *, italics: bool = True, note: str = "") -> str:
    """The stylesheet with only the rules that can match an element with some of `classes`."""
    rules = _purge_rules(parse_css(css_text), classes)
    rules = _keep_fonts_and_keyframes(rules, _declarations(rules), italics)
    header = [rule.css() for rule in rules if rule.at_name == "charset"]
    body = [rule.css() for rule in rules if rule.at_name != "charset"]
    return "".join(header) + (f"\n/*! {note} */\n" if note else "") + "".join(body) + "\n"


def portal_stylesheet(root: Path) -> str:
    """What `uswds-portal.min.css` must hold, given the vendored build and the project's sources."""
    version = (root / "static" / "vendor" / "uswds" / "VERSION").read_text(encoding="utf-8").strip()
    return purge(
        (root / FULL_CSS).read_text(encoding="utf-8"),
        used_classes(root),
        italics=templates_use_italics(root),
        note=f"USWDS {version}: only the rules the portal uses. Written by `manage.py vendor_uswds --purge`.",
    )
