"""The admin's change history for content and rules: who changed what, when, and a way back.

django-simple-history records every save; this admin base adds its history
view (with revert) to every editable model.
"""

from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    pass
