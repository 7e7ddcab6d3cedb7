"""The vendored USWDS build is complete: everything the CSS and templates load exists."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

from portal.assets import css_local_references, resolve

ROOT = Path(__file__).resolve().parents[2]
USWDS = ROOT / "static" / "vendor" / "uswds"


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
