//! The signed self-update against a feed served on loopback by the test itself: the real
//! `tauri-plugin-updater` (on Tauri's mock runtime) checks, downloads and verifies; the install
//! stops at a recording installer, or at the spool of the root update service.
//!
//! The signing keys are made by this run (minisign, the format `tauri signer` writes); no
//! private key exists anywhere else.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::kiosk::updater::{
    self, Agent, Checker, Feed, InstallGate, Installer, Outcome, Reason, ServiceInstaller,
    StatusFile, Timing,
};
use base64::Engine;
use msa_test_support::{free_port, wait};
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri_plugin_updater::Update;
use url::Url;

const NEWER: &str = "0.2.0";

// ----- keys ---------------------------------------------------------------------------------

struct Keys {
    pk: minisign::PublicKey,
    sk: minisign::SecretKey,
}

impl Keys {
    fn generate() -> Keys {
        let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        Keys {
            pk: pair.pk,
            sk: pair.sk,
        }
    }

    /// As in `key.pub` from `tauri signer generate`: base64 of the minisign key file.
    fn pubkey(&self) -> String {
        b64(&self.pk.to_box().unwrap().to_string())
    }

    /// As in the `.sig` that `tauri build` writes: bound to the app version.
    fn sign(&self, data: &[u8], version: &str) -> String {
        let comment =
            format!("timestamp:1795700000\tfile:msa-kiosk_{version}_amd64.deb\tversion:{version}");
        let sig = minisign::sign(Some(&self.pk), &self.sk, data, Some(&comment), None).unwrap();
        b64(&sig.to_string())
    }

    fn verifies(&self, data: &[u8], signature: &str) -> bool {
        let text = base64::engine::general_purpose::STANDARD
            .decode(signature)
            .unwrap();
        let sig = minisign::SignatureBox::from_string(std::str::from_utf8(&text).unwrap()).unwrap();
        minisign::verify(
            &self.pk,
            &sig,
            std::io::Cursor::new(data),
            true,
            false,
            true,
        )
        .is_ok()
    }
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Stands for a `.deb`: an `ar` archive header and some bytes unique to this run.
fn package(tag: &str) -> Vec<u8> {
    let mut bytes = b"!<arch>\ndebian-binary   ".to_vec();
    bytes.extend_from_slice(tag.as_bytes());
    bytes.extend((0..64 * 1024).map(|i| (i % 251) as u8));
    bytes
}

// ----- the feed server ----------------------------------------------------------------------

#[derive(Clone)]
struct Reply {
    status: u16,
    body: Vec<u8>,
    /// Announce more bytes than are sent, then hang up: a broken download.
    cut: bool,
}

/// A static web server on 127.0.0.1, as an agency's would serve `latest.json` and the packages.
struct FeedServer {
    base: Url,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
}

impl FeedServer {
    fn start() -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let served = routes.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                // A client that stops sending cannot hold the server: reads end after 5 s.
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let request = String::from_utf8_lossy(&request);
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let reply = served.lock().unwrap().get(&path).cloned().unwrap_or(Reply {
                    status: 404,
                    body: b"not found".to_vec(),
                    cut: false,
                });
                let length = if reply.cut {
                    reply.body.len() * 2
                } else {
                    reply.body.len()
                };
                let head = format!(
                    "HTTP/1.1 {} X\r\nContent-Length: {length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                    reply.status
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&reply.body);
            }
        });
        FeedServer { base, routes }
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap()
    }

    fn serve(&self, path: &str, status: u16, body: Vec<u8>, cut: bool) {
        self.routes
            .lock()
            .unwrap()
            .insert(format!("/{path}"), Reply { status, body, cut });
    }

    /// Publishes a release: the package and a `latest.json` as `cargo xtask release` writes it.
    fn publish(&self, version: &str, package: &[u8], signature: &str) {
        let file = format!("msa-kiosk_{version}_amd64.deb");
        self.serve(&file, 200, package.to_vec(), false);
        self.manifest(version, &self.url(&file), signature, &[]);
    }

    fn manifest(&self, version: &str, url: &Url, signature: &str, targets: &[&str]) {
        let entry = json!({ "url": url, "signature": signature });
        let this = tauri_plugin_updater::target().unwrap();
        let targets: Vec<String> = if targets.is_empty() {
            vec![format!("{this}-deb"), this]
        } else {
            targets.iter().map(|t| t.to_string()).collect()
        };
        let platforms: serde_json::Map<String, Value> =
            targets.into_iter().map(|t| (t, entry.clone())).collect();
        let manifest = json!({
            "version": version,
            "notes": "Corrections",
            "pub_date": "2026-11-20T08:00:00Z",
            "platforms": platforms,
        });
        self.serve("latest.json", 200, manifest.to_string().into_bytes(), false);
    }
}

/// A loopback port nobody listens on.
fn closed_port_url() -> Url {
    let port = free_port();
    Url::parse(&format!("http://127.0.0.1:{port}/latest.json")).unwrap()
}

// ----- the kiosk side -----------------------------------------------------------------------

/// The app as `run_app` builds it: the plugin registered, its configuration from the feed.
fn kiosk_app(feed: &Feed) -> tauri::App<MockRuntime> {
    let mut context = mock_context(noop_assets());
    updater::configure_context(&mut context, Some(feed));
    mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .unwrap()
}

fn feed(endpoint: Url, keys: &Keys) -> Feed {
    Feed {
        endpoints: vec![endpoint],
        pubkey: keys.pubkey(),
        loopback_only: true,
    }
}

#[derive(Default)]
struct Call {
    version: String,
    bytes: Vec<u8>,
    signature: String,
    busy: bool,
    gate_closed: bool,
}

/// Stops where the real installer would run `dpkg -i`: records what it was given and when.
struct RecordingInstaller {
    calls: Mutex<Vec<Call>>,
    busy: Arc<AtomicBool>,
    gate: Arc<InstallGate>,
}

impl Installer for RecordingInstaller {
    fn install(&self, update: &Update, bytes: &[u8]) -> Result<(), String> {
        self.calls.lock().unwrap().push(Call {
            version: update.version.clone(),
            bytes: bytes.to_vec(),
            signature: update.signature.clone(),
            busy: self.busy.load(Ordering::SeqCst),
            gate_closed: self.gate.is_closed(),
        });
        Ok(())
    }
}

struct Kiosk {
    _app: tauri::App<MockRuntime>,
    agent: Arc<Agent>,
    busy: Arc<AtomicBool>,
    /// How many times the agent has asked whether someone is enrolling.
    looks: Arc<AtomicUsize>,
    installer: Arc<RecordingInstaller>,
    data_dir: tempfile::TempDir,
}

fn timing() -> Timing {
    Timing {
        interval: Duration::from_secs(3600),
        idle_poll: Duration::from_millis(20),
        quiet: Duration::from_millis(100),
    }
}

impl Kiosk {
    fn new(feed: Feed) -> Kiosk {
        let app = kiosk_app(&feed);
        let busy = Arc::new(AtomicBool::new(false));
        let gate = Arc::new(InstallGate::default());
        let installer = Arc::new(RecordingInstaller {
            calls: Mutex::default(),
            busy: busy.clone(),
            gate: gate.clone(),
        });
        let data_dir = tempfile::tempdir().unwrap();
        let flag = busy.clone();
        let looks = Arc::new(AtomicUsize::new(0));
        let counted = looks.clone();
        let agent = Agent {
            checker: Checker::new(app.handle(), feed).unwrap(),
            is_busy: Arc::new(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                flag.load(Ordering::SeqCst)
            }),
            gate,
            installer: installer.clone(),
            status: Arc::new(StatusFile::open(data_dir.path(), "0.1.0")),
            timing: timing(),
        };
        Kiosk {
            _app: app,
            agent: Arc::new(agent),
            busy,
            looks,
            installer,
            data_dir,
        }
    }

    /// The `updater` object of `status.json`, as `msa-kiosk status` prints it.
    fn status(&self) -> Value {
        status_of(self.data_dir.path())
    }

    fn installs(&self) -> usize {
        self.installer.calls.lock().unwrap().len()
    }
}

fn status_of(data_dir: &Path) -> Value {
    let text = std::fs::read_to_string(data_dir.join("status.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["updater"].clone()
}

async fn wait_for<T: std::fmt::Debug>(what: &str, mut probe: impl FnMut() -> Result<(), T>) {
    wait::until(
        what,
        Duration::from_secs(10),
        Duration::from_millis(10),
        || std::future::ready(probe()),
    )
    .await;
}

// ----- the tests ----------------------------------------------------------------------------

#[tokio::test]
async fn a_newer_signed_build_waits_for_the_enrolment_to_end_then_installs() {
    let keys = Keys::generate();
    let server = FeedServer::start();
    let build = package("good");
    let signature = keys.sign(&build, NEWER);
    server.publish(NEWER, &build, &signature);

    let kiosk = Kiosk::new(feed(server.url("latest.json"), &keys));
    assert_eq!(kiosk.agent.checker.current_version().to_string(), "0.1.0");
    // Someone is enrolling when the update arrives.
    kiosk.busy.store(true, Ordering::SeqCst);
    let agent = kiosk.agent.clone();
    let cycle = tokio::spawn(async move { agent.cycle().await });

    wait_for("the deferral", || {
        let status = kiosk.status();
        if status["lastResult"] == "deferred" {
            Ok(())
        } else {
            Err(status)
        }
    })
    .await;
    let status = kiosk.status();
    assert_eq!(status["availableVersion"], NEWER);
    assert_eq!(status["currentVersion"], "0.1.0");
    assert!(status["lastCheck"].is_string());
    // Downloaded and verified, yet nothing installed while the session lasts, and sessions
    // may still start: the agent asks again and again whether someone is enrolling, and waits.
    let looked = kiosk.looks.load(Ordering::SeqCst);
    wait_for("the agent to look at the session 5 more times", || {
        match kiosk.looks.load(Ordering::SeqCst) - looked {
            n if n >= 5 => Ok(()),
            n => Err(n),
        }
    })
    .await;
    assert_eq!(kiosk.installs(), 0, "installed during an enrolment");
    assert!(!kiosk.agent.gate.is_closed());
    assert!(!cycle.is_finished());

    // Back on the welcome screen after the idle return.
    kiosk.busy.store(false, Ordering::SeqCst);
    let outcome = tokio::time::timeout(Duration::from_secs(10), cycle)
        .await
        .expect("the install did not happen once idle")
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::Installed {
            version: NEWER.into()
        }
    );

    let calls = kiosk.installer.calls.lock().unwrap();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.version, NEWER);
    // The installer got exactly the published bytes, which the plugin verified against the
    // feed's signature and the kiosk's key (and which verify independently here too).
    assert_eq!(call.bytes, build);
    assert_eq!(call.signature, signature);
    assert!(keys.verifies(&call.bytes, &call.signature));
    assert!(!call.busy, "installed while busy");
    assert!(call.gate_closed, "sessions could start during the install");
    drop(calls);

    // The app now restarts; until the new version runs, the status says so.
    assert_eq!(kiosk.status()["lastResult"], "installing");
    let after_restart = StatusFile::open(kiosk.data_dir.path(), NEWER);
    assert_eq!(after_restart.snapshot().last_result, "installed");
    assert_eq!(status_of(kiosk.data_dir.path())["currentVersion"], NEWER);
}

#[tokio::test]
async fn refused_updates_are_recorded_and_the_kiosk_keeps_its_version() {
    let keys = Keys::generate();
    let server = FeedServer::start();
    let kiosk = Kiosk::new(feed(server.url("latest.json"), &keys));

    let refused = |expected: Reason| {
        let kiosk = &kiosk;
        async move {
            let outcome = kiosk.agent.cycle().await;
            match &outcome {
                Outcome::Refused(reason, detail) => {
                    assert_eq!(*reason, expected, "{detail}");
                    assert!(!detail.is_empty());
                }
                other => panic!("expected {expected:?}, got {other:?}"),
            }
            let status = kiosk.status();
            assert_eq!(status["lastResult"], expected.code());
            assert_eq!(status["currentVersion"], "0.1.0");
            assert!(status["detail"].is_string());
            assert_eq!(kiosk.installs(), 0);
            assert!(!kiosk.agent.gate.is_closed());
        }
    };

    // A tampered package: the bytes are not those that were signed.
    let build = package("tampered");
    let signature = keys.sign(&build, NEWER);
    let mut tampered = build.clone();
    tampered[100] ^= 0xff;
    server.publish(NEWER, &tampered, &signature);
    refused(Reason::Signature).await;

    // Signed with another key.
    let intruder = Keys::generate();
    server.publish(NEWER, &build, &intruder.sign(&build, NEWER));
    refused(Reason::Signature).await;

    // A genuine older package announced under a newer version number.
    let old = package("old");
    server.publish("0.3.0", &old, &keys.sign(&old, "0.0.9"));
    refused(Reason::Signature).await;

    // A genuine older release.
    server.publish("0.0.9", &old, &keys.sign(&old, "0.0.9"));
    refused(Reason::Downgrade).await;

    // No build for this platform.
    let file = server.url("msa-kiosk_0.2.0_amd64.deb");
    server.manifest(NEWER, &file, &keys.sign(&build, NEWER), &["plan9-mips"]);
    refused(Reason::WrongTarget).await;

    // A broken download, then a missing one.
    server.publish(NEWER, &build, &keys.sign(&build, NEWER));
    server.serve("msa-kiosk_0.2.0_amd64.deb", 200, build.clone(), true);
    refused(Reason::Download).await;
    server.serve("msa-kiosk_0.2.0_amd64.deb", 404, Vec::new(), false);
    refused(Reason::Download).await;

    // A download over plain http to another machine (not even attempted).
    let remote = Url::parse("http://192.0.2.1/msa-kiosk_0.2.0_amd64.deb").unwrap();
    server.manifest(NEWER, &remote, &keys.sign(&build, NEWER), &[]);
    refused(Reason::InsecureDownload).await;

    // A feed that answers nonsense, then one that errors.
    server.serve(
        "latest.json",
        200,
        b"<html>maintenance</html>".to_vec(),
        false,
    );
    refused(Reason::FeedInvalid).await;
    server.serve("latest.json", 503, Vec::new(), false);
    refused(Reason::FeedUnreachable).await;

    // The same version as the running one: nothing to do.
    server.publish("0.1.0", &build, &keys.sign(&build, "0.1.0"));
    assert_eq!(kiosk.agent.cycle().await, Outcome::UpToDate);
    assert_eq!(kiosk.status()["lastResult"], "upToDate");

    // Still alive and well: the next good release goes through.
    server.publish(NEWER, &build, &keys.sign(&build, NEWER));
    assert_eq!(
        kiosk.agent.cycle().await,
        Outcome::Installed {
            version: NEWER.into()
        }
    );
    assert_eq!(kiosk.installs(), 1);
}

#[tokio::test]
async fn a_feed_that_does_not_answer_is_refused() {
    let keys = Keys::generate();
    let kiosk = Kiosk::new(feed(closed_port_url(), &keys));
    let outcome = kiosk.agent.cycle().await;
    assert!(
        matches!(outcome, Outcome::Refused(Reason::FeedUnreachable, _)),
        "{outcome:?}"
    );
    assert_eq!(kiosk.status()["lastResult"], "refused.feedUnreachable");
    assert_eq!(kiosk.status()["currentVersion"], "0.1.0");
    assert_eq!(kiosk.installs(), 0);
}

#[tokio::test]
async fn a_session_that_starts_as_the_install_begins_wins() {
    let keys = Keys::generate();
    let server = FeedServer::start();
    let build = package("race");
    server.publish(NEWER, &build, &keys.sign(&build, NEWER));
    let kiosk = Kiosk::new(feed(server.url("latest.json"), &keys));

    // Idle at first; a person touches « Commencer » right when the gate closes (the second
    // look at the session); the session then ends.
    let looks = Arc::new(AtomicUsize::new(0));
    let counted = looks.clone();
    let agent = Agent {
        checker: Checker::new(kiosk._app.handle(), feed(server.url("latest.json"), &keys)).unwrap(),
        is_busy: Arc::new(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            n == 1 || n == 2
        }),
        gate: kiosk.agent.gate.clone(),
        installer: kiosk.installer.clone(),
        status: kiosk.agent.status.clone(),
        timing: Timing {
            quiet: Duration::ZERO,
            ..timing()
        },
    };
    let outcome = agent.cycle().await;
    assert_eq!(
        outcome,
        Outcome::Installed {
            version: NEWER.into()
        }
    );
    assert!(looks.load(Ordering::SeqCst) >= 4);
    assert_eq!(kiosk.installs(), 1);
    assert!(kiosk.installer.calls.lock().unwrap()[0].gate_closed);
}

#[tokio::test]
async fn the_root_service_gets_a_package_it_verifies_itself() {
    let keys = Keys::generate();
    let server = FeedServer::start();
    let build = package("service");
    server.publish(NEWER, &build, &keys.sign(&build, NEWER));
    let kiosk = Kiosk::new(feed(server.url("latest.json"), &keys));
    let spool = tempfile::tempdir().unwrap();

    // Stands for `msa-kiosk apply-update`, run as root by the path unit: it trusts only its
    // own copy of the key, never what the kiosk wrote.
    let dir = spool.path().to_owned();
    let pubkey = keys.pubkey();
    let service = std::thread::spawn(move || {
        let request = dir.join(updater::spool::REQUEST);
        wait::blocking(
            "the kiosk's install request in the spool",
            Duration::from_secs(10),
            Duration::from_millis(10),
            || if request.exists() { Ok(()) } else { Err(()) },
        );
        let verdict = updater::verify_spooled(&dir, &pubkey, &"0.1.0".parse().unwrap());
        std::fs::remove_file(&request).unwrap();
        let text = match &verdict {
            Ok((version, _)) => format!("installed {version}"),
            Err(reason) => format!("failed {reason}"),
        };
        let result = dir.join(updater::spool::RESULT);
        std::fs::write(result.with_extension("tmp"), text).unwrap();
        std::fs::rename(result.with_extension("tmp"), result).unwrap();
        verdict.map(|(_, bytes)| bytes)
    });

    let mut installer = ServiceInstaller::new(spool.path().to_owned());
    installer.poll = Duration::from_millis(10);
    let agent = Agent {
        checker: Checker::new(kiosk._app.handle(), feed(server.url("latest.json"), &keys)).unwrap(),
        is_busy: Arc::new(|| false),
        gate: Arc::new(InstallGate::default()),
        installer: Arc::new(installer),
        status: kiosk.agent.status.clone(),
        timing: timing(),
    };
    assert_eq!(
        agent.cycle().await,
        Outcome::Installed {
            version: NEWER.into()
        }
    );
    assert_eq!(service.join().unwrap().unwrap(), build);

    // No service listening: the kiosk gives up quickly, reopens the gate, keeps its version.
    let mut silent = ServiceInstaller::new(spool.path().to_owned());
    silent.pickup = Duration::from_millis(200);
    silent.poll = Duration::from_millis(10);
    let agent = Agent {
        installer: Arc::new(silent),
        ..agent
    };
    let outcome = agent.cycle().await;
    assert!(
        matches!(&outcome, Outcome::InstallFailed { detail, .. } if detail.contains("msa-kiosk-update.path")),
        "{outcome:?}"
    );
    assert!(!agent.gate.is_closed());
    assert_eq!(kiosk.status()["lastResult"], "installFailed");
    assert!(!spool.path().join(updater::spool::REQUEST).exists());
}

#[tokio::test]
async fn an_old_package_under_a_new_number_is_refused_even_with_a_lax_plugin_configuration() {
    let keys = Keys::generate();
    let server = FeedServer::start();
    let old = package("old");
    server.publish("0.3.0", &old, &keys.sign(&old, "0.0.9"));
    let feed = feed(server.url("latest.json"), &keys);

    // The plugin registered without `configure_context`: no `requireSignedVersion`.
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        json!({ "pubkey": feed.pubkey, "endpoints": [], "dangerousInsecureTransportProtocol": true }),
    );
    let app = mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .unwrap();
    let checker = Checker::new(app.handle(), feed).unwrap();
    let update = checker.check().await.unwrap().expect("0.3.0 is announced");
    let (reason, detail) = checker.download(&update).await.unwrap_err();
    assert_eq!(reason, Reason::Signature);
    assert!(detail.contains("signed for version 0.0.9"), "{detail}");
}
