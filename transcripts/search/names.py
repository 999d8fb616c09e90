"""Which speakers a query names: by name, a global alias (`SpeakerAlias`), pinyin or handle.

A reader who types 刘知远, liuzhiyuan or zibuyu9 means that person's quotes, not only the quotes
that say the name: the search service then gives their quotes together with the ones that
mention them (`service.quote_search`). Each lookup is a dictionary lookup in this process's
keys, refreshed when the vocabulary version moves (speakers added, renamed or merged), so most
searches ask the database nothing.
"""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

from .. import vocabulary
from ..aliases import SpeakerAlias
from ..models import Speaker
from .documents import normalize

MAX_NAME = 50
_keys: dict[str, object] = {}


def _ascii(text: str) -> str:
    """A Latin form as a key: letters and digits only (Liu Zhiyuan, liu-zhiyuan: liuzhiyuan)."""
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _speaker_keys() -> dict[str, set[int]]:
    """Name (normalised: 劉知遠 is 刘知远), alias, handle, slug and full pinyin → speaker ids."""
    version = vocabulary.version()
    if _keys.get("version") != version:
        keys: dict[str, set[int]] = {}

        def add(key: str, pk: int) -> None:
            if key:
                keys.setdefault(key, set()).add(pk)

        for pk, name, handle, slug in Speaker.objects.values_list("pk", "name", "handle", "slug"):
            add(normalize(name).strip(), pk)
            add(normalize(handle.lstrip("@")).strip(), pk)
            add(_ascii(slug), pk)
            add(_ascii("".join(lazy_pinyin(name, errors="default"))), pk)
        aliases = SpeakerAlias.objects.filter(event__isnull=True)
        for pk, name in aliases.values_list("speaker_id", "name"):
            add(normalize(name).strip(), pk)
        _keys.update(version=version, keys=keys)
    return _keys["keys"]  # type: ignore[return-value]


def named_speakers(text: str) -> list[Speaker]:
    """Speakers whose name, alias, pinyin or handle is this text (刘知远, liuzhiyuan, @zibuyu9),
    among those who speak in a published event."""
    text = " ".join((text or "").replace("\x00", "").split())
    if not text or len(text) > MAX_NAME:
        return []
    keys = _speaker_keys()
    found = set(keys.get(normalize(text).lstrip("@"), ()))
    if text.isascii():
        found |= keys.get(_ascii(text), set())
    if not found:
        return []
    speakers = Speaker.objects.filter(pk__in=found, participations__event__published=True)
    return list(speakers.distinct().order_by("name", "pk")[:5])


def split_named(raw: str) -> tuple[list[Speaker], str]:
    """The speakers the query names and the rest of the query: the whole query ("" left), or
    else its first word that is a name (刘知远 幻觉: 刘知远, and 幻觉 left). No one: ([], raw)."""
    if speakers := named_speakers(raw):
        return speakers, ""
    words = (raw or "").split()
    if len(words) < 2 or '"' in raw or "“" in raw:
        return [], raw
    for index, word in enumerate(words):
        if word.startswith("-"):
            continue
        if speakers := named_speakers(word):
            return speakers, " ".join(words[:index] + words[index + 1 :])
    return [], raw
