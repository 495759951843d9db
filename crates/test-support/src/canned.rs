//! A real HTTP/1.1 server on a loopback port that answers what a backend outside the contract,
//! an older backend or a misconfigured proxy answers: a canned response, the same to every
//! request until changed. It records each request line and how many connections it accepted,
//! and can be told to hold the requests after the first `n` (they get no answer until it
//! stops), so that a test can look at the kiosk between two attempts without racing its
//! backoff.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// An HTTP/1.1 response with `Connection: close`: `status` as « 404 Not Found », the body as is.
pub fn response(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    response_with_headers(status, content_type, "", body)
}

/// [`response`] with `headers` added, each line ending with CRLF (« Location: …\r\n »).
pub fn response_with_headers(
    status: &str,
    content_type: &str,
    headers: &str,
    body: &str,
) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{headers}Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[derive(Default)]
struct Seen {
    /// Connections accepted, whether or not a request came on them.
    connections: AtomicUsize,
    /// Requests read in full.
    requests: AtomicUsize,
    request_lines: Mutex<Vec<String>>,
}

pub struct Canned {
    pub port: u16,
    response: Arc<Mutex<Vec<u8>>>,
    seen: Arc<Seen>,
    /// Requests after this many get no answer until [`Canned::stop`].
    answer_first: Arc<AtomicUsize>,
    stop: Arc<Notify>,
    accept: JoinHandle<()>,
}

impl Canned {
    /// Listens on a free loopback port and answers every request with `initial`.
    pub async fn start(initial: Vec<u8>) -> Canned {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let response = Arc::new(Mutex::new(initial));
        let seen = Arc::new(Seen::default());
        let answer_first = Arc::new(AtomicUsize::new(usize::MAX));
        let stop = Arc::new(Notify::new());
        let (r, seen2, first, s) = (
            response.clone(),
            seen.clone(),
            answer_first.clone(),
            stop.clone(),
        );
        let accept = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                seen2.connections.fetch_add(1, Ordering::SeqCst);
                let (r, seen, first, s) = (r.clone(), seen2.clone(), first.clone(), s.clone());
                tokio::spawn(async move {
                    let Some(line) = read_request(&mut socket).await else {
                        return;
                    };
                    seen.request_lines.lock().unwrap().push(line);
                    let number = seen.requests.fetch_add(1, Ordering::SeqCst) + 1;
                    if number > first.load(Ordering::SeqCst) {
                        // Held: dropped without an answer when the server stops.
                        s.notified().await;
                        return;
                    }
                    let answer = r.lock().unwrap().clone();
                    let _ = socket.write_all(&answer).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Canned {
            port,
            response,
            seen,
            answer_first,
            stop,
            accept,
        }
    }

    /// The response to every later request.
    pub fn set(&self, answer: Vec<u8>) {
        *self.response.lock().unwrap() = answer;
    }

    /// Answers only the first `n` requests; the later ones wait for [`Canned::stop`].
    pub fn answer_only(&self, n: usize) {
        self.answer_first.store(n, Ordering::SeqCst);
    }

    /// How many requests were read in full.
    pub fn requests(&self) -> usize {
        self.seen.requests.load(Ordering::SeqCst)
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.seen.connections.load(Ordering::SeqCst)
    }

    /// The request lines read, in order (« POST /v1/enrolments HTTP/1.1 »).
    pub fn request_lines(&self) -> Vec<String> {
        self.seen.request_lines.lock().unwrap().clone()
    }

    /// Stops listening and drops the held requests; returns once the port is free again.
    pub async fn stop(self) -> u16 {
        self.accept.abort();
        let _ = self.accept.await;
        self.stop.notify_waiters();
        self.port
    }
}

/// Reads a request's head and the body its Content-Length announces (both bounded to 64 KiB);
/// its request line, or `None` when the connection ended first.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length.min(64 * 1024) {
        let n = socket.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(head.lines().next().unwrap_or("").to_owned())
}
