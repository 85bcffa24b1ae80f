"""Admin forms for banded rules: a rule's bands are checked as one set and saved with the rule.

The admin's change view already runs in one transaction and validates the rule form and every inline
before saving anything, so a band set refused here leaves the rule and its bands exactly as they were.
"""

from django.db import transaction
from django.db.models import F
from django.forms.models import BaseInlineFormSet

from calculators.bands import BandSpec, validate_bands


class BandInlineFormSet(BaseInlineFormSet):
    """Bands of one rule: validated together by the rule's ``validate_bands``, numbered lowest first."""

    def kept_forms(self):
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None)
            if not cleaned:
                continue  # an untouched extra row
            if self.can_delete and self._should_delete_form(form):
                continue
            yield form

    def clean(self):
        super().clean()
        if any(self.errors):
            return  # each row's own errors first; the set is checked once every row is readable
        bands = [
            BandSpec.of((form.cleaned_data.get("lower"), form.cleaned_data.get("upper"),
                         form.cleaned_data.get("ratio")))
            for form in self.kept_forms()
        ]
        # ``self.instance`` already carries the rule form's new values (a serious-illness rule's bands
        # start at its deductible), unless that form is invalid: then only the rest is checked.
        rule = self.instance
        start = rule.band_start()
        if start is None:
            validate_bands(bands, start=None)
        else:
            rule.validate_bands(bands)

    def save_new(self, form, commit=True):
        # A free number for now; ``renumber_bands`` gives every band its final place afterwards.
        self._next_temporary = getattr(self, "_next_temporary", 10000) + 1
        form.instance.order = self._next_temporary
        return super().save_new(form, commit=commit)

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        with transaction.atomic(using=self.instance._state.db):
            # Move saved bands out of the way so that no number clashes while rows change.
            self.instance.bands.update(order=F("order") + 5000)
            saved = super().save(commit=True)
            self.instance.renumber_bands()
        return saved
