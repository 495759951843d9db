//! The receipt of step 7 (issue 16), end to end on a real CUPS: the real app, a private `cupsd`
//! started for each test, a PDF queue (cups-pdf) and a raw queue (ESC/POS to a socket the test
//! listens on). The printed PDF is read with `pdftotext`, its QR code and the screen's with
//! `zbarimg`; a canary identity is searched for in everything CUPS kept.
//!
//! The test's cupsd keeps job files and job history (`PreserveJobFiles Yes`,
//! `PreserveJobHistory Yes`), the worst an agency's CUPS can be set to: even then, nothing
//! personal is in the spool or the job attributes.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use msa_test_support::Guarded;

use super::harness::{app, e2e, repo_root, Kiosk, Launch};
use super::persons::{canaries_in_bytes, canary};
use super::steps::{accept_and_submit, click, go_to_step, reference_in, Input, FR};

/// Département 44: MSA Loire-Atlantique-Vendée.
const CAISSE_URL: &str = "https://loire-atlantique-vendee.msa.fr/";
/// The caisse's number as `[receipt.phones]` gives it (0261910044), printed in its national
/// form: a number of ARCEP's range for fiction.
const CAISSE_PHONE: &str = "MSA : 02 61 91 00 44";

/// A private CUPS scheduler with its own configuration, spool and socket, and two queues.
struct Cups {
    dir: tempfile::TempDir,
    socket: PathBuf,
    /// cups-pdf reads its per-queue file from its compiled-in folder (/etc/cups on Debian).
    pdf_conf: PathBuf,
    raw_bytes: Arc<Mutex<Vec<u8>>>,
    _cupsd: Guarded,
}

const PDF_QUEUE: &str = "msa-receipt-pdf";
const RAW_QUEUE: &str = "msa-receipt-raw";

impl Cups {
    fn start() -> Cups {
        // Unix socket paths are short (108 bytes): a folder right under /tmp.
        let dir = tempfile::Builder::new()
            .prefix("cups-e2e-")
            .tempdir_in("/tmp")
            .unwrap();
        let root = dir.path();
        for sub in ["spool", "cache", "state", "log", "tmp", "pdf"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        // Filters run as `lp`: their temporary folder and cups-pdf's output must be writable.
        for sub in ["tmp", "pdf"] {
            let _ = Command::new("chmod")
                .arg("1777")
                .arg(root.join(sub))
                .status();
        }
        let _ = Command::new("chmod").arg("755").arg(root).status();
        let r = root.display();
        std::fs::write(
            root.join("cups-files.conf"),
            format!(
                "ServerRoot {r}\nRequestRoot {r}/spool\nCacheDir {r}/cache\nStateDir {r}/state\n\
                 TempDir {r}/tmp\nAccessLog {r}/log/access_log\nErrorLog {r}/log/error_log\n\
                 PageLog {r}/log/page_log\nUser lp\nGroup lp\nSystemGroup root\n"
            ),
        )
        .unwrap();
        let socket = root.join("cups.sock");
        std::fs::write(
            root.join("cupsd.conf"),
            format!(
                "Listen {}\nLogLevel debug\nPreserveJobFiles Yes\nPreserveJobHistory Yes\nDirtyCleanInterval 0\n\
                 Browsing No\nWebInterface No\nDefaultAuthType None\n\
                 <Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
                socket.display()
            ),
        )
        .unwrap();
        for file in ["raw.types", "raw.convs"] {
            let _ = std::fs::copy(Path::new("/etc/cups").join(file), root.join(file));
        }
        let cupsd = Guarded::spawn(
            Command::new("/usr/sbin/cupsd")
                .arg("-f")
                .arg("-c")
                .arg(root.join("cupsd.conf"))
                .arg("-s")
                .arg(root.join("cups-files.conf"))
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(root.join("cupsd.out")).unwrap()),
            "cupsd",
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while !socket.exists() {
            assert!(
                Instant::now() < deadline,
                "cupsd did not listen on {}: {}",
                socket.display(),
                std::fs::read_to_string(root.join("cupsd.out")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }

        // The PDF queue: cups-pdf, writing into this test's folder.
        // One per scheduler: the tests of this file start theirs side by side.
        let tag = root.file_name().unwrap().to_string_lossy().into_owned();
        let pdf_conf = PathBuf::from(format!("/etc/cups/cups-pdf-{tag}.conf"));
        std::fs::write(&pdf_conf, format!("Out {r}/pdf\nLabel 0\n")).unwrap_or_else(|e| {
            panic!(
                "cannot write {} ({e}): the receipt test needs root, as `cargo xtask test` runs",
                pdf_conf.display()
            )
        });
        let cups = Cups {
            socket,
            pdf_conf,
            raw_bytes: Arc::new(Mutex::new(Vec::new())),
            _cupsd: cupsd,
            dir,
        };
        cups.tool(
            "lpadmin",
            &[
                "-p",
                PDF_QUEUE,
                "-E",
                "-v",
                &format!("cups-pdf:/{tag}"),
                "-P",
                "/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd",
            ],
        );
        // The raw queue: a network thermal printer (port 9100 style) played by this test.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bytes = cups.raw_bytes.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut job = Vec::new();
                let _ = stream.read_to_end(&mut job);
                bytes.lock().unwrap().extend_from_slice(&job);
            }
        });
        cups.tool(
            "lpadmin",
            &[
                "-p",
                RAW_QUEUE,
                "-E",
                "-v",
                &format!("socket://127.0.0.1:{port}"),
                "-m",
                "raw",
            ],
        );
        cups
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs a CUPS tool against this scheduler; its output (stdout and stderr).
    fn tool(&self, program: &str, args: &[&str]) -> String {
        let out = Command::new(program)
            .args(args)
            .env("CUPS_SERVER", &self.socket)
            .env("LC_ALL", "C")
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{program} {args:?}: {text}");
        text
    }

    fn launch(&self, queue: &str, mode: &str) -> Launch {
        // The confirmation's return (12 s) must not be shorter than the submit wait (config.rs).
        Launch::kiosk()
            .with_backend()
            .with_submit_wait(5)
            .with_toml(&format!(
                "[idle]\nconfirmation_return_seconds = 12\n[receipt]\nqueue = \"{queue}\"\nmode = \"{mode}\"\n\
                 [receipt.phones]\nloire-atlantique-vendee = \"0261910044\"\n"
            ))
            .with_env("CUPS_SERVER", &self.socket.display().to_string())
    }

    /// The PDF cups-pdf wrote, once it is complete.
    fn wait_for_pdf(&self) -> PathBuf {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let found = std::fs::read_dir(self.root().join("pdf"))
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "pdf"));
            if let Some(path) = found {
                // cups-pdf writes then chowns: the file is whole once pdftotext can read it.
                if Command::new("pdftotext")
                    .arg(&path)
                    .arg("/dev/null")
                    .status()
                    .is_ok_and(|s| s.success())
                {
                    return path;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no PDF from cups-pdf; error_log:\n{}",
                std::fs::read_to_string(self.root().join("log/error_log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Every file CUPS keeps (spool documents and job files, cache, state, logs), plus what
    /// `lpstat` reports of every job: each canary value found, with where.
    fn canaries(&self) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![self.root().to_path_buf()];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(
                    std::fs::read_dir(&path)
                        .unwrap()
                        .filter_map(|e| e.ok().map(|e| e.path())),
                );
            } else if let Ok(bytes) = std::fs::read(&path) {
                for value in canaries_in_bytes(&bytes) {
                    found.push(format!("{value:?} in {}", path.display()));
                }
            }
        }
        let jobs = self.tool("lpstat", &["-W", "all", "-l", "-o"]);
        for value in canaries_in_bytes(jobs.as_bytes()) {
            found.push(format!(
                "{value:?} in the job attributes (lpstat -W all -l -o)"
            ));
        }
        found
    }

    /// The spool's job files (`c*`) and documents (`d*`).
    fn spool(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root().join("spool"))
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with('c') || n.starts_with('d'))
            .collect();
        names.sort();
        names
    }
}

impl Drop for Cups {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.pdf_conf);
    }
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The QR codes `zbarimg` reads in an image, one text per code.
fn qr_codes_in(image: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(image)
        .output()
        .expect("zbarimg (zbar-tools)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Up to « Imprimer mon reçu » on step 7, as the canary; returns the reference.
async fn enrol(kiosk: &Kiosk) -> String {
    go_to_step(kiosk, &FR, &canary(), 6, Input::Touch).await;
    let text = accept_and_submit(kiosk, &FR).await;
    assert!(
        text.contains("par courrier"),
        "an unknown person gets the postal answer: {text}"
    );
    reference_in(&text)
}

async fn status_text(kiosk: &Kiosk) -> String {
    kiosk
        .js(
            "const s = document.querySelector('.receipt-status'); return s ? s.textContent : '';",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_printed_page_holds_the_reference_and_the_caisse_link_and_nothing_personal() {
    let cups = Arc::new(Cups::start());
    let shared = cups.clone();
    e2e(
        "receipt-pdf",
        cups.launch(PDF_QUEUE, "rendered"),
        move |kiosk| async move {
            let cups = shared;
            let reference = enrol(&kiosk).await;

            // The QR code on screen, read from a screenshot of the real webview.
            kiosk
                .js("document.querySelector('.qr__image').scrollIntoView({block: 'center'}); return true;", vec![])
                .await;
            let shot = kiosk.screenshot("step7-qr").await;
            assert_eq!(qr_codes_in(&shot), vec![CAISSE_URL.to_owned()]);

            click(&kiosk, "button", "Imprimer mon reçu").await;
            kiosk
                .wait_for(
                    "« Votre reçu est imprimé »",
                    "const s = document.querySelector('.receipt-status'); return s && /imprimé/.test(s.textContent);",
                    Duration::from_secs(40),
                )
                .await;

            let pdf = cups.wait_for_pdf();
            let artifacts = repo_root().join("target/e2e-artifacts");
            std::fs::create_dir_all(&artifacts).unwrap();
            std::fs::copy(&pdf, artifacts.join("receipt-printed.pdf")).unwrap();
            let text = run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
            for expected in [
                reference.as_str(),
                "Mot de passe envoyé par courrier.",
                "Votre numéro de demande",
                "MSA Loire-Atlantique-Vendée",
                CAISSE_PHONE,
                CAISSE_URL,
            ] {
                assert!(text.contains(expected), "{expected:?} not in the PDF:\n{text}");
            }
            // The page's QR code, rasterised as a printer would.
            let png = cups.root().join("page");
            run(
                "pdftoppm",
                &["-r", "150", "-png", "-singlefile", pdf.to_str().unwrap(), png.to_str().unwrap()],
            );
            assert_eq!(
                qr_codes_in(&png.with_extension("png")),
                vec![CAISSE_URL.to_owned()]
            );

            // Nothing personal anywhere: the PDF's text and bytes, the spool, the job history.
            let pdf_bytes = std::fs::read(&pdf).unwrap();
            assert!(canaries_in_bytes(text.as_bytes()).is_empty(), "{text}");
            assert!(canaries_in_bytes(&pdf_bytes).is_empty());
            // cupsd writes a job's control file (its history) a moment after the job ends.
            let deadline = Instant::now() + Duration::from_secs(15);
            let mut spool = cups.spool();
            while !(spool.iter().any(|n| n.starts_with('c')) && spool.iter().any(|n| n.starts_with('d')))
                && Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
                spool = cups.spool();
            }
            assert!(
                spool.iter().any(|n| n.starts_with('c')) && spool.iter().any(|n| n.starts_with('d')),
                "this cupsd keeps job files and history, so the search below has something to search: {spool:?}"
            );
            assert_eq!(cups.canaries(), Vec::<String>::new());
            let jobs = cups.tool("lpstat", &["-W", "completed", "-o", PDF_QUEUE]);
            assert_eq!(jobs.lines().count(), 1, "one receipt printed: {jobs}");
            let attributes = cups.tool("lpstat", &["-W", "completed", "-l", "-o", PDF_QUEUE]);
            assert!(!attributes.contains(&reference), "the job's name is not the reference: {attributes}");
            // The job is named by the fixed title, which cups-pdf also uses for the file name.
            assert!(
                pdf.file_name().unwrap().to_string_lossy().starts_with("MSA_recu"),
                "{}",
                pdf.display()
            );

            let status: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(kiosk.data_dir().join("status.json")).unwrap(),
            )
            .unwrap();
            assert_eq!(status["receipt"]["printer"], "ready", "{status}");
            assert_eq!(status["receipt"]["lastPrint"]["result"], "printed", "{status}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_thermal_ticket_carries_the_reference_and_the_qr_link_as_esc_pos() {
    let cups = Arc::new(Cups::start());
    let shared = cups.clone();
    e2e(
        "receipt-raw",
        cups.launch(RAW_QUEUE, "raw"),
        move |kiosk| async move {
            let cups = shared;
            let reference = enrol(&kiosk).await;
            click(&kiosk, "button", "Imprimer mon reçu").await;
            kiosk
                .wait_for(
                    "« Votre reçu est imprimé »",
                    "const s = document.querySelector('.receipt-status'); return s && /imprimé/.test(s.textContent);",
                    Duration::from_secs(40),
                )
                .await;
            let deadline = Instant::now() + Duration::from_secs(20);
            let bytes = loop {
                let bytes = cups.raw_bytes.lock().unwrap().clone();
                // The ticket ends with the cut, GS V A 0.
                if bytes.ends_with(&[0x1D, b'V', b'A', 0]) {
                    break bytes;
                }
                assert!(Instant::now() < deadline, "no whole ticket reached the printer: {} bytes", bytes.len());
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            let artifacts = repo_root().join("target/e2e-artifacts");
            std::fs::create_dir_all(&artifacts).unwrap();
            std::fs::write(artifacts.join("receipt-ticket.escpos"), &bytes).unwrap();
            // ESC @ first: the printer starts from its defaults; ESC t 19: code page PC858.
            assert!(bytes.starts_with(&[0x1B, b'@']));
            assert!(bytes.windows(3).any(|w| w == [0x1B, b't', 19]));
            // GS ( k, QR code model 2, fn 80 "store the data": the caisse's link.
            let store = (0..bytes.len().saturating_sub(8))
                .find(|&i| {
                    bytes[i..i + 3] == [0x1D, b'(', b'k'] && bytes[i + 5..i + 8] == [49, 80, 48]
                })
                .expect("a GS ( k store-data command");
            let len = usize::from(bytes[store + 3]) + 256 * usize::from(bytes[store + 4]) - 3;
            assert_eq!(&bytes[store + 8..store + 8 + len], CAISSE_URL.as_bytes());
            // The reference as text, and « numéro » in PC858 (é = 0x82).
            assert!(bytes.windows(reference.len()).any(|w| w == reference.as_bytes()));
            assert!(bytes.windows(6).any(|w| w == b"num\x82ro"));
            assert!(bytes.windows(CAISSE_PHONE.len()).any(|w| w == CAISSE_PHONE.as_bytes()));
            assert_eq!(canaries_in_bytes(&bytes), Vec::<&str>::new());
            assert_eq!(cups.canaries(), Vec::<String>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_queue_gets_the_calm_message_the_welcome_screen_on_time_and_offline_status() {
    let cups = Arc::new(Cups::start());
    cups.tool("cupsdisable", &[PDF_QUEUE]);
    let shared = cups.clone();
    e2e(
        "receipt-stopped",
        cups.launch(PDF_QUEUE, "rendered"),
        move |kiosk| async move {
            let cups = shared;
            let reference = enrol(&kiosk).await;
            click(&kiosk, "button", "Imprimer mon reçu").await;
            let clicked = Instant::now();
            kiosk
                .wait_for(
                    "the calm message",
                    "const s = document.querySelector('.receipt-status'); return s && /n'a pas marché/.test(s.textContent);",
                    Duration::from_secs(15),
                )
                .await;
            assert_eq!(
                status_text(&kiosk).await,
                format!("L'impression n'a pas marché. Notez votre numéro : {reference}")
            );
            // The click gave the full 12 s again; the welcome screen comes back on time.
            kiosk
                .by_role_within("button", FR.start, Duration::from_secs(20))
                .await;
            let back = clicked.elapsed();
            assert!(
                back <= Duration::from_secs(16),
                "back to the welcome screen after {back:?}, later than the 12 s countdown"
            );
            // Nothing was queued on the stopped printer for the next person to find.
            assert_eq!(cups.tool("lpstat", &["-o", PDF_QUEUE]).trim(), "");
            assert!(cups.spool().is_empty(), "{:?}", cups.spool());

            let status = Command::new(app())
                .arg("status")
                .env("MSA_KIOSK_DATA_DIR", kiosk.data_dir())
                .output()
                .unwrap();
            let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
            assert_eq!(status["receipt"]["printer"], "offline", "{status}");
            assert_eq!(status["receipt"]["lastPrint"]["result"], "notReady", "{status}");
            assert_eq!(status["receipt"]["queue"], PDF_QUEUE);
        },
    )
    .await;
}
