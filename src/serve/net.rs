//! The network edge: hyper's HTTP/1.1 server on a small tokio runtime,
//! every read bounded before anything else runs.
//!
//! - the request line and headers: at most [`MAX_HEAD_BYTES`] and 100
//!   header lines (hyper answers 431 beyond), within [`HEAD_TIMEOUT`];
//! - the body: at most [`super::http::MAX_BODY_BYTES`], within
//!   [`BODY_TIMEOUT`], and read only after the request passed its checks
//!   (Host, token, Origin) — an unauthenticated client cannot make the
//!   server buffer anything;
//! - connections: at most [`MAX_CONNECTIONS`] at once and
//!   [`MAX_PER_CLIENT`] from one address; a connection lives at most
//!   [`CONNECTION_LIFETIME`];
//! - the work: file and document work runs on the blocking pool; the
//!   heavy kinds (documents, comparisons, imports, archive) at most
//!   [`HEAVY_AT_ONCE`] at a time, so the page's own requests (the list,
//!   a report, a save, the page's files) are never queued behind them.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::Semaphore;

use super::http::{self, Gate, Outcome, Resp};
use super::state::State;

/// Request line and headers together.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Time to send the request line and headers.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(15);
/// Time to send the body (32 MB at ~0.5 MB/s).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(60);
/// Time for the work of one request before 503.
pub const WORK_TIMEOUT: Duration = Duration::from_secs(120);
/// Open connections at once.
pub const MAX_CONNECTIONS: usize = 256;
/// Open connections from one client address (a browser opens ~6; the
/// local mode's every client is 127.0.0.1).
pub const MAX_PER_CLIENT: usize = 64;
/// A connection's whole life (keep-alive included).
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(300);
/// Heavy requests worked on at once.
pub const HEAVY_AT_ONCE: usize = 2;

struct Shared {
    state: State,
    heavy: Arc<Semaphore>,
    clients: Mutex<HashMap<IpAddr, usize>>,
}

/// Time for a TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `listener` (over TLS with `tls`) until the process ends.
pub fn run(
    listener: std::net::TcpListener,
    state: State,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(32)
        .enable_io()
        .enable_time()
        .build()?;
    let shared =
        Arc::new(Shared { state, heavy: Arc::new(Semaphore::new(HEAVY_AT_ONCE)), clients: Mutex::new(HashMap::new()) });
    let tls = tls.map(tokio_rustls::TlsAcceptor::from);
    rt.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(x) => x,
                Err(_) => {
                    // Out of file descriptors and the like: wait, go on.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Ok(permit) = connections.clone().try_acquire_owned() else { continue };
            let ip = peer.ip();
            // A trusted reverse proxy carries every client: only the
            // overall bound applies to it (the proxy bounds its clients).
            if !is_trusted_proxy(&shared, ip) && !admit(&shared, ip) {
                continue;
            }
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let serve = async {
                    match tls {
                        Some(acceptor) => {
                            let Ok(Ok(stream)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                            else {
                                return;
                            };
                            connection(&shared, stream, ip).await;
                        }
                        None => connection(&shared, stream, ip).await,
                    }
                };
                let _ = tokio::time::timeout(CONNECTION_LIFETIME, serve).await;
                if !is_trusted_proxy(&shared, ip) {
                    leave(&shared, ip);
                }
                drop(permit);
            });
        }
    })
}

/// One connection's requests, over plain TCP or TLS.
async fn connection<IO>(shared: &Arc<Shared>, io: IO, peer: IpAddr)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc_shared = shared.clone();
    let svc = service_fn(move |req| answer(svc_shared.clone(), req, peer));
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), svc);
    let _ = conn.await;
}

fn is_trusted_proxy(shared: &Shared, ip: IpAddr) -> bool {
    matches!(shared.state.mode, super::state::Mode::Office { trusted_proxy: Some(p), .. } if p == ip)
}

fn admit(shared: &Shared, ip: IpAddr) -> bool {
    let mut clients = shared.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let n = clients.entry(ip).or_insert(0);
    if *n >= MAX_PER_CLIENT {
        return false;
    }
    *n += 1;
    true
}

fn leave(shared: &Shared, ip: IpAddr) {
    let mut clients = shared.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(n) = clients.get_mut(&ip) {
        *n -= 1;
        if *n == 0 {
            clients.remove(&ip);
        }
    }
}

async fn answer(
    shared: Arc<Shared>,
    req: hyper::Request<Incoming>,
    peer: IpAddr,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let gated = {
        let shared = shared.clone();
        // The gate may look a session up in the database: off the async
        // threads.
        tokio::task::spawn_blocking(move || http::gate(&shared.state, &parts, peer)).await
    };
    let resp = match gated.unwrap_or_else(|_| Gate::Answer(http::error(500, "Внутренняя ошибка сервера")))
    {
        Gate::Answer(resp) => resp,
        Gate::Pass(pass) => match read_body(body, pass.wants_body()).await {
            Err(resp) => resp,
            Ok(bytes) => work(&shared, pass, bytes).await,
        },
    };
    Ok(http::finish(&shared.state, resp))
}

/// The body, bounded in size and time.
async fn read_body(body: Incoming, wanted: bool) -> Result<Vec<u8>, Resp> {
    if !wanted {
        return Ok(Vec::new());
    }
    // A declared length over the limit is refused before anything is read.
    if hyper::body::Body::size_hint(&body).lower() > http::MAX_BODY_BYTES as u64 {
        return Err(http::too_big());
    }
    let limited = Limited::new(body, http::MAX_BODY_BYTES);
    match tokio::time::timeout(BODY_TIMEOUT, limited.collect()).await {
        Err(_) => Err(http::error(408, "Запрос не получен целиком вовремя: отправьте его снова")),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => Err(http::too_big()),
        Ok(Err(_)) => Err(http::error(400, "Тело запроса не прочитано")),
        Ok(Ok(collected)) => Ok(collected.to_bytes().to_vec()),
    }
}

/// Runs the request's work off the async threads. Heavy work waits for
/// its own permits (held by the work itself, so a request abandoned by
/// its client still counts until its work ends), never for the light
/// requests'. A light request (a save among them) is always answered
/// with what its work did.
async fn work(shared: &Arc<Shared>, pass: http::Pass, body: Vec<u8>) -> Resp {
    let heavy = pass.heavy();
    let permit = if heavy {
        match tokio::time::timeout(WORK_TIMEOUT, shared.heavy.clone().acquire_owned()).await {
            Ok(Ok(p)) => Some(p),
            _ => return http::error(503, "Сервер занят подготовкой других документов: повторите через минуту"),
        }
    } else {
        None
    };
    let shared2 = shared.clone();
    let job = tokio::task::spawn_blocking(move || {
        let out = http::respond(&shared2.state, pass, &body);
        drop(permit);
        out
    });
    let done = if heavy {
        match tokio::time::timeout(WORK_TIMEOUT, job).await {
            Ok(done) => done,
            Err(_) => return http::error(503, "Документ готовится слишком долго: повторите позже"),
        }
    } else {
        job.await
    };
    match done {
        Ok(Outcome(resp)) => resp,
        Err(_) => http::error(500, "Внутренняя ошибка сервера: запрос не выполнен"),
    }
}
