//! SIGKILL at moments spread over a command's measured run, for the tests that show a change
//! is wholly done or wholly undone whatever moment it is killed at.

use std::process::Child;
use std::time::Duration;

/// Runs `n` kill rounds with delays spread over `full_us` (a run measured just before, and a
/// little past its end). `round(i, delay)` starts the command, kills it after `delay` (see
/// [`kill_after`]), checks the project and says whether the change was done. When one
/// outcome was never seen (the machine slower or faster now than when the run was measured),
/// up to 20 more rounds follow, later or earlier each time. Returns (done, undone, rounds).
pub fn spread(
    n: u64,
    full_us: u64,
    mut round: impl FnMut(u64, Duration) -> bool,
) -> (u64, u64, u64) {
    let (mut done, mut undone) = (0, 0);
    let mut i = 0u64;
    while i < n || ((done == 0 || undone == 0) && i < n + 20) {
        let delay = if i < n {
            // Deterministic per round, scattered over the run.
            full_us * (i * 37 % 61) / 50
        } else if done == 0 {
            full_us * (i + 2 - n)
        } else {
            full_us * (i - n) / 200
        };
        i += 1;
        if round(i, Duration::from_micros(delay)) {
            done += 1;
        } else {
            undone += 1;
        }
    }
    (done, undone, i)
}

/// Waits `delay`, then kills `child` with SIGKILL and reaps it.
pub fn kill_after(mut child: Child, delay: Duration) {
    std::thread::sleep(delay);
    let _ = child.kill();
    let _ = child.wait();
}
