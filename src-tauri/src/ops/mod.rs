//! What the agency's IT team sees of a running kiosk: `status.json` and the logs.

pub mod logging;
pub mod status_file;
