//! `commission serve` end to end, on loopback only: serves the built site, refuses paths that
//! leave the output folder, and tells open pages to reload after a project file changes.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `commission serve` and the lines it prints to stderr after its address.
struct Server(Child, std::sync::mpsc::Receiver<String>);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sends one raw request and returns the status code and the whole response.
fn get(port: u16, target: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

/// Starts `commission serve` on `project` (built into `output`) with at most `max_files` open file
/// descriptors when given, and returns it with its port once it prints its address.
fn start(project: &Path, output: &Path, max_files: Option<u64>) -> (Server, u16) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_commission"));
    command
        .args(["serve", "--port", "0", "--output"])
        .arg(output)
        .arg(project)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    #[cfg(target_os = "linux")]
    if let Some(limit) = max_files {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            command.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = max_files;
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();

    // The server prints its address once the first build is done and the watcher runs.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    let server = Server(child, rx);
    let deadline = Instant::now() + Duration::from_secs(120);
    let port: u16 = loop {
        let line = server
            .1
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the server did not start in time");
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .split('/')
                .next()
                .unwrap()
                .parse()
                .unwrap();
        }
    };
    (server, port)
}

#[test]
fn serves_refuses_escapes_and_streams_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    common::copy_project(&common::sample(), &project);
    let output = dir.path().join("site");
    let (server, port) = start(&project, &output, None);

    let (status, home) = get(port, "/");
    assert_eq!(status, 200, "{home}");
    assert!(home.contains("/__commission/events"), "no reload script");
    assert!(
        !std::fs::read_to_string(output.join("index.html"))
            .unwrap()
            .contains("__commission"),
        "the reload script leaked into the built file"
    );
    for bad in [
        "/../../etc/passwd",
        "/%2e%2e/",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd",
    ] {
        let (status, body) = get(port, bad);
        assert!(status == 400 || status == 404, "{bad}: {status}");
        assert!(!body.contains("root:"), "{bad} leaked a file");
    }

    // Listen for events, then change a page.
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    events
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    write!(
        events,
        "GET /__commission/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(10);
    while !seen.contains("event: hello") && Instant::now() < deadline {
        if let Ok(n) = events.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    assert!(seen.contains("text/event-stream"), "{seen}");
    assert!(seen.contains("event: hello"), "{seen}");

    let about = project.join("pages/about.md");
    let mut text = std::fs::read_to_string(&about).unwrap();
    text.push_str("\nA sentence added while serving.\n");
    std::fs::write(&about, text).unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    while !seen.contains("event: reload") && Instant::now() < deadline {
        if let Ok(n) = events.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    assert!(seen.contains("event: reload"), "no reload event: {seen}");
    let (status, about) = get(port, "/about/");
    assert_eq!(status, 200);
    assert!(about.contains("A sentence added while serving."));
    // The page's indexed text changed: its search index follows the reload, and pages that load
    // the search scripts are told to reload again.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !seen.contains("event: search") && Instant::now() < deadline {
        if let Ok(n) = events.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    assert!(seen.contains("event: search"), "no search event: {seen}");
    let (status, meta) = get(port, "/search/meta.json");
    assert_eq!(status, 200);
    assert!(meta.contains("\"version\":1"), "{meta}");
    drop(server);
}

/// Issue 17 item 7: `//host` names another site to a browser; a folder requested as `//needs`
/// redirects to `/needs/`, never to `//needs/`.
#[test]
fn a_double_slash_never_redirects_off_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    common::copy_project(&common::fixture("small"), &project);
    let (server, port) = start(&project, &dir.path().join("site"), None);
    let (status, response) = get(port, "//needs");
    assert_eq!(status, 301, "{response}");
    assert!(response.contains("\r\nLocation: /needs/\r\n"), "{response}");
    drop(server);
}

/// Issue 17 item 7: with 64 file descriptors, connections held open until accepting fails with
/// EMFILE must not cost the server its listener: once they close, it answers again.
#[cfg(target_os = "linux")]
#[test]
fn serve_answers_again_after_running_out_of_file_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    common::copy_project(&common::fixture("small"), &project);
    let (server, port) = start(&project, &dir.path().join("site"), Some(64));
    assert_eq!(get(port, "/").0, 200);
    // More connections than the server has descriptors; each stays open without a request.
    let held: Vec<TcpStream> = (0..150)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    assert!(held.len() > 64, "only {} connections opened", held.len());
    // Wait until the server says accepting failed for want of descriptors.
    let emfile =
        "warning: accepting a connection failed: Too many open files (os error 24); retrying in";
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut printed = Vec::new();
    while !printed.iter().any(|l: &String| l.starts_with(emfile)) && Instant::now() < deadline {
        if let Ok(line) = server.1.recv_timeout(Duration::from_millis(500)) {
            printed.push(line);
        }
    }
    assert!(
        printed.iter().any(|l| l.starts_with(emfile)),
        "descriptors never ran out: {printed:?}"
    );
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(60);
    let answered = loop {
        if let Some(status) = get_within(port, "/", Duration::from_secs(5)) {
            break Some(status);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(answered, Some(200), "serve stopped answering after EMFILE");
    drop(server);
}

/// The status of one request, or `None` when the server does not answer within `timeout`.
#[cfg(target_os = "linux")]
fn get_within(port: u16, target: &str, timeout: Duration) -> Option<u16> {
    let mut stream =
        TcpStream::connect_timeout(&(std::net::Ipv4Addr::LOCALHOST, port).into(), timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    String::from_utf8_lossy(&response)
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
