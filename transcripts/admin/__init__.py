"""The editors' admin, one module per area; importing them registers the model admins.

Tags are part of the editors' work: the admin home, the side menu and the 转录稿 page list
taggit's Tag among our models (next to 标签别名 and 标签重定向), and taggit has no section of its
own. `admin.site` stays the site (its URLs stay `admin:`); only its app list is regrouped.
"""

from django.contrib import admin

from . import quotes, records, sections, tags  # noqa: F401

APP = "transcripts"
MOVED_IN = ("taggit",)  # apps whose models editors find in our section

_build_app_list = admin.site.get_app_list


def get_app_list(request, app_label=None):
    """Django's app list, with the models of `MOVED_IN` in the 转录稿 section, sorted by name;
    /admin/taggit/ shows that section too (taggit's breadcrumbs link there)."""
    apps = _build_app_list(request)
    ours = next((app for app in apps if app["app_label"] == APP), None)
    for app in [app for app in apps if app["app_label"] in MOVED_IN]:
        apps.remove(app)
        if ours is None:  # someone who may see only tags: the section is theirs all the same
            ours = {**app, "app_label": APP, "name": _our_name()}
            ours["app_url"] = app["app_url"].replace(f"/{app['app_label']}/", f"/{APP}/")
            ours["models"] = []
            apps.append(ours)
        ours["models"] = sorted([*ours["models"], *app["models"]], key=lambda m: m["name"])
    apps.sort(key=lambda app: app["name"].lower())
    if app_label is None:
        return apps
    wanted = APP if app_label in MOVED_IN else app_label
    return [app for app in apps if app["app_label"] == wanted]


def _our_name() -> str:
    from django.apps import apps

    return apps.get_app_config(APP).verbose_name


admin.site.get_app_list = get_app_list
