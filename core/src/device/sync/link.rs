//! The session's only way out: it never touches a socket or a clock's sleep. Written as plain
//! sequential `async` code, the session awaits its `Link` for every request and every pause;
//! whoever drives it (`SessionRun::step`) takes what the session asked for, does it, and
//! feeds back the result. The thin blocking loop over a `Transport` is `drive`; tests feed
//! scripted replies (every fault included) through the same `step`, with no server at all.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::MutexGuard;
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::Duration;

use crate::sync::{Request, Response, Transport};

/// The longest pause the session takes by itself when the server asks it to slow down
/// (429 with `retry_after`): a phone waits that long with the progress shown; a longer limit
/// ends the sync with `SyncError::RateLimited`, and the next sync resumes.
pub(super) const MAX_RATE_PAUSE: Duration = Duration::from_secs(30);

/// The pause before retrying a request refused for its rate, or `None` to stop: the server's
/// `retry_after` (seconds) while attempts remain and it is no longer than `MAX_RATE_PAUSE`.
pub(super) fn rate_limit_pause(retry_after: u64, attempt: u32, attempts: u32) -> Option<Duration> {
    let pause = Duration::from_secs(retry_after.max(1));
    (attempt < attempts && pause <= MAX_RATE_PAUSE).then_some(pause)
}

/// What the session asks of its driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Io {
    /// Send this request; answer with `Fed::Response`.
    Send(Request),
    /// Pause before the next attempt; answer with `Fed::Waited`.
    Wait(Duration),
}

/// What the driver feeds back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fed {
    /// The response, or why none arrived (offline, timeout, connection lost).
    Response(Result<Response, String>),
    Waited,
}

/// Where the session and its driver meet: one request out, one result in.
#[derive(Default)]
enum Slot {
    #[default]
    Idle,
    Out(Io),
    In(Fed),
}

#[derive(Clone, Default)]
pub(super) struct Link(Rc<RefCell<Slot>>);

impl Link {
    /// Sends a request and waits for the driver's answer.
    pub(super) async fn send(&self, request: Request) -> Result<Response, String> {
        match self.ask(Io::Send(request)).await {
            Fed::Response(response) => response,
            Fed::Waited => Err("the driver answered a request with a pause".into()),
        }
    }

    /// Pauses for `pause` (the driver decides how: a real sleep, or none in a test).
    pub(super) async fn wait(&self, pause: Duration) {
        self.ask(Io::Wait(pause)).await;
    }

    fn ask(&self, io: Io) -> Asked<'_> {
        *self.0.borrow_mut() = Slot::Out(io);
        Asked(self)
    }

    fn take_out(&self) -> Option<Io> {
        let mut slot = self.0.borrow_mut();
        match std::mem::take(&mut *slot) {
            Slot::Out(io) => Some(io),
            other => {
                *slot = other;
                None
            }
        }
    }

    fn feed(&self, fed: Fed) {
        *self.0.borrow_mut() = Slot::In(fed);
    }
}

/// The future of one question to the driver: ready once the answer is in the slot.
struct Asked<'a>(&'a Link);

impl Future for Asked<'_> {
    type Output = Fed;

    fn poll(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<Fed> {
        let mut slot = self.0 .0.borrow_mut();
        match std::mem::take(&mut *slot) {
            Slot::In(fed) => Poll::Ready(fed),
            other => {
                *slot = other;
                Poll::Pending
            }
        }
    }
}

/// Where a running session stands after a step.
#[derive(Debug)]
pub enum Next<T> {
    /// The session needs this done; feed the result to the next `step`.
    Io(Io),
    /// The session ended.
    Done(T),
}

/// A session being driven step by step: feed it what it asked for, get what it asks next.
/// It holds the device's sync lock, if it took one, until it is dropped.
pub struct SessionRun<'a, T> {
    link: Link,
    session: Pin<Box<dyn Future<Output = T> + 'a>>,
    /// What the session asked and has not been answered yet.
    asked: Option<Io>,
    _running: Option<MutexGuard<'a, ()>>,
}

impl<'a, T> SessionRun<'a, T> {
    pub(super) fn new(
        link: Link,
        session: impl Future<Output = T> + 'a,
        running: Option<MutexGuard<'a, ()>>,
    ) -> Self {
        SessionRun {
            link,
            session: Box::pin(session),
            asked: None,
            _running: running,
        }
    }

    /// Runs the session until it asks for something or ends. `fed` answers the previous
    /// `Next::Io` (nothing on the first step); a step without the answer asks the same again.
    pub fn step(&mut self, fed: Option<Fed>) -> Next<T> {
        match (fed, &self.asked) {
            (Some(fed), _) => {
                self.asked = None;
                self.link.feed(fed);
            }
            (None, Some(asked)) => return Next::Io(asked.clone()),
            (None, None) => {}
        }
        let mut context = TaskContext::from_waker(Waker::noop());
        match self.session.as_mut().poll(&mut context) {
            Poll::Ready(done) => Next::Done(done),
            Poll::Pending => {
                let asked = self
                    .link
                    .take_out()
                    .expect("a session waits only on its link");
                self.asked = Some(asked.clone());
                Next::Io(asked)
            }
        }
    }
}

/// The thin loop over a real transport: send what the session asks, sleep its pauses.
pub(super) fn drive<T>(run: SessionRun<'_, T>, transport: &dyn Transport) -> T {
    drive_until(run, transport, &|| false).expect("never cancelled")
}

/// How often a pause looks whether the caller gave up.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// `drive`, stopping at the next safe point once `cancelled()` says so: before sending the
/// next request or during a pause, never between a request and the processing of its answer.
/// `None` if it stopped; the session is then dropped between two steps, where every change
/// it made is committed and the next session resumes from there.
pub(super) fn drive_until<T>(
    mut run: SessionRun<'_, T>,
    transport: &dyn Transport,
    cancelled: &dyn Fn() -> bool,
) -> Option<T> {
    let mut fed = None;
    loop {
        match run.step(fed.take()) {
            Next::Done(done) => return Some(done),
            Next::Io(_) if cancelled() => return None,
            Next::Io(Io::Send(request)) => fed = Some(Fed::Response(transport.send(&request))),
            Next::Io(Io::Wait(pause)) => {
                let until = std::time::Instant::now() + pause;
                while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
                    if cancelled() {
                        return None;
                    }
                    std::thread::sleep(left.min(CANCEL_POLL));
                }
                fed = Some(Fed::Waited);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// Answers every request with 200 and counts them.
    struct Counting(AtomicU32);

    impl Transport for Counting {
        fn send(&self, _: &Request) -> Result<Response, String> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Response {
                status: 200,
                body: Vec::new(),
            })
        }
    }

    fn three_calls_with_a_pause(link: Link) -> impl Future<Output = u32> {
        async move {
            let mut answered = 0;
            for round in 0..3 {
                let request = Request {
                    method: "GET",
                    path: format!("/{round}"),
                    headers: Vec::new(),
                    body: Vec::new(),
                };
                if link.send(request).await.is_ok() {
                    answered += 1;
                }
                link.wait(Duration::from_millis(120)).await;
            }
            answered
        }
    }

    #[test]
    fn a_cancelled_drive_stops_before_the_next_request_and_keeps_what_was_answered() {
        let transport = Counting(AtomicU32::new(0));
        let link = Link::default();
        let run = SessionRun::new(link.clone(), three_calls_with_a_pause(link), None);
        // Give up once the first answer is in: the pause after it is cut short and no
        // second request is sent.
        let asked = Cell::new(0);
        let cancelled = || {
            asked.set(asked.get() + 1);
            transport.0.load(Ordering::SeqCst) >= 1
        };
        let started = std::time::Instant::now();
        assert_eq!(drive_until(run, &transport, &cancelled), None);
        assert_eq!(transport.0.load(Ordering::SeqCst), 1);
        assert!(started.elapsed() < Duration::from_millis(100));

        let link = Link::default();
        let run = SessionRun::new(link.clone(), three_calls_with_a_pause(link), None);
        assert_eq!(drive_until(run, &transport, &|| false), Some(3));
    }
}
