//! The backend client against real HTTP servers on loopback that answer what a misconfigured
//! deployment answers (docs/contracts.md §3 « Who owns an enrolment »): the URL keeps its path,
//! redirects are not followed, answers outside the contract are « misconfigured » and never
//! lose the enrolment, a TLS failure is « misconfigured ».

use std::time::Duration;

use msa_test_support::{response, response_with_headers, Canned};
use uuid::Uuid;

use crate::kiosk::{
    deliver_one, now_ms, Attempt, BackendClient, MemoryStore, Outbox, OutboxKey, Secret,
    RETRY_AFTER_MAX,
};
use crate::misconfigured::unknown;

fn postal(reference: &str) -> Vec<u8> {
    response(
        "200 OK",
        "application/json",
        &format!(r#"{{"outcome":"postal","reference":"{reference}"}}"#),
    )
}

/// A kiosk's backend client for `server`'s URL with `path` (5 s per request).
pub(crate) fn client(server: &Canned, path: &str) -> BackendClient {
    let url = url::Url::parse(&format!("http://127.0.0.1:{}{path}", server.port)).unwrap();
    BackendClient::new(
        &url,
        Secret::new("client-test-token"),
        Duration::from_secs(5),
    )
    .unwrap()
}

#[tokio::test]
async fn the_backend_url_keeps_its_path_with_or_without_a_slash() {
    let server = Canned::start(postal("PATH-0001")).await;
    for path in ["/kiosk-api", "/kiosk-api/"] {
        let answer = client(&server, path)
            .send(Uuid::new_v4(), &unknown("PATH-0001"))
            .await;
        assert!(answer.is_ok(), "{path}: {answer:?}");
    }
    assert_eq!(
        server.request_lines(),
        vec!["POST /kiosk-api/v1/enrolments HTTP/1.1"; 2]
    );
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_the_body_goes_nowhere_else() {
    let elsewhere = Canned::start(postal("REDIR-0001")).await;
    for status in [
        "307 Temporary Redirect",
        "308 Permanent Redirect",
        "302 Found",
    ] {
        let server = Canned::start(response_with_headers(
            status,
            "text/html",
            &format!(
                "Location: http://127.0.0.1:{}/v1/enrolments\r\n",
                elsewhere.port
            ),
            "<html>moved</html>",
        ))
        .await;
        let error = client(&server, "/")
            .send(Uuid::new_v4(), &unknown("REDIR-0001"))
            .await
            .unwrap_err();
        let code = &status[..3];
        assert_eq!(error.code, format!("misconfigured-redirect-{code}"));
        assert!(error.is_misconfigured());
        assert_eq!(server.request_lines().len(), 1);
    }
    // `send` has returned: a followed redirect would have connected by now.
    assert_eq!(elsewhere.connections(), 0);
}

/// A 404 from a wrong path, then a proxy's HTML 502: « misconfigured » at the first attempt,
/// the row stays; once the backend is fixed it is delivered, once.
#[tokio::test]
async fn answers_outside_the_contract_keep_the_row_until_the_backend_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let key = OutboxKey::load_or_create(&MemoryStore::default()).unwrap();
    let outbox = Outbox::open(&dir.path().join("outbox.db"), &key)
        .await
        .unwrap();
    let server = Canned::start(response(
        "404 Not Found",
        "text/html",
        "<html><body>Not Found</body></html>",
    ))
    .await;
    let client = client(&server, "/");
    outbox
        .enqueue(Uuid::new_v4(), &unknown("MISC-0001"), now_ms())
        .await
        .unwrap();
    let mut now = now_ms();
    for (answer, code) in [
        (
            response(
                "404 Not Found",
                "text/html",
                "<html><body>Not Found</body></html>",
            ),
            "misconfigured-http-404",
        ),
        (
            response(
                "502 Bad Gateway",
                "text/html",
                "<html><body>502 Bad Gateway</body></html>",
            ),
            "misconfigured-http-502",
        ),
        (
            response("413 Payload Too Large", "text/plain", "too large"),
            "misconfigured-http-413",
        ),
    ] {
        server.set(answer);
        let attempt = deliver_one(&outbox, &client, now).await.unwrap();
        assert_eq!(attempt, Attempt::Retried { code: code.into() });
        let health = outbox.health().await.unwrap();
        assert_eq!(
            (health.waiting, health.last_error.as_deref()),
            (1, Some(code))
        );
        now += 3_600_000; // past any backoff
    }
    server.set(postal("MISC-0001"));
    let attempt = deliver_one(&outbox, &client, now).await.unwrap();
    assert!(
        matches!(attempt, Attempt::Delivered { ref reference, .. } if reference == "MISC-0001"),
        "{attempt:?}"
    );
    assert_eq!(outbox.pending_count().await.unwrap(), 0);
    assert_eq!(server.request_lines().len(), 4, "one request per attempt");
}

#[tokio::test]
async fn a_huge_retry_after_is_bounded() {
    let server = Canned::start(response_with_headers(
        "503 Service Unavailable",
        "application/json",
        "Retry-After: 9223372036854775807\r\n",
        r#"{"outcome":"unavailable"}"#,
    ))
    .await;
    let error = client(&server, "/")
        .send(Uuid::new_v4(), &unknown("WAIT-0001"))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code.as_str(), error.retry_after),
        ("http-503", Some(RETRY_AFTER_MAX))
    );
    assert!(!error.is_misconfigured());
}

/// HTTPS to a server whose certificate the kiosk does not trust: « misconfigured », not
/// « unreachable ».
#[tokio::test]
async fn an_untrusted_certificate_is_a_misconfiguration() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl");
    assert!(made.success());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new("openssl")
        .args(["s_server", "-quiet", "-www", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(&cert)
        .arg("-key")
        .arg(&key)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "openssl s_server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let url = url::Url::parse(&format!("https://127.0.0.1:{port}/")).unwrap();
    let client = BackendClient::new(
        &url,
        Secret::new("client-test-token"),
        Duration::from_secs(5),
    )
    .unwrap();
    let error = client
        .send(Uuid::new_v4(), &unknown("TLS-0001"))
        .await
        .unwrap_err();
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(error.code, "misconfigured-tls");
}
