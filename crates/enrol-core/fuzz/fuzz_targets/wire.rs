#![no_main]
//! A backend request body: JSON → `EnrolmentRequest` → `Enrolment::from_wire`, and a parsed
//! enrolment must survive `to_wire` → `from_wire` unchanged.
use libfuzzer_sys::fuzz_target;
use time::{Date, Month};

fuzz_target!(|data: &[u8]| {
    let Ok(today) = Date::from_calendar_date(2025, Month::June, 15) else {
        return;
    };
    let Ok(request) = serde_json::from_slice::<enrol_core::wire::EnrolmentRequest>(data) else {
        return;
    };
    if let Ok(enrolment) = enrol_core::Enrolment::from_wire(&request, today) {
        let again = enrolment.to_wire(&request.reference, &request.kiosk_id);
        assert_eq!(
            enrol_core::Enrolment::from_wire(&again, today),
            Ok(enrolment)
        );
    }
});
