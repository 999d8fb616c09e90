"""Roles: an editor (staff, in the Editor group, not a superuser) curates events, quotes and tags
in the admin but cannot manage accounts; the group comes from the migration and `setup_roles`
gives the same group however often it runs."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError

from transcripts.models import Quote
from transcripts.roles import EDITOR_GROUP, EDITOR_PERMISSIONS

from .conftest import run_command
from .factories import import_demo

pytestmark = pytest.mark.django_db


def group_permissions() -> set[tuple[str, str]]:
    return set(
        Group.objects.get(name=EDITOR_GROUP).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )


@pytest.fixture
def editor(client) -> User:
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(user)
    return user


def unchanged_form_data(response) -> dict:
    """What a browser sends back from an admin change form when nothing is edited (inline
    formsets included)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = field.field.widget.format_value(value) or ""
    return data


def test_the_migration_creates_the_editor_group():
    permissions = group_permissions()
    assert permissions == set(EDITOR_PERMISSIONS)
    assert ("transcripts", "change_quote") in permissions
    assert ("taggit", "delete_tag") in permissions
    assert ("admin", "view_logentry") in permissions
    assert ("admin", "change_logentry") not in permissions
    assert not {p for p in permissions if p[0] == "auth"}  # no users, groups or permissions


def test_an_editor_opens_the_curating_pages(client, editor):
    import_demo()
    index = client.get("/admin/").content.decode()
    assert "/admin/transcripts/quote/" in index and "/admin/taggit/tag/" in index
    assert "/admin/auth/" not in index  # accounts are not theirs to see
    for page in (
        "/admin/transcripts/quote/",
        "/admin/taggit/tag/",
        "/admin/transcripts/event/",
        "/admin/transcripts/speaker/",
        "/admin/transcripts/section/",
        "/admin/transcripts/event/import/",
    ):
        assert client.get(page).status_code == 200, page
    assert "导入活动" in client.get("/admin/transcripts/event/").content.decode()


def test_an_editor_changes_a_quote(client, editor):
    import_demo()
    quote = Quote.objects.get(number=1)
    url = f"/admin/transcripts/quote/{quote.pk}/change/"
    form = client.get(url)
    assert 'name="_save"' in form.content.decode()  # an editable form, not a read-only view
    data = unchanged_form_data(form)
    data["text"] = "编辑改过的一段发言。"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    quote.refresh_from_db()
    assert quote.text == "编辑改过的一段发言。"


def test_an_editor_cannot_manage_accounts(client, editor):
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert client.get(f"/admin/auth/user/{editor.pk}/change/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    refused = client.post(
        "/admin/auth/user/add/",
        {
            "username": "intruder",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )
    assert refused.status_code == 403
    assert not User.objects.filter(username="intruder").exists()
    assert not editor.has_perm("auth.change_user") and not editor.is_superuser


def test_setup_roles_is_idempotent_and_repairs_the_group():
    out, _ = run_command("setup_roles")
    assert "group 'Editor': 45 permissions (unchanged)" in out
    group = Group.objects.get(name=EDITOR_GROUP)
    group.permissions.add(Permission.objects.get(codename="add_user"))
    group.permissions.remove(Permission.objects.get(codename="change_quote"))
    out, _ = run_command("setup_roles")
    assert "(updated)" in out
    assert group_permissions() == set(EDITOR_PERMISSIONS)
    out, _ = run_command("setup_roles")
    assert "(unchanged)" in out and Group.objects.filter(name=EDITOR_GROUP).count() == 1


def test_setup_roles_makes_an_existing_user_an_editor(client):
    User.objects.create_user("wang", password="pw")  # not staff yet
    out, _ = run_command("setup_roles", "--editor", "wang")
    assert "'wang' is now an editor" in out
    out, _ = run_command("setup_roles", "--editor", "wang")
    assert "'wang' is already an editor" in out
    wang = User.objects.get(username="wang")
    assert wang.is_staff and not wang.is_superuser
    assert list(wang.groups.values_list("name", flat=True)) == [EDITOR_GROUP]
    assert client.login(username="wang", password="pw")
    assert client.get("/admin/transcripts/quote/").status_code == 200


def test_setup_roles_creates_a_missing_editor_with_the_password_given(client, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: no prompt
    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="set DJANGO_EDITOR_PASSWORD"):
        call_command("setup_roles", "--editor", "li", stdout=io.StringIO())
    assert not User.objects.filter(username="li").exists()
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("setup_roles", "--editor", "li", stdout=io.StringIO())
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "salon-editor-passphrase")
    out, _ = run_command("setup_roles", "--editor", "li")
    assert "created editor 'li'" in out
    li = User.objects.get(username="li")
    assert li.is_staff and not li.is_superuser and li.groups.filter(name=EDITOR_GROUP).exists()
    assert client.login(username="li", password="salon-editor-passphrase")
    assert client.get("/admin/auth/user/").status_code == 403
