"""The per-day history strip: each day's worst status, in the site's time zone."""
from __future__ import annotations

from datetime import date, timedelta, timezone

from generator.compute.history import strips
from helpers import at, make_site, statement

SITE = make_site()


def by_day(strip):
    return {d.day: d for d in strip}


def test_an_offline_hour_makes_an_offline_day():
    statements = [
        statement("down", "2026-01-13 10:00", departments={"lab": "offline"}),
        statement("up", "2026-01-13 11:00", incident="down", phase="resolved", departments={"lab": "operational"}),
    ]
    days = by_day(strips(SITE, statements, at("2026-01-15 12:00"), 30)["lab"])
    assert days[date(2026, 1, 13)].status == "offline"
    assert days[date(2026, 1, 13)].holders == ("down",)
    assert days[date(2026, 1, 12)].status == "operational"
    assert days[date(2026, 1, 14)].status == "operational" and days[date(2026, 1, 14)].holders == ()
    # Other departments were never touched.
    assert {d.status for d in strips(SITE, statements, at("2026-01-15 12:00"), 30)["icu"]} == {"operational"}


def test_the_strip_ends_today_and_has_the_asked_length():
    strip = strips(SITE, [], at("2026-01-15 00:30"), 90)["lab"]
    assert len(strip) == 90
    assert strip[-1].day == date(2026, 1, 15) and strip[0].day == date(2026, 1, 15) - timedelta(days=89)
    assert [b.day - a.day for a, b in zip(strip, strip[1:])] == [timedelta(days=1)] * 89


def test_worst_status_of_the_day_wins_and_names_its_incident():
    statements = [
        statement("slow", "2026-01-13 08:00", departments={"lab": "degraded"}),
        statement("worse", "2026-01-13 15:00", departments={"lab": "reduced"}),
        statement("worse-end", "2026-01-13 16:00", incident="worse", phase="resolved",
                  departments={"lab": "operational"}),
    ]
    days = by_day(strips(SITE, statements, at("2026-01-14 12:00"), 30)["lab"])
    assert days[date(2026, 1, 13)].status == "reduced"
    assert days[date(2026, 1, 13)].holders == ("worse",)
    # The slow incident is still open the next day.
    assert days[date(2026, 1, 14)].status == "degraded" and days[date(2026, 1, 14)].holders == ("slow",)


def test_a_planned_closure_day_is_maintenance():
    statements = [statement("works", "2026-01-10 09:00", departments={"lab": "maintenance"},
                            planned=("2026-01-12 20:00", "2026-01-12 23:00"))]
    days = by_day(strips(SITE, statements, at("2026-01-14 12:00"), 30)["lab"])
    assert days[date(2026, 1, 12)].status == "maintenance"
    assert days[date(2026, 1, 12)].holders == ("works",)
    assert days[date(2026, 1, 11)].status == "operational"  # announced, not yet closed
    assert days[date(2026, 1, 13)].status == "operational"


def test_an_outage_during_a_closure_shows_as_the_outage():
    statements = [
        statement("works", "2026-01-10 09:00", departments={"lab": "maintenance"},
                  planned=("2026-01-12 08:00", "2026-01-12 18:00")),
        statement("down", "2026-01-12 12:00", departments={"lab": "offline"}),
    ]
    days = by_day(strips(SITE, statements, at("2026-01-14 12:00"), 30)["lab"])
    assert days[date(2026, 1, 12)].status == "offline" and days[date(2026, 1, 12)].holders == ("down",)


def test_day_edges_are_local_midnight():
    # 23:30 on the 12th in Brussels is 22:30 UTC: still the 12th there, not the 13th.
    statements = [
        statement("late", "2026-01-12 23:30", departments={"lab": "offline"}),
        statement("late-end", "2026-01-12 23:50", incident="late", phase="resolved",
                  departments={"lab": "operational"}),
    ]
    days = by_day(strips(SITE, statements, at("2026-01-14 12:00"), 30)["lab"])
    assert days[date(2026, 1, 12)].status == "offline"
    assert days[date(2026, 1, 13)].status == "operational"
    # In a zone where that moment is already the 13th, it is the 13th.
    tokyo = make_site(timezone="Asia/Tokyo")
    days = by_day(strips(tokyo, statements, at("2026-01-14 12:00"), 30)["lab"])
    assert days[date(2026, 1, 13)].status == "offline" and days[date(2026, 1, 12)].status == "operational"


def test_dst_days_in_brussels_have_their_real_length():
    # Spring forward (29 March 2026: 23 hours) and fall back (25 October 2026: 25 hours).
    for day, short_or_long in ((date(2026, 3, 29), 23), (date(2026, 10, 25), 25)):
        strip = strips(SITE, [], at(f"{day.isoformat()} 12:00+01:00") + timedelta(days=2), 5)["lab"]
        found = by_day(strip)[day]
        following = by_day(strip)[day + timedelta(days=1)]
        assert (following.start.astimezone(timezone.utc) - found.start.astimezone(timezone.utc)).total_seconds() == short_or_long * 3600
        assert found.start.hour == 0 and following.start.hour == 0
    # Outages just inside each edge of the spring day count for it, and just outside do not.
    statements = [
        statement("before", "2026-03-28 23:30+01:00", departments={"lab": "degraded"}),
        statement("before-end", "2026-03-28 23:45+01:00", incident="before", phase="resolved",
                  departments={"lab": "operational"}),
        statement("last-hour", "2026-03-29 23:10+02:00", departments={"lab": "offline"}),
        statement("last-hour-end", "2026-03-29 23:55+02:00", incident="last-hour", phase="resolved",
                  departments={"lab": "operational"}),
    ]
    days = by_day(strips(SITE, statements, at("2026-03-31 12:00+02:00"), 10)["lab"])
    assert days[date(2026, 3, 28)].status == "degraded"
    assert days[date(2026, 3, 29)].status == "offline"  # 21:10-21:55 UTC: still the 29th in Brussels
    assert days[date(2026, 3, 30)].status == "operational"
    # Fall back: 00:30+02:00 and 23:30+01:00 on 25 October are both that day (25 hours apart minus one).
    statements = [
        statement("early", "2026-10-25 00:30+02:00", departments={"lab": "reduced"}),
        statement("early-end", "2026-10-25 00:40+02:00", incident="early", phase="resolved",
                  departments={"lab": "operational"}),
        statement("late", "2026-10-25 23:30+01:00", departments={"lab": "offline"}),
        statement("late-end", "2026-10-25 23:40+01:00", incident="late", phase="resolved",
                  departments={"lab": "operational"}),
    ]
    days = by_day(strips(SITE, statements, at("2026-10-27 12:00"), 10)["lab"])
    assert days[date(2026, 10, 24)].status == "operational"
    assert days[date(2026, 10, 25)].status == "offline"
    assert days[date(2026, 10, 25)].holders == ("late",)
    assert days[date(2026, 10, 26)].status == "operational"


def test_today_counts_only_up_to_now():
    statements = [statement("later", "2026-01-10 09:00", departments={"lab": "maintenance"},
                            planned=("2026-01-14 20:00", "2026-01-14 23:00"))]
    days = by_day(strips(SITE, statements, at("2026-01-14 12:00"), 30)["lab"])
    assert days[date(2026, 1, 14)].status == "operational"
    days = by_day(strips(SITE, statements, at("2026-01-14 21:00"), 30)["lab"])
    assert days[date(2026, 1, 14)].status == "maintenance"
