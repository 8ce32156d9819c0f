//! `queue_lifo.py`: a [`LifoQueue`] hands its items out last in, first out.
//!
//! The numbers 0 to 4 go in, one after another, and come out in reverse
//! order, each printed with `end=' '`: the last one put is the first got.
//!
//! ```text
//! cargo run -p queue_lifo
//! ```
//!
//! Output: nothing varies (`4 3 2 1 0 `, with Python's trailing space).

use sync_kit::LifoQueue;

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let q = LifoQueue::new();

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
