//! The dev server's HTTP/1.1 on a plain `std::net` socket: the accept loop (an accept error such
//! as EMFILE is logged and retried with a doubling backoff, never fatal), the cap on connections
//! handled at once, reading a request head within a size and time limit, and writing responses.
//! One request per connection (`Connection: close`), which is all a local preview needs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The most connections handled at once (each open page's event stream is one); a connection
/// beyond it is answered `503` with `Retry-After` at once rather than given a thread.
pub(crate) const MAX_CONNECTIONS: usize = 256;

/// The first and the longest wait before accepting again after accepting failed.
const ACCEPT_BACKOFF: (Duration, Duration) = (Duration::from_millis(50), Duration::from_secs(2));

/// The longest request head (request line and headers) read; a longer one is refused.
const MAX_HEAD_BYTES: u64 = 16 * 1024;

/// How long a client may take to send its request head, or to take a response's bytes.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// A request's method and target, with the connection to answer it on.
pub(crate) struct Request {
    pub(crate) method: String,
    /// The request target as sent (path and query).
    pub(crate) target: String,
    stream: TcpStream,
}

impl Request {
    /// Answers with `status`, the given headers, `Content-Length` and `Connection: close`; the
    /// body is left out for `HEAD`.
    pub(crate) fn respond(mut self, status: u16, headers: &[(&str, &str)], body: &[u8]) {
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        let body = if self.method == "HEAD" { &[][..] } else { body };
        let _ = self
            .stream
            .write_all(head.as_bytes())
            .and_then(|_| self.stream.write_all(body))
            .and_then(|_| self.stream.flush());
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
        drain(&self.stream);
    }

    /// The connection, for a response written by hand (the event stream); writes no longer time
    /// out, since an event stream waits between events.
    pub(crate) fn into_stream(self) -> TcpStream {
        let _ = self.stream.set_write_timeout(None);
        self.stream
    }
}

/// Reads what the client sent and nobody read (a refused request's head), without waiting: a
/// socket closed with unread bytes is reset, and the reset can destroy the response before the
/// client reads it.
fn drain(stream: &TcpStream) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let mut buf = [0u8; 4096];
    let mut left: usize = 64 * 1024;
    let mut reader = stream;
    while left > 0 {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Accepts connections on `listener` until the process ends, handing each to `handle` on a
/// thread of its own, at most `max_connections` at once. Accepting never stops: an error (the
/// process out of file descriptors, the system out of memory) is logged and accepting resumes
/// after a wait that doubles from 50 ms up to two seconds, so a preview that ran out of
/// descriptors answers again as soon as connections close.
pub(crate) fn accept_for_ever<H>(listener: &TcpListener, max_connections: usize, handle: H)
where
    H: Fn(Request) + Send + Sync + 'static,
{
    let handle = Arc::new(handle);
    let in_flight = Arc::new(AtomicUsize::new(0));
    let mut wait = ACCEPT_BACKOFF.0;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                wait = ACCEPT_BACKOFF.0;
                dispatch(stream, &handle, &in_flight, max_connections);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                eprintln!("warning: accepting a connection failed: {e}; retrying in {wait:?}");
                std::thread::sleep(wait);
                wait = (wait * 2).min(ACCEPT_BACKOFF.1);
            }
        }
    }
}

/// Hands a connection to a thread of its own, or answers `503` when `max` are in flight. A connection costs one descriptor: when they run out, it is `accept` that fails (and
/// is retried), never a second descriptor for the same socket. A thread that cannot be started
/// drops its connection, with a warning.
fn dispatch<H>(stream: TcpStream, handle: &Arc<H>, in_flight: &Arc<AtomicUsize>, max: usize)
where
    H: Fn(Request) + Send + Sync + 'static,
{
    let _ = stream.set_read_timeout(Some(CLIENT_TIMEOUT));
    let _ = stream.set_write_timeout(Some(CLIENT_TIMEOUT));
    if in_flight.fetch_add(1, Ordering::SeqCst) >= max {
        in_flight.fetch_sub(1, Ordering::SeqCst);
        return busy(stream);
    }
    let (handle, done) = (handle.clone(), in_flight.clone());
    let spawned = std::thread::Builder::new().spawn(move || {
        if let Some(request) = read_request(stream) {
            handle(request);
        }
        done.fetch_sub(1, Ordering::SeqCst);
    });
    if let Err(e) = spawned {
        in_flight.fetch_sub(1, Ordering::SeqCst);
        eprintln!("warning: cannot start a thread for a request: {e}");
    }
}

/// `503` with `Retry-After`, without reading the request.
fn busy(stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    Request {
        method: String::new(),
        target: String::new(),
        stream,
    }
    .respond(
        503,
        &[("Retry-After", "1"), ("Content-Type", "text/plain")],
        b"busy: too many requests at once\n",
    );
}

/// Reads the request line and skips the headers. A head that is malformed, too long or too slow
/// is answered `400` (or `431`) here and gives no request.
fn read_request(stream: TcpStream) -> Option<Request> {
    // Read through a reference: a clone of the socket would cost a second descriptor.
    let mut reader = BufReader::new((&stream).take(MAX_HEAD_BYTES));
    let mut line = String::new();
    let bad = |stream: TcpStream, status: u16| {
        let request = Request {
            method: String::new(),
            target: String::new(),
            stream,
        };
        request.respond(status, &[("Content-Type", "text/plain")], b"bad request\n");
        None
    };
    match reader.read_line(&mut line) {
        Ok(0) | Err(_) => return None,
        Ok(_) => {}
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return bad(stream, 400);
    };
    if !version.starts_with("HTTP/1.") || parts.next().is_some() {
        return bad(stream, 400);
    }
    let (method, target) = (method.to_string(), target.to_string());
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) => return bad(stream, 431),
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) if !header.ends_with('\n') => return bad(stream, 431),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    Some(Request {
        method,
        target,
        stream,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(raw: &[u8]) -> (Option<(String, String)>, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.write_all(raw).unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let (stream, _) = listener.accept().unwrap();
        let request = read_request(stream).map(|r| {
            let seen = (r.method.clone(), r.target.clone());
            r.respond(200, &[("Content-Type", "text/plain")], b"hi");
            seen
        });
        // A refused head may be answered with a reset once the reply is sent: keep what arrived.
        let mut response = Vec::new();
        let _ = client.read_to_end(&mut response);
        (request, String::from_utf8_lossy(&response).into_owned())
    }

    #[test]
    fn a_request_line_is_read_and_the_response_closes_the_connection() {
        let (request, response) = served(b"GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        assert_eq!(request, Some(("GET".into(), "/a%20b?x=1".into())));
        assert_eq!(
            response,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
        );
    }

    #[test]
    fn connections_beyond_the_cap_are_answered_busy_and_served_again_once_one_closes() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        // Each request waits until the test lets it go, so two requests fill a cap of two.
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = std::sync::Mutex::new(wait);
        std::thread::spawn(move || {
            accept_for_ever(&listener, 2, move |request| {
                let _ = wait.lock().unwrap().recv();
                request.respond(200, &[], b"ok");
            })
        });
        let send = || {
            let mut s = TcpStream::connect(address).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
            s
        };
        let read = |mut s: TcpStream| {
            let mut response = String::new();
            s.read_to_string(&mut response).unwrap();
            response
        };
        let (first, second) = (send(), send());
        std::thread::sleep(Duration::from_millis(200));
        let third = read(send());
        assert!(
            third.starts_with("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"),
            "{third}"
        );
        release.send(()).unwrap();
        release.send(()).unwrap();
        assert!(read(first).ends_with("\r\n\r\nok"));
        assert!(read(second).ends_with("\r\n\r\nok"));
        // The slots are free again: the next request is served.
        std::thread::sleep(Duration::from_millis(200));
        let fourth = send();
        release.send(()).unwrap();
        assert!(read(fourth).ends_with("\r\n\r\nok"));
    }

    #[test]
    fn a_head_response_has_no_body() {
        let (_, response) = served(b"HEAD / HTTP/1.1\r\n\r\n");
        assert!(response.ends_with("Content-Length: 2\r\nConnection: close\r\n\r\n"));
    }

    #[test]
    fn malformed_and_endless_heads_are_refused() {
        let (request, response) = served(b"GET\r\n\r\n");
        assert_eq!(request, None);
        assert!(
            response.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{response}"
        );
        let mut endless = b"GET / HTTP/1.1\r\n".to_vec();
        endless.extend(std::iter::repeat_n(b'a', 20_000));
        let (request, response) = served(&endless);
        assert_eq!(request, None);
        assert!(response.starts_with("HTTP/1.1 431 "), "{response}");
    }
}
