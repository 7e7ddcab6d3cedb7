"""Create an HFS staff member and email them a link to choose their password (no password is typed here).

    python manage.py create_staff_user --email ana@illinois.example --name "Ana Lyst" --role supervisor

At their first sign-in they set up an authenticator app, like everyone.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import roles
from accounts.models import User
from accounts.services.users import staff_user_create, user_send_password_setup

ROLES = {"analyst": roles.TRIAGE_ANALYST, "supervisor": roles.SUPERVISOR}


class Command(BaseCommand):
    help = "Create an HFS staff user in a staff group and email them a link to set their password."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))

    def handle(self, *args: object, email: str, name: str, role: str, **options: object) -> None:
        if User.objects.filter(email=User.objects.normalize_email(email)).exists():
            raise CommandError(f"An account with the email {email} already exists.")
        with transaction.atomic():
            user = staff_user_create(email=email, full_name=name, password=None, group_name=ROLES[role])
            user_send_password_setup(user=user)
        self.stdout.write(f"Created {ROLES[role]} {user.email}; a link to set the password is on its way.")
