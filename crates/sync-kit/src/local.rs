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
//!   for the drop, including values that destructors store while it happens);
//!   for other threads, when their thread-local storage is torn down. Dropping
//!   the `Local` drops the values of every thread;
//! - no user code (init function, `with` closure, `Clone`, `Drop`) runs while
//!   sync-kit holds a lock, so any of them may use the same `Local` again (see
//!   [`Local::with`] for what they see) and a destructor may log or call
//!   [`current_thread`](crate::current_thread);
//! - a panicking destructor of a value is reported like any panic and does not
//!   stop the other values from being dropped, nor the thread from finishing;
//! - a thread keeps a record only of the live `Local`s it holds a value in:
//!   a dropped `Local` removes itself from every thread, so a long-lived thread
//!   touching many short-lived `Local`s does not grow;
//! - the init function runs at most once per thread, even if the value is
//!   later taken away (as Python does not re-run `__init__` after `del`).
//!
//! Limit: on a thread sync-kit did not start (a `Dummy-N` thread) that stores
//! a value first and is only then given its thread object by a direct call
//! such as [`current_thread`](crate::current_thread) (logging is handled), a
//! destructor run at thread-local teardown that asks for its thread finds the
//! object already gone; the panic this raises is contained (reported, the
//! process goes on) instead of aborting the process. Threads started by
//! sync-kit and the main thread always drop their values while their thread
//! object is alive.
//!
//! Deliberate difference: Python runs a subclass's `__init__` eagerly in the
//! creating thread; sync-kit runs it on first access there too, which prints the
//! same output for the same program and needs no special case.

mod record;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use crate::sync::lock_std as lock;
use crate::thread::get_ident;
use record::{Forget, Record, current_record};
pub(crate) use record::{clear_current_thread, thread_known};

type Init<T> = Box<dyn Fn(&Local<T>) -> T + Send + Sync>;

/// A value per thread. See the [module docs](self).
pub struct Local<T: Send + 'static> {
    slots: Arc<Slots<T>>,
    init: Option<Init<T>>,
}

/// The values of one `Local`, one entry per thread that touched it.
struct Slots<T> {
    serial: u64,
    by_thread: Mutex<HashMap<u64, Entry<T>>>,
}

/// One thread's entry in one `Local`.
struct Entry<T> {
    /// The value the thread sees; while lent, only what was written meanwhile.
    value: Option<T>,
    /// The value is out with an init function or a `with` closure.
    lent: bool,
    /// Something was stored or taken while lent: that write wins over the lent value.
    written: bool,
    /// The thread's record, so a dropped `Local` can remove itself from it.
    owner: Weak<Record>,
}

impl<T: Send> Forget for Slots<T> {
    fn forget(&self, ident: u64) {
        let entry = lock(&self.by_thread).remove(&ident);
        // Dropped outside the lock: a destructor may touch this Local again.
        drop(entry);
    }
}

impl<T> Drop for Slots<T> {
    fn drop(&mut self) {
        let by_thread = std::mem::take(
            self.by_thread
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        for entry in by_thread.values() {
            if let Some(owner) = entry.owner.upgrade() {
                lock(&owner.locals).remove(&self.serial);
            }
        }
        // Every thread's value goes with the object, outside any lock.
        drop(by_thread);
    }
}

static SERIAL: AtomicU64 = AtomicU64::new(1);

/// A thread's value out of its entry while an init function or a `with`
/// closure has it; put back when dropped, even on a panic.
struct Lend<'a, T> {
    slots: &'a Slots<T>,
    ident: u64,
    value: Option<T>,
    /// The entry's `lent` and `written` before this lend (lends nest).
    outer: (bool, bool),
}

impl<'a, T> Lend<'a, T> {
    /// Lends the thread's value out of its entry; `None` if it has no entry yet.
    fn start(slots: &'a Slots<T>, ident: u64) -> Option<Self> {
        let mut by_thread = lock(&slots.by_thread);
        let entry = by_thread.get_mut(&ident)?;
        let outer = (entry.lent, entry.written);
        entry.lent = true;
        entry.written = false;
        Some(Lend {
            slots,
            ident,
            value: entry.value.take(),
            outer,
        })
    }
}

impl<T> Drop for Lend<'_, T> {
    fn drop(&mut self) {
        let lent = self.value.take();
        let discarded = match lock(&self.slots.by_thread).get_mut(&self.ident) {
            Some(entry) => {
                let written = entry.written;
                let (outer_lent, outer_written) = self.outer;
                entry.lent = outer_lent;
                entry.written = outer_lent && (outer_written || written);
                if written {
                    lent
                } else {
                    entry.value = lent;
                    None
                }
            }
            None => lent,
        };
        // Outside the lock: the destructor may touch this Local.
        drop(discarded);
    }
}

impl<T: Send + 'static> Local<T> {
    /// An object with no value in any thread until that thread sets one.
    pub fn new() -> Self {
        Local {
            slots: Arc::new(Slots {
                serial: SERIAL.fetch_add(1, Ordering::Relaxed),
                by_thread: Mutex::new(HashMap::new()),
            }),
            init: None,
        }
    }

    /// An object whose value in each thread starts as `init(self)`, computed the
    /// first time that thread touches it.
    ///
    /// While `init` runs, the object reads as empty in that thread; a value
    /// `init` stores in it itself replaces the one `init` returns.
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
        if lock(&self.slots.by_thread).contains_key(&ident) {
            return;
        }
        // Outside the lock: the first call in a thread may set up its record.
        let record = current_record();
        {
            let mut by_thread = lock(&self.slots.by_thread);
            if by_thread.contains_key(&ident) {
                return; // an init or destructor on this thread got here first
            }
            // Claimed before init runs, so init runs once even if it touches
            // this object itself.
            by_thread.insert(
                ident,
                Entry {
                    value: None,
                    lent: false,
                    written: false,
                    owner: record.as_ref().map_or_else(Weak::new, Arc::downgrade),
                },
            );
        }
        if let Some(record) = &record {
            let slots: Arc<dyn Forget> = self.slots.clone();
            lock(&record.locals).insert(self.slots.serial, Arc::downgrade(&slots));
        }
        if let Some(init) = &self.init {
            if let Some(mut lend) = Lend::start(&self.slots, ident) {
                lend.value = Some(init(self));
            }
        }
    }

    /// Calls `f` with the calling thread's value (`None` if it has none).
    ///
    /// The value is lent to `f`: while `f` runs, this object reads as empty in
    /// this thread (`get`, `take` and a nested `with` see no value). A value
    /// `f` stores through [`set`](Self::set) (or removes with
    /// [`take`](Self::take)) while it runs is the newer write and wins: the
    /// value `f` was lent is dropped when `f` returns. Otherwise the lent value,
    /// with `f`'s changes, is put back, also if `f` panics.
    ///
    /// ```
    /// let counter = sync_kit::Local::with_init(|_| 0u32);
    /// counter.with(|n| *n.expect("initialised") += 1);
    /// assert_eq!(counter.get(), Some(1));
    ///
    /// // Using the same object inside the closure neither deadlocks nor panics:
    /// let names: sync_kit::Local<String> = sync_kit::Local::new();
    /// names.with(|name| {
    ///     if name.is_none() {
    ///         names.set("first".to_owned()); // stored: the closure had no value
    ///     }
    /// });
    /// assert_eq!(names.get().as_deref(), Some("first"));
    /// ```
    pub fn with<R>(&self, f: impl FnOnce(Option<&mut T>) -> R) -> R {
        let ident = get_ident();
        // One lock on the common path: the entry is there after the first touch.
        let lend = Lend::start(&self.slots, ident).or_else(|| {
            self.touch(ident);
            Lend::start(&self.slots, ident)
        });
        match lend {
            Some(mut lend) => f(lend.value.as_mut()),
            None => f(None), // not reached: `touch` made the entry
        }
    }

    /// A copy of the calling thread's value, or `None` (Python's AttributeError).
    pub fn get(&self) -> Option<T>
    where
        T: Clone,
    {
        // Through a lend: `clone` is user code and runs outside the lock.
        self.with(|value| value.cloned())
    }

    /// Sets the calling thread's value and returns the previous one.
    pub fn set(&self, value: T) -> Option<T> {
        self.write(|slot| slot.replace(value))
    }

    /// Removes the calling thread's value (Python's `del data.value`).
    pub fn take(&self) -> Option<T> {
        self.write(Option::take)
    }

    /// Changes the calling thread's visible value; what `change` returns is
    /// dropped by the caller, outside the lock.
    fn write(&self, change: impl FnOnce(&mut Option<T>) -> Option<T>) -> Option<T> {
        let ident = get_ident();
        let mut by_thread = lock(&self.slots.by_thread);
        if !by_thread.contains_key(&ident) {
            drop(by_thread);
            self.touch(ident); // may run init: outside the lock
            by_thread = lock(&self.slots.by_thread);
        }
        let entry = by_thread.get_mut(&ident)?;
        entry.written |= entry.lent;
        change(&mut entry.value)
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
mod tests;
