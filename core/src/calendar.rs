//! Working days (工作日) by the official holiday calendar, with its swapped working days
//! (调休). Statutory periods of 2, 3, 5 and 7 days count working days (Art. 85); the calendar
//! travels as data in the catalogue bundle, one record a year.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// Beijing time (Asia/Shanghai, UTC+8 all year, no daylight saving): every date a period
/// counts from and every time a person reads.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The calendar day in Beijing at `instant`: after 16:00 UTC it is already the next day.
pub fn beijing_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&beijing()).date_naive()
}

/// The State Council's arrangement for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendar {
    pub year: i32,
    /// Days off that would otherwise be working days, and the holidays themselves.
    pub holidays: Vec<NaiveDate>,
    /// Weekend days declared working days.
    pub working_weekends: Vec<NaiveDate>,
    /// The notice that set it, e.g. 国办发明电〔2023〕7号.
    pub source: String,
}

/// The calendars known to the device.
#[derive(Debug, Clone, Default)]
pub struct WorkingDays {
    holidays: BTreeSet<NaiveDate>,
    working_weekends: BTreeSet<NaiveDate>,
    years: BTreeSet<i32>,
}

impl WorkingDays {
    pub fn new(calendars: &[HolidayCalendar]) -> WorkingDays {
        let mut days = WorkingDays::default();
        for calendar in calendars {
            days.years.insert(calendar.year);
            days.holidays.extend(&calendar.holidays);
            days.working_weekends.extend(&calendar.working_weekends);
        }
        days
    }

    /// Whether the calendar of `date`'s year is known; without it weekends alone are counted,
    /// and callers flag the deadline as provisional.
    pub fn knows(&self, date: NaiveDate) -> bool {
        self.years.contains(&date.year())
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.working_weekends.contains(&date) {
            return true;
        }
        if self.holidays.contains(&date) {
            return false;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The day on which a period of `days` working days, counted from the day after `start`,
    /// ends.
    pub fn add(&self, start: NaiveDate, days: u32) -> NaiveDate {
        let mut date = start;
        let mut left = days;
        while left > 0 {
            date += Duration::days(1);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// The demo catalogue's calendars: the official 2024–2026 arrangements.
    fn official() -> Vec<HolidayCalendar> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo/catalogue.json");
        let data: crate::registry::CatalogueData =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        data.holiday_calendars
    }

    #[test]
    fn periods_skip_weekends_and_holidays_and_count_swapped_days() {
        let days = WorkingDays::new(&official());
        // Notice served Friday 27 Sep 2024: Sunday 29 Sep and Monday 30 Sep count, then the
        // National Day holiday; five working days end on Thursday 10 Oct.
        assert_eq!(days.add(d("2024-09-27"), 5), d("2024-10-10"));
        assert!(days.is_working_day(d("2024-09-29")));
        assert!(!days.is_working_day(d("2024-10-07")));
        // Three working days from Friday 31 Jan 2025 (Spring Festival): 5, 6, 7 Feb.
        assert_eq!(days.add(d("2025-01-31"), 3), d("2025-02-07"));
        // A year without a calendar counts weekends only.
        assert!(!days.knows(d("2030-01-01")));
        assert_eq!(days.add(d("2030-01-04"), 2), d("2030-01-08"));
    }

    #[test]
    fn the_day_turns_at_midnight_in_beijing_not_in_greenwich() {
        let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(beijing_date(at("2026-11-30T15:59:59Z")), day(2026, 11, 30));
        assert_eq!(beijing_date(at("2026-11-30T16:00:00Z")), day(2026, 12, 1));
    }
}
