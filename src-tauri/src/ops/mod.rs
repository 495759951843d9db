//! What the agency's IT team sees of a running kiosk, and the clocks everything reads:
//! `status.json` (each part owns one key), the logs, the maintenance commands; and how the kiosk
//! keeps itself up: its availability, the webview's rendering mode and JavaScript engine, the web
//! process's crashes, what it tells systemd (`systemd`) and whether it is an installed kiosk
//! (`installed`); and what the agency console hears of it: the heartbeat and « Besoin d'aide ? »
//! calls.

pub mod availability;
pub mod cli;
pub mod clock;
pub mod heartbeat;
pub mod help;
pub mod installed;
pub mod javascript;
pub mod logging;
pub mod memory;
pub mod outbox_cli;
pub mod rendering;
pub mod startup;
pub mod status_file;
pub mod systemd;
pub mod web_process;
