//! The console's commands on the real binary: `agency add`, `add-kiosk --agency`, `staff add`
//! (password on standard input), `staff list`, `staff unlock`, `staff remove`; then the served
//! console signs the account in, and neither the password nor the kiosk token reaches the
//! output, the logs or the database in clear.

mod common;
mod console_kit;

use console_kit::*;
use msa_test_support::output_with_stdin;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_msa-backend");
const STAFF_PASSWORD: &str = "Une phrase de passe assez longue";
const KIOSK_TOKEN: &str = "cli-kiosk-token-0123456789";

fn run(args: &[&str], db: &str, stdin: Option<&str>) -> Output {
    output_with_stdin(
        Command::new(BIN)
            .args(args)
            .args(["--database", db])
            .env("MSA_BACKEND_ARGON2", "test"),
        stdin.unwrap_or_default(),
    )
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_made_on_the_command_line_sign_in() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/backend.db", tmp.path().display());

    ok(&run(
        &[
            "agency",
            "add",
            "--id",
            "nantes",
            "--caisse",
            "msa-44-85",
            "--name",
            "Nantes",
        ],
        &db,
        None,
    ));
    let out = ok(&run(
        &["add-kiosk", "--id", "agence-44-01", "--agency", "nantes"],
        &db,
        Some(&format!("{KIOSK_TOKEN}\n")),
    ));
    assert!(
        out.contains("agence-44-01 registered in agency nantes"),
        "{out}"
    );
    let out = ok(&run(
        &[
            "staff",
            "add",
            "--login",
            "Marie.Durand",
            "--agency",
            "nantes",
        ],
        &db,
        Some(&format!("{STAFF_PASSWORD}\n")),
    ));
    assert!(out.contains("marie.durand (agency nantes, agent)"), "{out}");
    assert!(!out.contains(STAFF_PASSWORD));
    ok(&run(
        &[
            "staff",
            "add",
            "--login",
            "observateur",
            "--caisse",
            "msa-44-85",
            "--role",
            "observer",
        ],
        &db,
        Some(&format!("{STAFF_PASSWORD}\n")),
    ));
    // Refusals, in words that name the problem.
    let err = fails(&run(
        &["staff", "add", "--login", "court", "--agency", "nantes"],
        &db,
        Some("trop court\n"),
    ));
    assert!(err.contains("at least 12 characters"), "{err}");
    let err = fails(&run(
        &["staff", "add", "--login", "x", "--agency", "nowhere"],
        &db,
        Some(&format!("{STAFF_PASSWORD}\n")),
    ));
    assert!(
        err.contains("agency is \"nowhere\"") || err.contains("no agency"),
        "{err}"
    );
    let err = fails(&run(
        &[
            "staff", "add", "--login", "x", "--agency", "nantes", "--role", "admin",
        ],
        &db,
        Some(&format!("{STAFF_PASSWORD}\n")),
    ));
    assert!(err.contains("role must be agent"), "{err}");
    let err = fails(&run(
        &["staff", "add", "--login", "a b", "--agency", "nantes"],
        &db,
        Some(&format!("{STAFF_PASSWORD}\n")),
    ));
    assert!(err.contains("the login must be"), "{err}");
    let list = ok(&run(&["staff", "list"], &db, None));
    assert_eq!(
        list,
        "marie.durand\tagency:nantes\tagent\nobservateur\tcaisse:msa-44-85\tobserver\n"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let log = tmp.path().join("stderr.log");
    let server = Server(
        Command::new(BIN)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--database",
                &db,
                "--no-demo",
            ])
            .env("MSA_BACKEND_ARGON2", "test")
            .env("RUST_LOG", "debug")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "backend not listening in time");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let kiosk = KioskClient::new(&base, ("agence-44-01", KIOSK_TOKEN));
    assert_eq!(kiosk.heartbeat(&heartbeat(Some(1))).await.status, 200);
    let mut c = ConsoleClient::new(&base);
    let page = c.login("MARIE.DURAND", STAFF_PASSWORD).await;
    assert_eq!(
        page.status, 303,
        "logins are compared in lower case: {}",
        page.body
    );
    assert!(c
        .get("/console/")
        .await
        .body
        .contains("data-kiosk-row=\"agence-44-01\""));

    // Locked after five failures; `staff list` says so; `staff unlock` ends it.
    let mut other = ConsoleClient::new(&base);
    for _ in 0..5 {
        other.login("marie.durand", "pas le bon mot de passe").await;
    }
    assert!(other
        .login("marie.durand", STAFF_PASSWORD)
        .await
        .body
        .contains("Compte bloqué"));
    assert!(ok(&run(&["staff", "list"], &db, None))
        .contains("marie.durand\tagency:nantes\tagent\tlocked\n"));
    ok(&run(
        &["staff", "unlock", "--login", "marie.durand"],
        &db,
        None,
    ));
    assert_eq!(
        other.login("marie.durand", STAFF_PASSWORD).await.status,
        303
    );
    // A new password (staff add again) ends the open sessions.
    ok(&run(
        &[
            "staff",
            "add",
            "--login",
            "marie.durand",
            "--agency",
            "nantes",
        ],
        &db,
        Some("un autre mot de passe long\n"),
    ));
    assert_eq!(c.get("/console/live").await.status, 401);
    ok(&run(
        &["staff", "remove", "--login", "observateur"],
        &db,
        None,
    ));
    assert!(fails(&run(
        &["staff", "unlock", "--login", "observateur"],
        &db,
        None
    ))
    .contains("no staff account"));
    drop(server);

    // Neither secret is anywhere in clear.
    let logs = std::fs::read_to_string(&log).unwrap();
    assert!(logs.contains("console login"), "the logs were read");
    // The database file and its write-ahead log (the server was killed, not checkpointed).
    let mut sqlite = std::fs::read(tmp.path().join("backend.db")).unwrap();
    sqlite.extend(std::fs::read(tmp.path().join("backend.db-wal")).unwrap_or_default());
    let sqlite = String::from_utf8_lossy(&sqlite);
    for secret in [
        STAFF_PASSWORD,
        "un autre mot de passe long",
        KIOSK_TOKEN,
        "pas le bon mot de passe",
    ] {
        assert!(!logs.contains(secret), "{secret} in the logs");
        assert!(!sqlite.contains(secret), "{secret} in the database file");
    }
    assert!(
        !logs.contains("marie.durand"),
        "logins stay out of the logs"
    );
    assert!(
        sqlite.contains("$argon2id$"),
        "the database holds argon2id hashes"
    );
}
