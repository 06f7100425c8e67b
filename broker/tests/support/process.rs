//! The broker binary in a process of its own, as a platform runs it: started with its
//! flags on a free loopback port, its log lines kept for the test to read (and echoed to
//! the test's output), OSBAPI requests over HTTP, killed when dropped.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The HTTP Basic user name every broker started here accepts.
pub const USER: &str = "broker-user";
/// Its password.
pub const PASSWORD: &str = "process-test";

/// `ses-broker-server` with the credentials above, listening on a free loopback port. The
/// caller adds the rest (`--aws`, `--state`, ...).
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ses-broker-server"));
    command.args([
        "--listen",
        "127.0.0.1:0",
        "--username",
        USER,
        "--password",
        PASSWORD,
    ]);
    command
}

/// A running broker process.
pub struct Process {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    name: String,
    lines: Arc<Mutex<Vec<String>>>,
    agent: ureq::Agent,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `command` (from [`command`]); `name` prefixes its echoed log lines. Answers the
/// process once it listens, or what it printed when it exits (or stays silent for 60 s)
/// instead.
pub fn start(name: &str, mut command: Command) -> Result<Process, String> {
    let mut child = command.stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    {
        let lines = Arc::clone(&lines);
        let name = name.to_owned();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("{name}| {line}");
                if let Some(url) = line.strip_prefix("ses-broker-server: listening on ") {
                    let _ = tx.send(url.to_owned());
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
            // The reader thread has the last lines once the pipe closes.
            std::thread::sleep(Duration::from_millis(100));
            return Err(lines.lock().unwrap().join("\n"));
        }
    };
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .new_agent();
    Ok(Process {
        child,
        url,
        name: name.to_owned(),
        lines,
        agent,
    })
}

impl Process {
    /// One OSBAPI request (`path` may carry a query): the status and the JSON body, or why
    /// no answer came (the process died).
    pub fn try_call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        let token = {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
        };
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url))
            .header("Authorization", format!("Basic {token}"))
            .header("X-Broker-API-Version", "2.17")
            .header("Content-Type", "application/json")
            .body(body.map(ToString::to_string).unwrap_or_default())
            .unwrap();
        let mut response = self
            .agent
            .run(request)
            .map_err(|e| format!("{} {method} {path}: {e}", self.name))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("{} {method} {path}: {e}", self.name))?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
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

    /// `kill -9`.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Every line it logged so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Its name in the echoed lines.
    pub fn name(&self) -> &str {
        &self.name
    }
}
