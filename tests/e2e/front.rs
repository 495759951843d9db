//! Kiosk mode keeps its window in front (issue 20), in the real app under a real window manager
//! (openbox on a display of the test's own): a minimise, an un-fullscreen, « show desktop »
//! (Super+D's action) and another window taking the focus are each undone within a second. Tablet mode
//! leaves a minimise alone.
//!
//! What the test reads is the X server's own view (EWMH, as any window manager or taskbar
//! reads it): the root window's `_NET_ACTIVE_WINDOW`, the window's `_NET_WM_STATE` and
//! `WM_STATE`, and `xwininfo`'s map state. `cargo test --test e2e front`.

#![cfg(target_os = "linux")]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use msa_test_support::{wait, Guarded};

use super::harness::{e2e, Kiosk, Launch};

/// The issue's bound: undone within a second.
const BACK_WITHIN: Duration = Duration::from_secs(1);
/// What the app logs when it brings its window back (`src-tauri/src/shell/front.rs`).
const LEFT_THE_FRONT: &str = "the window left the front; bringing it back";
const FOCUS_TAKEN: &str = "another window took the focus; taking it back";

fn x11(kiosk: &Kiosk, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("DISPLAY", &kiosk.display_name)
        .stderr(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The id (`0x…`) in the value of a window-typed property such as `_NET_ACTIVE_WINDOW`.
fn window_id(xprop_line: &str) -> Option<String> {
    let id = xprop_line.rsplit(' ').next()?.trim();
    id.starts_with("0x").then(|| id.to_owned())
}

/// The X window the window manager reports as active.
fn active_window(kiosk: &Kiosk) -> Option<String> {
    window_id(&x11(kiosk, "xprop", &["-root", "_NET_ACTIVE_WINDOW"]))
}

/// What the X server says of `window`: mapped and viewable, full screen, not hidden, active.
#[derive(Debug, PartialEq)]
struct Seen {
    viewable: bool,
    fullscreen: bool,
    hidden: bool,
    active: bool,
}

impl Seen {
    fn in_front(&self) -> bool {
        self.viewable && self.fullscreen && !self.hidden && self.active
    }
}

fn seen(kiosk: &Kiosk, window: &str) -> Seen {
    let state = x11(
        kiosk,
        "xprop",
        &["-id", window, "_NET_WM_STATE", "WM_STATE"],
    );
    let info = x11(kiosk, "xwininfo", &["-id", window]);
    Seen {
        viewable: info.contains("Map State: IsViewable"),
        fullscreen: state.contains("_NET_WM_STATE_FULLSCREEN"),
        hidden: state.contains("_NET_WM_STATE_HIDDEN") || state.contains("Iconic"),
        active: active_window(kiosk).as_deref() == Some(window),
    }
}

/// The app's top-level window: the active one, whose `_NET_WM_PID` is the app's.
async fn kiosk_window(kiosk: &Kiosk) -> String {
    let pid = kiosk.app_pid().expect("the app is running").to_string();
    wait::until(
        "the kiosk's window to be active under openbox",
        Duration::from_secs(10),
        Duration::from_millis(50),
        || async {
            let active = active_window(kiosk).ok_or_else(|| "no active window".to_owned())?;
            let owner = x11(kiosk, "xprop", &["-id", &active, "_NET_WM_PID"]);
            if owner.trim().ends_with(&format!(" {pid}")) {
                Ok(active)
            } else {
                Err(format!("{active} belongs to {owner:?}"))
            }
        },
    )
    .await
}

/// How many times the app said its window left the front or lost the focus.
fn reactions(kiosk: &Kiosk) -> usize {
    let log = kiosk.log();
    log.matches(LEFT_THE_FRONT).count() + log.matches(FOCUS_TAKEN).count()
}

/// Runs `disturb`, then waits for the app to say it saw the window leave the front (its log)
/// and for the window to be back in front; returns how long that took. The log line proves the
/// disturbance happened: a window manager that ignored it would leave the window in front and
/// prove nothing.
async fn undone_after(kiosk: &Kiosk, window: &str, what: &str, disturb: impl FnOnce()) -> Duration {
    let before = reactions(kiosk);
    let start = Instant::now();
    disturb();
    let back = wait::until(
        &format!("the window back in front after {what}"),
        Duration::from_secs(10),
        Duration::from_millis(20),
        || async {
            let seen = seen(kiosk, window);
            let reacted = reactions(kiosk) > before;
            if reacted && seen.in_front() {
                Ok(start.elapsed())
            } else {
                Err((reacted, seen))
            }
        },
    )
    .await;
    eprintln!("front: {what}: back in front after {} ms", back.as_millis());
    assert!(
        back <= BACK_WITHIN,
        "{what}: back in front only after {back:?}"
    );
    back
}

#[tokio::test(flavor = "multi_thread")]
async fn the_kiosk_window_comes_back_in_front_after_a_minimise_or_a_focus_loss() {
    let launch = Launch::kiosk().with_window_manager();
    e2e("front-kiosk", launch, |kiosk| async move {
        kiosk.heading().await;
        let window = kiosk_window(&kiosk).await;
        let start = seen(&kiosk, &window);
        assert!(start.in_front(), "not in front at start: {start:?}");

        undone_after(&kiosk, &window, "a minimise", || {
            x11(&kiosk, "xdotool", &["windowminimize", &window]);
        })
        .await;

        undone_after(&kiosk, &window, "an un-fullscreen", || {
            x11(
                &kiosk,
                "wmctrl",
                &["-i", "-r", &window, "-b", "remove,fullscreen"],
            );
        })
        .await;

        // « Show desktop », what openbox's stock Super+D does (rc.xml: W-d ToggleShowDesktop),
        // asked of the window manager through EWMH's _NET_SHOWING_DESKTOP as a taskbar does. A
        // synthetic Super+D (xdotool, XTEST) once went unanswered in a loaded run: the window was
        // never hidden and the kiosk had nothing to undo. The request itself is what matters.
        undone_after(&kiosk, &window, "show desktop", || {
            x11(&kiosk, "wmctrl", &["-k", "on"]);
        })
        .await;

        // Another program's window opens and takes the focus (openbox gives focus to new
        // windows): the kiosk takes it back. Timed from the request below, not from the
        // program's start (a busy machine's process start is no part of the kiosk's reaction).
        let before = reactions(&kiosk);
        let _other = Guarded::spawn(
            Command::new("xmessage")
                .args(["-name", "intruder", "another program"])
                .env("DISPLAY", &kiosk.display_name)
                .stderr(Stdio::null()),
            "xmessage",
        );
        let intruder = wait::until(
            "the other program's window, then the kiosk back in front",
            Duration::from_secs(10),
            Duration::from_millis(20),
            || async {
                let found = x11(&kiosk, "xdotool", &["search", "--classname", "intruder"]);
                let id = found
                    .lines()
                    .last()
                    .map(str::trim)
                    .unwrap_or_default()
                    .to_owned();
                let back = reactions(&kiosk) > before && seen(&kiosk, &window).in_front();
                if !id.is_empty() && back {
                    Ok(id)
                } else {
                    Err((found, back))
                }
            },
        )
        .await;
        undone_after(&kiosk, &window, "another window activated", || {
            x11(&kiosk, "xdotool", &["windowactivate", &intruder]);
        })
        .await;

        // The page itself went through all that untouched.
        assert!(kiosk.heading().await.contains("Mon espace privé"));
    })
    .await;
}

/// Tablet mode runs on the person's own desktop: a minimise stays a minimise.
#[tokio::test(flavor = "multi_thread")]
async fn the_tablet_window_stays_minimised() {
    let launch = Launch::tablet().with_window_manager();
    e2e("front-tablet", launch, |kiosk| async move {
        kiosk.heading().await;
        let window = kiosk_window(&kiosk).await;
        x11(&kiosk, "xdotool", &["windowminimize", &window]);
        wait::until(
            "the tablet window minimised",
            Duration::from_secs(10),
            Duration::from_millis(20),
            || async {
                let seen = seen(&kiosk, &window);
                if seen.hidden {
                    Ok(())
                } else {
                    Err(seen)
                }
            },
        )
        .await;
        // The kiosk mode's reaction comes within 50-100 ms here (see above); two WebDriver round
        // trips through the app's main loop later, a tablet must still be minimised, silently.
        for _ in 0..2 {
            kiosk.js("return document.readyState;", vec![]).await;
        }
        let now = seen(&kiosk, &window);
        assert!(
            now.hidden && !now.active,
            "the tablet window came back: {now:?}"
        );
        assert_eq!(reactions(&kiosk), 0, "tablet mode reacted to a minimise");
    })
    .await;
}
