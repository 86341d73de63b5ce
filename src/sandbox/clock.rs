//! UTC date-times in the form ConnectWise prints them (`2026-04-01T13:45:00Z`), for `_info`
//! stamps, token expirations and the bracketed dates of `conditions`.

use std::time::{SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: i64 = 86_400;

/// Returns the current time in seconds since the Unix epoch.
pub fn now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format(seconds: i64) -> String {
    let (year, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let hour = second_of_day / 3600;
    let minute = second_of_day % 3600 / 60;
    let second = second_of_day % 60;
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// Parses an ISO 8601 date or date-time into seconds since the Unix epoch.
///
/// Accepts `YYYY-MM-DD`, optionally followed by `T` (or a space) and `HH:MM`, `HH:MM:SS` or
/// `HH:MM:SS.fff`, then `Z`, `+HH:MM`, `-HH:MM` or nothing (read as UTC). Fractions of a second
/// are dropped.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = text.get(..10)?;
    let rest = &text[10..];

    let year: i64 = date.get(0..4)?.parse().ok()?;
    let month: i64 = date.get(5..7)?.parse().ok()?;
    let day: i64 = date.get(8..10)?.parse().ok()?;
    if date.as_bytes()[4] != b'-' || date.as_bytes()[7] != b'-' {
        return None;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * SECONDS_PER_DAY;
    if rest.is_empty() {
        return Some(seconds);
    }

    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let (clock, zone) = split_zone(rest)?;
    let mut fields = clock.split(':');
    let hour: i64 = fields.next()?.parse().ok()?;
    let minute: i64 = fields.next()?.parse().ok()?;
    let second: i64 = match fields.next() {
        Some(field) => field.split('.').next()?.parse().ok()?,
        None => 0,
    };
    if fields.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    seconds += hour * 3600 + minute * 60 + second;
    Some(seconds - zone)
}

/// Splits `HH:MM:SS±HH:MM` into the clock part and the zone offset in seconds east of UTC.
fn split_zone(text: &str) -> Option<(&str, i64)> {
    if let Some(clock) = text.strip_suffix('Z').or_else(|| text.strip_suffix('z')) {
        return Some((clock, 0));
    }
    let Some(sign_at) = text.rfind(['+', '-']) else {
        return Some((text, 0));
    };
    let (clock, zone) = text.split_at(sign_at);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let mut parts = zone[1..].split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((clock, sign * (hours * 3600 + minutes * 60)))
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Converts a proleptic Gregorian date to days since 1970-01-01.
///
/// The calendar is shifted to start in March so the leap day falls at the end of a year, and
/// 400-year eras repeat exactly (146 097 days each).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_known_instants() {
        assert_eq!(format(0), "1970-01-01T00:00:00Z", "epoch");
        assert_eq!(
            format(1_471_716_266),
            "2016-08-20T18:04:26Z",
            "2016 example"
        );
        assert_eq!(format(951_782_400), "2000-02-29T00:00:00Z", "leap day");
    }

    #[test]
    fn parse_round_trips() {
        for seconds in [0, 1_471_716_266, 951_782_400, 4_102_444_799] {
            assert_eq!(
                parse(&format(seconds)),
                Some(seconds),
                "round trip of {seconds}"
            );
        }
    }

    #[test]
    fn parse_accepts_variants() {
        assert_eq!(parse("2016-08-20"), Some(1_471_651_200), "date only");
        assert_eq!(parse("2016-08-20T18:04"), Some(1_471_716_240), "no seconds");
        assert_eq!(
            parse("2016-08-20T18:04:26.123Z"),
            Some(1_471_716_266),
            "fraction"
        );
        assert_eq!(
            parse("2016-08-20T20:04:26+02:00"),
            Some(1_471_716_266),
            "offset"
        );
    }

    #[test]
    fn parse_rejects_invalid_dates() {
        for text in [
            "2016-02-30",
            "2016-13-01",
            "2016/08/20",
            "20160820",
            "2016-08-20T25:00",
            "",
        ] {
            assert_eq!(parse(text), None, "input {text:?}");
        }
    }
}
