"""Demo data for the embedded default: organizations, one user per role, and their sign-in details.

Runs again safely (existing demo rows are kept). Refuses to run under production settings.
Each demo user gets a confirmed authenticator (its secret is printed, for local use only), a confirmed
email address and the current terms of use accepted, so the demo starts at the portal's real pages.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from complaints.services.systemic import last_whole_week, signals_detect
from demo import accounts as demo_accounts
from demo import complaints as demo_complaints
from reporting.services import report_snapshot_refresh


class Command(BaseCommand):
    help = "Create demo organizations and one user per role (never in production)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--no-statistics",
            dest="statistics",
            action="store_false",
            help="Skip the ~3,000 bulk complaints behind the demo statistics.",
        )
        parser.add_argument(
            "--no-release",
            dest="release",
            action="store_false",
            help="Skip publishing the statistics release (about 20 seconds; `refresh_reports` publishes it later).",
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.PORTAL_ENVIRONMENT == "production":
            raise CommandError("seed_demo refuses to run with production settings: demo accounts have known passwords.")
        with transaction.atomic():
            secrets = demo_accounts.seed()
        # Demo complaints are filed through the real services; their acknowledgement emails go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            staff = demo_accounts.account_user("staff")
            filed = demo_complaints.seed(filers=demo_accounts.account_users("representative", "org_admin"), staff=staff)
            filed += demo_complaints.seed_mco(
                filer=demo_accounts.account_user("representative"),
                staff=staff,
                liaisons={name: demo_accounts.mco_liaison(name) for name in demo_accounts.DEMO_MCOS},
            )
            bulk = demo_complaints.seed_bulk(staff=staff) if options.get("statistics", True) else 0
            if bulk:  # the pattern the signals find, against the bulk complaints' usual weeks
                bulk += demo_complaints.seed_spike(
                    staff=staff, representative=demo_accounts.account_user("representative")
                )
        if bulk:
            signals = [signal for week in _recent_weeks() for signal in signals_detect(week=week)]
            self.stdout.write(f"Signals of systemic issues in the last {SIGNAL_WEEKS} weeks: {len(signals)}.")
        if filed:
            self.stdout.write(f"Filed {filed} demo complaints.")
        if bulk:
            self.stdout.write(f"Added {bulk} demo complaints for the public statistics.")
        if options.get("release", True):
            report_snapshot_refresh(again=bool(filed or bulk))  # new demo complaints: recompute this release
        for account in demo_accounts.ACCOUNTS:
            self.stdout.write(
                f"demo account: role={account.role} email={account.email} password={demo_accounts.DEMO_PASSWORD} "
                f"totp={secrets[account.email]}"
            )


SIGNAL_WEEKS = 8  # the demo looks for signals in this many whole weeks (the nightly task looks at the last one)


def _recent_weeks() -> list:
    last = last_whole_week()
    return [last - timedelta(weeks=back) for back in reversed(range(SIGNAL_WEEKS))]
