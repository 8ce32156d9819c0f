//! `queue_fifo.py`: a [`Queue`] hands its items out first in, first out.
//!
//! The numbers 0 to 4 go in, one after another, and come out in the same
//! order, each printed with `end=' '`.
//!
//! ```text
//! cargo run -p queue_fifo
//! ```
//!
//! Output: nothing varies (`0 1 2 3 4 `, with Python's trailing space).

use sync_kit::Queue;

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let q = Queue::new();

        for i in 0..5 {
            q.put(i)?;
        }

        while !q.empty() {
            print!("{} ", q.get()?);
        }
        println!();
        Ok(())
    })
}
