//! `queue_priority.py`: a [`PriorityQueue`] hands out the job with the lowest
//! priority number first, to two daemon worker threads.
//!
//! Three jobs are queued (priorities 3, 10, 1), then two workers start, each
//! taking jobs in a loop and marking them done; the main thread's `q.join()`
//! returns once all three are done, and the program ends without waiting for
//! the daemon workers, still blocked in `get`. `Job` compares by priority only,
//! like the script's `@functools.total_ordering` class.
//!
//! ```text
//! cargo run -p queue_priority
//! ```
//!
//! Output varies: the order of the three `Processing job:` lines. The jobs are
//! taken in priority order, but two workers print them, so the lines can come
//! in another order.

use std::cmp::Ordering;
use std::sync::Arc;

use sync_kit::{PriorityQueue, Thread};

struct Job {
    priority: u32,
    description: String,
}

impl Job {
    fn new(priority: u32, description: &str) -> Job {
        println!("New job: {description}");
        Job {
            priority,
            description: description.to_owned(),
        }
    }
}

impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        self.priority == other.priority
    }
}

impl Eq for Job {}

impl PartialOrd for Job {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Job {
    fn cmp(&self, other: &Self) -> Ordering {
        self.priority.cmp(&other.priority)
    }
}

fn process_job(q: &PriorityQueue<Job>) -> sync_kit::Result<()> {
    loop {
        let next_job = q.get()?;
        println!("Processing job: {}", next_job.description);
        q.task_done()?;
    }
}

fn main() -> anyhow::Result<()> {
    sync_kit::main(|| {
        let q = Arc::new(PriorityQueue::new());

        q.put(Job::new(3, "Mid-level job"))?;
        q.put(Job::new(10, "Low-level job"))?;
        q.put(Job::new(1, "Important job"))?;

        let workers: Vec<Thread> = (0..2)
            .map(|_| {
                let q = Arc::clone(&q);
                Thread::new(move || {
                    // Nobody shuts the queue down: the loop ends with the process.
                    process_job(&q).expect("one get before each task_done");
                })
            })
            .collect();
        for w in &workers {
            w.set_daemon(true)?;
            w.start()?;
        }

        q.join();
        Ok(())
    })
}
