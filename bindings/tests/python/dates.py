"""Dates as the phone counts them: the core dates every period in Beijing (UTC+8), so a test
that wrote the machine's local or UTC date would be a day behind after 16:00 UTC."""

import datetime

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def beijing_today() -> datetime.date:
    return datetime.datetime.now(BEIJING).date()
