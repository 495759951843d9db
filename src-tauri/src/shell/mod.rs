//! The Tauri shell: the commands and the window.

pub(crate) mod commands;
pub(crate) mod window;
