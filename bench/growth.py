"""Content grown to a multiple of today's, for the benchmark (``bench.inprocess --grow 50``) and the tests
that check pages stay cheap as content grows (tests/portal/test_query_counts.py).

``grow(factor)`` adds ``factor - 1`` copies of every guide, FAQ and region, and of the simple rule rows
(payment windows, usual payment periods, contributions, payment channels) of each copied region: with
today's demo content and 50, 400 guides, 1,100 questions, 600 regions. A copy carries its original's
texts and what a save derived from them (search text, rendered HTML), so the copies are written in bulk
without rendering anything again; bulk writes send no signals, so the content version is bumped at the end,
as a real change would. Copied guides and questions are ordered after today's, as new ones are added.
"""

from django.db import transaction

SIMPLE_RULES = ("PaymentWindow", "RecurringPaymentWindow", "ContributionStandard", "PaymentChannel")
SLUG_LENGTH = 50


def copy_slug(slug, number):
    suffix = f"-copy{number}"
    return slug[: SLUG_LENGTH - len(suffix)] + suffix


def _copies(rows, factor, change):
    copies = []
    for number in range(1, factor):
        for original in rows:
            copy = type(original)(**{
                field.attname: getattr(original, field.attname) for field in original._meta.concrete_fields
            })
            copy.pk = None
            change(copy, original, number)
            copies.append(copy)
    return copies


def grow(factor):
    """Add ``factor - 1`` copies of every guide, FAQ, region and simple rule row of a region."""
    from calculators import models as rule_models
    from calculators.models import Region
    from core import content_version
    from guides.models import FAQ, Guide

    if factor <= 1:
        return

    def renamed(copy, original, number):
        copy.slug = copy_slug(original.slug, number)

    with transaction.atomic():
        for model in (Guide, FAQ):
            originals = list(model.objects.filter(revision_of__isnull=True))
            step = max((original.order for original in originals), default=0) + 1

            def added_after(copy, original, number):
                # Copies come after today's items, as an editor's new ones would, not each beside its original:
                # otherwise a topic's first page would be one question and nine copies of it.
                renamed(copy, original, number)
                copy.order = original.order + number * step

            model.objects.bulk_create(_copies(originals, factor, added_after), batch_size=200)

        regions = list(Region.objects.all())

        def region_copy(copy, original, number):
            renamed(copy, original, number)
            copy.parent_id = original.parent_id or original.pk  # a copy of national is a province of it

        Region.objects.bulk_create(_copies(regions, factor, region_copy), batch_size=200)
        slug_of = {region.pk: region.slug for region in regions}
        pk_of = dict(Region.objects.values_list("slug", "pk"))

        def moved(copy, original, number):
            copy.region_id = pk_of[copy_slug(slug_of[original.region_id], number)]

        for name in SIMPLE_RULES:
            model = getattr(rule_models, name)
            model.objects.bulk_create(_copies(list(model.objects.all()), factor, moved), batch_size=500)
    content_version.bump()
