"""Tags as editors type them on the quote admin's pages: the names field, the add/remove form,
existing tags for names (an alias gives its tag), and what a bulk change would do to each quote.
Nothing here writes except `tag_objects`, at confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from taggit.models import Tag

from ..import_tags import find_tags
from ..models import Quote
from ..slugs import clean_tag_name
from ..tag_forms import typed_tag_names
from ..tagging import fault_message


class TagNamesField(forms.CharField):
    """Tag names as editors type them (`tagging.typed_tag_names`), sorted."""

    def to_python(self, value) -> list[str]:
        return sorted(typed_tag_names(super().to_python(value)))


def name_problem(name: str) -> str:
    """Why `name` cannot be a new tag's name, "" if it can: the check every way in shares."""
    return fault_message(clean_tag_name(name), "标签名")


class TagChangeForm(forms.Form):
    add = TagNamesField(
        label="加上这些标签",
        required=False,
        help_text="用逗号或顿号分隔;别名会换成它的标签,没有的标签会新建。",
    )
    remove = TagNamesField(label="去掉这些标签", required=False, help_text="只能是已有的标签。")

    def clean_remove(self) -> list[Tag]:
        names = self.cleaned_data["remove"]
        found, missing = resolve_tags(names)
        if missing:
            raise forms.ValidationError("没有这些标签:" + "、".join(missing))
        return unique_tags(found.values())

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data["add"] and not data["remove"]:
            raise forms.ValidationError("请填写要加上或要去掉的标签。")
        found, missing = resolve_tags(data["add"])
        data["add"] = unique_tags(found.values()) + missing  # a new name stays a string until saved
        if {t.pk for t in found.values()} & {t.pk for t in data["remove"]}:
            raise forms.ValidationError("同一个标签不能既加上又去掉。")
        return data


def unique_tags(tags: Iterable[Tag]) -> list[Tag]:
    """Each tag once (an alias and its tag name the same tag), in order."""
    return list({tag.pk: tag for tag in tags}.values())


def resolve_tags(names: list[str]) -> tuple[dict[str, Tag], list[str]]:
    """Existing tags for these names, by name; an alias gives its tag, case does not matter
    (`import_tags.find_tags`, as an import reads them). Returns ({name: tag}, [names with no
    tag]); never creates anything."""
    known = find_tags(names)
    found = {name: known[name.casefold()] for name in names if name.casefold() in known}
    return found, [name for name in names if name not in found]


def tag_objects(items: list[Tag | str]) -> list[Tag]:
    """Tags for resolved items: new names become new tags (at confirmation, never before)."""
    return [item if isinstance(item, Tag) else Tag.objects.create(name=item) for item in items]


@dataclass(frozen=True)
class TagChange:
    """What one quote would gain and lose: only tags it lacks, only tags it has (a new name is
    a string until the change is confirmed)."""

    quote: Quote
    add: list[Tag | str]
    remove: list[Tag]

    @property
    def changes(self) -> bool:
        return bool(self.add or self.remove)

    def describe(self) -> str:
        return describe(self.add, self.remove)


def tag_changes(quotes: list[Quote], add: list[Tag | str], remove: list[Tag]) -> list[TagChange]:
    """What adding `add` and removing `remove` would do to each quote (tags prefetched)."""
    changes = []
    for quote in quotes:
        have = {tag.pk for tag in quote.tags.all()}
        changes.append(
            TagChange(
                quote=quote,
                add=[t for t in add if isinstance(t, str) or t.pk not in have],
                remove=[t for t in remove if t.pk in have],
            )
        )
    return changes


def describe(added, removed) -> str:
    """The admin history's line for a tag change."""
    parts = []
    if added:
        parts.append("加上" + "、".join(f"「{t}」" for t in added))
    if removed:
        parts.append("去掉" + "、".join(f"「{t}」" for t in removed))
    return "标签:" + ";".join(parts)
