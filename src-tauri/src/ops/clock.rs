//! The kiosk's clocks, in one place: unix milliseconds (the outbox's times), RFC 3339 for
//! people (`status.json`), and today's local date (the rules' « not in the future »).

/// Now, in unix milliseconds, as the outbox keeps its times. A clock before 1970 reads 0.
pub fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

/// Today in the kiosk's local time zone (UTC when it cannot be read): what the person calls
/// today when they give a date.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_local()
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .date()
}

/// A time for people: RFC 3339, UTC, to the second.
pub fn rfc3339(at: time::OffsetDateTime) -> String {
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `rfc3339` of a time in unix milliseconds, as the outbox keeps them.
pub fn rfc3339_ms(unix_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .map(rfc3339)
        .unwrap_or_default()
}

/// Now, as [`rfc3339`].
pub fn now_rfc3339() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_read_as_a_date() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_ms(1_764_180_000_123), "2025-11-26T18:00:00Z");
    }
}
