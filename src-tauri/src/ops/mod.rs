//! What the agency's IT team sees of a running kiosk, and the clocks everything reads:
//! `status.json` (each part owns one key), the logs, the maintenance commands.

pub mod cli;
pub mod clock;
pub mod logging;
pub mod status_file;
