"""Tags as editors type them into a form: the names between commas (full-width ones and 、
too), cleaned and checked as every other way in does (`tagging.fault_message`)."""

from __future__ import annotations

from django import forms
from taggit.forms import TagField
from taggit.utils import parse_tags

from .models import TagAlias
from .slugs import clean_tag_name
from .tagging import any_name, fault_message

# what editors type between tag names besides taggit's commas: full-width commas, 、 and semicolons
_SEPARATORS = str.maketrans(dict.fromkeys("，、;；", ","))


def typed_tag_names(text: str) -> list[str]:
    """Tag names as editors type them (幻觉, 大模型 or 幻觉、大模型), cleaned as every way in cleans
    them, once per name whatever its case, in the order typed. A name that cannot be a tag is a
    `ValidationError` saying why."""
    names: dict[str, str] = {}
    for raw in parse_tags(text.translate(_SEPARATORS)):
        name = clean_tag_name(raw)
        if problem := fault_message(name, "标签名"):
            raise forms.ValidationError(problem)
        names.setdefault(name.casefold(), name)
    return list(names.values())


class TagNamesField(TagField):
    """The tags box of the quote and event forms (`models.CuratedTags`): taggit's, with names
    typed, cleaned and checked as every other way in does (`typed_tag_names`), and an alias read
    as its tag."""

    def clean(self, value) -> list[str]:
        names = {
            name.casefold(): name for name in typed_tag_names(forms.CharField.clean(self, value))
        }
        if names:
            aliases = TagAlias.objects.filter(any_name(names.values())).select_related("tag")
            for alias in aliases:
                names[alias.name.casefold()] = alias.tag.name
        return sorted({name.casefold(): name for name in names.values()}.values())
