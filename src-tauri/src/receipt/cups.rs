//! The printer through CUPS, as agencies install printers on Linux: its state from `lpstat`, the
//! receipt submitted with `lp`, and the job watched until it leaves the queue.
//!
//! The command-line tools rather than an IPP client: they are what the agency's IT team uses
//! and reads, they follow the system's CUPS configuration (`CUPS_SERVER`, `client.conf`, a remote
//! server), and they need no library. Their output is read in the C locale.
//!
//! What CUPS keeps of a receipt job: the document (`d*` files in `/var/spool/cups`) until the job
//! is done, or longer with `PreserveJobFiles`, and the job's attributes (`c*` files) with
//! `PreserveJobHistory`. Neither can be turned off per job from the client, so the kiosk's
//! install sets `PreserveJobFiles No` and `PreserveJobHistory No` in `cupsd.conf`; and whatever
//! CUPS keeps holds nothing personal anyway: the document is the [`super::Receipt`], the job's
//! title is the fixed [`JOB_TITLE`], the document name is `(stdin)` (no file name is given) and
//! the user is the kiosk's system account.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use super::QueueName;

/// The job's name in CUPS (`job-name`), the same for every receipt: nothing personal.
pub const JOB_TITLE: &str = "MSA recu";
/// How long one `lp`/`lpstat`/`cancel` call may take.
const TOOL_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a receipt may stay in the queue before the kiosk gives up and cancels it: a ticket
/// that comes out minutes later would be taken by the next person.
pub const PRINT_DEADLINE: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(250);

/// What `msa-kiosk status` says about the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PrinterState {
    /// Idle or printing, accepting jobs.
    Ready,
    /// `media-empty` / `media-needed`: the roll or the tray is empty.
    NoPaper,
    /// Stopped (`cupsdisable`), not accepting jobs (`cupsreject`), or reported offline.
    Offline,
    /// No such queue on the CUPS server.
    Missing,
    /// CUPS did not answer (not running, not installed, too slow).
    Unknown,
}

/// The queue's state and its IPP `printer-state-reasons` keywords (RFC 8011 §5.4.12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueStatus {
    pub state: PrinterState,
    pub reasons: Vec<String>,
}

/// Why a receipt did not print. Codes only, for the log and the status file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    #[error("the printer is not ready ({0:?})")]
    NotReady(PrinterState),
    #[error("lp refused the job or could not be run")]
    Submit,
    #[error("the job did not leave the queue in time and was cancelled")]
    Stuck,
    #[error("the receipt could not be rendered")]
    Render,
}

impl PrintError {
    /// The word `msa-kiosk status` shows for the last print.
    pub fn code(self) -> &'static str {
        match self {
            PrintError::NotReady(_) => "notReady",
            PrintError::Submit => "submitFailed",
            PrintError::Stuck => "stuck",
            PrintError::Render => "renderFailed",
        }
    }
}

async fn run(program: &str, args: &[&str]) -> Option<(bool, String)> {
    let child = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .ok()?;
    let out = tokio::time::timeout(TOOL_TIMEOUT, child.wait_with_output())
        .await
        .ok()?
        .ok()?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Some((out.status.success(), text))
}

/// The queue's state now, from `lpstat -l -p QUEUE` and `lpstat -a QUEUE`.
pub async fn queue_status(queue: &QueueName) -> QueueStatus {
    let Some((ok, printer)) = run("lpstat", &["-l", "-p", queue.as_str()]).await else {
        return QueueStatus {
            state: PrinterState::Unknown,
            reasons: vec![],
        };
    };
    if !ok {
        return QueueStatus {
            state: parse_error(&printer),
            reasons: vec![],
        };
    }
    let accepting = run("lpstat", &["-a", queue.as_str()])
        .await
        .map(|(ok, text)| ok && parse_accepting(&text));
    parse_printer(&printer, accepting.unwrap_or(false))
}

/// `lpstat -p` failed: a queue CUPS does not know, or no CUPS at all.
fn parse_error(text: &str) -> PrinterState {
    if text.contains("Invalid destination name") || text.contains("Unknown destination") {
        PrinterState::Missing
    } else {
        PrinterState::Unknown
    }
}

/// `QUEUE accepting requests since …` / `QUEUE not accepting requests since …`.
fn parse_accepting(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|l| l.contains(" accepting requests") && !l.contains(" not accepting"))
}

/// `lpstat -l -p QUEUE` in the C locale: `printer Q is idle.`, `printer Q now printing Q-12.`,
/// `printer Q disabled since …`, and a tab-indented `Alerts: kw1 kw2` line.
fn parse_printer(text: &str, accepting: bool) -> QueueStatus {
    let first = text.lines().next().unwrap_or_default();
    let reasons: Vec<String> = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("Alerts:"))
        .unwrap_or_default()
        .split_whitespace()
        // IPP keywords only: lowercase, digits and '-' (never free text).
        .filter(|k| {
            *k != "none"
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(str::to_owned)
        .collect();
    let has = |prefix: &str| reasons.iter().any(|r| r.starts_with(prefix));
    let stopped = first.contains(" disabled");
    let state = if !first.starts_with("printer ") {
        PrinterState::Unknown
    } else if has("media-empty") || has("media-needed") {
        PrinterState::NoPaper
    } else if stopped || !accepting || has("offline") || has("paused") {
        PrinterState::Offline
    } else {
        PrinterState::Ready
    };
    QueueStatus { state, reasons }
}

/// Submits `document` to `queue` (`raw` for ESC/POS bytes that no filter must touch), then
/// waits until the job has left the queue; a job still there after [`PRINT_DEADLINE`], or a
/// printer that stops meanwhile, is cancelled. Nothing is submitted to a queue that is not
/// ready, so no receipt waits in a stopped queue for the next person.
pub async fn print(queue: &QueueName, document: &[u8], raw: bool) -> Result<(), PrintError> {
    let status = queue_status(queue).await;
    if status.state != PrinterState::Ready {
        return Err(PrintError::NotReady(status.state));
    }
    let job = submit(queue, document, raw).await?;
    let deadline = Instant::now() + PRINT_DEADLINE;
    loop {
        match run("lpstat", &["-W", "not-completed", "-o", queue.as_str()]).await {
            Some((true, text)) if !lists_job(&text, &job) => return Ok(()),
            _ => {}
        }
        let stopped = queue_status(queue).await.state != PrinterState::Ready;
        if stopped || Instant::now() >= deadline {
            let _ = run("cancel", &[&job]).await;
            return Err(if stopped {
                PrintError::NotReady(queue_status(queue).await.state)
            } else {
                PrintError::Stuck
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn submit(queue: &QueueName, document: &[u8], raw: bool) -> Result<String, PrintError> {
    let mut args = vec![
        "-d",
        queue.as_str(),
        "-t",
        JOB_TITLE,
        "-o",
        "job-sheets=none",
    ];
    if raw {
        args.extend(["-o", "raw"]);
    }
    let mut child = Command::new("lp")
        .args(&args)
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|_| PrintError::Submit)?;
    let mut stdin = child.stdin.take().ok_or(PrintError::Submit)?;
    let write = async {
        stdin.write_all(document).await?;
        stdin.shutdown().await?;
        drop(stdin);
        child.wait_with_output().await
    };
    let out = tokio::time::timeout(TOOL_TIMEOUT, write)
        .await
        .map_err(|_| PrintError::Submit)?
        .map_err(|_| PrintError::Submit)?;
    if !out.status.success() {
        return Err(PrintError::Submit);
    }
    parse_request_id(&String::from_utf8_lossy(&out.stdout)).ok_or(PrintError::Submit)
}

/// `request id is QUEUE-12 (0 file(s))` → `QUEUE-12`.
fn parse_request_id(text: &str) -> Option<String> {
    let id = text
        .split("request id is ")
        .nth(1)?
        .split_whitespace()
        .next()?;
    (!id.is_empty()).then(|| id.to_owned())
}

/// Whether `lpstat -o` lists the job (its first column).
fn lists_job(text: &str, job: &str) -> bool {
    text.lines()
        .any(|l| l.split_whitespace().next() == Some(job))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: &str = "printer receipt is idle.  enabled since Sun Nov 29 15:36:41 2026\n\tForm mounted:\n\tContent types: any\n\tAlerts: none\n\tLocation: \n";

    #[test]
    fn lpstat_reads_as_a_state() {
        let ready = parse_printer(IDLE, true);
        assert_eq!(ready.state, PrinterState::Ready);
        assert!(ready.reasons.is_empty());
        let printing = "printer receipt now printing receipt-4.  enabled since Sun Nov 29 2026\n\tAlerts: none\n";
        assert_eq!(parse_printer(printing, true).state, PrinterState::Ready);
        assert_eq!(parse_printer(IDLE, false).state, PrinterState::Offline);
        let stopped = "printer receipt disabled since Sun Nov 29 15:39:09 2026 -\n\tPaused by M. X\n\tAlerts: paused\n";
        let status = parse_printer(stopped, true);
        assert_eq!(status.state, PrinterState::Offline);
        assert_eq!(status.reasons, vec!["paused"]);
        let empty = "printer receipt is idle.  enabled since Sun\n\tAlerts: media-empty-error media-needed-warning\n";
        assert_eq!(parse_printer(empty, true).state, PrinterState::NoPaper);
        let offline = "printer receipt is idle.  enabled since Sun\n\tAlerts: offline-report\n";
        assert_eq!(parse_printer(offline, true).state, PrinterState::Offline);
        assert_eq!(parse_printer("", true).state, PrinterState::Unknown);
    }

    #[test]
    fn reasons_keep_only_ipp_keywords() {
        let text = "printer receipt is idle.  enabled since Sun\n\tAlerts: toner-low-report Jean_Dupont cover-open-error\n";
        assert_eq!(
            parse_printer(text, true).reasons,
            vec!["toner-low-report", "cover-open-error"]
        );
    }

    #[test]
    fn lpstat_errors_and_lp_answers() {
        assert_eq!(
            parse_error("lpstat: Invalid destination name in list \"nosuch\"."),
            PrinterState::Missing
        );
        assert_eq!(
            parse_error("lpstat: Bad file descriptor"),
            PrinterState::Unknown
        );
        assert!(parse_accepting(
            "receipt accepting requests since Sun Nov 29 2026"
        ));
        assert!(!parse_accepting(
            "receipt not accepting requests since Sun Nov 29 2026 -"
        ));
        assert_eq!(
            parse_request_id("request id is receipt-raw-6 (0 file(s))\n").as_deref(),
            Some("receipt-raw-6")
        );
        assert_eq!(parse_request_id("lp: Error"), None);
        let queue = "receipt-12   kiosk   1024   Sun Nov 29 15:35:24 2026\n";
        assert!(lists_job(queue, "receipt-12"));
        assert!(!lists_job(queue, "receipt-1"));
    }
}
