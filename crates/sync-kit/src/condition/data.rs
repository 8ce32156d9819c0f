//! [`DataCondition`]: a [`Condition`] whose lock owns the data the waiters
//! wait on, reached only through the guard.
//!
//! Python keeps the state a condition guards beside it (`items = []` next to
//! `cond = Condition()`), and only convention says the lock protects it. Here
//! the data lives inside: `cond.lock()` returns a guard that derefs (mutably)
//! to it, and `wait`, `wait_timeout`, `wait_for` and the notifies are methods
//! of that guard, so none of them can be called without holding the lock and
//! none can fail (CPython's `cannot wait on un-acquired lock` is a type error).
//!
//! | Python | sync-kit |
//! |---|---|
//! | `cond = Condition(Lock())` and `items = []` beside it | [`DataCondition::new`]`(Vec::new())` (or [`Condition::with_value`]) |
//! | `with cond:` | `let mut items = cond.lock();` ([`DataConditionGuard`]) |
//! | `cond.wait()`, `cond.wait(t)` | [`DataConditionGuard::wait`], [`DataConditionGuard::wait_timeout`] |
//! | `cond.wait_for(pred, t)` | [`DataConditionGuard::wait_for`] (the predicate gets `&mut T`) |
//! | `cond.notify()`, `cond.notify(n)`, `cond.notify_all()` | [`DataConditionGuard::notify`], [`DataConditionGuard::notify_n`], [`DataConditionGuard::notify_all`] |
//!
//! # Why a plain `Lock` underneath, not Python's default `RLock`
//!
//! The guard gives `&mut T`, which a re-entrant lock cannot (its owner may hold
//! two guards at once). And a `wait` must release every level of the lock, but
//! an outer guard's borrow of the data would still be alive while another
//! thread changed it. A plain [`Lock`] has neither problem, and the usual
//! monitor loop, `while items.is_empty() { items.wait(); }`, needs no
//! re-entrancy. The guarantees are [`Condition`]'s (no spurious wake-ups, exact
//! counts oldest first, timeouts that never end early): the guard uses a
//! `Condition<Lock>` underneath.
//!
//! # Limits
//!
//! - The lock is the condition's own: two conditions cannot share one data
//!   lock (Python's `Condition(lock)` twice over one lock). Put both states in
//!   one `DataCondition`, or use [`Condition::with_lock`] and keep the data
//!   beside it.
//! - `DataCondition<T>` is `Sync` when `T: Send`; the guard is not `Send`.
//! - The data is not poisoned by a panic under the guard (nothing in sync-kit
//!   is): the next holder sees whatever the panicking thread left.
//!
//! ```
//! use std::sync::Arc;
//! use sync_kit::DataCondition;
//!
//! let items = Arc::new(DataCondition::new(Vec::new()));
//! let producer = {
//!     let items = Arc::clone(&items);
//!     std::thread::spawn(move || {
//!         let mut items = items.lock();
//!         items.push(42);
//!         items.notify();
//!     })
//! };
//! let mut got = items.lock();
//! while got.is_empty() {
//!     got.wait();
//! }
//! assert_eq!(got.pop(), Some(42));
//! # drop(got);
//! # producer.join().unwrap();
//! ```

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;
use std::time::Duration;

use super::{Condition, ConditionGuard, Truthy};
use crate::error::Result;
use crate::lock::Lock;
use crate::sync::lock_std;

/// A condition variable over a [`Lock`] that owns `T`; see the
/// [module documentation](crate::condition::data).
///
/// `const`-constructible, so it can be a `static`:
///
/// ```
/// use sync_kit::DataCondition;
///
/// static READY: DataCondition<bool> = DataCondition::new(false);
/// *READY.lock() = true;
/// assert!(*READY.lock());
/// ```
pub struct DataCondition<T> {
    cond: Condition<Lock>,
    /// The owned data. Locked only by a guard of `cond`'s lock's holder (and
    /// let go of while that guard waits), so never contended.
    data: std::sync::Mutex<T>,
}

impl Condition {
    crate::sync::loom_const_fn! {
        /// A condition over a plain [`Lock`] that owns `value`: the same as
        /// [`DataCondition::new`] (why not an `RLock`: see
        /// [`condition::data`](crate::condition::data)).
        ///
        /// ```
        /// let queue = sync_kit::Condition::with_value(vec![1, 2]);
        /// let mut items = queue.lock();
        /// assert_eq!(items.pop(), Some(2));
        /// items.notify(); // nobody waits: nothing happens
        /// ```
        #[track_caller]
        pub fn with_value<T>(value: T) -> DataCondition<T> {
            DataCondition::new(value)
        }
    }
}

impl<T> DataCondition<T> {
    crate::sync::loom_const_fn! {
        /// A condition over a new, unlocked lock that owns `value`.
        #[track_caller]
        pub fn new(value: T) -> Self {
            DataCondition {
                cond: Condition::from_lock(Lock::new()),
                data: std::sync::Mutex::new(value),
            }
        }
    }

    /// Blocks until the lock is acquired and returns a guard that derefs to the
    /// data and releases the lock when dropped, even during a panic (Python's
    /// `with cond:`).
    #[track_caller]
    pub fn lock(&self) -> DataConditionGuard<'_, T> {
        let held = self.cond.lock();
        DataConditionGuard::new(self, held)
    }

    /// Acquires the lock if it is free and returns its guard, without blocking.
    #[track_caller]
    pub fn try_lock(&self) -> Option<DataConditionGuard<'_, T>> {
        let held = self.cond.try_lock()?;
        Some(DataConditionGuard::new(self, held))
    }

    /// Waits up to `timeout` (scaled) for the lock and returns its guard, or
    /// `None` on timeout.
    #[track_caller]
    pub fn lock_timeout(&self, timeout: Duration) -> Option<DataConditionGuard<'_, T>> {
        let held = self.cond.lock_timeout(timeout)?;
        Some(DataConditionGuard::new(self, held))
    }

    /// Whether some thread holds the lock.
    pub fn locked(&self) -> bool {
        self.cond.underlying().locked()
    }

    /// How many threads are waiting right now.
    pub fn waiters(&self) -> usize {
        self.cond.waiters()
    }

    /// The owned data, taken out of the condition.
    pub fn into_inner(self) -> T {
        self.data
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The owned data, through an exclusive borrow (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        self.data
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<T: Default> Default for DataCondition<T> {
    fn default() -> Self {
        DataCondition::new(T::default())
    }
}

impl<T> fmt::Debug for DataCondition<T> {
    /// Python's repr of the condition: `<Condition(<lock repr>, waiters)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cond, f)
    }
}

/// Holds a [`DataCondition`]'s lock, derefs to its data, and waits and
/// notifies through it; releases the lock when dropped.
///
/// Not [`Send`]: the lock is released by the thread that took it.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct DataConditionGuard<'a, T> {
    cond: &'a DataCondition<T>,
    /// The data's inner guard; empty only inside a wait, which holds `&mut self`.
    /// Declared before `held` so it is dropped first: the next holder of the
    /// lock finds the data free.
    data: Option<MutexGuard<'a, T>>,
    held: ConditionGuard<'a, Lock>,
}

impl<'a, T> DataConditionGuard<'a, T> {
    fn new(cond: &'a DataCondition<T>, held: ConditionGuard<'a, Lock>) -> Self {
        DataConditionGuard {
            cond,
            data: Some(lock_std(&cond.data)),
            held,
        }
    }

    /// Lets go of the data, runs `wait` on the condition (which releases the
    /// lock and takes it back), then takes the data again.
    fn around_wait<R>(&mut self, wait: impl FnOnce(&Condition<Lock>) -> Result<R>) -> R {
        drop(self.data.take());
        let outcome = wait(&self.cond.cond);
        self.data = Some(lock_std(&self.cond.data));
        match outcome {
            Ok(value) => value,
            // The lock is private to this condition and this guard holds it, so
            // "cannot wait on un-acquired lock" cannot happen.
            Err(err) => unreachable!("DataCondition wait: {err}"),
        }
    }

    /// Releases the lock, waits until notified, and re-acquires it (Python's
    /// `wait()`). No spurious wake-ups; the data may have changed meanwhile.
    #[track_caller]
    pub fn wait(&mut self) {
        self.around_wait(Condition::wait);
    }

    /// Like [`DataConditionGuard::wait`] but gives up after `timeout` (scaled):
    /// `true` if notified, `false` if the time ran out. The lock is re-acquired
    /// either way.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cond = sync_kit::DataCondition::new(0);
    /// let mut guard = cond.lock();
    /// assert!(!guard.wait_timeout(Duration::from_millis(1)));
    /// *guard += 1; // still held
    /// ```
    #[track_caller]
    pub fn wait_timeout(&mut self, timeout: Duration) -> bool {
        self.around_wait(|cond| cond.wait_timeout(timeout))
    }

    /// Waits until `predicate` (given the data, with the lock held) returns a
    /// truthy value and returns it, or, once `timeout` (scaled; `None` =
    /// forever) has run out, returns its last (falsy) value (Python's
    /// `wait_for`). Semantics as [`Condition::wait_for`]: the predicate runs
    /// first, the timeout is one overall deadline.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cond = sync_kit::DataCondition::new(vec![7]);
    /// let mut items = cond.lock();
    /// assert_eq!(items.wait_for(|items| items.pop(), None), Some(7));
    /// let timeout = Some(Duration::from_millis(5));
    /// assert_eq!(items.wait_for(|items| items.pop(), timeout), None);
    /// ```
    #[track_caller]
    pub fn wait_for<R: Truthy>(
        &mut self,
        mut predicate: impl FnMut(&mut T) -> R,
        timeout: Option<Duration>,
    ) -> R {
        let data = &self.cond.data;
        // Each call runs with the condition's lock held (`Condition::wait_for`
        // promises it), so the data mutex is free for it.
        self.around_wait(|cond| cond.wait_for(|| predicate(&mut lock_std(data)), timeout))
    }

    /// Wakes the longest-waiting thread, if any (Python's `notify()`). It
    /// returns from its wait once it gets the lock back, so not before this
    /// guard is dropped or waits.
    pub fn notify(&self) {
        self.notify_n(1);
    }

    /// Wakes up to `n` waiting threads, oldest first: exactly `min(n, waiting)`
    /// (Python's `notify(n)`). `notify_n(0)` does nothing.
    pub fn notify_n(&self, n: usize) {
        // As in `around_wait`: the guard holds the lock, so this cannot fail.
        if let Err(err) = self.cond.cond.notify_n(n) {
            unreachable!("DataCondition notify: {err}");
        }
    }

    /// Wakes every waiting thread (Python's `notify_all()`).
    pub fn notify_all(&self) {
        if let Err(err) = self.cond.cond.notify_all() {
            unreachable!("DataCondition notify_all: {err}");
        }
    }
}

impl<T> Deref for DataConditionGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match &self.data {
            Some(data) => data,
            None => unreachable!("the data is let go of only inside a wait"),
        }
    }
}

impl<T> DerefMut for DataConditionGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.data {
            Some(data) => data,
            None => unreachable!("the data is let go of only inside a wait"),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for DataConditionGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataConditionGuard")
            .field("data", &**self)
            .field("cond", self.held.cond)
            .finish()
    }
}
