"""Set up the editors' group: `python manage.py setup_roles [--editor USERNAME ...]`.

The group and its permissions come from `transcripts.roles`, as in the data migration that first
created it, so running this again changes nothing, or puts back a group someone edited.
`--editor` makes a user an editor (staff, in the group, never superuser); a user who does not exist
yet is created, with the password from DJANGO_EDITOR_PASSWORD or typed at the prompt.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from transcripts import roles

PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = "Create or update the Editor group; optionally make users editors."

    def add_arguments(self, parser):
        parser.add_argument(
            "--editor",
            action="append",
            default=[],
            metavar="USERNAME",
            help=f"make this user an editor (created if missing; password from "
            f"{PASSWORD_VARIABLE} or the prompt); may be given more than once",
        )

    def handle(self, *args, **options):
        try:
            group, changed = roles.ensure_editor_group()
        except LookupError as error:
            raise CommandError(str(error)) from None
        state = "updated" if changed else "unchanged"
        self.stdout.write(
            f"group '{group.name}': {group.permissions.count()} permissions ({state})"
        )
        for username in options["editor"]:
            self._make_editor(username)

    def _make_editor(self, username: str) -> None:
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            user = User(**{User.USERNAME_FIELD: username})
            user.set_password(self._new_password(user))
            user.is_staff = True
            user.save()
            roles.make_editor(user)
            self.stdout.write(self.style.SUCCESS(f"created editor '{username}'"))
        elif roles.make_editor(user):
            self.stdout.write(self.style.SUCCESS(f"'{username}' is now an editor"))
        else:
            self.stdout.write(f"'{username}' is already an editor")
        if user.is_superuser:
            self.stdout.write(
                self.style.WARNING(f"  note: '{username}' is a superuser and can do everything")
            )

    def _new_password(self, user) -> str:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            if not sys.stdin.isatty():
                raise CommandError(
                    f"no user '{user.get_username()}': set {PASSWORD_VARIABLE} to create it, "
                    "or run this in a terminal to type a password"
                )
            password = getpass.getpass(f"Password for {user.get_username()}: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the two passwords differ")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password
