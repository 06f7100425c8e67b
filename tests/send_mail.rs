//! `examples/send_mail.rs` end to end: the example binary reads a `VCAP_SERVICES` made by
//! the library, and sends through a small SMTP server on loopback written here. The server
//! requires AUTH (PLAIN or LOGIN, whichever it advertises) and records what it receives, so
//! the test can check that the user is the access key id, the password is the one
//! `smtp::password` derives from the secret key, and MAIL FROM is at the identity domain.
//!
//! The binary is built with `cargo build --example send_mail` (a no-op under plain
//! `cargo test`, which builds the examples already) into the target directory this test
//! runs from, so the test never runs a stale binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a failed assertion is how a test reports"
)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ses_broker::{
    AccessKey, BindParams, Binding, BrokerConfig, Instance, ProvisionParams, dns::DkimSigning,
    smtp, values::AccessKeyId, values::Region, values::SecretAccessKey,
};

const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-gov-west-1";

/// The `aws-ses` credentials the library makes for a bound instance of `agency.gov` with a
/// MAIL FROM subdomain (so `domain`, the MAIL FROM domain, differs from the identity).
fn credentials() -> serde_json::Value {
    let config = BrokerConfig::from_json(
        r#"{"region": "us-gov-west-1", "account_id": "111122223333",
            "default_zone": "appmail.cloud.gov"}"#,
    )
    .unwrap();
    let params = ProvisionParams::from_json(
        r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov",
            "mail_from_subdomain": "mail"}"#,
    )
    .unwrap();
    let instance = Instance::new(
        &config,
        "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse().unwrap(),
        params,
    )
    .unwrap();
    let dkim = DkimSigning::for_region(
        [
            "abcdefghijklmnopqrstuvwxyz234567",
            "bcdefghijklmnopqrstuvwxyz2345678",
            "cdefghijklmnopqrstuvwxyz23456789",
        ]
        .map(|t| t.parse().unwrap()),
        instance.region(),
    )
    .unwrap();
    let plan = Binding::plan(
        &instance,
        "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b".parse().unwrap(),
        BindParams::from_json("{}").unwrap(),
    );
    let key = AccessKey::new(
        AccessKeyId::parse(KEY_ID).unwrap(),
        SecretAccessKey::parse(SECRET).unwrap(),
    )
    .unwrap();
    let binding = plan.with_access_key(&instance, key).unwrap();
    binding
        .credentials(&instance.outputs(&dkim).unwrap())
        .unwrap()
        .to_json_with_secrets()
}

/// One `VCAP_SERVICES` entry, as Cloud Foundry writes it.
fn entry(name: &str, credentials: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "label": "aws-ses", "provider": null, "plan": "domain", "name": name,
        "tags": ["aws", "csb"], "instance_guid": "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "instance_name": name, "binding_guid": "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b",
        "binding_name": null, "credentials": credentials,
        "syslog_drain_url": null, "volume_mounts": []
    })
}

fn vcap_services() -> String {
    serde_json::json!({"aws-ses": [entry("my-ses", &credentials())]}).to_string()
}

fn expected_password() -> String {
    let secret = SecretAccessKey::parse(SECRET).unwrap();
    smtp::password(&secret, &REGION.parse::<Region>().unwrap())
        .expose_secret()
        .to_owned()
}

/// The example binary, built once per test run.
fn send_mail_binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        // This test runs from <target>/<profile>/deps/; build into the same <target>.
        let exe = std::env::current_exe().unwrap();
        let target = exe.ancestors().nth(3).unwrap().to_path_buf();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .args(["build", "--quiet", "--example", "send_mail", "--target-dir"])
            .arg(&target)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        // Cargo gives this test package variables (`CARGO_PKG_*`, `CARGO_MANIFEST_*`, ...)
        // that build scripts such as ring's watch: left in, the inner build would see them
        // changed and rebuild ring every time.
        for (key, _) in std::env::vars_os() {
            let key_text = key.to_string_lossy();
            if (key_text.starts_with("CARGO_") && key_text != "CARGO_HOME") || key_text == "OUT_DIR"
            {
                build.env_remove(&key);
            }
        }
        let status = build.status().unwrap();
        assert!(status.success(), "cargo build --example send_mail failed");
        let binary = target
            .join("debug")
            .join("examples")
            .join(format!("send_mail{}", std::env::consts::EXE_SUFFIX));
        assert!(binary.exists(), "no {}", binary.display());
        binary
    })
}

/// Runs the example with `VCAP_SERVICES` (or a file path) set, the arguments, and `stdin`.
fn run(env: &[(&str, &str)], args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(send_mail_binary());
    command
        .args(args)
        .env_remove("VCAP_SERVICES")
        .env_remove("VCAP_SERVICES_FILE_PATH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// What the server saw in one session.
#[derive(Debug, Default)]
struct Session {
    mechanism: String,
    user: String,
    password: String,
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

/// Accepts one connection on loopback and speaks just enough SMTP: it advertises AUTH with
/// the given mechanism, refuses MAIL before AUTH, and accepts one message.
fn smtp_server(mechanism: &'static str) -> (u16, JoinHandle<Session>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Neither waiting nor reading hangs the test: a client that never comes or goes
    // silent ends the session after 30 s.
    listener.set_nonblocking(true).unwrap();
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(30)))
                        .unwrap();
                    return serve(stream, mechanism);
                }
                Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                Err(_) => return Session::default(),
            }
        }
    });
    (port, handle)
}

fn serve(stream: TcpStream, mechanism: &str) -> Session {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    let mut session = Session::default();
    // A client that gives up (or speaks TLS to this plain server) closes or sends bytes
    // that are no text: both end the session (`None`).
    let mut say = |text: &str| {
        let _ = writer.write_all(format!("{text}\r\n").as_bytes());
    };
    let mut read = || {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(n) if n > 0 => Some(line.trim_end_matches(['\r', '\n']).to_owned()),
            _ => None,
        }
    };
    let decode = |text: &str| String::from_utf8(STANDARD.decode(text).unwrap()).unwrap();
    let mut authenticated = false;

    say("220 localhost ESMTP test server");
    while let Some(line) = read() {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            say("250-localhost");
            say(&format!("250-AUTH {mechanism}"));
            say("250 8BITMIME");
        } else if upper.starts_with("AUTH PLAIN") {
            session.mechanism = "PLAIN".to_owned();
            let initial = line.get("AUTH PLAIN".len()..).unwrap_or("").trim();
            let response = if initial.is_empty() {
                say("334 ");
                read().unwrap_or_default()
            } else {
                initial.to_owned()
            };
            let decoded = decode(&response);
            let parts: Vec<&str> = decoded.split('\0').collect();
            assert_eq!(
                parts.len(),
                3,
                "AUTH PLAIN is authzid NUL user NUL password"
            );
            session.user = parts[1].to_owned();
            session.password = parts[2].to_owned();
            authenticated = true;
            say("235 2.7.0 Authentication successful");
        } else if upper.starts_with("AUTH LOGIN") {
            session.mechanism = "LOGIN".to_owned();
            say(&format!("334 {}", STANDARD.encode("Username:")));
            session.user = decode(&read().unwrap_or_default());
            say(&format!("334 {}", STANDARD.encode("Password:")));
            session.password = decode(&read().unwrap_or_default());
            authenticated = true;
            say("235 2.7.0 Authentication successful");
        } else if upper.starts_with("MAIL FROM:") {
            if authenticated {
                session.mail_from = line["MAIL FROM:".len()..].to_owned();
                say("250 2.1.0 Ok");
            } else {
                say("530 5.7.0 Authentication required");
            }
        } else if upper.starts_with("RCPT TO:") {
            session.rcpt_to.push(line["RCPT TO:".len()..].to_owned());
            say("250 2.1.5 Ok");
        } else if upper == "DATA" {
            say("354 End data with <CR><LF>.<CR><LF>");
            while let Some(data_line) = read() {
                if data_line == "." {
                    break;
                }
                session.data.push_str(&data_line);
                session.data.push('\n');
            }
            say("250 2.0.0 Ok: queued");
        } else if upper == "QUIT" {
            say("221 2.0.0 Bye");
            return session;
        } else {
            say("250 Ok");
        }
    }
    session
}

/// The address inside `<...>` of a MAIL FROM or RCPT TO argument.
fn address(argument: &str) -> &str {
    let start = argument.find('<').unwrap() + 1;
    let end = argument.find('>').unwrap();
    &argument[start..end]
}

/// Runs the example against a fresh loopback server advertising `mechanisms`, with TLS
/// mode `tls` and the extra arguments; returns its output and what the server saw.
fn send_to_loopback(
    mechanisms: &'static str,
    tls: &str,
    extra: &[&str],
    stdin: &str,
) -> (Output, Session) {
    let (port, server) = smtp_server(mechanisms);
    let vcap = vcap_services();
    let port = port.to_string();
    let mut args = vec!["--server", "127.0.0.1", "--port", &port, "--tls", tls];
    args.extend_from_slice(extra);
    let output = run(&[("VCAP_SERVICES", &vcap)], &args, stdin);
    (output, server.join().unwrap())
}

fn send_through(mechanism: &'static str) {
    let (output, session) = send_to_loopback(
        mechanism,
        "none",
        &[
            "--from-local",
            "alerts",
            "--to",
            "someone@example.org",
            "--subject",
            "Hello",
        ],
        "Hello from the test.\n",
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stdout {stdout}\nstderr {stderr}");

    assert_eq!(session.mechanism, mechanism);
    assert_eq!(session.user, KEY_ID);
    assert_eq!(session.password, expected_password());
    assert_ne!(session.password, SECRET);
    // At the identity domain, not the MAIL FROM domain `mail.agency.gov` (`domain`).
    assert_eq!(address(&session.mail_from), "alerts@agency.gov");
    assert_eq!(session.rcpt_to.len(), 1);
    assert_eq!(address(&session.rcpt_to[0]), "someone@example.org");
    assert!(session.data.contains("Subject: Hello"), "{}", session.data);
    assert!(
        session.data.contains("From: alerts@agency.gov"),
        "{}",
        session.data
    );
    assert!(
        session.data.contains("Hello from the test."),
        "{}",
        session.data
    );
    assert!(
        stdout.starts_with("sent from alerts@agency.gov"),
        "{stdout}"
    );
    for secret in [SECRET, expected_password().as_str()] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
}

#[test]
fn sends_with_auth_plain_as_the_access_key_and_derived_password() {
    send_through("PLAIN");
}

#[test]
fn sends_with_auth_login_as_the_access_key_and_derived_password() {
    send_through("LOGIN");
}

#[test]
fn dry_run_shows_the_route_and_no_secret() {
    let vcap = vcap_services();
    let output = run(
        &[("VCAP_SERVICES", &vcap)],
        &["--dry-run", "--to", "someone@example.org"],
        "",
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    for expected in [
        "server    email-smtp-fips.us-gov-west-1.amazonaws.com",
        "port      587",
        "tls       starttls",
        &format!("user      {KEY_ID}"),
        "from      no-reply@agency.gov",
        "to        someone@example.org",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} missing from\n{stdout}"
        );
    }
    for secret in [SECRET, expected_password().as_str()] {
        assert!(!stdout.contains(secret), "a secret in\n{stdout}");
        assert!(!String::from_utf8_lossy(&output.stderr).contains(secret));
    }

    let implicit = run(
        &[("VCAP_SERVICES", &vcap)],
        &["--dry-run", "--tls", "implicit", "--to", "a@example.org"],
        "",
    );
    let stdout = String::from_utf8_lossy(&implicit.stdout);
    assert!(stdout.contains("port      465"), "{stdout}");
    assert!(stdout.contains("tls       implicit"), "{stdout}");
}

#[test]
fn reads_the_file_vcap_services_file_path_names_and_picks_a_service_by_name() {
    let credentials = credentials();
    let vcap = serde_json::json!({"aws-ses": [entry("first", &credentials), entry("second", &credentials)]})
        .to_string();
    let path = std::env::temp_dir().join(format!("send_mail-vcap-{}.json", std::process::id()));
    std::fs::write(&path, vcap).unwrap();
    let path_text = path.to_str().unwrap();

    let named = run(
        &[("VCAP_SERVICES_FILE_PATH", path_text)],
        &["--dry-run", "--service", "second", "--to", "a@example.org"],
        "",
    );
    let stdout = String::from_utf8_lossy(&named.stdout);
    assert!(named.status.success(), "{stdout}");
    assert!(stdout.contains("binding   second"), "{stdout}");

    // Two bindings and no --service: the library's error says so; exit 1.
    let ambiguous = run(
        &[("VCAP_SERVICES_FILE_PATH", path_text)],
        &["--dry-run", "--to", "a@example.org"],
        "",
    );
    std::fs::remove_file(&path).unwrap();
    assert_eq!(ambiguous.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&ambiguous.stderr).contains("VCAP_SERVICES"));
}

#[test]
fn refuses_plaintext_to_a_remote_server_and_bad_usage() {
    let vcap = vcap_services();
    let remote = run(
        &[("VCAP_SERVICES", &vcap)],
        &["--dry-run", "--tls", "none", "--to", "a@example.org"],
        "",
    );
    assert_eq!(remote.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&remote.stderr).contains("loopback"));

    let no_to = run(&[("VCAP_SERVICES", &vcap)], &["--dry-run"], "");
    assert_eq!(no_to.status.code(), Some(2));

    let bad_local = run(
        &[("VCAP_SERVICES", &vcap)],
        &["--dry-run", "--from-local", "a b", "--to", "a@example.org"],
        "",
    );
    assert_eq!(bad_local.status.code(), Some(2));

    let unbound = run(&[], &["--dry-run", "--to", "a@example.org"], "");
    assert_eq!(unbound.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unbound.stderr).contains("VCAP_SERVICES"));
}

/// The README's command runs the example on `examples/vcap_services.sample.json`: it must be
/// exactly what the library makes today. `UPDATE_SAMPLE=1 cargo test --test send_mail`
/// rewrites it after a deliberate change.
#[test]
fn the_sample_vcap_services_file_is_current_and_runs() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/vcap_services.sample.json");
    let expected = serde_json::json!({"aws-ses": [entry("my-ses", &credentials())]});
    if std::env::var_os("UPDATE_SAMPLE").is_some() {
        let text = serde_json::to_string_pretty(&expected).unwrap();
        std::fs::write(&path, format!("{text}\n")).unwrap();
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let actual: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        actual, expected,
        "rerun with UPDATE_SAMPLE=1 after a deliberate change"
    );

    let output = run(
        &[("VCAP_SERVICES_FILE_PATH", path.to_str().unwrap())],
        &["--dry-run", "--to", "you@example.org"],
        "",
    );
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("from      no-reply@agency.gov"));
}

/// With TLS asked for (the default, STARTTLS, or implicit TLS) and a server that cannot do
/// it, nothing is authenticated in the clear: the example fails before AUTH.
#[test]
fn never_authenticates_in_the_clear_when_tls_was_asked_for() {
    for tls in ["starttls", "implicit"] {
        // The server advertises no STARTTLS and speaks no TLS.
        let (output, session) = send_to_loopback(
            "PLAIN LOGIN",
            tls,
            &["--to", "a@example.org", "--body", "x"],
            "",
        );
        assert_eq!(output.status.code(), Some(1), "{tls}");
        assert!(
            session.user.is_empty() && session.password.is_empty(),
            "{tls}: {session:?}"
        );
    }
}
