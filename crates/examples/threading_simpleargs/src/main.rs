//! `threading_simpleargs.py`: pass an argument to the thread's target function,
//! Python's `Thread(target=worker, args=(i,))`.
//!
//! Five threads each print `Worker: N` with the number they were given. The
//! closure moves `i` into the thread, as `args=(i,)` hands it to Python's.
//!
//! ```text
//! cargo run -p threading_simpleargs
//! ```
//!
//! Output: the five lines `Worker: 0` to `Worker: 4`, in an order that can vary
//! from run to run. Each line is whole: unlike the tutorial's Python 2 run, whose
//! `print` wrote text and newline separately and so tore lines apart, Rust's
//! `println!` writes a line in one locked call.

use sync_kit::Thread;

/// thread worker function
fn worker(num: usize) {
    println!("Worker: {num}");
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let mut threads = Vec::new();
        for i in 0..5 {
            let t = Thread::new(move || worker(i));
            threads.push(t.clone());
            t.start()?;
        }
        Ok(())
    })
}
