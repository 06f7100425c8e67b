//! The built `ses-broker-server` binary as a child process on a free loopback port, and
//! plain HTTP requests to it: what the tests that speak to the real server share. Its log
//! lines are kept for the test to read (and echoed to the test's output, each prefixed with
//! the server's name), so several servers, restarts and crashes can be told apart.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// The HTTP Basic user name [`Server::call`] sends (start the server with it: see
/// [`credentials`]).
pub const USER: &str = "broker-user";
/// Its password.
pub const PASSWORD: &str = "server-test";

/// `--username USER --password PASSWORD`, the credentials [`Server::call`] sends.
pub fn credentials(command: &mut Command) -> &mut Command {
    command.args(["--username", USER, "--password", PASSWORD])
}

/// A running broker. Dropping it kills the process and removes its working directory.
#[derive(Debug)]
pub struct Server {
    child: Child,
    url: String,
    name: String,
    lines: Arc<Mutex<Vec<String>>>,
    agent: ureq::Agent,
    // Held for its Drop: the directory goes with the server.
    dir: TempDir,
}

impl Server {
    /// [`Self::start_named`] with the name `broker`.
    pub fn start(configure: impl FnOnce(&mut Command, &Path)) -> Result<Self, String> {
        Self::start_named("broker", configure)
    }

    /// Starts the binary with `--listen 127.0.0.1:0` in a fresh temporary working
    /// directory (whatever state file it keeps there is its own); `configure` adds the
    /// other arguments and environment, and may write files into the directory first.
    /// `name` prefixes its echoed lines. Answers the server once it says where it listens,
    /// or everything it printed when it exits (or stays silent for a minute) instead.
    pub fn start_named(
        name: &str,
        configure: impl FnOnce(&mut Command, &Path),
    ) -> Result<Self, String> {
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
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        {
            let lines = Arc::clone(&lines);
            let name = name.to_owned();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    eprintln!("{name}| {line}");
                    if let Some(url) = listening_url(&line) {
                        let _ = tx.send(url);
                    }
                    lines.lock().unwrap().push(line);
                }
            });
        }
        let started = Instant::now();
        let url = loop {
            if let Ok(url) = rx.recv_timeout(Duration::from_millis(50)) {
                break url;
            }
            let exited = matches!(child.try_wait(), Ok(Some(_)));
            if exited || started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                let _ = child.wait();
                // The reader has the last lines once the pipe closes.
                std::thread::sleep(Duration::from_millis(100));
                return Err(lines.lock().unwrap().join("\n"));
            }
        };
        Ok(Self {
            child,
            url,
            name: name.to_owned(),
            lines,
            agent: agent(),
            dir,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The working directory it runs in.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Its name in the echoed lines.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every line it logged so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits up to `limit` for the process to exit by itself.
    pub fn exited(&mut self, limit: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if started.elapsed() > limit {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// An OSBAPI request as a platform makes it ([`USER`]'s credentials, API version 2.17,
    /// a JSON body; `path` may carry a query): the status and the JSON body, or why no
    /// answer came (the process died).
    pub fn try_call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        try_send(
            &self.agent,
            method,
            &format!("{}{path}", self.url),
            &[
                ("Authorization", &basic(USER, PASSWORD)),
                ("X-Broker-API-Version", "2.17"),
                ("Content-Type", "application/json"),
            ],
            body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        )
        .map(|reply| (reply.status, reply.body))
        .map_err(|e| format!("{} {method} {path}: {e}", self.name))
    }

    /// [`Self::try_call`] where no answer fails the test.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.try_call(method, path, body)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Polls `last_operation` of `target` (an instance or binding path) until it is no
    /// longer in progress (or `limit` passed): its last answer.
    pub fn wait(&self, target: &str, limit: Duration) -> (u16, Value) {
        let started = Instant::now();
        loop {
            let (status, body) = self.call("GET", &format!("{target}/last_operation"), None);
            if status != 200 || body["state"] != "in progress" || started.elapsed() > limit {
                return (status, body);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
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
/// bytes; or why no answer came.
pub fn try_send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<Reply, ureq::Error> {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = agent.run(request.body(body).unwrap())?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.body_mut().read_to_string()?;
    Ok(Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    })
}

/// [`try_send`] where no answer fails the test.
pub fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Reply {
    try_send(agent, method, url, headers, body).unwrap()
}

/// The `Authorization` header value for Basic `user:password`.
pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// The URL in the start's `listening` line, in either log format: text
/// (`... ses_broker_server::startup: listening url=http://127.0.0.1:PORT`) or JSON (its `url`
/// field).
fn listening_url(line: &str) -> Option<String> {
    if !line.contains("ses_broker_server::startup") {
        return None;
    }
    if let Ok(event) = serde_json::from_str::<Value>(line) {
        return (event["message"] == "listening")
            .then(|| event["url"].as_str().map(str::to_owned))
            .flatten();
    }
    let (_, rest) = line.split_once(": listening url=")?;
    rest.split_whitespace().next().map(str::to_owned)
}
