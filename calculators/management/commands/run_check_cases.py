"""``manage.py run_check_cases``: every calculator check case against the rules in force, for CI.

One line per case and a summary; the exit status is 1 when any case fails or cannot be answered.
``--with-drafts`` also lists the answers that the draft rule changes (and rows in review) would change;
``--as-of YYYY-MM-DD`` runs them as of the start of that day in China (rules published for later count).
"""

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.utils.translation import gettext as _

from calculators import checks
from calculators.models import CheckCase
from core.dates import parse_day


class Command(BaseCommand):
    help = "Run the calculator check cases against the rules in force (and, with --with-drafts, the drafts)."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="Only the check cases with these names.")
        parser.add_argument("--with-drafts", action="store_true",
                            help="Also list the answers the draft rule changes would change.")
        parser.add_argument("--as-of", help="Run as of the start of this day (YYYY-MM-DD) in China.")

    @no_translations
    def handle(self, *args, names=(), with_drafts=False, as_of=None, **options):
        at = None
        if as_of:
            at = parse_day(as_of)
            if at is None:
                raise CommandError(_("Give --as-of as a date YYYY-MM-DD between 2000 and 2100."))
        cases = CheckCase.objects.all()
        if names:
            cases = cases.filter(name__in=names)
            missing = sorted(set(names) - set(cases.values_list("name", flat=True)))
            if missing:
                raise CommandError(_("No check case is called %(names)s.") % {"names": ", ".join(missing)})
        results = checks.run_check_cases(cases, at=at)
        for result in results:
            self.stdout.write(self.line(result))
        counts = checks.summary(results)
        text = _("%(total)s check cases: %(passed)s passed, %(failed)s failed, %(error)s could not be "
                 "answered.") % counts
        if with_drafts:
            self.report_drafts(cases, at)
        if counts[checks.FAILED] or counts[checks.ERROR]:
            raise CommandError(text, returncode=1)
        self.stdout.write(self.style.SUCCESS(text))

    def line(self, result):
        name = result.case.name
        if result.status == checks.PASSED:
            return self.style.SUCCESS(_("PASS   %(name)s") % {"name": name})
        if result.status == checks.ERROR:
            return self.style.ERROR(_("ERROR  %(name)s: %(message)s")
                                    % {"name": name, "message": result.message})
        details = "; ".join(
            _("%(key)s expected %(expected)s, got %(actual)s")
            % {"key": figure.key, "expected": figure.expected_text, "actual": figure.actual_text}
            for figure in result.mismatches()
        )
        return self.style.ERROR(_("FAIL   %(name)s: %(details)s") % {"name": name, "details": details})

    def report_drafts(self, cases, at):
        changed = checks.compare_draft_changes(cases, at=at)
        if not changed:
            self.stdout.write(_("No draft rule change would change any answer."))
            return
        self.stdout.write(_("Draft rule changes would change these answers:"))
        for comparison in changed:
            details = "; ".join(f"{change.key}: {change.old_text} → {change.new_text}"
                                for change in comparison.changes)
            self.stdout.write(self.style.WARNING(
                _("CHANGE %(name)s: %(details)s") % {"name": comparison.case.name, "details": details}))
