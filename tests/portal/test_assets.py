"""The vendored USWDS build is complete, and pages get only the part of it the portal uses (issue 17 item 6)."""

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from portal.assets import (
    COMPOSED_CLASSES,
    FULL_CSS,
    PORTAL_CSS,
    RUNTIME_CLASSES,
    Rule,
    css_local_references,
    defined_classes,
    parse_css,
    portal_stylesheet,
    resolve,
    selector_can_match,
)

ROOT = Path(__file__).resolve().parents[2]
USWDS = ROOT / "static" / "vendor" / "uswds"
PURGE_COMMAND = "python manage.py vendor_uswds --purge"


def test_every_url_in_the_vendored_css_resolves_to_a_vendored_file():
    css_files = list(USWDS.rglob("*.css"))
    assert css_files, "no vendored stylesheet"
    missing = []
    checked = 0
    for css in css_files:
        for reference in css_local_references(css.read_text(encoding="utf-8")):
            target = resolve(css, reference)
            checked += 1
            if not (target.is_file() and target.is_relative_to(USWDS)):
                missing.append(f"{css.name}: {reference}")
    assert checked > 20  # fonts and images: an empty list would prove nothing
    assert missing == []


def test_vendored_files_carry_no_dangling_source_map_comments():
    for path in [*USWDS.rglob("*.css"), *USWDS.rglob("*.js")]:
        assert "sourceMappingURL" not in path.read_text(encoding="utf-8"), path


def test_the_licence_and_version_are_vendored_with_the_build():
    assert "License" in (USWDS / "LICENSE.md").read_text() or "license" in (USWDS / "LICENSE.md").read_text()
    assert re.fullmatch(r"3\.14\.\d+\n", (USWDS / "VERSION").read_text())


def test_every_static_file_a_template_loads_exists():
    missing = []
    for template in (ROOT / "templates").rglob("*.html"):
        for path in re.findall(r"{%\s*static\s+'([^']+)'\s*%}", template.read_text()):
            if finders.find(path) is None:
                missing.append(f"{template.name}: {path}")
    assert missing == []


def test_css_reference_parser_handles_quotes_queries_and_data_uris():
    css = """a{background:url("../img/a.svg?x=1#f")}b{src:url('../fonts/b.woff2')}
    c{background:url(../img/c.png)}d{background:url(data:image/png;base64,AAA)}e{x:url()}"""
    assert css_local_references(css) == ["../fonts/b.woff2", "../img/a.svg", "../img/c.png"]


# --- Only the rules the portal uses ------------------------------------------------------------------------------


def shipped_css() -> str:
    return (ROOT / PORTAL_CSS).read_text(encoding="utf-8")


def selectors_in_context(rules: list[Rule], context: tuple[str, ...] = ()) -> set[tuple[tuple[str, ...], str]]:
    """Each selector with the @media/@supports it sits in: a rule moved out of its media query is another rule."""
    found = set()
    for rule in rules:
        if rule.children is not None:
            found |= selectors_in_context(rule.children, (*context, rule.prelude))
        found |= {(context, selector) for selector in rule.selectors}
    return found


def classes_on_pages() -> set[str]:
    """The classes a portal page can carry, read another way than the purge reads them: class="…" in the templates
    (the fixed words, without template expressions), className/classList in the project's scripts, and what the
    USWDS script and composed names add."""
    found = set(RUNTIME_CLASSES) | COMPOSED_CLASSES
    for template in (ROOT / "templates").rglob("*.html"):
        if template.relative_to(ROOT / "templates").parts[0] in {"admin", "emails"}:
            continue  # the staff admin has its own stylesheet; emails have none
        for value in re.findall(r'\bclass="([^"]*)"', template.read_text(encoding="utf-8")):
            found.update(re.sub(r"{[{%].*?[%}]}", " ", value).split())
    for script in (ROOT / "static" / "portal" / "js").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        for value in re.findall(r"""(?:className\s*=|classList\.(?:add|toggle|remove)\()\s*["']([^"']*)["']""", text):
            found.update(value.split())
    return found


def test_the_shipped_stylesheet_is_the_purge_of_the_current_templates_and_code():
    """A template, script or form that starts using a USWDS class fails here until the stylesheet is written again
    (a class missing from it would show as an unstyled element)."""
    assert shipped_css() == portal_stylesheet(ROOT), f"Run `{PURGE_COMMAND}` and commit {PORTAL_CSS}."


def test_every_uswds_rule_that_can_style_a_portal_page_is_shipped():
    full = selectors_in_context(parse_css((ROOT / FULL_CSS).read_text(encoding="utf-8")))
    shipped = selectors_in_context(parse_css(shipped_css()))
    classes = classes_on_pages()
    needed = {(context, selector) for context, selector in full if selector_can_match(selector, classes)}
    missing = sorted(needed - shipped)
    assert missing == [], f"{len(missing)} rules missing, e.g. {missing[:5]}. Run `{PURGE_COMMAND}`."
    # Not vacuous: the page shell, the grid at tablet width, focus outlines, forms, the file input, the menu.
    assert len(needed) > 500
    shipped_classes = defined_classes(shipped_css())
    for name in [
        "usa-header",
        "usa-nav__primary-item",
        "usa-js-mobile-nav--active",
        "usa-footer__primary-section",
        "usa-identifier__identity-domain",
        "tablet:grid-col-4",
        "usa-alert--error",
        "usa-input--error",
        "usa-radio__label",
        "usa-checkbox__input",
        "usa-file-input__preview",
        "usa-table",
        "usa-card",
        "usa-skipnav",
    ]:
        assert name in shipped_classes, name
    assert any(context == ("@media print",) for context, _ in shipped)
    assert any("forced-colors" in " ".join(context) for context, _ in shipped)
    assert {((), "[href]:focus"), ((), "button:not([disabled]):focus")} <= shipped  # keyboard focus outlines


def test_components_the_portal_does_not_use_are_left_out():
    shipped_classes = defined_classes(shipped_css())
    for component in ["usa-date-picker", "usa-combo-box", "usa-modal", "usa-megamenu", "usa-banner__header"]:
        assert component not in shipped_classes, component
        assert not any(name.startswith(component + "__") for name in shipped_classes), component


def test_the_shipped_stylesheet_is_small():
    """The full build is 527 kB (60 kB compressed) and blocked the first paint of every page."""
    data = shipped_css().encode()
    assert len(data) < 80_000
    assert len(gzip.compress(data)) < 12_000


def font_faces(css: str) -> list[str]:
    return [rule.body or "" for rule in parse_css(css) if rule.at_name == "font-face"]


def test_only_the_fonts_of_the_shipped_rules_swap_in_and_the_preloaded_ones_exist():
    faces = font_faces(shipped_css())
    assert 0 < len(faces) < len(font_faces((ROOT / FULL_CSS).read_text(encoding="utf-8")))
    assert all("font-display:swap" in face for face in faces)
    families = {re.search(r'font-family:"([^"]+)"', face).group(1) for face in faces}
    assert families == {"Source Sans Pro Web", "Merriweather Web"}  # no Roboto Mono: no rule uses it
    # The page's text font is fetched early (preload); the preloaded files are faces of the shipped stylesheet.
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    preloaded = re.findall(r"{%\s*static\s+'vendor/uswds/(fonts/[^']+\.woff2)'\s*%}", base)
    assert preloaded
    for font in preloaded:
        assert any(f"url(../{font})" in face for face in faces), font


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/reports/", "/accounts/login/"])
def test_pages_load_the_portal_stylesheet_and_no_script_holds_up_the_first_paint(client, url):
    text = client.get(url).content.decode()
    stylesheets = re.findall(r'<link rel="stylesheet"\s+href="([^"]+)"', text)
    assert any("/vendor/uswds/css/uswds-portal.min" in href for href in stylesheets)
    assert not any("/vendor/uswds/css/uswds.min" in href for href in stylesheets)  # the 527 kB build
    scripts = re.findall(r"<script\b[^>]*>", text)
    assert scripts
    assert all(re.search(r"\sdefer\b", tag) for tag in scripts), scripts
