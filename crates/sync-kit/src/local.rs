//! Python's `threading.local`: one object, a separate value in every thread.
//!
//! ```
//! use sync_kit::Local;
//!
//! let data: Local<u32> = Local::new();
//! assert_eq!(data.get(), None); // Python: AttributeError, "No value yet"
//! data.set(1000);
//! std::thread::scope(|s| {
//!     s.spawn(|| assert_eq!(data.get(), None)); // another thread sees its own value
//! });
//! assert_eq!(data.get(), Some(1000));
//! ```
//!
//! A subclass of `threading.local` whose `__init__` sets defaults becomes
//! [`Local::with_init`]: the init function runs once in each thread, the first
//! time that thread touches the object, so every thread starts from the same
//! defaults (the seed's `MyLocal.__init__`).
//!
//! Guarantees:
//! - a thread never sees another thread's value, and a value is never handed to
//!   a later thread (thread idents are never reused);
//! - a thread's value is dropped when that thread ends: for threads started by
//!   sync-kit, before the thread counts as finished (so `join` and shutdown wait
//!   for the drop); for other threads, when their thread-local storage is torn
//!   down. Dropping the `Local` drops the values of every thread;
//! - the init function runs at most once per thread, even if the value is
//!   later taken away (as Python does not re-run `__init__` after `del`).
//!
//! Deliberate difference: Python runs a subclass's `__init__` eagerly in the
//! creating thread; sync-kit runs it on first access there too, which prints the
//! same output for the same program and needs no special case.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, Weak};

use crate::sync::lock_std as lock;
use crate::thread::get_ident;

type Init<T> = Box<dyn Fn(&Local<T>) -> T + Send + Sync>;

/// A value per thread. See the [module docs](self).
pub struct Local<T: Send + 'static> {
    slots: Arc<Slots<T>>,
    init: Option<Init<T>>,
}

/// One entry per thread that touched the object; `None` once taken (or while
/// the init function runs).
struct Slots<T> {
    by_thread: Mutex<HashMap<u64, Option<T>>>,
}

/// What a thread remembers so its values can be dropped when it ends.
trait Forget: Send + Sync {
    fn forget(&self, ident: u64);
}

impl<T: Send> Forget for Slots<T> {
    fn forget(&self, ident: u64) {
        let value = lock(&self.by_thread).remove(&ident);
        // Dropped outside the lock: a destructor may touch this Local again.
        drop(value);
    }
}

/// The locals the current thread holds a value in.
struct Held(RefCell<Vec<Weak<dyn Forget>>>);

impl Drop for Held {
    fn drop(&mut self) {
        forget_all(self.0.get_mut());
    }
}

thread_local! {
    static HELD: Held = const { Held(RefCell::new(Vec::new())) };
}

fn forget_all(held: &mut Vec<Weak<dyn Forget>>) {
    let ident = get_ident();
    for slots in held.drain(..) {
        if let Some(slots) = slots.upgrade() {
            slots.forget(ident);
        }
    }
}

/// Drops every value the calling thread stored in any [`Local`]. Called by a
/// sync-kit thread as its body returns.
pub(crate) fn clear_current_thread() {
    // Taken first so a destructor that touches a Local starts a new list.
    let mut held = HELD
        .try_with(|held| std::mem::take(&mut *held.0.borrow_mut()))
        .unwrap_or_default();
    forget_all(&mut held);
}

impl<T: Send + 'static> Local<T> {
    /// An object with no value in any thread until that thread sets one.
    pub fn new() -> Self {
        Local {
            slots: Arc::new(Slots {
                by_thread: Mutex::new(HashMap::new()),
            }),
            init: None,
        }
    }

    /// An object whose value in each thread starts as `init(self)`, computed the
    /// first time that thread touches it.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use sync_kit::Local;
    ///
    /// static INITS: AtomicUsize = AtomicUsize::new(0);
    /// let data = Local::with_init(|_| {
    ///     INITS.fetch_add(1, Ordering::Relaxed);
    ///     1000
    /// });
    /// assert_eq!(data.get(), Some(1000));
    /// std::thread::scope(|s| {
    ///     s.spawn(|| {
    ///         assert_eq!(data.get(), Some(1000));
    ///         data.set(58);
    ///         assert_eq!(data.get(), Some(58));
    ///     });
    /// });
    /// assert_eq!(data.get(), Some(1000));
    /// assert_eq!(INITS.load(Ordering::Relaxed), 2); // once per thread
    /// ```
    pub fn with_init(init: impl Fn(&Local<T>) -> T + Send + Sync + 'static) -> Self {
        Local {
            init: Some(Box::new(init)),
            ..Local::new()
        }
    }

    /// Makes sure the calling thread has its entry, running the init function if
    /// this is the thread's first touch.
    fn touch(&self, ident: u64) {
        {
            let mut by_thread = lock(&self.slots.by_thread);
            if by_thread.contains_key(&ident) {
                return;
            }
            // Claim the entry before running init, so init runs once even if it
            // touches this object itself.
            by_thread.insert(ident, None);
        }
        let slots: Arc<dyn Forget> = self.slots.clone();
        let weak = Arc::downgrade(&slots);
        let _ = HELD.try_with(|held| held.0.borrow_mut().push(weak));
        if let Some(init) = &self.init {
            let value = init(self);
            lock(&self.slots.by_thread).insert(ident, Some(value));
        }
    }

    /// Calls `f` with the calling thread's value (`None` if it has none).
    pub fn with<R>(&self, f: impl FnOnce(Option<&mut T>) -> R) -> R {
        let ident = get_ident();
        self.touch(ident);
        let mut by_thread = lock(&self.slots.by_thread);
        f(by_thread.get_mut(&ident).and_then(Option::as_mut))
    }

    /// A copy of the calling thread's value, or `None` (Python's AttributeError).
    pub fn get(&self) -> Option<T>
    where
        T: Clone,
    {
        self.with(|value| value.cloned())
    }

    /// Sets the calling thread's value and returns the previous one.
    pub fn set(&self, value: T) -> Option<T> {
        let ident = get_ident();
        self.touch(ident);
        lock(&self.slots.by_thread)
            .insert(ident, Some(value))
            .flatten()
    }

    /// Removes the calling thread's value (Python's `del data.value`).
    pub fn take(&self) -> Option<T> {
        let ident = get_ident();
        self.touch(ident);
        lock(&self.slots.by_thread)
            .get_mut(&ident)
            .and_then(Option::take)
    }
}

impl<T: Send + 'static> Default for Local<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + 'static> Local<T> {
    /// Python's `id()`: a number unique among live objects, the same in every
    /// thread and for the object's whole life, even if the `Local` is moved.
    ///
    /// ```
    /// let data: sync_kit::Local<u8> = sync_kit::Local::new();
    /// let id = data.id();
    /// let moved = vec![data];
    /// assert_eq!(moved[0].id(), id);
    /// println!("<__main__.MyLocal object at {id:#x}>");
    /// ```
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.slots) as *const () as usize
    }
}

/// Python's repr: `<sync_kit.Local object at 0x55d0c3a0e2b0>`.
impl<T: Send + 'static> fmt::Debug for Local<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<sync_kit.Local object at {:#x}>", self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct CountsDrops(Arc<AtomicUsize>);

    impl Drop for CountsDrops {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn values_drop_when_their_thread_ends() {
        let drops = Arc::new(AtomicUsize::new(0));
        let local = Arc::new(Local::new());
        for _ in 0..20 {
            let (local, drops) = (Arc::clone(&local), Arc::clone(&drops));
            std::thread::spawn(move || {
                local.set(CountsDrops(drops));
            })
            .join()
            .unwrap();
        }
        assert_eq!(drops.load(Ordering::SeqCst), 20);
        assert!(lock(&local.slots.by_thread).is_empty());
    }

    #[test]
    fn dropping_the_object_drops_every_threads_value() {
        let drops = Arc::new(AtomicUsize::new(0));
        let local = Arc::new(Local::new());
        local.set(CountsDrops(Arc::clone(&drops)));
        let (there, counter) = (Arc::clone(&local), Arc::clone(&drops));
        // Joined (not scoped): join waits for thread-local teardown too.
        std::thread::spawn(move || there.set(CountsDrops(counter)))
            .join()
            .unwrap();
        // The other thread's value went with the thread.
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert_eq!(Arc::strong_count(&local), 1, "last handle");
        drop(local);
        assert_eq!(drops.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn init_does_not_run_again_after_take() {
        let inits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&inits);
        let local = Local::with_init(move |_| counter.fetch_add(1, Ordering::SeqCst));
        assert_eq!(local.take(), Some(0));
        assert_eq!(local.get(), None);
        assert_eq!(inits.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn init_that_reads_itself_sees_no_value_and_runs_once() {
        let local: Local<u8> = Local::with_init(|me| {
            assert_eq!(me.get(), None);
            7
        });
        assert_eq!(local.get(), Some(7));
    }

    #[test]
    fn id_is_stable_across_moves_and_threads() {
        let local: Local<u8> = Local::new();
        let before = local.id();
        let moved = [local];
        assert_eq!(moved[0].id(), before);
        let there = std::thread::scope(|s| s.spawn(|| moved[0].id()).join().unwrap());
        assert_eq!(there, before);
        assert!(format!("{:?}", moved[0]).ends_with(&format!("{before:#x}>")));
    }
}
