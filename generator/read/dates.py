"""Dates and times as statuspress reads them, everywhere: one strict form, and the fix for any other.

The form is exactly `YYYY-MM-DDTHH:MM[:SS]` followed by `+HH:MM`, `-HH:MM` or `Z` (a space may stand
for the `T`). `datetime.fromisoformat` alone is not a check: it reads `03.05` as 03:00 plus a fraction
of an hour (an embargo went out 30 minutes early that way), and takes `1330`, `13:30:00.5`, week dates
and times without an offset. Every other way people write a time is recognised here only to say how
to write it: the error quotes the value and gives the corrected form whenever one is clear.

Used by the statement reader (`date`, `planned`, `next_update`, `expires`, `corrected.date`), by the
command line (`status --at`, `new --date`) and by whatever else writes or reads a time (the editor).
"""
from __future__ import annotations

import re
from datetime import date as Date, datetime, timedelta
from zoneinfo import ZoneInfo

EXAMPLE = "2026-01-13T06:32:00+01:00"
FORM = "YYYY-MM-DDTHH:MM[:SS]+HH:MM"

STRICT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})\Z")

# Everything a person may have meant as a date and time, each part in the ways it is seen written,
# so that the corrected form can be given. Matched only after STRICT has failed.
_LOOSE = re.compile(r"""
    (?P<date>(?P<y>\d{4})-?(?:(?P<mo>\d{2})-?(?P<d>\d{2})|W(?P<w>\d{2})-?(?P<wd>\d)))
    (?:(?P<t>[Tt ]|\s+)(?P<h>\d{1,2})
        (?:(?P<hsep>[:.h]?)(?P<mi>\d{2})
            (?:(?P<msep>[:.]?)(?P<s>\d{2}))?)?
        (?P<frac>[.,]\d+)?)?
    \s*(?P<off>[Zz]|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?)?
    """, re.X)


class MomentError(ValueError):
    """A time not written in the strict form. `str()` is the whole message; `corrected` the right form or None."""

    def __init__(self, message: str, corrected: str | None = None):
        super().__init__(message)
        self.message = message
        self.corrected = corrected


def format_offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_moment(text: str, zone: str | None = None, label: str | None = None) -> datetime:
    """The timezone-aware moment `text` writes in the strict form; MomentError otherwise.

    `zone` (an IANA name, the site's) gives the offset to suggest when `text` has none; `label` (such as
    `date` or `--at`) is quoted with the value in the message.
    """
    raw = text.strip() if isinstance(text, str) else ""
    quoted = f"'{label}: {raw}'" if label else f"'{raw}'"
    match = STRICT.match(raw)
    if match:
        try:
            return datetime.fromisoformat(raw.replace(" ", "T", 1).replace("Z", "+00:00"))
        except ValueError:
            raise MomentError(f"{quoted} is not a real date and time (no such day, hour or minute): "
                              f"write it as {EXAMPLE}") from None
    raise _explained(raw, quoted, zone)


def is_strict(text: str) -> bool:
    return bool(STRICT.match(text.strip()))


def _explained(raw: str, quoted: str, zone: str | None) -> MomentError:
    """Why `raw` is refused, and its corrected form when one is clear."""
    loose = _LOOSE.fullmatch(raw)
    if not raw:
        return MomentError(f"{quoted}: a date and time is missing: write it as {EXAMPLE}")
    if loose is None:
        return MomentError(f"{quoted} is not a real date and time in the form {FORM}: write it as {EXAMPLE}")
    parts = loose.groupdict()
    reasons = []
    try:
        if parts["w"]:
            day = Date.fromisocalendar(int(parts["y"]), int(parts["w"]), int(parts["wd"]))
            reasons.append(f"a week date ({parts['date']} is {day.isoformat()})")
        else:
            day = Date(int(parts["y"]), int(parts["mo"]), int(parts["d"]))
            if "-" not in parts["date"]:
                reasons.append("a date without '-'")
    except ValueError:
        return MomentError(f"{quoted} is not a real date (no such day): write it as {EXAMPLE}")
    if parts["h"] is None:
        return MomentError(f"{quoted} has no time of day: write it as {day.isoformat()}T{EXAMPLE[11:]} (with "
                           "the right time)")
    if parts["mi"] is None:
        return MomentError(f"{quoted} has no minutes: write hours:minutes and the UTC offset, as "
                           f"{day.isoformat()}T{int(parts['h']):02d}:00{EXAMPLE[19:]}")
    hour, minute = int(parts["h"]), int(parts["mi"])
    second = int(parts["s"]) if parts["s"] else None
    if hour > 23 or minute > 59 or (second is not None and second > 59):
        return MomentError(f"{quoted} is not a real time of day (hours 00-23, minutes and seconds 00-59): "
                           f"write it as {EXAMPLE}")
    if parts["hsep"] == ".":
        reasons.append(f"a dot between hours and minutes, which other tools read as {hour:02d}:00 plus a "
                       "fraction of an hour")
    elif parts["hsep"] == "h":
        reasons.append("'h' between hours and minutes")
    elif parts["hsep"] == "":
        reasons.append("no ':' between hours and minutes")
    if parts["s"] and parts["msep"] != ":":
        reasons.append("no ':' before the seconds")
    if len(parts["h"]) == 1:
        reasons.append("a one-digit hour")
    if parts["frac"]:
        reasons.append("a fraction of a second")
    if parts["t"] not in ("T", " "):
        reasons.append("no 'T' between the date and the time")
    clock = f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second is not None else "")
    wall = datetime(day.year, day.month, day.day, hour, minute, second or 0)
    offset = _offset_of(parts["off"], reasons)
    if offset is None:
        if zone:
            offset = format_offset(ZoneInfo(zone).utcoffset(wall))
            reasons.append(f"no UTC offset ({zone} is at '{offset}' on that date)")
        else:
            reasons.append("no UTC offset")
    corrected = f"{day.isoformat()}T{clock}{offset}" if offset else None
    because = ", ".join(reasons)
    fix = f"write {corrected}" if corrected else f"add the UTC offset, as in {EXAMPLE}"
    return MomentError(f"{quoted} is not in the form {FORM}: {because}; {fix}", corrected)


def _offset_of(written: str | None, reasons: list[str]) -> str | None:
    """The offset `written` means, in the strict form; a reason added when it is written otherwise."""
    if not written:
        return None
    if written in ("Z", "z"):
        if written == "z":
            reasons.append("a lower-case 'z'")
        return "Z"
    match = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", written)
    sign, hours, minutes = match.groups()
    strict = f"{sign}{int(hours):02d}:{minutes or '00'}"
    if strict != written:
        reasons.append(f"the offset written '{written}' instead of '{strict}'")
    return strict


def offset_in(zone: str, wall: datetime) -> str:
    """The UTC offset of `zone` at the wall-clock time `wall`, as `+HH:MM`."""
    return format_offset(ZoneInfo(zone).utcoffset(wall.replace(tzinfo=None)))

