"""The fixed lists the rule rows, forms and answers choose from (editors cannot add to them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from calculators.engine import codes


class Scheme(models.TextChoices):
    RESIDENT = "resident", _("residents' insurance")
    EMPLOYEE = "employee", _("employees' insurance")


class EmployeeStatus(models.TextChoices):
    NONE = "", _("not applicable (residents)")
    WORKING = "working", _("in work")
    RETIRED = "retired", _("retired")


class Visit(models.TextChoices):
    INPATIENT = "inpatient", _("inpatient")
    OUTPATIENT = "outpatient", _("general outpatient")
    CHRONIC = "chronic", _("chronic-disease outpatient")
    SPECIAL = "special", _("special-disease outpatient")


class Level(models.TextChoices):
    GRASSROOTS = "grassroots", _("primary care (community, township)")
    LEVEL1 = "level1", _("level 1 hospital")
    LEVEL2 = "level2", _("level 2 hospital")
    LEVEL3 = "level3", _("level 3 hospital")


LEVEL_ORDER = {value: index for index, value in enumerate(Level.values)}


class DeductiblePer(models.TextChoices):
    ADMISSION = codes.DeductiblePer.ADMISSION, _("per admission")
    YEAR = codes.DeductiblePer.YEAR, _("per year")


class LateCover(models.TextChoices):
    AFTER_WAITING = codes.LateCover.AFTER_WAITING, _("late payers are covered after a waiting period")
    YEAR_START = codes.LateCover.YEAR_START, _("late payers are covered from 1 January")


class ChannelKind(models.TextChoices):
    APP = "app", _("mobile app")
    MINI_PROGRAM = "mini_program", _("mini program in WeChat or Alipay")
    WEBSITE = "website", _("website")
    COUNTER = "counter", _("service counter")
    BANK = "bank", _("bank")
    COMMUNITY = "community", _("village or community collection")


class Calculator(models.TextChoices):
    REIMBURSEMENT = "reimbursement", _("reimbursement")
    DEADLINE = "deadline", _("payment deadline and cover start")
    CONTRIBUTION = "contribution", _("household contribution")
