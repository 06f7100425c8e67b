//! A recording forwarder between the SDK and moto: every request it passes on, with the
//! status moto answered, so a test sees what went over the wire even for a call moto does
//! not serve. moto's own request recorder cannot show those: it records only requests that
//! reach one of its handlers, and an unknown route is refused before that.
//!
//! A test can also make it answer some requests itself ([`Wire::intercept`]), as AWS would
//! when it throttles, without passing them on.
//!
//! HTTP/1.1 with `Content-Length` bodies (what the AWS SDK sends and moto answers), one
//! upstream connection per request.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};

/// One request passed on, and moto's answer's status.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) body: Vec<u8>,
    pub(crate) status: u16,
}

/// Answers a request (method, path, body) with a whole raw HTTP response instead of passing
/// it on; `None` passes it on.
pub(crate) type Interceptor = dyn Fn(&str, &str, &[u8]) -> Option<Vec<u8>> + Send + Sync;

/// What the connections share: the log, and the interceptor in force.
#[derive(Default)]
struct Shared {
    log: Mutex<Vec<Exchange>>,
    intercept: Mutex<Option<Arc<Interceptor>>>,
}

/// The forwarder: listens on a loopback port, passes everything on to moto.
pub(crate) struct Wire {
    url: String,
    shared: Arc<Shared>,
}

/// One HTTP message: the start line, the head as received, and the body.
struct Message {
    start: String,
    head: Vec<u8>,
    body: Vec<u8>,
    close: bool,
}

/// Reads one message; `None` at the end of the stream. A response without
/// `Content-Length` runs to the end of the stream.
fn read_message(reader: &mut BufReader<TcpStream>, response: bool) -> Option<Message> {
    let mut head = Vec::new();
    let mut start = String::new();
    let mut length = None;
    let mut close = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        head.extend_from_slice(line.as_bytes());
        let text = line.trim_end();
        if text.is_empty() {
            break;
        }
        if start.is_empty() {
            start = text.to_owned();
            continue;
        }
        let (name, value) = text.split_once(':').unwrap_or((text, ""));
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        match name.as_str() {
            "content-length" => length = value.parse::<usize>().ok(),
            "connection" => close = value.eq_ignore_ascii_case("close"),
            "transfer-encoding" => panic!("the forwarder reads no chunked bodies: {start}"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            reader.read_exact(&mut body).ok()?;
        }
        None if response => {
            reader.read_to_end(&mut body).ok()?;
            close = true;
        }
        None => {}
    }
    Some(Message {
        start,
        head,
        body,
        close,
    })
}

/// The status of a response's start line (`HTTP/1.1 429 Too Many Requests`).
fn status_of(start: &str) -> u16 {
    start
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Passes the requests of one client connection on to `upstream`, one by one, or answers
/// them through the interceptor in force.
fn serve(client: TcpStream, upstream: &str, shared: &Shared) {
    let Ok(mut writer) = client.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(client);
    while let Some(request) = read_message(&mut reader, false) {
        let mut words = request.start.split(' ');
        let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let intercept = shared
            .intercept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let canned = intercept.and_then(|f| f(method, path, &request.body));
        let (status, head, body, close) = if let Some(raw) = canned {
            let start = String::from_utf8_lossy(&raw)
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned();
            (status_of(&start), raw, Vec::new(), false)
        } else {
            let mut server = TcpStream::connect(upstream).unwrap();
            server.write_all(&request.head).unwrap();
            server.write_all(&request.body).unwrap();
            let Some(response) = read_message(&mut BufReader::new(server), true) else {
                return;
            };
            (
                status_of(&response.start),
                response.head,
                response.body,
                response.close,
            )
        };
        shared
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Exchange {
                method: method.to_owned(),
                path: path.to_owned(),
                body: request.body.clone(),
                status,
            });
        if writer.write_all(&head).is_err() || writer.write_all(&body).is_err() {
            return;
        }
        if close || request.close {
            return;
        }
    }
}

impl Wire {
    /// A forwarder to `endpoint` (`http://HOST:PORT`).
    pub(crate) fn start(endpoint: &str) -> Self {
        let upstream = endpoint
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared::default());
        let connections = Arc::clone(&shared);
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                let (upstream, shared) = (upstream.clone(), Arc::clone(&connections));
                std::thread::spawn(move || serve(client, &upstream, &shared));
            }
        });
        Self { url, shared }
    }

    /// Answers what `interceptor` answers from now on (`None`: pass everything on again).
    pub(crate) fn intercept(&self, interceptor: Option<Arc<Interceptor>>) {
        *self
            .shared
            .intercept
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = interceptor;
    }

    /// Where to send requests.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Everything passed on so far.
    pub(crate) fn exchanges(&self) -> Vec<Exchange> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
