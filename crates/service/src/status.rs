//! Where is each asked agency in a data call? The statuses, their labels and tag colours, and
//! which of them count as received, as finished, and as overdue once the deadline has passed.

/// The statuses stored for an asked agency (overdue is not stored: it is read off the date).
pub const NOT_STARTED: &str = "not_started";
pub const TEMPLATE_DOWNLOADED: &str = "template_downloaded";
/// Uploaded; has errors or unexplained queries.
pub const IN_PROGRESS: &str = "in_progress";
pub const READY: &str = "ready_to_sign_off";
pub const SUBMITTED: &str = "submitted";
pub const RETURNED: &str = "returned_for_amendment";
pub const ACCEPTED: &str = "accepted";
pub const NIL_RETURN: &str = "nil_return";
pub const UNABLE: &str = "unable_to_provide";
pub const OVERDUE: &str = "overdue";

/// Every status in the order the dashboard counts them.
pub const ALL: [&str; 10] = [
    NOT_STARTED,
    TEMPLATE_DOWNLOADED,
    IN_PROGRESS,
    READY,
    RETURNED,
    OVERDUE,
    SUBMITTED,
    ACCEPTED,
    NIL_RETURN,
    UNABLE,
];

/// What the national team has received: a signed-off return, an accepted one, or a nil return.
pub fn received(status: &str) -> bool {
    matches!(status, SUBMITTED | ACCEPTED | NIL_RETURN)
}

/// Nothing more is expected of the agency.
pub fn finished(status: &str) -> bool {
    matches!(status, SUBMITTED | ACCEPTED | NIL_RETURN | UNABLE)
}

/// The status shown: the stored one, or overdue when the deadline (YYYY-MM-DD) is before
/// `today` and the agency has not finished.
pub fn shown<'a>(stored: &'a str, deadline: &str, today: &str) -> &'a str {
    if !finished(stored) && deadline < today {
        OVERDUE
    } else {
        stored
    }
}

pub fn label(status: &str) -> &'static str {
    match status {
        NOT_STARTED => "Not started",
        TEMPLATE_DOWNLOADED => "Template downloaded",
        IN_PROGRESS => "In progress",
        READY => "Ready to sign off",
        SUBMITTED => "Submitted",
        RETURNED => "Returned for amendment",
        ACCEPTED => "Accepted",
        NIL_RETURN => "Nil return",
        UNABLE => "Unable to provide",
        OVERDUE => "Overdue",
        _ => "Unknown",
    }
}

/// The GOV.UK tag modifier for a status.
pub fn colour(status: &str) -> &'static str {
    match status {
        NOT_STARTED => "govuk-tag--grey",
        TEMPLATE_DOWNLOADED => "govuk-tag--light-blue",
        IN_PROGRESS => "govuk-tag--yellow",
        READY => "govuk-tag--turquoise",
        SUBMITTED => "govuk-tag--blue",
        RETURNED => "govuk-tag--orange",
        ACCEPTED | NIL_RETURN => "govuk-tag--green",
        UNABLE => "govuk-tag--purple",
        _ => "govuk-tag--red",
    }
}

/// Today's date, UTC, as YYYY-MM-DD.
pub fn today() -> String {
    sightline_store::audit::now()[..10].to_string()
}

/// A status as a page shows it.
#[derive(Clone, Debug)]
pub struct Tag {
    pub code: String,
    pub label: &'static str,
    pub colour: &'static str,
}

impl Tag {
    pub fn of(status: &str) -> Tag {
        Tag {
            code: status.to_string(),
            label: label(status),
            colour: colour(status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_is_read_off_the_deadline_for_agencies_not_finished() {
        assert_eq!(shown(NOT_STARTED, "2026-01-31", "2026-02-01"), OVERDUE);
        assert_eq!(shown(IN_PROGRESS, "2026-01-31", "2026-01-31"), IN_PROGRESS);
        assert_eq!(shown(ACCEPTED, "2026-01-31", "2026-02-01"), ACCEPTED);
        assert_eq!(shown(UNABLE, "2026-01-31", "2026-02-01"), UNABLE);
        assert!(ALL.iter().all(|s| label(s) != "Unknown"));
    }
}
