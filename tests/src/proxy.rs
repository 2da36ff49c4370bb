//! A fault-injecting HTTP proxy on loopback, between devices and the server. Each request is
//! passed, delayed, dropped before or after the server saw it, answered with a truncated
//! response, delivered twice, or held and delivered again later (after newer requests), as a
//! seeded generator decides. It also counts the bytes that cross it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zhifa_core::random::SeededRng;

/// Fault rates, in parts per million of requests.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    pub drop_request: u32,
    pub drop_response: u32,
    pub truncate: u32,
    pub duplicate: u32,
    pub delay: u32,
    pub replay_later: u32,
}

impl Faults {
    pub const NONE: Faults = Faults {
        drop_request: 0,
        drop_response: 0,
        truncate: 0,
        duplicate: 0,
        delay: 0,
        replay_later: 0,
    };

    /// Roughly one request in three goes wrong one way or another.
    pub const HARSH: Faults = Faults {
        drop_request: 60_000,
        drop_response: 80_000,
        truncate: 60_000,
        duplicate: 60_000,
        delay: 80_000,
        replay_later: 40_000,
    };
}

#[derive(Default)]
pub struct Counters {
    pub requests: AtomicU64,
    pub bytes_up: AtomicU64,
    pub bytes_down: AtomicU64,
    pub faults: AtomicU64,
}

pub struct FaultProxy {
    pub address: SocketAddr,
    pub counters: Arc<Counters>,
    stop: Arc<AtomicBool>,
}

struct Shared {
    upstream: SocketAddr,
    faults: Faults,
    rng: Mutex<SeededRng>,
    held: Mutex<Vec<Vec<u8>>>,
    counters: Arc<Counters>,
}

impl FaultProxy {
    pub fn start(upstream: SocketAddr, faults: Faults, seed: u64) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let address = listener.local_addr().expect("address");
        let counters = Arc::new(Counters::default());
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            upstream,
            faults,
            rng: Mutex::new(SeededRng::new(seed)),
            held: Mutex::new(Vec::new()),
            counters: counters.clone(),
        });
        let stopping = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
        });
        FaultProxy {
            address,
            counters,
            stop,
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn bytes(&self) -> u64 {
        self.counters.bytes_up.load(Ordering::Relaxed)
            + self.counters.bytes_down.load(Ordering::Relaxed)
    }

    pub fn requests(&self) -> u64 {
        self.counters.requests.load(Ordering::Relaxed)
    }

    pub fn reset_counters(&self) {
        self.counters.requests.store(0, Ordering::Relaxed);
        self.counters.bytes_up.store(0, Ordering::Relaxed);
        self.counters.bytes_down.store(0, Ordering::Relaxed);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.address);
    }
}

/// Reads one HTTP/1.1 request (headers and a Content-Length body).
fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let header_end = loop {
        if let Some(at) = find(&buffer, b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    // One request per upstream connection: the server closes after answering.
    let mut request = buffer[..header_end - 2].to_vec();
    request.extend_from_slice(b"connection: close\r\n\r\n");
    request.extend_from_slice(&buffer[header_end..header_end + length]);
    Some(request)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn forward(upstream: SocketAddr, request: &[u8]) -> Option<Vec<u8>> {
    let mut stream = TcpStream::connect_timeout(&upstream, Duration::from_secs(5)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    stream.write_all(request).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    (!response.is_empty()).then_some(response)
}

enum Fault {
    None,
    DropRequest,
    DropResponse,
    Truncate,
    Duplicate,
    Delay(u64),
    ReplayLater,
}

fn choose(shared: &Shared) -> Fault {
    let mut rng = shared.rng.lock().unwrap_or_else(|p| p.into_inner());
    let f = shared.faults;
    if rng.chance(f.drop_request) {
        Fault::DropRequest
    } else if rng.chance(f.drop_response) {
        Fault::DropResponse
    } else if rng.chance(f.truncate) {
        Fault::Truncate
    } else if rng.chance(f.duplicate) {
        Fault::Duplicate
    } else if rng.chance(f.delay) {
        Fault::Delay(20 + rng.below(300) as u64)
    } else if rng.chance(f.replay_later) {
        Fault::ReplayLater
    } else {
        Fault::None
    }
}

fn serve(mut client: TcpStream, shared: &Shared) -> Option<()> {
    let request = read_request(&mut client)?;
    let counters = &shared.counters;
    counters.requests.fetch_add(1, Ordering::Relaxed);
    // Counted as the device sent it, without the `connection: close` line added above.
    const ADDED: u64 = b"connection: close\r\n".len() as u64;
    counters
        .bytes_up
        .fetch_add(request.len() as u64 - ADDED, Ordering::Relaxed);
    let fault = choose(shared);
    if !matches!(fault, Fault::None) {
        counters.faults.fetch_add(1, Ordering::Relaxed);
    }
    // Requests held earlier arrive now, after newer ones: out of order, and replayed.
    let held: Vec<Vec<u8>> =
        std::mem::take(&mut *shared.held.lock().unwrap_or_else(|p| p.into_inner()));
    let response = match fault {
        Fault::DropRequest => return None,
        Fault::Delay(ms) => {
            std::thread::sleep(Duration::from_millis(ms));
            forward(shared.upstream, &request)
        }
        Fault::Duplicate => {
            let first = forward(shared.upstream, &request);
            let _ = forward(shared.upstream, &request);
            first
        }
        Fault::ReplayLater => {
            shared
                .held
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(request.clone());
            forward(shared.upstream, &request)
        }
        _ => forward(shared.upstream, &request),
    };
    for old in held {
        let _ = forward(shared.upstream, &old);
    }
    let response = response?;
    counters
        .bytes_down
        .fetch_add(response.len() as u64, Ordering::Relaxed);
    match fault {
        Fault::DropResponse => None,
        Fault::Truncate => {
            let _ = client.write_all(&response[..response.len() / 2]);
            None
        }
        _ => client.write_all(&response).ok(),
    }
}
