"""Values assembled from a part per community (`cached_parts`), kept in the cache under
the generations of childcop.aggregates, whose first view after a write in one community
costs the same in a program of any size: the value matrix (value_stories.services.
MatrixParts) and the home page's program figures (childcop.views.ProgramFigures)."""

from __future__ import annotations

import hashlib
import json
import pickle

from django.core.cache import cache

from childcop import aggregates


def _digest(part) -> str:
    return hashlib.blake2b(pickle.dumps(part, protocol=5), digest_size=8).hexdigest()


def _part_key(kind: str, variant: str, pk: int, token: str) -> str:
    return f"{aggregates.PREFIX}:{kind}:{variant}:{pk}:{token}"


def parts_of(kind: str, variants: dict, parts, *, current: dict | None = None) -> dict:
    """{id: its part in the variant `variants[id]`}: from the cache, under each community's
    current generation (`current`: the tokens, when the caller read them already), the
    missing ones computed (`parts.compute`) and kept."""
    ids = list(variants)
    names = [f"community:{pk}" for pk in ids]
    if current is None or any(name not in current for name in names):
        current = aggregates.tokens(names)
    keys = {pk: _part_key(kind, variants[pk], pk, current[f"community:{pk}"]) for pk in ids}
    found = cache.get_many(list(keys.values()))
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = {}
    for pk in ids:
        if pk not in result:
            missing.setdefault(variants[pk], []).append(pk)
    if missing:
        fresh = {}
        with aggregates.program_time_zone():
            for variant, pks in missing.items():
                fresh.update(parts.compute(variant, pks))
        cache.set_many({keys[pk]: part for pk, part in fresh.items()}, aggregates.TIMEOUT)
        result.update(fresh)
    return result


def warm_parts(kind: str, ids, variants, parts) -> None:
    """The parts of the communities `ids` in each of `variants`, computed when the cache
    lacks them (after a write: childcop.warming), so that the next `cached_parts` of any
    set of variants only adds them to its sum."""
    ids = list(ids)
    current = aggregates.tokens([f"community:{pk}" for pk in ids])
    for variant in variants:
        parts_of(kind, dict.fromkeys(ids, variant), parts, current=current)


def cached_parts(kind: str, variants: dict, parts, *, current: str | None = None):
    """A value assembled from one part per community, that costs as much to bring up to
    date after a write in one community in a program of any size.

    `variants`: {community id: the variant of its part wanted (e.g. whose stories)}.
    `parts` says how to compute and combine them: `compute(variant, ids) -> {id: part}` (a
    fixed number of queries for any number of ids), `start() -> sum` (an empty sum),
    `add(sum, part, sign)` (adds a part to the sum, or takes it away with sign -1) and
    `finish(sum) -> value`. `current`: the token of "communities", when read already.

    Kept in the cache: each part under its community's generation (shared by every viewer
    who wants that variant); per set of variants, the sum with the generations it was
    made of; the value, under the generation of every community ("communities"). So a
    view reads one token and the value; after a write in one community, the view reads
    every community's token, takes that community's old part away from the sum, adds its
    new one, and finishes the sum. The sum is made again from every part when the cache lost
    it or an old part, or the old part is not the one the sum holds (a digest of each is
    kept with it)."""
    ids = list(variants)
    signature = hashlib.blake2b(
        json.dumps(sorted(variants.items())).encode(), digest_size=16
    ).hexdigest()
    every = current or aggregates.token(aggregates.COMMUNITIES)
    value_key = f"{aggregates.PREFIX}:{kind}:value:{signature}:{every}"
    value = cache.get(value_key)
    if value is not None:
        return value
    current = aggregates.tokens([f"community:{pk}" for pk in ids])
    generation = {pk: current[f"community:{pk}"] for pk in ids}

    def key(pk, tok):
        return _part_key(kind, variants[pk], pk, tok)

    state_key = f"{aggregates.PREFIX}:{kind}:sum:{signature}"
    state = cache.get(state_key)
    if state is not None and state["generation"].keys() == generation.keys():
        changed = [pk for pk in ids if state["generation"][pk] != generation[pk]]
        old_keys = {pk: key(pk, state["generation"][pk]) for pk in changed}
        old = cache.get_many(list(old_keys.values())) if changed else {}
        # The sum is made again when an old part is gone, or is not the one the sum holds
        # (two processes computed it at once, from data on either side of a write).
        if len(old) < len(changed) or any(
            _digest(old[old_keys[pk]]) != state["digests"][pk] for pk in changed
        ):
            state = None
    else:
        state = None
    if state is None:
        changed = ids
    new_keys = {pk: key(pk, generation[pk]) for pk in changed}
    found = cache.get_many(list(new_keys.values())) if changed else {}
    new = {pk: found[k] for pk, k in new_keys.items() if k in found}
    missing = {}
    for pk in changed:
        if pk not in new:
            missing.setdefault(variants[pk], []).append(pk)
    with aggregates.program_time_zone():
        fresh = {}
        for variant, pks in missing.items():
            fresh.update(parts.compute(variant, pks))
        if fresh:
            cache.set_many({new_keys[pk]: fresh[pk] for pk in fresh}, aggregates.TIMEOUT)
        new.update(fresh)
        if state is None:
            total, digests = parts.start(), {}
        else:
            total, digests = state["sum"], state["digests"]
            for pk in changed:
                parts.add(total, old[old_keys[pk]], -1)
        for pk in changed:
            parts.add(total, new[pk], 1)
            digests[pk] = _digest(new[pk])
        value = parts.finish(total)
    state = {"generation": generation, "sum": total, "digests": digests}
    cache.set(state_key, state, aggregates.TIMEOUT)
    cache.set(value_key, value, aggregates.TIMEOUT)
    return value
