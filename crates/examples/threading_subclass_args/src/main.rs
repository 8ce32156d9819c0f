//! `threading_subclass_args.py`: a thread type that keeps the arguments it was
//! built with, since a subclass cannot reach `Thread`'s private `args` and
//! `kwargs`.
//!
//! `MyThreadWithArgs` stores `args` and `kwargs` and implements
//! [`sync_kit::thread::Run`]; its `run` logs them as Python shows them, a tuple
//! `(0,)` and a dict `{'a': 'A', 'b': 'B'}`. As in the script, the `name`
//! parameter is dropped, so the threads are `Thread-1` to `Thread-5`.
//!
//! ```text
//! cargo run -p threading_subclass_args
//! ```
//!
//! Output: five `running with (N,) and {'a': 'A', 'b': 'B'}` lines on stderr,
//! thread `Thread-K` always with `N = K - 1`; their order can vary.

use log::debug;
use sync_kit::Thread;
use sync_kit::logging::{LevelFilter, basic_config};
use sync_kit::thread::Run;

struct MyThreadWithArgs {
    args: (usize,),
    kwargs: Vec<(&'static str, &'static str)>,
}

impl Run for MyThreadWithArgs {
    fn run(&mut self) {
        debug!(
            "running with {} and {}",
            repr_tuple(self.args),
            repr_dict(&self.kwargs)
        );
    }
}

/// Python's `repr()` of a one-element tuple of an int: `(0,)`.
fn repr_tuple(args: (usize,)) -> String {
    format!("({},)", args.0)
}

/// Python's `repr()` of a dict of plain strings, in insertion order.
fn repr_dict(items: &[(&str, &str)]) -> String {
    let items: Vec<String> = items.iter().map(|(k, v)| format!("'{k}': '{v}'")).collect();
    format!("{{{}}}", items.join(", "))
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        basic_config(LevelFilter::Debug, "(%(threadName)-10s) %(message)s")?;

        for i in 0..5 {
            let t = Thread::from_run(MyThreadWithArgs {
                args: (i,),
                kwargs: vec![("a", "A"), ("b", "B")],
            });
            t.start()?;
        }
        Ok(())
    })
}
