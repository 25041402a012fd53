//! Connections under abuse: a listener for `axum::serve` that caps how many connections are
//! open at once, closes connections that sit idle or send their headers too slowly, and, when
//! the cap is reached, makes room by closing the longest-idle connection rather than letting
//! a flood of idle sockets stop the service.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// How long a connection may wait between requests without sending anything.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a request's headers may take to arrive once started (or from the accept).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// At most this many connections are open at once.
pub const MAX_CONNECTIONS: usize = 512;

const AWAITING: u8 = 0;
const HEAD: u8 = 1;
const BUSY: u8 = 2;

/// What the listener knows about one open connection.
struct Entry {
    /// `AWAITING` a request, reading its `HEAD`, or `BUSY` with one (never evicted).
    phase: AtomicU8,
    since: Mutex<Instant>,
    evicted: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Entry {
    fn set_phase(&self, phase: u8) {
        if self.phase.swap(phase, Ordering::Relaxed) != phase
            && let Ok(mut since) = self.since.lock()
        {
            *since = Instant::now();
        }
    }

    fn since(&self) -> Instant {
        self.since.lock().map_or_else(|_| Instant::now(), |s| *s)
    }

    fn evict(&self) {
        self.evicted.store(true, Ordering::Relaxed);
        if let Some(w) = self.waker.lock().ok().and_then(|mut w| w.take()) {
            w.wake();
        }
    }
}

/// A TCP listener with the limits above.
pub struct GuardedListener {
    inner: TcpListener,
    open: Arc<Mutex<Vec<Weak<Entry>>>>,
    max: usize,
    idle: Duration,
    header: Duration,
}

impl GuardedListener {
    /// Wraps a bound listener with the default limits.
    pub fn new(inner: TcpListener) -> Self {
        GuardedListener {
            inner,
            open: Arc::default(),
            max: MAX_CONNECTIONS,
            idle: IDLE_TIMEOUT,
            header: HEADER_TIMEOUT,
        }
    }

    /// Waits until a connection may be opened: below the cap, or after closing the
    /// connection that has waited longest for a request.
    async fn make_room(&self) {
        loop {
            let victim = {
                let Ok(mut open) = self.open.lock() else {
                    return;
                };
                open.retain(|w| w.strong_count() > 0);
                if open.len() < self.max {
                    return;
                }
                open.iter()
                    .filter_map(Weak::upgrade)
                    .filter(|e| {
                        e.phase.load(Ordering::Relaxed) != BUSY
                            && !e.evicted.load(Ordering::Relaxed)
                    })
                    .min_by_key(|e| e.since())
            };
            match victim {
                Some(e) => {
                    e.evict();
                    tracing::debug!("sandbox at its connection cap: closed the longest-idle one");
                    return;
                }
                // Every connection is busy with a request: wait for one to finish.
                None => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }
}

impl axum::serve::Listener for GuardedListener {
    type Io = GuardedStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        self.make_room().await;
        let (stream, addr) = loop {
            match self.inner.accept().await {
                Ok(pair) => break pair,
                // Out of file descriptors and the like: back off instead of spinning.
                Err(e) => {
                    tracing::warn!(error = %e, "sandbox accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        };
        let entry = Arc::new(Entry {
            phase: AtomicU8::new(HEAD),
            since: Mutex::new(Instant::now()),
            evicted: AtomicBool::new(false),
            waker: Mutex::new(None),
        });
        if let Ok(mut open) = self.open.lock() {
            open.push(Arc::downgrade(&entry));
        }
        let deadline = Instant::now() + self.header;
        let io = GuardedStream {
            inner: stream,
            entry,
            tail: [0; 3],
            timer: Box::pin(tokio::time::sleep_until(deadline)),
            idle: self.idle,
            header: self.header,
        };
        (io, addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection that ends when it idles, dawdles over its headers, or is evicted.
pub struct GuardedStream {
    inner: TcpStream,
    entry: Arc<Entry>,
    /// The last three bytes read, to find the `\r\n\r\n` ending a request head across reads.
    tail: [u8; 3],
    timer: Pin<Box<Sleep>>,
    idle: Duration,
    header: Duration,
}

impl GuardedStream {
    /// Follows the request cycle through the bytes read: a head starts with the first byte
    /// after a response and ends at a blank line.
    fn saw(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let now = Instant::now();
        if self.entry.phase.load(Ordering::Relaxed) == AWAITING {
            self.entry.set_phase(HEAD);
            self.timer.as_mut().reset(now + self.header);
        }
        if self.entry.phase.load(Ordering::Relaxed) == HEAD {
            let mut window = self.tail.to_vec();
            window.extend_from_slice(&bytes[..bytes.len().min(8192)]);
            let ended = window.windows(4).any(|w| w == b"\r\n\r\n")
                || bytes.windows(4).any(|w| w == b"\r\n\r\n");
            if ended {
                self.entry.set_phase(BUSY);
            }
        }
        if self.entry.phase.load(Ordering::Relaxed) == BUSY {
            self.timer.as_mut().reset(now + self.idle);
        }
        let n = bytes.len();
        if n >= 3 {
            self.tail.copy_from_slice(&bytes[n - 3..]);
        } else {
            self.tail.rotate_left(n);
            self.tail[3 - n..].copy_from_slice(bytes);
        }
    }
}

impl AsyncRead for GuardedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.entry.evicted.load(Ordering::Relaxed) {
            // End of stream: hyper closes an idle connection quietly.
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let read = buf.filled()[before..].to_vec();
                self.saw(&read);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                if let Ok(mut w) = self.entry.waker.lock() {
                    *w = Some(cx.waker().clone());
                }
                if self.timer.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "idle or too slow sending its headers",
                    )));
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write(cx, data);
        if let Poll::Ready(Ok(n)) = &written
            && *n > 0
        {
            // A response is going out: the next request may take its time to start.
            self.entry.set_phase(AWAITING);
            let deadline = Instant::now() + self.idle;
            self.timer.as_mut().reset(deadline);
        }
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = &written
            && *n > 0
        {
            self.entry.set_phase(AWAITING);
            let deadline = Instant::now() + self.idle;
            self.timer.as_mut().reset(deadline);
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream_parts() -> (Arc<Entry>, [u8; 3]) {
        let e = Arc::new(Entry {
            phase: AtomicU8::new(HEAD),
            since: Mutex::new(Instant::now()),
            evicted: AtomicBool::new(false),
            waker: Mutex::new(None),
        });
        (e, [0; 3])
    }

    #[tokio::test]
    async fn a_head_split_across_reads_is_found() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = TcpStream::connect(addr).await.unwrap();
        let (inner, _) = listener.accept().await.unwrap();
        let (entry, tail) = stream_parts();
        let mut s = GuardedStream {
            inner,
            entry: entry.clone(),
            tail,
            timer: Box::pin(tokio::time::sleep(HEADER_TIMEOUT)),
            idle: IDLE_TIMEOUT,
            header: HEADER_TIMEOUT,
        };
        s.saw(b"GET / HTTP/1.1\r\nhost: x\r");
        assert_eq!(entry.phase.load(Ordering::Relaxed), HEAD);
        s.saw(b"\n");
        s.saw(b"\r");
        assert_eq!(entry.phase.load(Ordering::Relaxed), HEAD);
        s.saw(b"\n");
        assert_eq!(entry.phase.load(Ordering::Relaxed), BUSY);
    }
}
