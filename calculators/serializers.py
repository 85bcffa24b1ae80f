"""Answers as JSON for other clients: money as strings with two decimals, dates as YYYY-MM-DD."""


def money(value):
    return None if value is None else f"{value:.2f}"


def day(value):
    return None if value is None else value.isoformat()


def plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def source(ref):
    return {"title": ref.title, "title_zh": ref.title_zh, "title_ru": ref.title_ru, "issuer": ref.issuer,
            "issuer_ru": ref.issuer_ru, "document_number": ref.document_number, "url": ref.url,
            "checked_on": day(ref.checked_on), "note_zh": ref.note_zh, "note_ru": ref.note_ru,
            "example": ref.example, "year_assumed": ref.year_assumed}


def steps(items):
    return [{"code": s.code, "amount": money(s.amount), "params": plain(s.params)} for s in items]


def common(answer):
    return {
        "region_asked": answer.region_asked.slug,
        "region_used": answer.region_used.slug,
        "rules_as_of": day(answer.rules_as_of),
        "coverage_year": answer.asked_year,
        "rules_year": answer.rules_year,
        "rules_checked_on": day(answer.checked_on),
        "sources": [source(s) for s in answer.sources],
        "notes": answer.notes,
        "ignored_parameters": answer.ignored_names,
        "estimate": True,
    }


def reimbursement(answer):
    result = answer.result
    return {
        "cost": money(result.cost),
        "fund_pays": money(result.fund_pays),
        "serious_illness_pays": money(result.serious_illness_pays),
        "you_pay": money(result.you_pay),
        "steps": steps(result.steps),
        **common(answer),
    }


def deadline(answer):
    result = answer.result
    window = result.window
    return {
        "status": result.window_status,
        "window_start": day(window.start),
        "window_end": day(window.end),
        "late_deadline": day(window.late_deadline),
        "late_until": day(result.late_until),
        "typical_window": window.typical,
        "days_left": result.days_left,
        "days_until_open": result.days_until_open,
        "amount_due": money(result.amount_due),
        "waiting_months": result.waiting_months,
        "cover_starts": day(result.cover_starts),
        "cover_ends": day(result.cover_ends),
        "steps": steps(result.steps),
        **common(answer),
    }


def contribution(answer):
    result = answer.result
    return {
        "total_individual": money(result.total_individual),
        "total_subsidy": money(result.total_subsidy),
        "lines": [
            {"group": line.group, "count": line.count, "individual_each": money(line.individual_each),
             "subsidy_each": money(line.subsidy_each), "individual_total": money(line.individual_total),
             "subsidy_total": money(line.subsidy_total), "subsidy_is_minimum": line.subsidy_is_minimum}
            for line in result.lines
        ],
        "steps": steps(result.steps),
        **common(answer),
    }
