//! [`LifoQueue`] and [`PriorityQueue`]: a [`Queue`] over another [`Store`](super::Store).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;

use super::Queue;

macro_rules! queue_kind {
    ($(#[$doc:meta])* $name:ident<$t:ident> where [$($bound:tt)+], $store:ty) => {
        $(#[$doc])*
        ///
        /// Every method of [`Queue`] is available through `Deref`.
        pub struct $name<$t: $($bound)+>(Queue<$t, $store>);

        impl<$t: $($bound)+> $name<$t> {
            /// An unbounded queue.
            pub fn new() -> Self {
                $name(Queue::with_store(0))
            }

            /// A queue that holds at most `maxsize` items; 0 means unbounded.
            pub fn with_maxsize(maxsize: usize) -> Self {
                $name(Queue::with_store(maxsize))
            }
        }

        impl<$t: $($bound)+> Default for $name<$t> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<$t: $($bound)+> std::ops::Deref for $name<$t> {
            type Target = Queue<$t, $store>;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl<$t: $($bound)+> fmt::Debug for $name<$t> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }
    };
}

queue_kind!(
    /// Python's `LifoQueue`: the last item put is the first got.
    LifoQueue<T> where [Send],
    Vec<T>
);

queue_kind!(
    /// Python's `PriorityQueue`: the lowest item (by [`Ord`]) is got first.
    PriorityQueue<T> where [Ord + Send],
    BinaryHeap<Reverse<T>>
);
