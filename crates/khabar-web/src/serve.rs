//! The accept loop: HTTP/1.1 and HTTP/2 (h2c) on one port, with the
//! limits of [`Limits`] on what one client can hold — a head sent slowly,
//! a silent connection, too many connections from one address or in all.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::Request;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::App;
use crate::limits::{Limits, PerKey};

/// Serves until `shutdown` completes, then stops accepting connections and
/// lets requests in flight finish. Dropping the returned future (the
/// caller's grace period ran out) cuts every connection still open.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let limits = app.limits.clone();
    let trusted = app.trusted_proxies.clone();
    let router = crate::router(app);
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout())
        .keep_alive(true);
    builder.http2().timer(TokioTimer::new());
    let builder = Arc::new(builder);
    // At the cap the loop stops accepting: new connections wait in the
    // kernel's queue (and then are refused by it) instead of costing a
    // file descriptor each.
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = PerKey::<IpAddr>::new(limits.connections_per_address);
    let (stop, stopping) = watch::channel(false);
    let upkeep = tokio::spawn(crate::http::metrics::upkeep(stopping.clone()));
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit.map_err(io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before
                    // it was accepted: wait a little rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
            // Reap finished connections so the set stays the open ones.
            Some(_) = connections.join_next() => continue,
        };
        let held = if trusted.contains(&peer.ip()) {
            None
        } else {
            match per_address.take(peer.ip()) {
                Some(held) => Some(held),
                None => {
                    tracing::debug!(%peer, "too many connections from one address; closed");
                    continue;
                }
            }
        };
        let connection = Connection {
            builder: builder.clone(),
            router: router.clone(),
            peer,
            limits: limits.clone(),
            stopping: stopping.clone(),
        };
        connections.spawn(async move {
            let open = crate::http::metrics::ConnectionOpen::new();
            connection.run(stream).await;
            drop((permit, held, open));
        });
    }
    drop(listener);
    let _ = stop.send(true);
    while connections.join_next().await.is_some() {}
    let _ = upkeep.await;
    Ok(())
}

struct Connection {
    builder: Arc<auto::Builder<TokioExecutor>>,
    router: Router,
    peer: SocketAddr,
    limits: Limits,
    stopping: watch::Receiver<bool>,
}

impl Connection {
    async fn run(mut self, stream: TcpStream) {
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Watched {
            inner: stream,
            activity: activity.clone(),
        });
        let service = TowerToHyperService::new(WithPeer {
            router: self.router.clone(),
            peer: self.peer,
            activity: activity.clone(),
        });
        let connection = self.builder.serve_connection(io, service);
        tokio::pin!(connection);
        let first_head_by = activity.started + self.limits.header_timeout();
        let idle = self.limits.idle_timeout();
        let mut stopping = false;
        loop {
            // Until a first request arrives the head timeout applies (the
            // HTTP/1.1 parser has its own, but not the HTTP/2 handshake
            // nor the sniffing of which protocol it is); then silence.
            let deadline = if activity.served.load(Ordering::Relaxed) {
                activity.last() + idle
            } else {
                first_head_by.min(activity.last() + idle)
            };
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(peer = %self.peer, %error, "connection ended");
                    }
                    return;
                }
                changed = self.stopping.changed(), if !stopping => {
                    stopping = true;
                    if changed.is_ok() {
                        connection.as_mut().graceful_shutdown();
                    }
                }
                () = tokio::time::sleep_until(deadline) => {
                    let now = Instant::now();
                    let silent = now >= activity.last() + idle;
                    let no_head = !activity.served.load(Ordering::Relaxed) && now >= first_head_by;
                    if silent || no_head {
                        tracing::debug!(peer = %self.peer, silent, no_head, "connection closed by timeout");
                        return;
                    }
                }
            }
        }
    }
}

/// When a connection last moved a byte, and whether it sent a request.
struct Activity {
    started: Instant,
    /// Milliseconds after `started`.
    last_ms: AtomicU64,
    served: AtomicBool,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            started: Instant::now(),
            last_ms: AtomicU64::new(0),
            served: AtomicBool::new(false),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.started + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }
}

/// The socket, noting each byte read or written.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The router, with the peer's address in each request (`ConnectInfo`,
/// which the client-address logic reads) and the connection told that a
/// request arrived.
#[derive(Clone)]
struct WithPeer {
    router: Router,
    peer: SocketAddr,
    activity: Arc<Activity>,
}

impl<B> tower::Service<Request<B>> for WithPeer
where
    Router: tower::Service<Request<B>, Response = axum::response::Response, Error = Infallible>,
{
    type Response = axum::response::Response;
    type Error = Infallible;
    type Future = <Router as tower::Service<Request<B>>>::Future;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        self.activity.served.store(true, Ordering::Relaxed);
        request.extensions_mut().insert(ConnectInfo(self.peer));
        self.router.call(request)
    }
}
