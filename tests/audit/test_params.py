"""Reading the audit filters from a query string (pure)."""
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.audit.labels import ACTION_LABELS
from marketplace.audit.params import AuditFilters, InvalidFilter, Reason, parse_audit_filters
from marketplace.common.vntime import vietnam_day_end, vietnam_day_start


def _parse(own_cooperative_id=None, **args) -> AuditFilters:
    return parse_audit_filters(MultiDict(args), ACTION_LABELS, own_cooperative_id=own_cooperative_id)


def test_empty_values_are_no_filter():
    assert _parse(actor=" ", cooperative="", action="", to="", page="") == AuditFilters()
    assert _parse(**{"from": ""}) == AuditFilters()


def test_dates_are_read_as_sent_by_date_inputs_or_as_vietnamese_write_them():
    filters = _parse(**{"from": "2026-03-04", "to": "5/3/2026"})
    assert (filters.date_from, filters.date_to) == (date(2026, 3, 4), date(2026, 3, 5))


def test_a_vietnam_day_runs_from_17_00_utc_the_day_before():
    assert vietnam_day_start(date(2026, 3, 4)).isoformat() == "2026-03-03T17:00:00+00:00"
    assert vietnam_day_end(date(2026, 3, 4)).isoformat() == "2026-03-04T17:00:00+00:00"


@pytest.mark.parametrize(("args", "name", "reason"), [
    ({"from": "2026-02-29"}, "from", Reason.NOT_A_DATE),
    ({"to": "04-03-2026"}, "to", Reason.NOT_A_DATE),
    ({"to": "9999-12-31"}, "to", Reason.OUT_OF_RANGE),
    ({"cooperative": "-1"}, "cooperative", Reason.UNKNOWN_VALUE),
    ({"cooperative": "2147483648"}, "cooperative", Reason.UNKNOWN_VALUE),
    ({"cooperative": "\uff11"}, "cooperative", Reason.UNKNOWN_VALUE),  # a full-width 1
    ({"action": "account"}, "action", Reason.UNKNOWN_VALUE),
    ({"page": "10001"}, "page", Reason.UNKNOWN_VALUE),
    ({"from": "2026-03-05", "to": "2026-03-04"}, "to", Reason.FROM_AFTER_TO),
])
def test_bad_values_name_the_parameter_and_the_reason(args, name, reason):
    with pytest.raises(InvalidFilter) as raised:
        _parse(**args)
    assert (raised.value.name, raised.value.reason) == (name, reason)


def test_an_owners_cooperative_replaces_the_query_strings():
    assert _parse(own_cooperative_id=7, cooperative="8").cooperative_id == 7
    assert _parse(own_cooperative_id=7, cooperative="not-a-number").cooperative_id == 7


def test_a_long_actor_is_cut_to_an_email_length():
    assert len(_parse(actor="a" * 1000).actor) == 254


def test_control_characters_are_dropped_from_the_actor():
    assert _parse(actor="lan\x00@exa\tmple").actor == "lan@example"
