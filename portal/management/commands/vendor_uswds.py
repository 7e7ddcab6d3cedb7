"""Refresh static/vendor/uswds from an unpacked `npm pack @uswds/uswds` tarball (see `make vendor-uswds`), and
write the stylesheet the pages load: `uswds-portal.min.css`, only the rules the portal uses (portal/assets.py).

Only what the pages can load is kept: the minified CSS and JS, the icon sprite, the files the CSS refers to with
url(...), and the licence. Source-map comments are removed because the maps are not shipped
(ManifestStaticFilesStorage would otherwise look for them).

`manage.py vendor_uswds --purge` (no package) writes `uswds-portal.min.css` again from the vendored build, after a
template, a script or a form starts using a USWDS class the portal did not use before: no npm needed.
"""

import json
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.assets import PORTAL_CSS, SOURCE_MAP_COMMENT, css_local_references, portal_stylesheet, resolve

ENTRY_FILES = ["css/uswds.min.css", "js/uswds.min.js", "img/sprite.svg"]


class Command(BaseCommand):
    help = (
        "Copy the USWDS files the portal needs from an unpacked npm package into static/vendor/uswds, "
        "and write the stylesheet with only the rules the portal uses (--purge: only that)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("package_dir", nargs="?", help="The 'package' folder of the unpacked npm tarball.")
        parser.add_argument(
            "--purge",
            action="store_true",
            help="Only write static/vendor/uswds/css/uswds-portal.min.css again, from the vendored build.",
        )

    def handle(self, *args: object, package_dir: str | None, purge: bool, **options: object) -> None:
        root = Path(settings.BASE_DIR)
        if package_dir:
            self.vendor(Path(package_dir).resolve(), root / "static" / "vendor" / "uswds")
        elif not purge:
            raise CommandError("Give the unpacked package's folder, or --purge to write the portal's stylesheet only.")
        text = portal_stylesheet(root)
        (root / PORTAL_CSS).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {PORTAL_CSS} ({len(text.encode()) // 1024} kB)")

    def vendor(self, package: Path, target: Path) -> None:
        dist = package / "dist"
        if not (dist / "css" / "uswds.min.css").is_file():
            raise CommandError(f"{package} is not an unpacked @uswds/uswds package (no dist/css/uswds.min.css).")
        if target.exists():
            shutil.rmtree(target)

        wanted = set(ENTRY_FILES)
        css_text = (dist / "css" / "uswds.min.css").read_text(encoding="utf-8")
        for reference in css_local_references(css_text):
            source = resolve(dist / "css" / "uswds.min.css", reference)
            if not source.is_relative_to(dist) or not source.is_file():
                raise CommandError(f"The stylesheet refers to {reference}, which the package does not contain.")
            wanted.add(str(source.relative_to(dist)))

        for relative in sorted(wanted):
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            if relative.endswith((".css", ".js")):
                text = (dist / relative).read_text(encoding="utf-8")
                destination.write_text(SOURCE_MAP_COMMENT.sub("", text), encoding="utf-8")
            else:
                shutil.copyfile(dist / relative, destination)
        shutil.copyfile(package / "LICENSE.md", target / "LICENSE.md")
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
        (target / "VERSION").write_text(version + "\n", encoding="utf-8")
        self.stdout.write(f"Vendored USWDS {version}: {len(wanted)} files into {target}")
