//! [`Run`]: the body of a thread given as a value (Python's `Thread` subclass).

/// The body of a thread: the Rust form of subclassing `Thread` and overriding
/// `run`. The value is moved into the new thread and dropped there when `run`
/// returns.
///
/// ```
/// use sync_kit::thread::{current_thread, Run, Thread};
///
/// struct MyThread {
///     args: (i32,),
/// }
///
/// impl Run for MyThread {
///     fn run(&mut self) {
///         println!("{} running with {:?}", current_thread().name(), self.args);
///     }
/// }
///
/// let t = Thread::from_run(MyThread { args: (1,) });
/// t.start()?;
/// t.join()?;
/// # Ok::<(), sync_kit::Error>(())
/// ```
pub trait Run: Send + 'static {
    /// The thread's work; runs once, on the new thread.
    fn run(&mut self);
}
