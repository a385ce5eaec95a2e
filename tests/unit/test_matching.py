"""Matching firms to a lead, and the lead's status lifecycle, in real databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import leads, matching
from bot.delivery import outbox


def test_only_firms_practising_the_topic_are_ranked_each_with_its_reasons(session, make_lead, make_firm):
    fit = make_firm(session, "Harbin Breach Team", languages=["zh", "en"], handles_urgent=True)
    english = make_firm(session, "English Only Counsel", languages=["en"], handles_urgent=False)
    make_firm(session, "Trademark House", topics=["ip"])
    lead = make_lead(session, topic="data_breach", urgency="high", language="zh")

    ranked = matching.rank(session, lead)

    assert [m.firm_id for m in ranked] == [fit.id, english.id]
    best, other = ranked
    assert best.reasons == [
        "practises data_breach",
        "works in Chinese",
        "takes urgent matters",
        "5 of 5 weekly slots free",
    ]
    assert other.reasons[1:3] == ["does not list Chinese", "not set up for urgent matters"]
    assert best.factors == {
        "topic": True,
        "language": True,
        "urgent": True,
        "capacity_free": 5,
        "capacity": 5,
    }
    assert best.score == matching.TOPIC_POINTS + matching.LANGUAGE_POINTS + matching.URGENT_POINTS + 10
    assert other.score == matching.TOPIC_POINTS + 10


def test_urgency_only_counts_for_urgent_leads(session, make_lead, make_firm):
    make_firm(session, "Urgent Desk", handles_urgent=True)
    make_firm(session, "Calm Desk", handles_urgent=False)
    lead = make_lead(session, urgency="normal")
    ranked = matching.rank(session, lead)
    assert ranked[0].score == ranked[1].score
    assert all("urgent" not in m.factors for m in ranked)


def test_equal_scores_are_ordered_by_name_then_id_every_time(session, make_lead, make_firm):
    for name in ("Gamma Law", "alpha Law", "Beta Law"):
        make_firm(session, name)
    lead = make_lead(session)
    first = [m.name for m in matching.rank(session, lead)]
    assert first == ["alpha Law", "Beta Law", "Gamma Law"]
    assert all([m.name for m in matching.rank(session, lead)] == first for _ in range(3))


def test_the_fee_preference_weighs_in(session, make_lead, make_firm):
    make_firm(session, "A Hourly", fee_models=["hourly"])
    make_firm(session, "B Fixed", fee_models=["fixed", "retainer"])
    lead = make_lead(session, answers={"fee_preference": "fixed"})
    best, other = matching.rank(session, lead)
    assert best.name == "B Fixed" and "offers fixed fees" in best.reasons and best.factors["fee"] is True
    assert "no fixed fees" in other.reasons and other.factors["fee"] is False


def test_inactive_and_full_firms_are_skipped(session, make_lead, make_firm):
    from bot import firms

    make_firm(session, "Closed Shop")
    firms.deactivate(session, firms.directory(session)[0].id)
    full = make_firm(session, "Full House", weekly_capacity=1)
    roomy = make_firm(session, "Roomy", weekly_capacity=2)
    earlier = make_lead(session)
    outbox.enqueue(session, earlier, full, "webhook", {})
    outbox.enqueue(session, earlier, roomy, "webhook", {})
    session.commit()

    ranked = matching.rank(session, make_lead(session))

    assert [m.name for m in ranked] == ["Roomy"]
    assert "1 of 2 weekly slots free" in ranked[0].reasons


def test_capacity_counts_only_this_weeks_leads_still_headed_to_the_firm(session, make_lead, make_firm):
    firm = make_firm(session, "Busy Firm", weekly_capacity=1)
    old, failed = make_lead(session), make_lead(session)
    last_week = outbox.enqueue(session, old, firm, "webhook", {})
    last_week.created_at = outbox.now() - timedelta(days=8)
    outbox.enqueue(session, failed, firm, "webhook", {}).status = "failed"
    session.commit()
    assert [m.name for m in matching.rank(session, make_lead(session))] == ["Busy Firm"]


def test_the_top_three_are_kept_on_the_lead_and_it_becomes_matched(session, make_lead, make_firm):
    for name in ("E", "D", "C", "B", "A"):
        make_firm(session, f"Firm {name}")
    lead = make_lead(session)

    kept = matching.match_lead(session, lead)

    session.expire_all()
    lead = leads.find(session, lead.id)
    assert [m["name"] for m in lead.matches] == ["Firm A", "Firm B", "Firm C"] == [m.name for m in kept]
    assert set(lead.matches[0]) == {"firm_id", "name", "score", "reasons"}
    assert lead.status == "matched"
    assert [h["status"] for h in leads.status_history(session, lead)] == ["new", "matched"]


def test_an_empty_directory_sends_the_lead_to_sourcing(session, make_lead):
    lead = make_lead(session)
    assert matching.match_lead(session, lead) == []
    session.expire_all()
    lead = leads.find(session, lead.id)
    assert lead.status == "needs_sourcing" and lead.matches == []
    history = leads.status_history(session, lead)
    assert [h["status"] for h in history] == ["new", "needs_sourcing"]
    assert all(h["at"].endswith("Z") for h in history)


def test_a_lead_in_sourcing_is_matched_once_staff_add_a_firm(session, make_lead, make_firm):
    lead = make_lead(session)
    matching.match_lead(session, lead)
    make_firm(session, "Newly Sourced")
    assert [m.name for m in matching.match_lead(session, lead)] == ["Newly Sourced"]
    assert lead.status == "matched"


def test_the_lifecycle_allows_only_its_own_moves(session, make_lead):
    lead = make_lead(session)
    with pytest.raises(ValueError, match="cannot move from 'new' to 'delivered'"):
        leads.set_status(session, lead, "delivered")
    with pytest.raises(ValueError, match="unknown lead status"):
        leads.set_status(session, lead, "lost")
    for status in ("matched", "delivered", "accepted", "closed"):
        assert leads.set_status(session, lead, status) is True
    assert leads.set_status(session, lead, "closed") is False  # a retry changes nothing
    session.commit()
    history = leads.status_history(session, lead)
    assert [h["status"] for h in history] == ["new", "matched", "delivered", "accepted", "closed"]
    with pytest.raises(ValueError):
        matching.match_lead(session, lead)


def test_a_declined_lead_can_go_back_to_matching(session, make_lead):
    lead = make_lead(session)
    for status in ("matched", "delivered", "declined", "matched"):
        leads.set_status(session, lead, status)
    session.commit()
    assert lead.status == "matched"
