//! [`Builder`]: a thread's name, daemon flag and stack size, set before the
//! thread object is created.

use super::{Kind, Run, Thread, registry};
use crate::sync::lock_std as lock;

/// A closure as a thread body.
struct Target<F>(Option<F>);

impl<F: FnOnce() + Send + 'static> Run for Target<F> {
    fn run(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

/// Configures a thread before it is created: name, daemon flag, stack size.
///
/// ```
/// use sync_kit::thread::Thread;
/// let t = Thread::builder()
///     .name("my_service")
///     .daemon(true)
///     .stack_size(256 * 1024)
///     .target(|| {});
/// assert_eq!(t.name(), "my_service");
/// assert!(t.daemon());
/// ```
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until `target` or `runner` creates the thread"]
pub struct Builder {
    name: Option<String>,
    daemon: Option<bool>,
    stack_size: Option<usize>,
}

impl Builder {
    /// A builder with Python's defaults: automatic name, inherited daemon flag.
    pub fn new() -> Self {
        Self::default()
    }

    /// The thread's name. An empty name means "pick `Thread-N`", as in Python.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The daemon flag; without this call it is copied from the current thread.
    pub fn daemon(mut self, daemon: bool) -> Self {
        self.daemon = Some(daemon);
        self
    }

    /// The stack size of the new thread in bytes, overriding [`stack_size`](super::stack_size())'s
    /// default. Sizes below the platform's minimum are raised to it by std; a
    /// size the OS cannot give makes [`Thread::start`] fail with
    /// [`ErrorKind::Spawn`](crate::ErrorKind::Spawn).
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// Creates the thread (not started) that will call `f`.
    pub fn target<F>(self, f: F) -> Thread
    where
        F: FnOnce() + Send + 'static,
    {
        self.runner(Target(Some(f)))
    }

    /// Creates the thread (not started) that will call `body.run()`.
    pub fn runner(self, body: impl Run) -> Thread {
        let name = match self.name {
            Some(name) if !name.is_empty() => name,
            _ => format!("Thread-{}", registry::next_name_number()),
        };
        let daemon = self.daemon.unwrap_or_else(|| {
            crate::sim::root_daemon_flag().unwrap_or_else(|| registry::current_thread().daemon())
        });
        let thread = Thread::with_parts(Kind::Spawned, name.into(), daemon, self.stack_size);
        *lock(&thread.inner.body) = Some(Box::new(body));
        thread
    }
}
