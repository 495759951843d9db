//! Child processes that never outlive their test, and free loopback ports.

use std::io::Write;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use crate::wait;

/// A child process ended with its whole process group when dropped (even when the test
/// fails), so that what it started (WebKitWebDriver and the WebKit processes under
/// tauri-driver, for one) goes with it.
pub struct Guarded {
    child: Child,
    name: String,
}

impl Guarded {
    /// Starts `command` as the leader of a new process group; panics naming `name` if it cannot.
    pub fn spawn(command: &mut Command, name: &str) -> Guarded {
        let child = command
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Guarded {
            child,
            name: name.to_owned(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Guarded {
    /// SIGTERM to the group, up to 5 s for the leader to exit, then SIGKILL to what is left.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let child = &mut self.child;
        let exited =
            wait::try_blocking(
                Duration::from_secs(5),
                Duration::from_millis(50),
                || match child.try_wait() {
                    Ok(Some(status)) => Ok(status),
                    _ => Err(()),
                },
            );
        if exited.is_err() {
            eprintln!("{} ignored SIGTERM; killing its group", self.name);
        }
        // The leader is gone or ignores SIGTERM; make sure no member of its group lingers.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        if exited.is_err() {
            let _ = self.child.wait();
        }
    }
}

/// A loopback port free at the time of the call (the OS's choice); nobody listens on it.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `command` to its end with `stdin` written to its standard input, then closed; stdout
/// and stderr captured. Panics only if the program cannot be started.
pub fn output_with_stdin(command: &mut Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {:?}: {e}", command.get_program()));
    let mut input = child.stdin.take().unwrap();
    // A program may exit without reading all of its input: that is its answer, not ours to fail.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    child.wait_with_output().unwrap()
}

/// [`output_with_stdin`], and a panic with the program's arguments and stderr unless it
/// succeeded.
pub fn run_with_stdin(command: &mut Command, stdin: &str) -> Output {
    let out = output_with_stdin(command, stdin);
    assert!(
        out.status.success(),
        "{:?} {:?}: {}",
        command.get_program(),
        command.get_args().collect::<Vec<_>>(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
