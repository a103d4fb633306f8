"""The stored monthly rollup of the burden-reduction ledger (`LedgerRollup`), kept by whatever writes entries:
one payment adds to its row, an import or a seeding rebuilds the years it touched from the live GROUP BY."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Sum

from .models import LedgerEntry, LedgerRollup

KEY = LedgerRollup.KEY


def rebuild(years: Iterable[int]) -> int:
    """Recompute the given years' rollup rows from the entries (all or nothing); returns the rows written."""
    years = sorted(set(years))
    if not years:
        return 0
    with transaction.atomic():
        LedgerRollup.objects.filter(year__in=years).delete()
        rows = [LedgerRollup(**{k: r[k] for k in KEY}, amount=r["total"], entries=r["n"])
                for r in LedgerEntry.objects.filter(year__in=years).order_by().values(*KEY)
                .annotate(total=Sum("amount"), n=Count("pk"))]
        LedgerRollup.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def add(entry: LedgerEntry) -> None:
    """Add one new entry to its rollup row (inside the caller's transaction). Two payments racing to create the
    same row make two rows with one key; every read sums rows, so the totals stay right."""
    key = {k: getattr(entry, k) for k in KEY}
    if not LedgerRollup.objects.filter(**key).update(amount=F("amount") + entry.amount, entries=F("entries") + 1):
        LedgerRollup.objects.create(**key, amount=entry.amount, entries=1)
