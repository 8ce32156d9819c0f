//! A whole program under the simulator: `SYNC_KIT_SIM` read by
//! [`crate::main`], the end-of-run report file, the deadlock exit and the
//! watchdog for threads that left sync-kit's control.

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::schedule::{Config, SIM_VAR, encode};
use super::world::World;
use super::{ENABLED, SEAT, Seat};
use crate::error::{Error, ErrorKind, Result};

/// The file a simulated program writes its schedule and outcome to when it ends.
pub const REPORT_VAR: &str = "SYNC_KIT_SIM_REPORT";
/// Seconds of real time without a scheduling point before the watchdog stops
/// the run (default 5; `0` turns the watchdog off).
pub const WATCHDOG_VAR: &str = "SYNC_KIT_SIM_WATCHDOG";
/// Exit status of a simulated program that deadlocked.
pub const DEADLOCK_EXIT_CODE: i32 = 3;
/// Exit status of a simulated program whose running thread left sync-kit's
/// control (the watchdog fired).
pub const STALL_EXIT_CODE: i32 = 4;

static PROCESS_WORLD: OnceLock<Arc<World>> = OnceLock::new();

/// Reads `SYNC_KIT_SIM` and, if set, makes the calling (main) thread the first
/// thread of a simulated run. Called by [`crate::main`] before the body.
pub(crate) fn init_from_env() -> Result<()> {
    let text = match std::env::var(SIM_VAR) {
        Ok(text) if text.trim().is_empty() => return Ok(()),
        Ok(text) => text,
        Err(std::env::VarError::NotPresent) => return Ok(()),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Error::new(
                ErrorKind::Environment,
                format!("{SIM_VAR} is not valid UTF-8"),
            ));
        }
    };
    let config = Config::parse(&text)?;
    let watchdog = watchdog_limit()?;
    if PROCESS_WORLD.get().is_some() || super::seat().is_some() {
        return Ok(());
    }
    let world = Arc::new(World::new(config, "MainThread", true));
    crate::observe::enable(crate::observe::HOLDERS | crate::observe::LOCKDEP | crate::observe::SIM);
    let _ = PROCESS_WORLD.set(Arc::clone(&world));
    ENABLED.store(true, Ordering::SeqCst);
    SEAT.with(|slot| {
        *slot.borrow_mut() = Some(Seat {
            world: Arc::clone(&world),
            tid: 0,
        })
    });
    if let Some(limit) = watchdog {
        let world = Arc::clone(&world);
        let _ = std::thread::Builder::new()
            .name("sync-kit-watchdog".into())
            .spawn(move || watch(&world, limit));
    }
    Ok(())
}

fn watchdog_limit() -> Result<Option<Duration>> {
    match std::env::var(WATCHDOG_VAR) {
        Err(_) => Ok(Some(Duration::from_secs(5))),
        Ok(text) => match text.trim().parse::<f64>() {
            Ok(0.0) => Ok(None),
            Ok(secs) if secs.is_finite() && secs > 0.0 => Ok(Some(Duration::from_secs_f64(secs))),
            _ => Err(Error::new(
                ErrorKind::Environment,
                format!("{WATCHDOG_VAR}={text:?} is not usable: expected seconds (0 turns it off)"),
            )),
        },
    }
}

/// Called at the end of [`crate::main`]: the run is over; write its report.
pub(crate) fn end_process() {
    let Some(world) = PROCESS_WORLD.get() else {
        return;
    };
    world.lock().ended = true;
    if let Some(divergence) = world.divergence() {
        eprintln!("sync-kit: {divergence}");
    }
    write_report(world, "completed");
}

fn write_report(world: &World, outcome: &str) {
    let Ok(path) = std::env::var(REPORT_VAR) else {
        return;
    };
    let st = world.lock();
    let text = format!(
        "config={}\nschedule={}\nsteps={}\nchoices={}\nvirtual_ns={}\noutcome={outcome}\n",
        world.config.to_env(),
        encode(world.config.seed, &st.choices),
        st.steps,
        st.choices.len(),
        st.clock,
    );
    drop(st);
    if let Err(err) = std::fs::write(&path, text) {
        eprintln!("sync-kit: cannot write {REPORT_VAR}={path:?}: {err}");
    }
}

/// Prints the deadlock report and ends the process.
pub(super) fn exit_deadlocked(world: &World, report: &str) -> ! {
    let _ = std::io::stdout().flush();
    eprintln!("{report}");
    crate::observe::finish();
    write_report(world, "deadlock");
    std::process::exit(DEADLOCK_EXIT_CODE);
}

fn watch(world: &World, limit: Duration) {
    loop {
        std::thread::sleep(Duration::from_millis(100).min(limit));
        let st = world.lock();
        if st.ended || st.dead.is_some() {
            return;
        }
        if st.last_step_at.elapsed() < limit {
            continue;
        }
        let Some(slot) = st.slots.get(st.current) else {
            continue;
        };
        let message = format!(
            "sync-kit: simulation stalled: thread {:?} reached no sync-kit operation for {:.1}s of real time. \
             It is blocked outside sync-kit's control (a std lock, I/O, std::thread::sleep, a channel) or \
             busy computing; the simulator cannot schedule around it ({WATCHDOG_VAR}=0 turns this check off).\n\
             replay: {SIM_VAR}=replay:{}",
            slot.name,
            st.last_step_at.elapsed().as_secs_f64(),
            encode(world.config.seed, &st.choices)
        );
        drop(st);
        let _ = std::io::stdout().flush();
        eprintln!("{message}");
        write_report(world, "stalled");
        std::process::exit(STALL_EXIT_CODE);
    }
}
