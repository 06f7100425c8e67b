//! The built `ses-broker-server` binary as a child process on a free loopback port, and
//! plain HTTP requests to it: what the tests that speak to the real server share.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

/// A running broker. Dropping it kills the process and removes its working directory.
#[derive(Debug)]
pub struct Server {
    child: Child,
    url: String,
    // Held for its Drop: the directory goes with the server.
    dir: TempDir,
}

impl Server {
    /// Starts the binary with `--listen 127.0.0.1:0` in a fresh temporary working
    /// directory (whatever state file it keeps there is its own); `configure` adds the
    /// other arguments and environment, and may write files into the directory first.
    /// Answers the server once it says where it listens, or everything it printed when it
    /// exits (or stays silent for a minute) instead.
    pub fn start(configure: impl FnOnce(&mut Command, &Path)) -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("ses-broker-test-")
            .tempdir()
            .unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_ses-broker-server"));
        command
            .args(["--listen", "127.0.0.1:0"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        configure(&mut command, dir.path());
        let mut child = command.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                // Everything the broker logs goes to the test's output; the address line
                // also to the channel, and any other line but a request or AWS log as a
                // reason it may not start.
                eprintln!("{line}");
                if let Some(url) = line.strip_prefix("ses-broker-server: listening on ") {
                    let _ = tx.send(Ok(url.to_owned()));
                } else if !line.starts_with("aws:") && !line.starts_with("broker:") {
                    let _ = tx.send(Err(line));
                }
            }
        });
        let mut said = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(Ok(url)) => return Ok(Self { child, url, dir }),
                Ok(Err(line)) => said.push(line),
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(said.join("\n"));
                }
            }
            if let Ok(Some(_)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                while let Ok(Err(line)) = rx.try_recv() {
                    said.push(line);
                }
                return Err(said.join("\n"));
            }
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The working directory it runs in.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A status, the response headers and the body (JSON, or `Null` when it is not JSON).
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: ureq::http::HeaderMap,
    /// The body as JSON.
    pub body: Value,
}

impl Reply {
    /// The body's `description`, or "" when it has none.
    pub fn description(&self) -> &str {
        self.body["description"].as_str().unwrap_or("")
    }
}

/// An HTTP client that reports every status as an answer, not an error.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .new_agent()
}

/// One request: `headers` as given (no others but what HTTP itself needs) and `body` as
/// bytes.
pub fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Reply {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = agent.run(request.body(body).unwrap()).unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.body_mut().read_to_string().unwrap();
    Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

/// The `Authorization` header value for Basic `user:password`.
pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}
