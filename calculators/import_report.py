"""What an import refused, row by row: for the admin's messages and for tests."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _


def import_problems(result):
    """Every refusal in an import result as (row number or None, column or None, message).

    Row numbers count data rows from 1, as the admin's import page shows them (the header is not a row).
    """
    problems = [(None, None, force_str(error.error)) for error in result.base_errors]
    for number, errors in result.row_errors():
        problems.extend((number, None, force_str(error.error)) for error in errors)
    for invalid in result.invalid_rows:
        for column, messages_ in invalid.error_dict.items():
            column = None if column == NON_FIELD_ERRORS else column
            problems.extend((invalid.number, column, force_str(message)) for message in messages_)
    return sorted(problems, key=lambda problem: (problem[0] or 0))


ROW_COLUMN_PROBLEM = _("Row %(row)s, %(column)s: %(message)s")
ROW_PROBLEM = _("Row %(row)s: %(message)s")


def describe_problems(result):
    """The refusals as sentences, each naming its row and column."""
    lines = []
    for row, column, message in import_problems(result):
        if row is None:
            lines.append(message)
        elif column is None:
            lines.append(str(ROW_PROBLEM % {"row": row, "message": message}))
        else:
            lines.append(str(ROW_COLUMN_PROBLEM % {"row": row, "column": column, "message": message}))
    return lines
