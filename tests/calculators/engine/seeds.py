"""Rules built from the figures in /work/shared/seeds/README.md, for the engine tests.

Third-party figures are used as they are quoted there; where a seed leaves a value out (a window's
dates, an annual limit) the test says so and the value is marked as illustrative.
"""

from datetime import date
from decimal import Decimal as D

from calculators.engine.rules import (
    Band,
    BenefitRule,
    Contribution,
    PaymentWindow,
    SeriousIllnessRule,
    SourceRef,
    WaitingPolicy,
)

SEED_002 = SourceRef(title="Applying online for residents' medical insurance (sidebar figures)")
SEED_003 = SourceRef(title="Binding the outpatient mutual-aid account in Jinhua, 2025")
SEED_000 = SourceRef(title="How to pay for cooperative medical care")
GUOBAN_38 = SourceRef(
    title="国务院办公厅关于健全基本医疗保险参保长效机制的指导意见",
    issuer="国务院办公厅",
    document_number="国办发〔2024〕38号",
)


def flat(ratio) -> tuple[Band, ...]:
    return (Band(D("0"), None, D(ratio)),)


def inpatient(region, deductible, ratio, annual_limit=None, year=2024, source=SEED_002) -> BenefitRule:
    return BenefitRule(
        region=region,
        coverage_year=year,
        deductible=D(deductible),
        deductible_per="admission",
        bands=flat(ratio),
        annual_limit=None if annual_limit is None else D(annual_limit),
        source=source,
    )


# Lishui (Zhejiang) residents, inpatient; annual basic limit 100,000.
LISHUI_GRASSROOTS = inpatient("lishui", "400", "80", "100000")
LISHUI_LEVEL12 = inpatient("lishui", "600", "75", "100000")
LISHUI_LEVEL3 = inpatient("lishui", "1000", "70", "100000")

# Lishui employees, inpatient: deductible 1000 (no annual limit quoted in the seed).
LISHUI_EMPLOYEE_COMMUNITY = inpatient("lishui", "1000", "92")
LISHUI_EMPLOYEE_LEVEL2 = inpatient("lishui", "1000", "87")
LISHUI_EMPLOYEE_LEVEL3 = inpatient("lishui", "1000", "83")
LISHUI_RETIRED_COMMUNITY = inpatient("lishui", "1000", "95")
LISHUI_RETIRED_LEVEL2 = inpatient("lishui", "1000", "90")
LISHUI_RETIRED_LEVEL3 = inpatient("lishui", "1000", "86")

# Anhui residents, inpatient (third-party figures, no annual limit quoted).
ANHUI_LEVEL1 = inpatient("anhui", "200", "85")
ANHUI_LEVEL2 = inpatient("anhui", "500", "80")
ANHUI_LEVEL3 = inpatient("anhui", "700", "70")


def jinhua_outpatient(ratio="50", limit="3000") -> BenefitRule:
    """Jinhua 2025 general outpatient at primary institutions: 50%, limit 3,000 (tiers 1/2) or 1,500 (tier 3).

    The seed: signing with (or choosing) a primary institution adds 10 points; at a mountain-area township
    health centre 15 points instead of 10.
    """
    return BenefitRule(
        region="jinhua",
        coverage_year=2025,
        deductible=D("0"),
        deductible_per="year",
        bands=flat(ratio),
        annual_limit=D(limit),
        signed_bonus=D("10"),
        mountain_bonus=D("15"),
        source=SEED_003,
    )


# Jinhua special-disease outpatient: yearly deductible 500, then as level-3 inpatient. The seed does not
# give Jinhua's level-3 ratio; Lishui's 70% stands in for it.
JINHUA_SPECIAL_DISEASE = BenefitRule(
    region="jinhua",
    coverage_year=2025,
    deductible=D("500"),
    deductible_per="year",
    bands=flat("70"),
    annual_limit=None,
    source=SEED_003,
)

# Serious-illness insurance example (region not named in the seed).
SERIOUS_EXAMPLE = SeriousIllnessRule(
    region="example",
    coverage_year=2024,
    deductible=D("13000"),
    reduced_deductible=D("5000"),
    reduced_groups=frozenset({"extreme_poverty", "low_income"}),
    bands=(
        Band(D("13000"), D("100000"), D("60")),
        Band(D("100000"), D("200000"), D("65")),
        Band(D("200000"), D("300000"), D("70")),
        Band(D("300000"), None, D("75")),
    ),
    annual_cap=D("400000"),
    source=SEED_002,
)

# Hanzhong (Shaanxi) serious illness: personal burden 10,000-30,000 at 60%, 30,000-80,000 at 70%. The seed
# quotes nothing above 80,000 and no cap.
HANZHONG_SERIOUS = SeriousIllnessRule(
    region="hanzhong",
    coverage_year=2024,
    deductible=D("10000"),
    reduced_deductible=None,
    reduced_groups=frozenset(),
    bands=(Band(D("10000"), D("30000"), D("60")), Band(D("30000"), D("80000"), D("70"))),
    annual_cap=None,
    source=SEED_002,
)

# A basic rule under which the fund pays nothing: the whole cost is the patient's burden, so serious-illness
# bands can be tested on round numbers.
NOTHING_FROM_THE_FUND = BenefitRule(
    region="example",
    coverage_year=2024,
    deductible=D("0"),
    deductible_per="admission",
    bands=flat("0"),
    annual_limit=None,
)

# Payment windows.
HUBEI_2025 = PaymentWindow(
    region="hubei",
    coverage_year=2025,
    start=date(2024, 9, 1),
    end=date(2024, 12, 31),
    late_deadline=date(2025, 2, 28),
    late_cover="after_waiting",
    source=SEED_003,
)
BEIJING_2024 = PaymentWindow(
    region="beijing",
    coverage_year=2024,
    start=date(2023, 9, 1),
    end=date(2023, 12, 31),
    late_deadline=date(2024, 1, 31),
    late_cover="after_waiting",
    source=SEED_000,
)
SHANGHAI_2024 = PaymentWindow(
    region="shanghai",
    coverage_year=2024,
    start=date(2023, 10, 1),
    end=date(2023, 12, 25),
    late_deadline=date(2024, 3, 31),
    late_cover="after_waiting",
    source=SEED_000,
)
GUANGDONG_2024 = PaymentWindow(
    region="guangdong",
    coverage_year=2024,
    start=date(2023, 9, 1),
    end=date(2024, 2, 29),
    late_deadline=date(2024, 6, 30),
    late_cover="after_waiting",
    source=SEED_000,
)
# Zhejiang 2025: the seed gives the late price (1070) and the 3-month wait, not the dates; the window
# below is illustrative (national usual September-December, late joining possible all year).
ZHEJIANG_2025 = PaymentWindow(
    region="zhejiang",
    coverage_year=2025,
    start=date(2024, 9, 1),
    end=date(2024, 12, 31),
    late_deadline=date(2025, 12, 31),
    late_cover="after_waiting",
)

NATIONAL_WAITING = WaitingPolicy(
    region="national",
    fixed_months=3,
    months_per_gap_year=1,
    free_gap_years=1,
    months_removed_per_repaid_year=1,
    long_gap_years=4,
    long_gap_min_months=6,
    exempt_groups=frozenset({"extreme_poverty"}),
    newborn_days=90,
    source=GUOBAN_38,
)

# Contributions.
HUBEI_2025_ORDINARY = Contribution("hubei", 2025, "ordinary", D("400"), D("670"), source=SEED_003)
ZHEJIANG_2025_ORDINARY = Contribution(
    "zhejiang", 2025, "ordinary", D("400"), D("650"), late_individual=D("1070"), source=SEED_002
)
NATIONAL_2024 = {
    "ordinary": Contribution("national", 2024, "ordinary", D("380"), D("640"), source=SEED_000),
    "low_income": Contribution("national", 2024, "low_income", D("190"), D("830"), source=SEED_000),
    "extreme_poverty": Contribution("national", 2024, "extreme_poverty", D("0"), D("1020"), source=SEED_000),
}
