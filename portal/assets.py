"""What the vendored USWDS stylesheet needs: shared by `vendor_uswds` and the asset test."""

import re
from pathlib import Path

# url(...) with or without quotes; the quote, if any, must close the value.
CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<target>.*?)(?P=quote)\s*\)""")
SOURCE_MAP_COMMENT = re.compile(r"/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S+")


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
